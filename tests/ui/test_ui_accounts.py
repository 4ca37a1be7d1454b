"""账号管理 (the account administrator's screens): 用户账号 records a registrar's training-assessment
date (rules.md §1.4) and the registrar's home page and registering calls follow it; 数据交换客户端
shows a new client's secret once, resets a lost one (shown once in the same panel) and changes a
client's scopes, jurisdiction and name. Only `admin` sees or uses them. Accounts made here have unique
names: the suite is shared by every UI test."""
from __future__ import annotations

import datetime as dt
import re
import time
import uuid

import httpx
from playwright.sync_api import expect

from gateway.accounts.qualification import years_after
from tests.ui.support import BUREAU_TZ, OFFICE, PASSWORD, Couple, api_token, shot, sign_in, sign_out, today


def _unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def _row(page, username: str):
    return page.locator(f'#users-table tr[data-username="{username}"]')


def _stored(page) -> str:
    """Everything the tab keeps: its local and session storage."""
    return page.evaluate("() => JSON.stringify([{...localStorage}, {...sessionStorage}])")


def _register(url: str, token: str) -> httpx.Response:
    couple = Couple.new()
    return httpx.post(f"{url}/v1/marriages:register", headers={"Authorization": f"Bearer {token}"}, timeout=10,
                      json={"officeCode": OFFICE, "declarations": {"noSpouse": True, "noProhibitedKinship": True},
                            "parties": [{"idNumber": couple.man_id, "name": couple.man},
                                        {"idNumber": couple.woman_id, "name": couple.woman}]})


def test_the_admin_creates_a_registrar_with_an_assessment_date_whose_home_page_shows_the_standing(suite, page):
    username = _unique("clerk")
    assessed = today() - dt.timedelta(days=700)  # two years on is about 30 days from now
    sign_in(page, "admin")
    page.get_by_role("navigation").get_by_role("link", name="用户账号").click()
    page.wait_for_url(re.compile(r"/ui/accounts/users$"))
    expect(_row(page, "admin")).to_contain_text("账号管理员")

    page.locator("#create-username").fill(username)
    page.locator("#create-name").fill("考核测试登记员")
    page.locator("#create-password").fill(PASSWORD)
    expect(page.locator("#create-assessed")).to_be_hidden()  # a registrar's date only
    page.get_by_role("checkbox", name="婚姻登记员").first.check()
    expect(page.locator("#create-assessed")).to_be_visible()
    expect(page.locator("#create-jurisdiction")).to_have_value(OFFICE)
    page.locator("#create-assessed").fill(assessed.isoformat())
    page.locator("#create-name").press("Enter")
    expect(page.locator("#users-result")).to_contain_text(f"已创建账号 {username}（婚姻登记员）")
    row = _row(page, username)
    expect(row).to_contain_text(assessed.isoformat())
    expect(row).to_contain_text(f"即将到期（至 {years_after(assessed, 2).isoformat()}）")
    assert PASSWORD not in page.url and PASSWORD not in _stored(page)
    shot(page, "95-accounts-created")

    sign_out(page)
    sign_in(page, username)
    note = page.locator("#assessment")
    expect(note).to_have_attribute("data-state", "LAPSING")
    expect(note).to_contain_text(f"培训考核将于 {years_after(assessed, 2).isoformat()} 满两年")


def test_the_admin_records_a_lapsed_date_and_the_registrar_may_no_longer_register(suite, page):
    username = _unique("clerk")
    admin = {"Authorization": f"Bearer {api_token(suite.url, 'admin')}"}
    made = httpx.post(f"{suite.url}/v1/admin/users", headers=admin, timeout=10, json={
        "username": username, "password": PASSWORD, "roles": ["marriage_registrar"], "jurisdiction": OFFICE,
        "displayName": "待改日期登记员", "assessedOn": (today() - dt.timedelta(days=100)).isoformat()})
    assert made.status_code == 201, made.text
    before = api_token(suite.url, username)

    sign_in(page, "admin")
    page.goto("/ui/accounts/users")
    page.locator("#filter-text").fill(username)
    expect(page.locator("#users-table tbody tr")).to_have_count(1)
    expect(_row(page, username)).to_contain_text("有效")
    page.get_by_role("button", name=f"修改 {username}").click()
    expect(page.locator("#edit-title")).to_be_focused()
    expect(page.locator("#edit-signout-note")).to_contain_text("已登录的会话全部失效")
    lapsed = years_after(today(), -2) - dt.timedelta(days=1)  # the day after its last qualified day
    page.locator("#edit-assessed").fill(lapsed.isoformat())
    page.get_by_role("button", name="保存修改").click()
    expect(page.locator("#users-result")).to_contain_text("其已登录的会话已失效")
    expect(_row(page, username)).to_contain_text("已过期")
    shot(page, "96-accounts-lapsed")

    # As the API does: the token signed before the change has ended; a new one may not register.
    assert _register(suite.url, before).json()["reason"] == "TOKEN_REVOKED"
    refused = _register(suite.url, api_token(suite.url, username))
    assert refused.status_code == 403 and refused.json()["reason"] == "REGISTRAR_NOT_QUALIFIED"

    sign_out(page)
    sign_in(page, username)
    note = page.locator("#assessment")
    expect(note).to_have_attribute("data-state", "LAPSED")
    expect(note).to_contain_text("已过期")


