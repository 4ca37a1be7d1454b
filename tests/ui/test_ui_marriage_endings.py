"""婚姻状况变更 in the browser: a registrar records a court divorce, a death, a revocation or a court's
judgment of a void or annulled marriage on the marriage found by a party's ID number, each confirmed
before it is sent, on the whole running suite."""
from __future__ import annotations

import datetime as dt
import uuid

import httpx
from playwright.sync_api import expect

from tests.ui.support import Couple, api_token, find_marriage, register_via_api, resident_id, shot, sign_in, today


def married_on_screen(page, suite, found_by: str = "man") -> tuple[str, Couple, dict]:
    """A couple registered (API), and the screen opened from the nav on their marriage, found by the
    man's or the woman's number: (a registrar's token, the couple, the marriage)."""
    token = api_token(suite.url, "marriage_registrar")
    couple = Couple.new()
    marriage = register_via_api(suite.url, token, couple)
    sign_in(page, "marriage_registrar")
    page.get_by_role("navigation").get_by_role("link", name="婚姻状况变更").click()
    find_marriage(page, couple.man_id if found_by == "man" else couple.woman_id)
    expect(page.locator("#found-marriage")).to_contain_text("已登记结婚")
    return token, couple, marriage


def fill_court_divorce(form, document: str, effective: dt.date) -> None:
    form.get_by_label("作出判决或调解的法院").fill("赤壁市人民法院")
    form.get_by_label("判决书或调解书编号").fill(document)
    form.get_by_label("判决或调解书生效日期").fill(effective.isoformat())


def status_of(url: str, token: str, id_number: str) -> str:
    resp = httpx.post(f"{url}/v1/maritalStatus:lookup", headers={"Authorization": f"Bearer {token}"}, timeout=10,
                      json={"idType": "ID_TYPE_RESIDENT_ID", "idNumber": id_number})
    resp.raise_for_status()
    return resp.json()["status"]


def test_a_court_divorce_is_confirmed_then_recorded(page, suite):
    token, couple, marriage = married_on_screen(page, suite)
    expect(page.locator("#found-marriage")).to_contain_text(marriage["certificateNumber"])
    form = page.locator("#court-form")
    fill_court_divorce(form, "(2025)鄂1281民初88号", today())
    form.get_by_role("button", name="登记法院判决、调解离婚").dblclick()  # the second click confirms nothing
    expect(form.locator(".confirm")).to_contain_text("将依据赤壁市人民法院(2025)鄂1281民初88号")
    expect(page.locator("#ending-result")).to_be_empty()
    shot(page, "30-court-divorce-confirm")
    assert status_of(suite.url, token, couple.man_id) == "MARITAL_STATUS_MARRIED"
    form.get_by_role("button", name="确认办理").click()
    result = page.locator("#ending-result")
    expect(result).to_contain_text("已登记法院判决、调解离婚")
    expect(result).to_contain_text(f"婚姻状态：已离婚；婚姻终止日期：{today().isoformat()}")
    expect(page.locator("#found-marriage")).to_contain_text("已离婚")
    expect(form).to_be_hidden()  # a divorced marriage is not divorced again; revocation stays possible
    expect(page.locator("#revoke-form")).to_be_visible()
    shot(page, "31-court-divorce-recorded")
    assert status_of(suite.url, token, couple.woman_id) == "MARITAL_STATUS_DIVORCED"


def test_a_death_is_recorded_on_the_deceased_partys_number_only(page, suite):
    token, couple, _ = married_on_screen(page, suite, found_by="woman")
    form = page.locator("#death-form")
    died = today().isoformat()  # not before the registration (today)
    form.get_by_label("死亡日期").fill(died)
    form.get_by_label("死亡证明编号").fill("Q421281202500123")
    form.get_by_label("死亡人员证件号码").fill(resident_id(True))  # someone else's: nothing is sent
    form.get_by_role("button", name="登记死亡").click()
    expect(page.locator("#death-id-error")).to_contain_text("不是所显示的现存婚姻的当事人")
    expect(form.locator(".confirm")).to_be_hidden()
    form.get_by_label("死亡人员证件号码").fill(couple.man_id)
    form.get_by_role("button", name="登记死亡").click()
    expect(form.locator(".confirm")).to_contain_text("Q421281202500123")
    form.get_by_role("button", name="确认办理").click()
    expect(page.locator("#ending-result")).to_contain_text(f"婚姻状态：因一方死亡而终止；婚姻终止日期：{died}")
    expect(page.locator("#found-marriage")).to_contain_text("因一方死亡而终止")
    shot(page, "32-death-recorded")
    assert status_of(suite.url, token, couple.woman_id) == "MARITAL_STATUS_WIDOWED"


