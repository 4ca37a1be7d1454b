"""The registry window in the browser, as a registrar works it, on the whole running suite."""
from __future__ import annotations

import datetime as dt
import random
import re
import uuid

import httpx
from playwright.sync_api import expect

from tests.ui.support import (
    ARTIFACTS,
    Couple,
    accepted_at,
    accepted_days_ago,
    api_token,
    apply_divorce_via_api,
    designate_office,
    fill_registration,
    find_marriage,
    open_counseling_case,
    open_day,
    register_via_api,
    register_via_ui,
    resident_id,
    resident_id_born,
    shot,
    sign_in,
    sign_out,
    today,
    turning,
    wrong_check,
)

CERTIFICATE = re.compile(r"^J421281-\d{4}-\d{6}$")
DIVORCE_CERTIFICATE = re.compile(r"^L421281-\d{4}-\d{6}$")


def test_book_register_print_then_the_same_person_is_refused_in_chinese(page, suite):
    sign_in(page, "marriage_registrar")
    expect(page.locator("#today-summary")).to_contain_text("名额")
    shot(page, "01-registrar-home")

    day = open_day(suite.url, api_token(suite.url, "marriage_registrar"))
    page.get_by_role("navigation").get_by_role("link", name="预约", exact=True).click()
    page.locator("#book-date").fill(day.isoformat())
    page.get_by_label("预约事项").select_option(label="结婚登记")
    page.get_by_label("联系人姓名").fill("张伟")
    page.get_by_label("联系电话").fill("13800138000")
    page.get_by_label("联系电话").press("Enter")
    expect(page.locator("#book-result")).to_contain_text("预约成功")
    expect(page.locator("#day-table")).to_contain_text("张*")
    shot(page, "02-appointment-booked")

    couple = Couple.new()
    fill_registration(page, couple)
    expect(page.locator("#p0-id-hint")).to_contain_text("号码有效")
    if day == today():  # the booking is today's: the registration serves it
        page.locator("#reg-appointment").select_option(index=1)
    page.locator("#p1-name").press("Enter")
    result = page.locator("#register-result")
    expect(result).to_contain_text("结婚登记已办理")
    shot(page, "03-marriage-registered")

    page.locator("#print-certificate").click()
    expect(page.locator("#print-status")).to_contain_text("可以打印")
    expect(page.locator("#c-number")).to_have_text(CERTIFICATE)
    expect(page.locator("#c-parties")).to_contain_text(couple.man)
    expect(page.locator("#c-parties")).to_contain_text(couple.man_id)  # in full, as certificates carry it
    expect(page.locator("#qr")).to_have_attribute("src", re.compile(r"^data:image/svg\+xml;base64,"))
    expect(page.locator("#verify-link")).to_have_attribute("href", re.compile(r"/verify/[\w-]+\.[\w-]+\.[\w-]+$"))
    shot(page, "04-certificate-screen")
    page.emulate_media(media="print")
    shot(page, "05-certificate-print-media")
    pdf = page.pdf(path=str(ARTIFACTS / "05-certificate.pdf"), prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the certificate prints on one sheet"
    page.emulate_media(media="screen")

    again = Couple(couple.man_id, couple.man, resident_id(False), "王芳")
    fill_registration(page, again)
    page.get_by_role("button", name="办理结婚登记").click()
    summary = page.locator("#register-errors")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("有配偶")
    expect(summary.locator(".error-title")).to_have_text("依法不予登记：当事人已有配偶 PARTY_ALREADY_MARRIED")
    expect(page.locator("#p0-id-error")).to_contain_text("有配偶")
    expect(summary).to_be_focused()
    shot(page, "06-refused-already-married")

    page.get_by_role("button", name="打印不予登记告知书").click()
    expect(page.locator("#print-status")).to_contain_text("可以打印")
    expect(page.locator("#n-reason")).to_contain_text("有配偶")
    expect(page.locator("#n-basis")).to_have_text(re.compile(r"^法律依据：《中华人民共和国民法典》第一千零四十一条、第一千零四十二条"))
    expect(page.locator("#n-number")).to_have_text(re.compile(r"^BY421281-\d{8}-\w{6}$"))
    shot(page, "07-refusal-notice")
    link = page.locator("#verify-link").get_attribute("href")

    public = page.context.browser.new_context(locale="zh-CN")
    try:
        verify = public.new_page()
        verify.goto(link)
        expect(verify.locator(".verdict")).to_contain_text("本告知书由婚姻登记机关出具")
        expect(verify.locator("main")).to_contain_text("有配偶")
        expect(verify.locator("main")).not_to_contain_text(couple.man_id)
        shot(verify, "08-refusal-notice-verified")
    finally:
        public.close()


def test_certificate_qr_opens_a_public_verification_in_a_private_window(page, new_context):
    sign_in(page, "marriage_registrar")
    couple = Couple.new()
    number = register_via_ui(page, couple)
    page.locator("#print-certificate").click()
    expect(page.locator("#print-status")).to_contain_text("可以打印")
    link = page.locator("#verify-link").get_attribute("href")

    private = new_context().new_page()  # a new context: no session, no cookies
    response = private.goto(link)
    shot(private, "09-certificate-verified")
    assert response.status == 200, private.locator("main").inner_text()
    expect(private.locator(".verdict")).to_contain_text("核验通过")
    expect(private.locator("#verify-document")).to_have_text(number)
    main = private.locator("main").inner_text()
    assert couple.man_id not in main and couple.woman_id not in main
    assert couple.man_id[-4:] in main  # masked: 4212**********1234
    count = int(private.locator("#verify-count").inner_text())
    private.reload()
    expect(private.locator("#verify-count")).to_have_text(str(count + 1))  # every verification is counted

    tampered = private.goto(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    assert tampered.status == 404
    expect(private.locator(".verdict")).to_contain_text("核验码无效")


def test_a_wrong_check_digit_is_flagged_as_typed_and_nothing_is_sent(page):
    sign_in(page, "marriage_registrar")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "marriages:register" in r.url else None)
    couple = Couple.new()
    fill_registration(page, Couple(wrong_check(couple.man_id), couple.man, couple.woman_id, couple.woman))
    expect(page.locator("#p0-id-error")).to_have_text("身份证号码校验位错误，请核对号码是否录入有误")
    expect(page.locator("#p0-id")).to_have_attribute("aria-invalid", "true")
    page.locator("#p0-id").focus()
    page.keyboard.press("Enter")
    summary = page.locator("#register-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("校验位错误")
    shot(page, "10-wrong-check-digit")

    page.locator("#p1-id").fill(resident_id(False, age=18, spread=0))
    expect(page.locator("#p1-id-error")).to_contain_text("未满 20 周岁")
    page.locator("#p1-id").fill(resident_id(True))
    expect(page.locator("#p1-id-error")).to_contain_text("女方须录入女性")
    expect(page.locator("#p1-id-hint")).to_have_text(re.compile(r"登记日 \d+ 周岁$"))  # the age, not "undefined"
    page.locator("#p0-id").fill(couple.man_id[:10])
    expect(page.locator("#p0-id-hint")).to_have_text("已输入 10/18 位")
    assert sent == []


def test_divorce_apply_print_receipt_then_withdraw_and_the_receipt_says_so(page, suite, new_context):
    couple = Couple.new()
    register_via_api(suite.url, api_token(suite.url, "marriage_registrar"), couple)
    sign_in(page, "marriage_registrar")
    page.get_by_role("navigation").get_by_role("link", name="离婚登记", exact=True).click()
    find_marriage(page, couple.woman_id)
    expect(page.locator("#found-marriage")).to_contain_text(couple.woman)
    page.get_by_label("双方自愿离婚，并已签署离婚协议书").check()
    page.get_by_label("子女抚养").fill("无子女")
    page.get_by_label("财产分割").fill("各自名下财产归各自所有")
    page.get_by_label("债务处理").fill("无共同债务")
    # Neither the capacity confirmation read to the couple nor the certificates: refused, in Chinese.
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" and "/v1/divorceApplications" in r.url
            else None)
    page.get_by_role("button", name="受理申请").click()
    expect(page.locator("#apply-capacity-error")).to_have_text("须确认此项")
    expect(page.locator("#apply-certificates-error")).to_have_text("必填")
    expect(page.locator("#apply-errors")).to_contain_text("完全民事行为能力")
    expect(page.locator("#apply-result")).to_be_empty()
    assert sent == []
    page.get_by_label("完全民事行为能力", exact=False).check()
    page.get_by_label("出具的结婚证").select_option(label="一本结婚证遗失：遗失声明及另一本结婚证")
    page.get_by_role("button", name="受理申请").click()
    expect(page.locator("#apply-result")).to_contain_text("已受理")
    # Both periods' last days count: said so, not "须于 … 前", which leaves the deadline day in doubt.
    expect(page.locator("#apply-result")).to_contain_text(re.compile(r"离婚冷静期至 \d{4}-\d{2}-\d{2}（含当日）；期满后至 "
                                                                     r"\d{4}-\d{2}-\d{2}（含当日）"))
    shot(page, "11-divorce-accepted")

    application = page.locator("#open-application").get_attribute("href")
    page.locator("#print-receipt").click()
    expect(page.locator("#print-status")).to_contain_text("可以打印")
    expect(page.locator("#r-number")).to_have_text(re.compile(r"\S+"))
    expect(page.locator("#r-text-cooling")).to_contain_text("撤回离婚登记申请")
    expect(page.locator("#r-certificates")).to_have_text("一本结婚证遗失：遗失声明及另一本结婚证")
    expect(page.locator("#r-capacity")).to_contain_text("双方均具有")
    expect(page.locator("#qr")).to_have_attribute("src", re.compile(r"^data:image/svg"))
    receipt_link = page.locator("#verify-link").get_attribute("href")
    shot(page, "12-divorce-receipt")

    page.goto(application)
    expect(page.locator("#application")).to_contain_text("离婚冷静期中")
    expect(page.locator("#application")).to_contain_text("一本结婚证遗失：遗失声明及另一本结婚证")
    page.locator("#withdraw-id").fill(couple.man_id)
    page.get_by_role("button", name="撤回离婚登记申请").click()
    expect(page.locator("#divorce-result")).to_contain_text("已撤回")
    expect(page.locator("#application")).to_contain_text("已撤回")
    shot(page, "13-divorce-withdrawn")

    scanned = new_context().new_page()
    assert scanned.goto(receipt_link).status == 200
    expect(scanned.locator(".verdict")).to_have_class(re.compile(r"verdict-changed"))
    expect(scanned.locator("#verify-state")).to_contain_text("撤回")
    shot(scanned, "13b-withdrawn-receipt-verified")


def open_awaiting_issue(page, suite) -> Couple:
    """A couple's divorce application past its cooling-off (accepted 40 days ago), open on its page
    for the registrar."""
    token = api_token(suite.url, "marriage_registrar")
    couple = Couple.new()
    application = apply_divorce_via_api(suite.url, token, register_via_api(suite.url, token, couple))
    accepted_days_ago(suite.state["database_url"], application, 40)  # the cooling-off is over
    sign_in(page, "marriage_registrar")
    page.goto(f"/ui/marriage/divorces/{application['name'].split('/')[1]}")
    expect(page.locator("#application")).to_contain_text("待领离婚证")
    return couple


def test_an_application_accepted_elsewhere_is_registered_there_not_here(page, suite):
    """Registering or refusing a divorce happens only at the office that accepted the application
    (rules.md §1.5): a registrar of another office sees where to go, not forms the service refuses."""
    token = api_token(suite.url, "marriage_registrar")
    application = apply_divorce_via_api(suite.url, token, register_via_api(suite.url, token, Couple.new()))
    accepted_days_ago(suite.state["database_url"], application, 40)
    accepted_at(suite.state["database_url"], application, "421281100000")  # a township office in the county
    sign_in(page, "marriage_registrar")
    page.goto(f"/ui/marriage/divorces/{application['name'].split('/')[1]}")
    expect(page.locator("#application")).to_contain_text("待领离婚证")
    expect(page.locator("#divorce-elsewhere")).to_be_visible()
    expect(page.locator("#divorce-elsewhere")).to_contain_text("421281100000")
    expect(page.locator("#issue-form")).to_be_hidden()
    expect(page.locator("#refuse-form")).to_be_hidden()


def test_register_a_divorce_then_print_its_certificate_with_the_numbers_in_full(page, suite, new_context):
    couple = open_awaiting_issue(page, suite)
    expect(page.locator("#print-certificate")).to_be_hidden()  # no certificate before the registration
    page.get_by_label("双方当事人均亲自到场").check()
    page.get_by_role("button", name="办理离婚登记").click()
    expect(page.locator("#divorce-result")).to_contain_text("离婚登记已办理")
    expect(page.locator("#print-certificate")).to_be_focused()
    shot(page, "13c-divorce-registered")

    page.locator("#print-certificate").click()
    expect(page.locator("#print-status")).to_contain_text("可以打印")
    expect(page.locator("#doc-title")).to_have_text("离婚证")
    expect(page.locator("#d-number")).to_have_text(DIVORCE_CERTIFICATE)
    expect(page.locator("#d-state")).to_have_text("已办理离婚登记")
    parties = page.locator("#d-parties")
    for text in (couple.man, couple.man_id, couple.woman, couple.woman_id):  # in full, as certificates carry them
        expect(parties).to_contain_text(text)
    expect(page.locator("#d-seal")).to_contain_text("婚姻登记专用章")
    shot(page, "13d-divorce-certificate-screen")
    expect(page.locator("#qr")).to_have_attribute("src", re.compile(r"^data:image/svg"))
    certificate_link = page.locator("#verify-link").get_attribute("href")
    page.emulate_media(media="print")
    pdf = page.pdf(path=str(ARTIFACTS / "13d-divorce-certificate.pdf"), prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the certificate prints on one sheet"

    # Its QR code verifies the certificate: the divorce stands, under its L… number (not the receipt's).
    scanned = new_context().new_page()
    assert scanned.goto(certificate_link).status == 200
    expect(scanned.locator(".verdict")).to_have_class(re.compile(r"verdict-current"))
    expect(scanned.locator("#verify-document")).to_have_text(DIVORCE_CERTIFICATE)
    expect(scanned.locator("#verify-state")).to_contain_text("已办理离婚登记")
    shot(scanned, "13e-divorce-certificate-verified")


def test_refuse_a_divorce_with_the_reason_then_print_the_notice(page, suite, new_context):
    """不予离婚登记 (rules.md §1.5): in the issue period, beside 办理离婚登记, the registrar writes the
    review's findings and confirms; the page then shows the refusal and its reason and prints the
    不予办理离婚登记告知书, whose QR code verifies it, masked."""
    couple = open_awaiting_issue(page, suite)
    refuse = page.locator("#refuse-form")
    expect(refuse).to_be_visible()
    expect(page.locator("#issue-form")).to_be_visible()
    refuse.get_by_role("button", name="不予登记").click()  # no reason: asked for, nothing sent
    expect(page.locator("#refuse-reason-error")).to_contain_text("必填")
    reason = f"男方{couple.man}当场表示不同意离婚，双方已不再具有离婚合意"
    page.get_by_label("不予登记的理由").fill(reason)
    refuse.get_by_role("button", name="不予登记").click()
    expect(refuse.locator(".confirm")).to_contain_text("双方婚姻关系不变")
    expect(refuse.locator(".confirm")).not_to_contain_text("该婚姻即告终止")
    expect(page.locator("#application")).to_contain_text("待领离婚证")  # nothing recorded before the confirmation
    shot(page, "13f-divorce-refusal-confirm")
    refuse.get_by_role("button", name="确认办理").click()
    expect(page.locator("#divorce-result")).to_contain_text("已作出不予离婚登记的决定")
    expect(page.locator("#application")).to_contain_text("不予登记")
    expect(page.locator("#application")).to_contain_text(reason)
    expect(refuse).to_be_hidden()
    expect(page.locator("#issue-form")).to_be_hidden()
    expect(page.locator("#print-refusal")).to_be_focused()
    shot(page, "13g-divorce-refused")

    page.reload()  # the record keeps the reason; the notice can be printed later
    expect(page.locator("#application")).to_contain_text(reason)
    expect(page.locator("#divorce-refusal")).to_contain_text("本申请不予离婚登记")
    page.get_by_role("button", name="打印不予登记告知书").click()
    expect(page.locator("#print-status")).to_contain_text("可以打印")
    expect(page.locator("#doc-title")).to_have_text("不予办理离婚登记告知书")
    expect(page.locator("#n-text")).to_have_text(re.compile(r"^你们申请办理离婚登记。"))
    expect(page.locator("#n-reason")).to_have_text(reason)
    expect(page.locator("#n-basis")).to_contain_text("第一千零七十八条")
    expect(page.locator("#n-addressee")).to_contain_text(couple.woman)
    expect(page.locator("#n-number")).to_have_text(re.compile(r"^BY421281-\d{8}-\w{6}$"))
    shot(page, "13h-divorce-refusal-notice")
    link = page.locator("#verify-link").get_attribute("href")
    number = page.locator("#n-number").inner_text()
    page.reload()  # printed again: the refusal on record, the same notice
    expect(page.locator("#print-status")).to_contain_text("可以打印")
    expect(page.locator("#n-number")).to_have_text(number)
    expect(page.locator("#n-reason")).to_have_text(reason)

    scanned = new_context().new_page()
    assert scanned.goto(link).status == 200
    expect(scanned.locator(".verdict")).to_contain_text("本告知书由婚姻登记机关出具")
    expect(scanned.locator("main")).to_contain_text("不予办理离婚登记告知书")
    expect(scanned.locator("main")).to_contain_text("当场表示不同意离婚")
    for text in (couple.man, couple.man_id, couple.woman_id):
        expect(scanned.locator("main")).not_to_contain_text(text)


def test_marital_status_lookup(page, suite):
    couple = Couple.new()
    marriage = register_via_api(suite.url, api_token(suite.url, "marriage_registrar"), couple)
    sign_in(page, "marriage_registrar")
    page.get_by_role("navigation").get_by_role("link", name="婚姻状况查询").click()
    page.get_by_label("证件号码").fill(couple.man_id)
    page.get_by_label("证件号码").press("Enter")
    expect(page.locator("#status-figure")).to_have_text("婚姻状况：有配偶")
    expect(page.locator("#status-table")).to_contain_text(marriage["certificateNumber"])
    page.get_by_label("证件号码").fill(resident_id(True))
    page.get_by_role("button", name="查询婚姻状况").click()
    expect(page.locator("#status-figure")).to_contain_text("未婚")
    shot(page, "14-marital-status")


def reissue_and_print(page, id_number: str, series: str, says: str) -> str:
    """补领 at the window for the person, then open the print of what was issued; its number."""
    sign_in(page, "marriage_registrar")
    page.get_by_role("navigation").get_by_role("link", name="补领婚姻登记证").click()
    find_marriage(page, id_number)
    page.get_by_label("补领原因").select_option(label="结婚证遗失")
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith(":reissue")) as sent:
        page.get_by_role("button", name="办理补领").click()
    # The applicant is the person the record was found by, unless the clerk says otherwise.
    body = sent.value.post_data_json
    assert (body["applicantIdType"], body["applicantIdNumber"], "proxy" in body) == \
        ("ID_TYPE_RESIDENT_ID", id_number, False)
    expect(page.locator("#reissue-result")).to_contain_text(says)
    shot(page, f"15-reissued-{series}")
    number = re.search(series + r"\d{6}-\d{4}-\d{6}", page.locator("#reissue-result").inner_text())[0]
    page.locator("#print-reissued").click()
    expect(page.locator("#print-status")).to_contain_text("可以打印")
    return number


def test_reissue_a_certificate(page, suite, new_context):
    couple = Couple.new()
    register_via_api(suite.url, api_token(suite.url, "marriage_registrar"), couple)
    number = reissue_and_print(page, couple.man_id, "BJ", "补发结婚证")  # the replacement, under its own number
    expect(page.locator("#doc-title")).to_have_text("结婚证（补发）")
    expect(page.locator("#c-number")).to_have_text(number)
    expect(page.locator("#c-parties")).to_contain_text(couple.man_id)
    shot(page, "15b-reissued-certificate")
    scanned = new_context().new_page()  # its QR code verifies the replacement by its own number
    assert scanned.goto(page.locator("#verify-link").get_attribute("href")).status == 200
    expect(scanned.locator(".verdict")).to_have_class(re.compile(r"verdict-current"))
    expect(scanned.locator("#verify-document")).to_have_text(number)
    expect(scanned.locator(".record")).to_contain_text("结婚证（补发）")


def test_a_reissue_names_its_applicant_a_stranger_is_refused_and_an_agent_shows_a_power_of_attorney(page, suite):
    """rules.md §1.6: 补领 with ID, by a party of the record — a document of neither is refused in
    Chinese, naming no party — or by an agent with a notarized power of attorney, whose reference
    the form asks for before sending."""
    couple = Couple.new()
    register_via_api(suite.url, api_token(suite.url, "marriage_registrar"), couple)
    sign_in(page, "marriage_registrar")
    page.goto("/ui/marriage/reissue")
    find_marriage(page, couple.man_id)
    expect(page.locator("#reissue-id")).to_have_value(couple.man_id)  # found by him: he applies
    expect(page.locator("#reissue-proxy")).to_be_hidden()
    page.get_by_label("补领原因").select_option(label="结婚证遗失")
    page.locator("#reissue-id").fill(resident_id(True))  # someone else's card
    page.get_by_role("button", name="办理补领").click()
    refusal = page.locator("#reissue-errors")
    expect(refusal).to_contain_text("申请人不是该婚姻登记的当事人")
    expect(refusal).to_contain_text("APPLICANT_NOT_A_PARTY")
    expect(refusal).to_contain_text("不予补领")
    for party in (couple.man, couple.woman, couple.man_id[-4:], couple.woman_id[-4:]):
        expect(refusal).not_to_contain_text(party)
    expect(page.locator("#reissue-result")).to_be_empty()
    shot(page, "15c-reissue-stranger-refused")

    agent = resident_id(False)
    page.locator("#reissue-id").fill(couple.woman_id)  # her agent applies for her
    page.get_by_label("由代理人代办").check()
    page.locator("#proxy-id").fill(agent)
    page.locator("#proxy-name").fill("王小芳")
    page.get_by_role("button", name="办理补领").click()
    expect(page.locator("#proxy-poa-error")).to_have_text("必填")  # asked before anything is sent
    page.locator("#proxy-poa").fill("(2025)鄂赤壁证字第123号")
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith(":reissue")) as sent:
        page.get_by_role("button", name="办理补领").click()
    body = sent.value.post_data_json
    assert (body["applicantIdNumber"], body["proxy"]) == (couple.woman_id, {
        "idType": "ID_TYPE_RESIDENT_ID", "idNumber": agent, "name": "王小芳", "powerOfAttorney": "(2025)鄂赤壁证字第123号"})
    expect(page.locator("#reissue-result")).to_contain_text("补发结婚证")
    shot(page, "15d-reissued-by-proxy")


