"""The frame around the screens: homes per role, the nav registry, language, keyboard, the ID check module."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from servicekit.errors import DomainError
from servicekit.identifiers import parse_resident_id

from tests.ui.support import resident_id, shot, sign_in, sign_out, today, wrong_check


def test_signed_out_pages_send_to_sign_in_and_a_bad_password_is_said_in_chinese(page):
    page.goto("/ui/marriage/register")
    page.wait_for_url(re.compile(r"/ui/signin\?next="))
    page.get_by_label("用户名").fill("marriage_registrar")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_label("密码").press("Enter")
    expect(page.locator("#signin-errors")).to_be_visible()
    expect(page.locator("#signin-errors .error-detail")).to_have_text(re.compile(r"[\u4e00-\u9fff]"))
    shot(page, "20-signin-refused")
    page.get_by_label("密码").fill("civic-demo")
    page.get_by_label("密码").press("Enter")
    page.wait_for_url(re.compile(r"/ui/marriage/register$"))


def test_each_role_gets_its_home_and_other_departments_are_listed_as_coming(page):
    sign_in(page, "funeral_officer")
    overview = page.locator("section.overview:visible")
    expect(overview).to_have_count(1)
    expect(overview).to_contain_text("殡葬管理")
    expect(overview).to_contain_text("即将上线")
    expect(page.locator(".dashboard:visible")).to_have_count(0)
    expect(page.locator("nav")).not_to_contain_text("结婚登记", use_inner_text=True)
    shot(page, "21-funeral-officer-home")
    page.goto("/ui/marriage/register")
    expect(page.locator("#denied")).to_be_visible()

    page.goto("/ui/")
    sign_out(page)
    sign_in(page, "supervisor")
    expect(page.locator("nav")).to_contain_text("瑕疵数据更正", use_inner_text=True)
    expect(page.locator("nav")).not_to_contain_text("结婚登记", use_inner_text=True)
    expect(page.locator("section.overview:visible").first).to_contain_text("婚姻登记")
    shot(page, "22-supervisor-home")
    page.get_by_role("navigation").get_by_role("link", name="统计").click()
    expect(page.locator("#stats")).to_contain_text("结婚登记（对）")
    expect(page.locator("#stats")).to_contain_text("登记合格率（%）")
    expect(page.locator("#stats")).to_contain_text("补发婚姻登记证（对）")  # as the work report counts them
    shot(page, "22b-supervisor-statistics")


def test_english_switch_keyboard_order_and_visible_focus(page):
    sign_in(page, "marriage_registrar")
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Desk")
    expect(page.locator("#today-summary")).to_contain_text("booked of")
    page.goto("/ui/marriage/register")
    expect(page.locator("h1")).to_have_text("Register a marriage")
    expect(page.locator("label[for=p0-id]")).to_contain_text("Document number")
    shot(page, "23-register-english")

    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#reg-appointment")).to_be_focused()
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#p0-id")).to_be_focused()
    for control in page.locator("#register-form input, #register-form select").all():
        control_id = control.get_attribute("id")
        assert page.locator(f"label[for='{control_id}']").count() == 1, control_id
    page.get_by_role("link", name="中文").click()
    expect(page.locator("h1")).to_have_text("结婚登记")


def test_the_id_check_module_agrees_with_the_services(page):
    sign_in(page, "marriage_registrar")
    numbers = [resident_id(True), resident_id(False), wrong_check(resident_id(True)), "42128119900230001X",
               "4212811990010100", "421281900101001", " ４２１２８１１９９００１０１００１x ", "42128130000101001X"]
    day = today().isoformat()
    results = page.evaluate(
        """async ([numbers, day]) => {
            const m = await import('/ui/static/js/idcheck.js');
            return numbers.map((n) => m.parseResidentId(n, day));
        }""", [numbers, day])
    for number, result in zip(numbers, results):
        try:
            expected = parse_resident_id(number, today=today())
        except DomainError:
            assert "error" in result, (number, result)
            continue
        assert result.get("number") == expected.number, (number, result)
        assert result["birthDate"] == expected.birth_date.isoformat()
        assert result["sex"] == expected.sex


SESSION = "JSON.parse(sessionStorage.getItem('civic.session'))"


def test_a_window_in_use_keeps_its_session_and_the_replaced_token_stops_working(page):
    """Half a token's life gone, the next key press renews it (POST /v1/auth/renew): the page goes on
    with the new token and the old one is refused, so signing out still ends the session."""
    sign_in(page, "marriage_registrar")
    old = page.evaluate(f"{SESSION}.token")
    page.evaluate(f"""() => {{ const s = {SESSION}; s.expiresAt = Date.now() + 60000;
                     sessionStorage.setItem('civic.session', JSON.stringify(s)); }}""")
    page.keyboard.press("Shift")
    page.wait_for_function(f"old => {SESSION}.token !== old", arg=old)
    renewed = page.evaluate(f"{SESSION}")
    assert renewed["expiresAt"] - page.evaluate("Date.now()") > 10 * 60 * 1000
    status = "t => fetch('/v1/auth/me', {headers: {Authorization: `Bearer ${t}`}}).then(r => r.status)"
    assert page.evaluate(status, old) == 401
    assert page.evaluate(status, renewed["token"]) == 200
    page.goto("/ui/marriage/status")
    expect(page.locator("#screen")).to_be_visible()
    sign_out(page)
    assert page.evaluate(status, renewed["token"]) == 401


def test_a_wrong_password_is_called_a_failed_sign_in_not_an_expired_session(page):
    page.goto("/ui/signin")
    page.get_by_label("用户名").fill("marriage_registrar")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_label("密码").press("Enter")
    summary = page.locator("#signin-errors")
    # The reason in words after the title, its code beside them; in English under ?lang=en.
    expect(summary.locator(".error-title")).to_have_text("登录失败：用户名或密码错误 INVALID_CREDENTIALS")
    expect(summary.locator(".error-title code")).to_have_text("INVALID_CREDENTIALS")
    expect(summary).not_to_contain_text("登录已失效")
    expect(summary).to_contain_text("用户名或密码错误")

    page.goto("/ui/signin?lang=en")  # an unknown name: the demo registrar is not to be locked out
    page.get_by_label("Username").fill("no-such-clerk")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_label("Password").press("Enter")
    expect(page.locator("#signin-errors .error-title")).to_have_text(
        "Sign-in failed: Wrong user name or password INVALID_CREDENTIALS")


def test_a_window_left_until_its_session_ended_offers_to_sign_in_again(page):
    """An idle window signs out when its token ends: the next submit says so and links to sign-in
    (back to this screen), as it does when the token was revoked."""
    sign_in(page, "marriage_registrar")
    page.goto("/ui/marriage/status")
    page.get_by_label("证件号码").wait_for()
    page.evaluate(f"""() => {{ const s = {SESSION}; s.expiresAt = Date.now() - 1000;
                     sessionStorage.setItem('civic.session', JSON.stringify(s)); }}""")
    page.get_by_label("证件号码").fill(resident_id(True))
    page.get_by_label("证件号码").press("Enter")
    summary = page.locator("#lookup-errors")
    expect(summary).to_contain_text("请重新登录")
    expect(summary.get_by_role("link", name="登录")).to_have_attribute("href", "/ui/signin?next=%2Fui%2Fmarriage%2Fstatus")
    shot(page, "24-session-ended-sign-in-again")


def test_the_screens_load_without_console_errors(page):
    """Every screen of a registrar's nav opens without an error in the browser console (a missing
    resource, a failing script)."""
    errors = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    sign_in(page, "marriage_registrar")
    links = [a.get_attribute("href") for a in page.get_by_role("navigation").get_by_role("link").all()]
    assert len(links) > 5, links
    for href in links:
        page.goto(href)
        expect(page.locator("#screen")).to_be_visible()
        page.wait_for_load_state("networkidle")
    assert errors == []


def test_sign_in_before_its_script_runs_sends_no_password_in_the_address(new_context):
    """Enter pressed before the page's script has taken the form (here: scripts off) submits it
    natively; the password must go in a body, never into the address, the history or an access log."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/ui/signin")
    page.get_by_label("用户名").fill("marriage_registrar")
    page.get_by_label("密码").fill("a-secret-password")
    with page.expect_request(lambda request: "/ui/signin" in request.url and request.method != "GET"
                             or "secret" in request.url) as sent:
        page.get_by_label("密码").press("Enter")
    assert sent.value.method == "POST"
    assert "secret" not in sent.value.url
    # The page drops what came natively and shows itself again, empty, to be filled in.
    page.wait_for_load_state()
    assert page.url.endswith("/ui/signin") and "secret" not in page.url
    expect(page.get_by_label("密码")).to_have_value("")