def test_an_unknown_role_change_is_refused_in_words_and_a_reset_password_signs_in(suite, page):
    username = _unique("clerk")
    sign_in(page, "admin")
    page.goto("/ui/accounts/users")
    page.locator("#create-username").fill(username)
    page.locator("#create-password").fill("short")
    page.locator("#create-username").press("Enter")
    expect(page.locator("#create-errors")).to_contain_text("至少选择一个角色")
    page.get_by_role("checkbox", name="婚姻家庭辅导员").first.check()
    page.locator("#create-username").press("Enter")  # the API's refusal, in Chinese, at the field
    expect(page.locator("#create-errors")).to_contain_text("账号信息有误")
    expect(page.locator("#create-password-error")).not_to_be_empty()
    page.locator("#create-password").fill(PASSWORD)
    page.locator("#create-username").press("Enter")
    expect(page.locator("#users-result")).to_contain_text(f"已创建账号 {username}")

    page.get_by_role("button", name=f"修改 {username}").click()
    fresh = "new-" + PASSWORD
    page.locator("#password-new").fill(fresh)
    page.locator("#password-again").fill(fresh)
    page.locator("#password-again").press("Enter")
    expect(page.locator("#users-result")).to_contain_text(f"已重设账号 {username} 的密码")
    assert fresh not in page.url and fresh not in _stored(page)
    sign_out(page)
    sign_in(page, username, fresh)


def test_a_non_admin_sees_no_account_screens_and_is_told_so_at_their_address(suite, page):
    sign_in(page, "marriage_registrar")
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="结婚登记")).to_be_visible()
    expect(nav.get_by_role("link", name="用户账号")).to_be_hidden()
    expect(nav.get_by_role("link", name="数据交换客户端")).to_be_hidden()
    for address in ("/ui/accounts/users", "/ui/accounts/clients"):
        page.goto(address)
        expect(page.locator("#denied")).to_be_visible()
        expect(page.locator("#screen")).to_be_hidden()