def test_a_registration_found_fraudulent_is_revoked_on_the_authoritys_document(page, suite):
    token, couple, _ = married_on_screen(page, suite, found_by="woman")
    form = page.locator("#revoke-form")
    form.get_by_label("作出认定的机关").select_option(label="公安机关")
    form.get_by_label("撤销事由").fill("冒用他人身份证件办理结婚登记")
    form.get_by_role("button", name="撤销婚姻登记").click()  # without the finding's number: nothing is sent
    expect(page.locator("#revoke-document-error")).to_have_text("必填")
    form.get_by_label("认定文书编号").fill("赤公认〔2025〕9号")
    form.get_by_role("button", name="撤销婚姻登记").click()
    expect(form.locator(".confirm")).to_contain_text("将依据公安机关的认定文书 赤公认〔2025〕9号")
    form.get_by_role("button", name="返回修改").click()  # back to the first step: nothing done
    expect(form.locator(".confirm")).to_be_hidden()
    form.get_by_role("button", name="撤销婚姻登记").click()
    form.get_by_role("button", name="确认办理").click()
    expect(page.locator("#ending-result")).to_contain_text(f"婚姻状态：已撤销婚姻登记；撤销日期：{today().isoformat()}")
    expect(page.locator("#endings")).to_be_hidden()  # nothing is left to change
    shot(page, "33-registration-revoked")
    assert status_of(suite.url, token, couple.woman_id) == "MARITAL_STATUS_UNMARRIED"


def test_a_court_divorce_effective_tomorrow_is_refused_at_its_date(page, suite):
    token, couple, _ = married_on_screen(page, suite)
    form = page.locator("#court-form")
    fill_court_divorce(form, "(2025)鄂1281民初89号", today() + dt.timedelta(days=1))
    form.get_by_role("button", name="登记法院判决、调解离婚").click()
    form.get_by_role("button", name="确认办理").click()
    summary = page.locator("#court-errors")
    expect(summary).to_contain_text("日期不能晚于今天")
    expect(page.locator("#court-date-error")).to_have_text("日期不能晚于今天")
    expect(summary).not_to_contain_text("effective")  # no API field names before the message
    expect(page.locator("#ending-result")).to_be_empty()
    shot(page, "34-court-divorce-refused")
    assert status_of(suite.url, token, couple.man_id) == "MARITAL_STATUS_MARRIED"


def test_a_judgment_of_a_void_marriage_offers_the_kinds_grounds_and_frees_both(page, suite):
    token, couple, marriage = married_on_screen(page, suite, found_by="woman")
    form = page.locator("#annul-form")
    grounds = form.get_by_label("判决认定的事由").locator("option:not([disabled])")
    expect(grounds).to_have_count(1)  # no kind chosen: only the prompt, no ground
    form.get_by_label("判决类型").select_option(label="撤销婚姻")
    expect(grounds).to_have_text(["请选择", "因胁迫结婚", "婚前隐瞒重大疾病"])
    form.get_by_label("判决认定的事由").select_option(label="因胁迫结婚")
    form.get_by_label("判决类型").select_option(label="宣告婚姻无效")  # the other kind's ground is dropped
    expect(grounds).to_have_text(["请选择", "重婚", "有禁止结婚的亲属关系", "未到法定婚龄"])
    expect(form.get_by_label("判决认定的事由")).to_have_value("")
    form.get_by_label("判决认定的事由").select_option(label="重婚")
    form.get_by_label("作出判决的法院").fill("赤壁市人民法院")
    form.get_by_label("判决书编号").fill("(2025)鄂1281民初45号")
    form.get_by_label("判决生效日期").fill(today().isoformat())
    form.get_by_role("button", name="登记法院判决").click()
    expect(form.locator(".confirm")).to_contain_text("在档案中注明该婚姻宣告婚姻无效（重婚）")
    assert status_of(suite.url, token, couple.man_id) == "MARITAL_STATUS_MARRIED"
    form.get_by_role("button", name="确认办理").click()
    expect(page.locator("#ending-result")).to_contain_text(
        f"婚姻状态：婚姻无效或被撤销；判决生效日期：{today().isoformat()}")
    card = page.locator("#found-marriage")
    expect(card).to_contain_text("婚姻无效或被撤销")
    expect(card.locator(".annulment")).to_have_text(
        f"宣告婚姻无效（重婚）：赤壁市人民法院 (2025)鄂1281民初45号，{today().isoformat()}生效")
    expect(page.locator("#endings")).to_be_hidden()  # nothing is left to record on it
    shot(page, "35-court-annulment-recorded")
    for number in (couple.man_id, couple.woman_id):
        assert status_of(suite.url, token, number) == "MARITAL_STATUS_UNMARRIED"