def test_after_a_court_divorce_the_reissue_is_a_record_certificate_that_verifies(page, suite, new_context):
    """The status changed since the registration: 补领 yields a 婚姻登记记录证明 (ZM…), printed as such,
    and its QR code verifies it as standing although the marriage is dissolved."""
    token = api_token(suite.url, "marriage_registrar")
    couple = Couple.new()
    marriage = register_via_api(suite.url, token, couple)
    ended = httpx.post(f"{suite.url}/v1/{marriage['name']}:recordCourtDivorce", timeout=10,
                       headers={"Authorization": f"Bearer {token}"},
                       json={"requestId": str(uuid.uuid4()), "court": "赤壁市人民法院",
                             "documentNumber": "(2025)鄂1281民初7号", "effectiveDate": today().isoformat()})
    assert ended.status_code == 200, ended.text
    number = reissue_and_print(page, couple.woman_id, "ZM", "婚姻登记记录证明")
    expect(page.locator("#doc-title")).to_have_text("婚姻登记记录证明")
    expect(page.locator("#c-number")).to_have_text(number)
    expect(page.locator("#c-note")).to_contain_text(marriage["certificateNumber"])
    expect(page.locator("#c-state")).to_have_text(f"已离婚（{today().isoformat()}）")
    shot(page, "15c-record-certificate")
    scanned = new_context().new_page()
    assert scanned.goto(page.locator("#verify-link").get_attribute("href")).status == 200
    expect(scanned.locator(".verdict")).to_have_class(re.compile(r"verdict-current"))
    expect(scanned.locator("#verify-state")).to_contain_text("离婚")
    expect(scanned.locator("#verify-document")).to_have_text(number)  # the number on the paper in hand
    expect(scanned.locator(".record")).to_contain_text("婚姻登记记录证明")