def test_a_new_clients_secret_is_shown_once_and_works(suite, new_context):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    client_id = _unique("exchange")
    sign_in(page, "admin")
    page.goto("/ui/accounts/clients")
    # The demo admin manages 赤壁市's accounts: the province's client (jurisdiction "") is not theirs.
    expect(page.locator("#clients-table")).not_to_contain_text("province-exchange")
    page.locator("#create-id").fill(client_id)
    page.locator("#create-name").fill("测试交换平台")
    page.get_by_role("checkbox", name="读取变更事件流").check()
    page.locator("#create-id").press("Enter")

    panel = page.locator("#secret-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("此密钥只显示这一次")
    expect(page.locator("#secret-title")).to_be_focused()
    secret = page.locator("#secret-value").input_value()
    assert len(secret) >= 16
    page.get_by_role("button", name="复制密钥").click()
    expect(page.locator("#secret-copied")).to_have_text("已复制到剪贴板。")
    assert page.evaluate("() => navigator.clipboard.readText()") == secret
    shot(page, "97-client-secret")
    assert secret not in page.url and secret not in _stored(page)

    issued = httpx.post(f"{suite.url}/v1/auth/token", timeout=10, data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
    assert issued.status_code == 200, issued.text

    page.get_by_role("button", name="已妥善保存，关闭").click()
    expect(panel).to_be_hidden()
    assert page.locator("#secret-value").input_value() == ""
    page.reload()
    expect(page.locator(f'#clients-table tr[data-client-id="{client_id}"]')).to_contain_text("读取变更事件流")
    assert secret not in page.content()

    page.get_by_role("button", name=f"停用 {client_id}").click()
    expect(page.locator("#clients-result")).to_contain_text(f"已停用客户端 {client_id}")
    expect(page.locator(f'#clients-table tr[data-client-id="{client_id}"]')).to_contain_text("已停用")
    refused = httpx.post(f"{suite.url}/v1/auth/token", timeout=10, data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
    assert refused.status_code in (400, 401, 403)


def _client_token(url: str, client_id: str, secret: str) -> httpx.Response:
    return httpx.post(f"{url}/v1/auth/token", timeout=10, data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})


def _new_client(url: str, *scopes: str) -> tuple[str, str]:
    """A client of the demo admin's jurisdiction (赤壁市), made through the API."""
    client_id = _unique("exchange")
    made = httpx.post(f"{url}/v1/admin/clients", timeout=10,
                      headers={"Authorization": f"Bearer {api_token(url, 'admin')}"},
                      json={"clientId": client_id, "scopes": list(scopes), "jurisdiction": OFFICE,
                            "displayName": "待维护交换平台"})
    assert made.status_code == 201, made.text
    return client_id, made.json()["clientSecret"]


def test_a_reset_secret_is_asked_for_shown_once_and_replaces_the_old_one(suite, new_context):
    client_id, old_secret = _new_client(suite.url, "feed.read")
    old_token = _client_token(suite.url, client_id, old_secret).json()["access_token"]
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    sign_in(page, "admin")
    page.goto("/ui/accounts/clients")
    expect(page.locator("#clients-table")).to_contain_text(client_id)
    expect(page.locator("#clients-title ~ p.hint")).not_to_contain_text("不能修改")

    page.get_by_role("button", name=f"重置密钥 {client_id}").click()  # asks first
    confirm = page.locator("#rotate-section")
    expect(confirm).to_be_visible()
    expect(page.locator("#rotate-title")).to_be_focused()
    expect(page.locator("#rotate-title")).to_have_text(f"重置客户端 {client_id} 的密钥")
    expect(confirm).to_contain_text("原密钥立即失效")
    expect(page.locator("#secret-panel")).to_be_hidden()
    page.locator("#rotate-cancel").click()  # cancelled: nothing changed
    expect(confirm).to_be_hidden()
    assert _client_token(suite.url, client_id, old_secret).status_code == 200

    page.get_by_role("button", name=f"重置密钥 {client_id}").click()
    page.get_by_role("button", name="确认重置密钥").click()
    panel = page.locator("#secret-panel")
    expect(panel).to_be_visible()
    expect(page.locator("#secret-title")).to_have_text(f"客户端 {client_id} 的新密钥")
    expect(page.locator("#secret-title")).to_be_focused()
    expect(panel).to_contain_text("此密钥只显示这一次")
    expect(page.locator("#clients-result")).to_contain_text(f"已重置客户端 {client_id} 的密钥，原密钥已失效")
    expect(confirm).to_be_hidden()
    secret = page.locator("#secret-value").input_value()
    assert len(secret) >= 16 and secret != old_secret
    page.get_by_role("button", name="复制密钥").click()
    expect(page.locator("#secret-copied")).to_have_text("已复制到剪贴板。")
    assert page.evaluate("() => navigator.clipboard.readText()") == secret
    shot(page, "98-client-secret-reset")
    assert secret not in page.url and secret not in _stored(page)

    assert _client_token(suite.url, client_id, secret).status_code == 200
    refused = _client_token(suite.url, client_id, old_secret)
    assert refused.status_code == 401 and refused.json()["reason"] == "INVALID_CREDENTIALS"
    feed = httpx.get(f"{suite.url}/v1/exchange/events", timeout=10, headers={"Authorization": f"Bearer {old_token}"})
    assert feed.status_code == 401 and feed.json()["reason"] == "TOKEN_REVOKED"

    page.get_by_role("button", name="已妥善保存，关闭").click()
    expect(panel).to_be_hidden()
    assert page.locator("#secret-value").input_value() == ""
    page.reload()
    expect(page.locator(f'#clients-table tr[data-client-id="{client_id}"]')).to_be_visible()
    assert secret not in page.content()


def test_the_admin_edits_a_clients_scopes_and_the_row_shows_them(suite, page):
    client_id, secret = _new_client(suite.url, "feed.read")
    old_token = _client_token(suite.url, client_id, secret).json()["access_token"]
    sign_in(page, "admin")
    page.goto("/ui/accounts/clients")
    client_row = page.locator(f'#clients-table tr[data-client-id="{client_id}"]')
    expect(client_row).to_contain_text("读取变更事件流")

    page.get_by_role("button", name=f"修改 {client_id}").click()
    expect(page.locator("#edit-title")).to_be_focused()
    expect(page.locator("#edit-signout-note")).to_contain_text("令牌立即失效")
    form = page.locator("#edit-form")
    expect(form.get_by_role("checkbox", name="读取变更事件流")).to_be_checked()
    expect(page.locator("#edit-jurisdiction")).to_have_value(OFFICE)

    page.locator("#edit-jurisdiction").fill("42128")  # the API's refusal, in Chinese, at the field
    page.get_by_role("button", name="保存修改").click()
    expect(page.locator("#edit-errors")).to_contain_text("客户端信息有误")
    expect(page.locator("#edit-jurisdiction-error")).to_contain_text("区划代码前缀")

    page.locator("#edit-jurisdiction").fill(OFFICE)
    form.get_by_role("checkbox", name="读取变更事件流").uncheck()
    form.get_by_role("checkbox", name="批量导入").check()
    page.locator("#edit-name").fill("省数据共享平台")
    page.get_by_role("button", name="保存修改").click()
    expect(page.locator("#clients-result")).to_contain_text(f"已保存客户端 {client_id} 的修改（批量导入）；其令牌已失效")
    expect(client_row).to_contain_text("批量导入")
    expect(client_row).to_contain_text("省数据共享平台")
    expect(client_row).not_to_contain_text("读取变更事件流")
    expect(page.locator("#clients-title ~ p.hint")).to_contain_text("重置其密钥")
    shot(page, "99-client-edited")

    feed = httpx.get(f"{suite.url}/v1/exchange/events", timeout=10, headers={"Authorization": f"Bearer {old_token}"})
    assert feed.status_code == 401 and feed.json()["reason"] == "TOKEN_REVOKED"
    issued = _client_token(suite.url, client_id, secret)
    assert issued.status_code == 200 and issued.json()["scope"] == "import.write"
    refused = httpx.get(f"{suite.url}/v1/exchange/events", timeout=10,
                        headers={"Authorization": f"Bearer {issued.json()['access_token']}"})
    assert refused.status_code == 403

    page.reload()
    expect(client_row).to_contain_text("批量导入")


def test_lock_and_creation_times_are_the_bureaus_on_a_workstation_set_to_another_zone(suite, new_context):
    """锁定至 and a client's 创建时间 are Beijing times, as the 审计 screen's are, whatever zone the
    workstation's clock is set to: a clerk told "locked until 07:45" on a PC set to UTC would send
    the person away for eight hours (the lock ends at 15:45 at the window)."""
    username = _unique("locked")
    admin = {"Authorization": f"Bearer {api_token(suite.url, 'admin')}"}
    made = httpx.post(f"{suite.url}/v1/admin/users", headers=admin, timeout=10, json={
        "username": username, "password": PASSWORD, "roles": ["marriage_counselor"], "jurisdiction": OFFICE})
    assert made.status_code == 201, made.text
    for _ in range(10):  # wrong passwords, each after the wait the last one set, until the account is locked
        tried = httpx.post(f"{suite.url}/v1/auth/token", timeout=10,
                           data={"grant_type": "password", "username": username, "password": "wrong-" + PASSWORD})
        if tried.json().get("reason") == "ACCOUNT_LOCKED":
            break
        time.sleep(int(tried.headers.get("Retry-After", "0")))
    else:
        raise AssertionError("the account was not locked")
    users = httpx.get(f"{suite.url}/v1/admin/users", headers=admin, timeout=10).json()["users"]
    locked = next(u for u in users if u["username"] == username)["lockedUntil"]
    client_id, _ = _new_client(suite.url, "feed.read")
    client = next(c for c in httpx.get(f"{suite.url}/v1/admin/clients", headers=admin, timeout=10).json()["clients"]
                  if c["clientId"] == client_id)

    def beijing(iso: str) -> str:
        return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(BUREAU_TZ).strftime("%Y-%m-%d %H:%M:%S")

    page = new_context(timezone_id="UTC").new_page()
    sign_in(page, "admin")
    page.goto("/ui/accounts/users")
    expect(_row(page, username)).to_contain_text(beijing(locked))
    page.goto("/ui/accounts/clients")
    expect(page.locator(f'#clients-table tr[data-client-id="{client_id}"]')).to_contain_text(
        beijing(client["createTime"]))