def court_divorced_via_api(url: str, token: str, marriage: dict, document: str) -> None:
    resp = httpx.post(f"{url}/v1/{marriage['name']}:recordCourtDivorce", headers={"Authorization": f"Bearer {token}"},
                      timeout=10, json={"requestId": str(uuid.uuid4()), "court": "赤壁市人民法院",
                                        "documentNumber": document, "effectiveDate": today().isoformat()})
    assert resp.status_code == 200, resp.text


def test_a_judgment_on_an_earlier_ended_marriage_is_recorded_on_the_marriage_chosen(page, suite):
    """A court may declare void a marriage that already ended: the man, divorced by a court and married
    again, has two records; the screen lists them, the current one shown. The divorced one, chosen,
    offers no court divorce and no death (the service ends a current marriage only), but the
    judgment; recorded, it offers nothing more, and the man stays married."""
    token = api_token(suite.url, "marriage_registrar")
    first = Couple.new()
    earlier = register_via_api(suite.url, token, first)
    court_divorced_via_api(suite.url, token, earlier, "(2025)鄂1281民初90号")
    current = register_via_api(suite.url, token, Couple(first.man_id, first.man, resident_id(False), "司马秀英"))
    sign_in(page, "marriage_registrar")
    page.get_by_role("navigation").get_by_role("link", name="婚姻状况变更").click()
    find_marriage(page, first.man_id)

    card, records = page.locator("#found-marriage"), page.locator("#records-table > tbody > tr")
    expect(card).to_contain_text(current["certificateNumber"])
    expect(records).to_have_count(2)
    expect(records.filter(has_text=current["certificateNumber"])).to_contain_text("当前所示")
    ended = records.filter(has_text=earlier["certificateNumber"])
    expect(ended).to_contain_text("已离婚")
    ended.get_by_role("button", name="选择此婚姻").click()

    expect(card).to_contain_text(earlier["certificateNumber"])
    expect(card).to_contain_text("已离婚")
    expect(page.locator("#court-form")).to_be_hidden()
    expect(page.locator("#death-form")).to_be_hidden()
    form = page.locator("#annul-form")
    form.get_by_label("判决类型").select_option(label="撤销婚姻")
    form.get_by_label("判决认定的事由").select_option(label="因胁迫结婚")
    form.get_by_label("作出判决的法院").fill("赤壁市人民法院")
    form.get_by_label("判决书编号").fill("(2025)鄂1281民初91号")
    form.get_by_label("判决生效日期").fill(today().isoformat())
    form.get_by_role("button", name="登记法院判决").click()
    form.get_by_role("button", name="确认办理").click()
    expect(page.locator("#ending-result")).to_contain_text("婚姻状态：婚姻无效或被撤销")
    expect(card).to_contain_text(earlier["certificateNumber"])
    expect(card.locator(".annulment")).to_contain_text("撤销婚姻（因胁迫结婚）")
    expect(page.locator("#endings")).to_be_hidden()
    expect(ended).to_contain_text("婚姻无效或被撤销")
    shot(page, "36-earlier-marriage-annulled")
    assert status_of(suite.url, token, first.man_id) == "MARITAL_STATUS_MARRIED"  # the current marriage stands
    assert status_of(suite.url, token, first.woman_id) == "MARITAL_STATUS_UNMARRIED"

    records.filter(has_text=current["certificateNumber"]).get_by_role("button", name="选择此婚姻").click()
    expect(page.locator("#court-form")).to_be_visible()
    expect(ended).to_contain_text("无可办理事项")  # a void marriage offers nothing
    expect(ended.get_by_role("button")).to_have_count(0)