def test_counseling_case_open_record_close(page):
    case, topic = open_counseling_case(page, "夫妻沟通")
    page.locator("#session-case").select_option(case)
    page.get_by_label("辅导情况").fill("双方同意继续沟通")
    page.get_by_role("button", name="记录辅导").click()
    expect(page.locator("#work-result")).to_contain_text("第 1 次辅导")
    page.locator("#close-case").select_option(case)
    page.get_by_label("辅导结果").select_option(label="调解和好")
    page.get_by_role("button", name="结案").click()
    expect(page.locator("#work-result")).to_contain_text("已结案")
    page.get_by_label("只显示未结案的").uncheck()
    page.get_by_role("button", name="显示").click()
    expect(page.locator("#cases-table")).to_contain_text("调解和好")
    shot(page, "16-counseling")


def test_import_a_csv_and_approve_a_correction_as_a_second_user(page, tmp_path):
    sign_in(page, "marriage_registrar")
    page.get_by_role("navigation").get_by_role("link", name="历史数据补录").click()
    # Married in 1995, of age then.
    good = Couple(resident_id(True, age=55), "周建国", resident_id(False, age=55), "吴秀英")
    bad = Couple(resident_id(True, age=55), "郑国强", resident_id(False, age=55), "冯桂兰")
    csv = tmp_path / "赤壁1995补录.csv"
    csv.write_text("证书编号,登记日期,类别,男方姓名,男方身份证号,女方姓名,女方身份证号,登记机关\n"
                   f"鄂赤婚字第0001号,1995-05-20,结婚,{good.man},{good.man_id},{good.woman},{good.woman_id},421281\n"
                   f"鄂赤婚字第0002号,1995-06-01,结婚,{bad.man},{wrong_check(bad.man_id)},{bad.woman},{bad.woman_id},421281\n",
                   encoding="utf-8")
    page.get_by_label("档案数据文件").set_input_files(str(csv))
    page.get_by_role("button", name="上传并补录").click()
    expect(page.locator("#upload-result")).to_contain_text("读取 2 行")
    expect(page.locator("#report-figures")).to_be_visible()
    shot(page, "17-import-report")

    # Defect kinds in words, not the service's codes.
    expect(page.locator("#report-codes")).to_contain_text("校验位错误")
    expect(page.locator("#report")).not_to_contain_text("BAD_CHECK_DIGIT")
    expect(page.locator("#defects-table")).not_to_contain_text("BAD_CHECK_DIGIT")
    page.locator("#defects-table").get_by_role("button", name="更正第 2 行").click()
    expect(page.locator("#propose-field")).to_have_value("man_id")
    page.get_by_label("更正后的值").fill(bad.man_id)
    page.get_by_label("更正理由").fill("原登记簿号码抄录错误，按户籍证明更正")
    evidence = f"户籍证明 赤公户证〔2024〕{bad.man_id[-6:]}号"
    page.get_by_label("依据").fill(evidence)
    page.get_by_role("button", name="提交更正（须另一人审核）").click()
    expect(page.locator("#propose-result")).to_contain_text("等待另一名工作人员审核")
    # The proposer sees it waiting, without approve/reject buttons the service would refuse her.
    page.get_by_role("navigation").get_by_role("link", name="瑕疵数据更正").click()
    mine = page.locator("#queue-table tbody tr", has_text=evidence)
    expect(mine).to_contain_text("待审核")
    expect(mine.get_by_role("button")).to_have_count(0)
    sign_out(page)

    sign_in(page, "supervisor")
    page.get_by_role("navigation").get_by_role("link", name="瑕疵数据更正").click()
    row = page.locator("#queue-table tbody tr", has_text=evidence)
    expect(row).to_contain_text(bad.man_id[-4:])  # ID numbers in the queue are masked
    row.get_by_role("button", name=re.compile("批准")).click()
    expect(page.locator("#queue-result")).to_contain_text("已批准")
    shot(page, "18-correction-approved")


def test_a_withdrawal_by_someone_not_a_party_is_refused_at_the_id_field(page, suite):
    token = api_token(suite.url, "marriage_registrar")
    application = apply_divorce_via_api(suite.url, token, register_via_api(suite.url, token, Couple.new()))
    sign_in(page, "marriage_registrar")
    page.goto(f"/ui/marriage/divorces/{application['name'].split('/')[1]}")
    stranger = resident_id(True)
    page.locator("#withdraw-id").fill(stranger)
    page.get_by_role("button", name="撤回离婚登记申请").click()
    summary = page.locator("#withdraw-errors")
    expect(summary).to_contain_text("不是该离婚申请的当事人")
    expect(page.locator("#withdraw-id-error")).to_contain_text("不是该离婚申请的当事人")
    expect(summary).not_to_contain_text("party")  # no API field names before the message
    expect(page.locator("#withdraw-id")).to_have_value(stranger)
    shot(page, "13f-withdrawal-not-a-party")


def test_closing_a_counseling_case_before_its_receipt_points_at_the_close_date(page):
    sign_in(page, "marriage_counselor")
    page.goto("/ui/marriage/counseling")
    topic = f"冷静期辅导 {resident_id(True)[-6:]}"
    page.get_by_label("辅导事项").fill(topic)
    page.get_by_role("button", name="受理", exact=True).click()
    expect(page.locator("#open-result")).to_contain_text(topic)
    page.locator("#close-case").select_option(page.locator("#close-case option", has_text=topic).get_attribute("value"))
    page.get_by_label("辅导结果").select_option(label="调解和好")
    page.locator("#close-date").fill((today() - dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="结案").click()
    expect(page.locator("#close-date-error")).to_contain_text("早于个案接待日期")
    expect(page.locator("#close-errors")).not_to_contain_text("closed_on")
    shot(page, "16b-counseling-close-before-receipt")


def test_a_passport_party_needs_birth_date_and_nationality_before_anything_is_sent(page, suite):
    """Passports and permits carry no birth date or sex in the number: the window asks for all of
    them at once, marked as required, instead of the service refusing them one by one."""
    # A foreign couple: registered at an office designated for such cases (rules.md §1.1 Art 2).
    designate_office(suite.url, api_token(suite.url, "admin"), True)
    sign_in(page, "marriage_registrar")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "marriages:register" in r.url else None)
    page.goto("/ui/marriage/register")
    serial = resident_id(True)[-8:-1]
    page.locator("#p0-idtype").select_option(label="护照")
    page.locator("#p0-id").fill(f"E{serial}1")
    page.locator("#p0-name").fill("John Smith")
    page.locator("#p1-idtype").select_option(label="护照")
    page.locator("#p1-id").fill(f"G{serial}2")
    page.locator("#p1-name").fill("Mary Brown")
    page.get_by_label("双方均无配偶").check()
    page.get_by_label("双方没有直系血亲和三代以内旁系血亲关系").check()
    expect(page.locator("label[for=p0-birth] .req")).to_be_visible()
    page.get_by_role("button", name="办理结婚登记").click()
    expect(page.locator("#register-errors")).to_be_focused()
    proof = ("proof-kind", "proof-issuer", "proof-number", "proof-date")  # the no-spouse proof (rules.md §1.3)
    for field in ("birth", "nationality", *proof):
        for side in ("p0", "p1"):
            expect(page.locator(f"#{side}-{field}-error")).to_have_text("必填")
    assert sent == []
    shot(page, "03b-passport-required-fields")
    page.locator("#p0-birth").fill("1990-03-04")
    page.locator("#p0-nationality").fill("usa")
    page.locator("#p1-birth").fill("1992-05-06")
    page.locator("#p1-nationality").fill("GBR")
    for side, kind, issuer in (("p0", "附海牙认证的无配偶证明", "Texas Secretary of State"),
                               ("p1", "经公证的无配偶声明（港澳台居民）", "Notary Public, London")):
        page.locator(f"#{side}-proof-kind").select_option(label=kind)
        page.locator(f"#{side}-proof-issuer").fill(issuer)
        page.locator(f"#{side}-proof-number").fill(f"AP-{serial}")
        page.locator(f"#{side}-proof-date").fill("2026-01-05")
    # A notarized declaration is Hong Kong's, Macao's and Taiwan's: from a foreigner the registry
    # refuses it, at her proof's kind, and registers nothing.
    page.locator("#p1-nationality").press("Enter")
    expect(page.locator("#register-errors")).to_contain_text("NO_SPOUSE_PROOF_KIND")
    expect(page.locator("#p1-proof-kind-error")).to_contain_text("不能以经公证的无配偶声明代替")
    expect(page.locator("#register-result")).to_be_empty()
    page.locator("#p1-proof-kind").select_option(label="使（领）馆出具的无配偶证明")
    page.locator("#p1-nationality").press("Enter")
    expect(page.locator("#register-result")).to_contain_text("结婚登记已办理")
    # A mainland couple next: the proof is not asked of them.
    expect(page.locator("#p0-proof-kind")).to_be_hidden()


def test_a_registration_of_an_earlier_cohabitation_asks_its_start_and_shows_the_effect_day(page, suite):
    """补办结婚登记 (民法典 1049): ticking the box asks for the day the couple began living together,
    required before anything is sent; the record shows the day its effect dates back to — here her
    20th birthday, after they moved in — and so does the record card where the marriage is found."""
    day = today()
    her_birthday = turning(20, day - dt.timedelta(days=400))
    couple = Couple(resident_id_born(turning(30, day), True), "郑明", resident_id_born(her_birthday, False), "冯丽")
    sign_in(page, "marriage_registrar")
    fill_registration(page, couple)
    expect(page.locator("#reg-cohabitation")).to_be_hidden()
    page.get_by_label("双方已以夫妻名义同居").check()
    page.get_by_role("button", name="办理结婚登记").click()
    expect(page.locator("#reg-cohabitation-error")).to_have_text("必填")
    expect(page.locator("#register-result")).to_be_empty()
    since = day - dt.timedelta(days=900)
    page.locator("#reg-cohabitation").fill(since.isoformat())
    page.get_by_role("button", name="办理结婚登记").click()
    expect(page.locator("#retro-effect")).to_have_text(
        f"补办结婚登记：同居起始日期 {since.isoformat()}，婚姻效力起算日 {(her_birthday.replace(year=her_birthday.year + 20)).isoformat()}")
    shot(page, "03c-retroactive-registration")
    expect(page.locator("#reg-cohabitation")).to_be_hidden()  # the next couple starts unticked
    # The declarations each party signs before the registrar (申请结婚登记声明书), one sheet each,
    # with the numbers in full and the cohabitation they register.
    page.locator("#print-declarations").click()
    expect(page.locator("#print-status")).to_contain_text("可以打印")
    expect(page.locator("article.declaration")).to_have_count(2)
    expect(page.locator("#d0-facts")).to_contain_text(couple.man_id)
    expect(page.locator("#d1-facts")).to_contain_text(couple.woman_id)
    expect(page.locator("#d0-text")).to_contain_text(f"本人与{couple.woman}均无配偶")
    expect(page.locator("#d1-text")).to_contain_text(f"本人与{couple.man}均无配偶")
    expect(page.locator("#d1-cohabitation")).to_have_text(f"双方自{since.isoformat()}起以夫妻名义共同生活，现申请补办结婚登记。")
    shot(page, "03d-declarations")
    page.go_back()
    page.get_by_role("navigation").get_by_role("link", name="补领婚姻登记证").click()
    find_marriage(page, couple.woman_id)
    expect(page.locator("#found-marriage .cohabitation")).to_contain_text(f"同居起始 {since.isoformat()}")
    # The year's figures count it among the registrations (Statistics.marriages_retroactive).
    sign_in(page, "supervisor")
    page.goto("/ui/marriage/statistics")
    counted = page.locator("#stats dt", has_text="其中补办结婚登记（对）").locator("xpath=following-sibling::dd[1]")
    expect(counted).to_have_text(re.compile(r"^[1-9]\d*$"))


def test_a_foreign_case_at_an_office_not_designated_is_refused_in_chinese(page, suite):
    """Foreign, Hong Kong/Macao/Taiwan and overseas-Chinese cases only at an office the province
    designated (rules.md §1.1 Art 2): elsewhere the window says so and where to go, with no
    不予登记告知书 (it is no refusal on the law's grounds), and nothing is registered."""
    designate_office(suite.url, api_token(suite.url, "admin"), False)
    sign_in(page, "marriage_registrar")
    page.goto("/ui/marriage/register")
    page.locator("#p0-id").fill(resident_id(True))
    page.locator("#p0-name").fill("张伟")
    page.locator("#p1-idtype").select_option(label="港澳居民来往内地通行证/居住证")
    page.locator("#p1-id").fill(f"H{resident_id(False)[-9:-1]}")
    page.locator("#p1-name").fill("陈美玲")
    page.locator("#p1-birth").fill("1994-02-03")
    page.locator("#p1-nationality").fill("CHN")
    page.locator("#p1-proof-kind").select_option(label="经公证的无配偶声明（港澳台居民）")
    page.locator("#p1-proof-issuer").fill("香港律师公证")
    page.locator("#p1-proof-number").fill("HK-2026-0518")
    page.locator("#p1-proof-date").fill("2026-01-05")
    page.get_by_label("双方均无配偶").check()
    page.get_by_label("双方没有直系血亲和三代以内旁系血亲关系").check()
    page.get_by_role("button", name="办理结婚登记").click()
    summary = page.locator("#register-errors")
    expect(summary).to_be_focused()
    expect(summary.locator(".error-title")).to_contain_text("本机关未经指定办理涉外、涉港澳台、华侨婚姻登记 OFFICE_NOT_DESIGNATED")
    expect(summary).to_contain_text("本案为涉港澳台结婚登记")
    expect(summary).to_contain_text("请到经省级民政部门指定的涉外婚姻登记机关办理")
    expect(page.get_by_role("button", name="打印不予登记告知书")).to_be_hidden()
    expect(page.locator("#register-result")).to_be_empty()
    shot(page, "03c-foreign-case-office-not-designated")


def test_a_full_special_day_says_so_and_only_registrars_see_cancel(page, suite, new_context):
    """A special date (加班日) booked to its capacity: the next booking is refused as full (not as
    'too many requests'), without the previous success left beside it; a supervisor, who may look
    but not cancel, gets no cancel buttons; a closed day is not called 'today'."""
    day = today() + dt.timedelta(days=15)
    while day.weekday() != 5:
        day += dt.timedelta(days=1)
    added = httpx.post(f"{suite.url}/v1/offices/421281/specialDates", timeout=10,
                       headers={"Authorization": f"Bearer {api_token(suite.url, 'supervisor')}"},
                       json={"requestId": str(uuid.uuid4()), "specialDate": {
                           "date": day.isoformat(), "label": "七夕加班", "opensAt": "09:00", "closesAt": "12:00", "capacity": 1}})
    assert added.status_code == 200, added.text
    sign_in(page, "marriage_registrar")
    page.goto("/ui/marriage/appointments")
    for contact in ("张伟", "李娜"):
        page.locator("#book-date").fill(day.isoformat())
        page.get_by_label("联系人姓名").fill(contact)
        page.get_by_label("联系电话").fill("13800138000")
        page.get_by_label("联系电话").press("Enter")
        if contact == "张伟":
            expect(page.locator("#book-result")).to_contain_text("预约成功")
    summary = page.locator("#book-errors")
    expect(summary).to_contain_text("名额已满")
    expect(summary).not_to_contain_text("频繁")
    expect(page.locator("#book-result")).to_be_empty()
    expect(page.get_by_label("联系人姓名")).to_have_value("李娜")
    shot(page, "02b-special-day-full")
    # Cancelling asks first (a double click only asks), then says so beside the day's list and keeps
    # the keyboard there (the button is gone).
    page.locator("#day-table").get_by_role("button", name="取消 1 号").dblclick()
    expect(page.locator("#day-summary")).to_contain_text("已预约 1 / 名额 1")
    page.locator("#day-table").get_by_role("button", name="确认取消 1 号").click()
    expect(page.locator("#day-result")).to_have_text("已取消 1 号预约")
    expect(page.locator("#day-result")).to_be_focused()
    expect(page.locator("#day-summary")).to_contain_text("已预约 0 / 名额 1")

    sunday = day + dt.timedelta(days=1)
    page.locator("#day-date").fill(sunday.isoformat())
    page.locator("#day-date").press("Enter")
    expect(page.locator("#day-summary")).to_contain_text(f"{sunday.isoformat()} 不办公")
    expect(page.locator("#day-summary")).not_to_contain_text("今日")

    supervisor = new_context().new_page()
    sign_in(supervisor, "supervisor")
    supervisor.goto("/ui/marriage/appointments")
    supervisor.locator("#day-date").fill(day.isoformat())
    supervisor.locator("#day-date").press("Enter")
    expect(supervisor.locator("#day-table")).to_contain_text("张*")
    expect(supervisor.locator("#day-table button")).to_have_count(0)
    shot(supervisor, "02c-supervisor-sees-no-cancel")


def test_an_underage_or_same_sex_couple_is_refused_by_the_registry_with_a_notice_to_print(page):
    """The form flags an age or a sex that bars the marriage as it is typed, but refusing is the
    registry's decision on the law's grounds: the service refuses with its reason and the clerk can
    print the 不予登记告知书, as for a party already married. Columns mixed up stay an input mistake."""
    sign_in(page, "marriage_registrar")
    summary = page.locator("#register-errors")
    notice = page.get_by_role("button", name="打印不予登记告知书")
    one_day_short = Couple(resident_id_born(turning(22, today() + dt.timedelta(days=1)), True), "钱少年",
                           resident_id(False), "孙静")
    fill_registration(page, one_day_short)
    expect(page.locator("#p0-id-error")).to_contain_text("未满 22 周岁")  # said as typed
    page.locator("#p1-name").press("Enter")
    expect(summary).to_contain_text("依法不予登记")
    expect(summary).to_contain_text("不符合法定婚龄")
    expect(page.locator("#p0-id-error")).to_contain_text("不符合法定婚龄")
    shot(page, "06b-refused-under-age-by-one-day")
    notice.click()
    expect(page.locator("#n-reason")).to_contain_text("不符合法定婚龄")
    expect(page.locator("#n-basis")).to_contain_text("第一千零四十七条")

    fill_registration(page, Couple(resident_id(True), "周强", resident_id(True), "吴军"))
    page.locator("#p1-name").press("Enter")
    expect(summary).to_contain_text("结婚登记须为一男一女")
    expect(summary).not_to_contain_text("parties")  # no API field name before the message
    expect(notice).to_be_visible()
    shot(page, "06c-refused-two-men")

    sent = []
    page.on("request", lambda r: sent.append(r.url) if "marriages:register" in r.url else None)
    fill_registration(page, Couple(resident_id(False), "王芳", resident_id(True), "张伟"))  # columns swapped
    page.locator("#p1-name").press("Enter")
    expect(summary).to_contain_text("请先更正以下内容")
    expect(page.locator("#p0-id-error")).to_contain_text("男方须录入男性")
    expect(notice).to_be_hidden()
    assert sent == []


def test_find_marriage_records_by_a_party_name(page, suite):
    """Search by name as well as by ID number (design.md): the records listed with numbers masked."""
    couple = Couple.new()
    # A name no other test registers (written in letters: digits are no part of a name).
    couple.man = "司马" + "".join(random.choice("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥") for _ in range(5))
    marriage = register_via_api(suite.url, api_token(suite.url, "marriage_registrar"), couple)
    sign_in(page, "marriage_registrar")
    page.get_by_role("navigation").get_by_role("link", name="婚姻状况查询").click()
    page.get_by_label("当事人姓名").fill(couple.man)
    page.get_by_label("当事人姓名").press("Enter")
    table = page.locator("#name-table")
    expect(table).to_contain_text(marriage["certificateNumber"])
    expect(table).to_contain_text(couple.woman)
    expect(table).to_contain_text(couple.man_id[-4:])
    expect(table).not_to_contain_text(couple.man_id)  # masked, as every list shows them
    shot(page, "14b-find-by-name")
    page.get_by_label("当事人姓名").fill("查无此人")
    page.get_by_role("button", name="按姓名查找").click()
    expect(table).to_contain_text("未找到")


def test_list_filters_show_why_they_failed(page, new_context):
    """Every form says why it failed, the list filters of 瑕疵数据更正 and 婚姻家庭辅导 too (they had
    nowhere to say it: the button did nothing)."""
    expire = """() => { const s = JSON.parse(sessionStorage.getItem('civic.session')); s.expiresAt = Date.now() - 1000;
                        sessionStorage.setItem('civic.session', JSON.stringify(s)); }"""
    sign_in(page, "supervisor")
    page.goto("/ui/marriage/corrections")
    expect(page.locator("#queue-table tbody tr").first).to_be_visible()
    page.evaluate(expire)
    page.get_by_role("button", name="显示").click()
    expect(page.locator("#filter-form .error-summary")).to_contain_text("请重新登录")

    counselor = new_context().new_page()
    sign_in(counselor, "marriage_counselor")
    counselor.goto("/ui/marriage/counseling")
    expect(counselor.locator("#cases-table tbody tr").first).to_be_visible()
    counselor.evaluate(expire)
    counselor.get_by_role("button", name="显示").click()
    expect(counselor.locator("#cases-form .error-summary")).to_contain_text("请重新登录")


def test_statistics_refused_for_a_reversed_period_show_no_figures(page):
    """The figures beside a refused period would read as its figures: they are cleared."""
    sign_in(page, "supervisor")
    page.goto("/ui/marriage/statistics")
    expect(page.locator("#stats")).to_contain_text("结婚登记（对）")
    page.get_by_label("起始日期").fill("2024-01-01")
    page.get_by_label("截止日期").fill("2023-01-01")
    page.get_by_label("截止日期").press("Enter")
    expect(page.locator("#stats-errors")).to_contain_text("开始日期不能晚于结束日期")
    expect(page.locator("#stats")).to_be_empty()
    page.get_by_label("起始日期").fill(f"{today().year}-01-01")
    page.get_by_label("截止日期").fill(today().isoformat())
    page.get_by_role("button", name="显示").click()
    expect(page.locator("#stats")).to_contain_text("结婚登记（对）")


def test_finding_the_next_person_clears_the_last_ones_result_and_print_button(page, suite):
    """At the window one couple follows another: after a reissue or an accepted divorce, finding
    the next person must not leave the previous couple's print button under the new record."""
    token = api_token(suite.url, "marriage_registrar")
    first, second = Couple.new(), Couple.new()
    for couple in (first, second):
        register_via_api(suite.url, token, couple)
    sign_in(page, "marriage_registrar")
    page.goto("/ui/marriage/reissue")
    find_marriage(page, first.man_id)
    page.get_by_label("补领原因").select_option(label="结婚证遗失")
    page.get_by_role("button", name="办理补领").click()
    expect(page.locator("#print-reissued")).to_be_visible()
    find_marriage(page, second.woman_id)
    expect(page.locator("#found-marriage")).to_contain_text(second.woman)
    expect(page.locator("#reissue-result")).to_be_empty()
    expect(page.locator("#print-reissued")).to_have_count(0)

    page.goto("/ui/marriage/divorces")
    find_marriage(page, first.man_id)
    page.get_by_label("完全民事行为能力", exact=False).check()
    page.get_by_label("出具的结婚证").select_option("CERTIFICATES_PRESENTED_BOTH")
    page.get_by_label("双方自愿离婚，并已签署离婚协议书").check()
    page.get_by_label("子女抚养").fill("无子女")
    page.get_by_label("财产分割").fill("各自名下财产归各自所有")
    page.get_by_label("债务处理").fill("无共同债务")
    page.get_by_role("button", name="受理申请").click()
    expect(page.locator("#print-receipt")).to_be_visible()
    find_marriage(page, second.man_id)
    expect(page.locator("#found-marriage")).to_contain_text(second.man)
    expect(page.locator("#apply-result")).to_be_empty()
    expect(page.locator("#print-receipt")).to_have_count(0)


def test_a_served_appointment_leaves_the_list_of_todays_bookings(page, suite):
    """After a registration that served a booking, the next couple's form no longer offers it."""
    token = api_token(suite.url, "marriage_registrar")
    added = httpx.post(f"{suite.url}/v1/offices/421281/specialDates", timeout=10,  # open today, whatever the weekday
                       headers={"Authorization": f"Bearer {api_token(suite.url, 'supervisor')}"},
                       json={"requestId": str(uuid.uuid4()), "specialDate": {
                           "date": today().isoformat(), "label": "测试加班", "opensAt": "00:00", "closesAt": "23:59",
                           "capacity": 200}})
    assert added.status_code == 200, added.text
    booked = []
    for contact in ("欧阳甲", "欧阳乙"):
        resp = httpx.post(f"{suite.url}/v1/appointments", headers={"Authorization": f"Bearer {token}"}, timeout=10,
                          json={"requestId": str(uuid.uuid4()), "appointment": {
                              "officeCode": "421281", "date": today().isoformat(), "kind": "APPOINTMENT_KIND_MARRIAGE",
                              "contactName": contact, "contactPhone": "13800138000"}})
        assert resp.status_code == 200, resp.text
        booked.append(resp.json()["name"])
    sign_in(page, "marriage_registrar")
    fill_registration(page, Couple.new())
    page.locator("#reg-appointment").select_option(booked[0])
    page.locator("#p1-name").press("Enter")
    expect(page.locator("#register-result")).to_contain_text("结婚登记已办理")
    options = page.locator("#reg-appointment option")
    expect(options.and_(page.locator(f"[value='{booked[1]}']"))).to_have_count(1)
    expect(options.and_(page.locator(f"[value='{booked[0]}']"))).to_have_count(0)


def test_a_certificate_with_a_long_foreign_name_still_prints_on_one_sheet(page, suite):
    """Names run to 50 characters (a passport's full name): the name wraps, the dates and numbers
    do not, and the certificate stays on its one 210×148 mm sheet."""
    token = api_token(suite.url, "marriage_registrar")
    # A foreign party: only at a designated office (rules.md §1.1), which an administrator sets.
    designate_office(suite.url, api_token(suite.url, "admin"), True)
    long_name = "Maximilian Alexander Featherstonehaugh-Wolfeschle"
    resp = httpx.post(f"{suite.url}/v1/marriages:register", headers={"Authorization": f"Bearer {token}"}, timeout=10,
                      json={"officeCode": "421281", "declarations": {"noSpouse": True, "noProhibitedKinship": True},
                            "parties": [{"idType": "ID_TYPE_PASSPORT", "idNumber": f"K{resident_id(True)[-9:-1]}",
                                         "name": long_name, "sex": "SEX_MALE", "birthDate": "1980-01-01",
                                         "nationality": "GBR", "noSpouseProof": {
                                             "kind": "NO_SPOUSE_PROOF_KIND_CONSULAR_CERTIFICATE",
                                             "issuer": "British Embassy Beijing", "documentNumber": "BE-2026-77",
                                             "issueDate": "2026-01-05"}},
                                        {"idNumber": resident_id(False), "name": "欧阳娜娜"}]})
    assert resp.status_code == 200, resp.text
    sign_in(page, "marriage_registrar")
    page.goto(f"/ui/print/certificate/{resp.json()['name'].split('/')[1]}")
    expect(page.locator("#print-status")).to_contain_text("可以打印")
    expect(page.locator("#c-parties")).to_contain_text(long_name)
    page.emulate_media(media="print")
    shot(page, "04b-certificate-long-name-print-media")
    pdf = page.pdf(path=str(ARTIFACTS / "04b-certificate-long-name.pdf"), prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the certificate prints on one sheet"


def test_a_refused_upload_leaves_no_report_of_the_previous_file(page, tmp_path):
    """The report on screen is the last file's: a refused file does not sit beside the one before."""
    sign_in(page, "marriage_registrar")
    page.goto("/ui/marriage/imports")
    couple = Couple(resident_id(True, age=55), "陈国华", resident_id(False, age=55), "林淑珍")
    good = tmp_path / "赤壁1996补录.csv"
    good.write_text("证书编号,登记日期,类别,男方姓名,男方身份证号,女方姓名,女方身份证号,登记机关\n"
                    f"鄂赤婚字第0101号,1996-03-08,结婚,{couple.man},{couple.man_id},{couple.woman},{couple.woman_id},421281\n",
                    encoding="utf-8")
    page.get_by_label("档案数据文件").set_input_files(str(good))
    page.get_by_role("button", name="上传并补录").click()
    expect(page.locator("#upload-result")).to_contain_text("读取 1 行")
    expect(page.locator("#report")).to_be_visible()
    scan = tmp_path / "扫描件.csv"
    scan.write_bytes(b"%PDF-1.4 not a table")
    page.get_by_label("档案数据文件").set_input_files(str(scan))
    page.get_by_role("button", name="上传并补录").click()
    expect(page.locator("#upload-errors")).to_contain_text("表头中没有可识别的列")
    expect(page.locator("#upload-result")).to_be_empty()
    expect(page.locator("#report")).to_be_hidden()


def test_the_receipt_link_is_offered_only_to_those_who_may_print_it(page, suite, new_context):
    """A counselor may read a divorce application but not print its receipt (print.receipt is a
    registrar's and a supervisor's): no link to a page that would only say so."""
    token = api_token(suite.url, "marriage_registrar")
    application = apply_divorce_via_api(suite.url, token, register_via_api(suite.url, token, Couple.new()))
    path = f"/ui/marriage/divorces/{application['name'].split('/')[1]}"
    sign_in(page, "marriage_counselor")
    page.goto(path)
    expect(page.locator("#application")).to_contain_text("离婚冷静期中")
    expect(page.locator("#print-receipt")).to_be_hidden()
    supervisor = new_context().new_page()
    sign_in(supervisor, "supervisor")
    supervisor.goto(path)
    expect(supervisor.locator("#print-receipt")).to_be_visible()
