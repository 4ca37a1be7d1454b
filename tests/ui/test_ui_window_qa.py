"""What a QA pass at the registry window found, as the clerks work: by keyboard, on long lists,
on paper (the whole running suite, Chromium)."""
from __future__ import annotations

import datetime as dt
import random
import re
from concurrent.futures import ThreadPoolExecutor

import httpx
from playwright.sync_api import expect

from tests.ui.support import (
    Couple,
    accepted_days_ago,
    api_token,
    apply_divorce_via_api,
    register_via_api,
    resident_id,
    wrong_check,
    shot,
    sign_in,
    sign_out,
    today,
)


def test_a_refusal_at_the_id_field_stays_when_enter_sent_the_number(page, suite):
    """Enter in the number field sends the form and moves the focus to the summary: leaving the
    field unchanged must not check it again and wipe the service's refusal shown beside it."""
    token = api_token(suite.url, "marriage_registrar")
    application = apply_divorce_via_api(suite.url, token, register_via_api(suite.url, token, Couple.new()))
    sign_in(page, "marriage_registrar")
    page.goto(f"/ui/marriage/divorces/{application['name'].split('/')[1]}")
    page.locator("#withdraw-id").fill(resident_id(True))
    page.locator("#withdraw-id").press("Enter")
    expect(page.locator("#withdraw-errors")).to_contain_text("不是该离婚申请的当事人")
    expect(page.locator("#withdraw-id-error")).to_contain_text("不是该离婚申请的当事人")
    expect(page.locator("#withdraw-id")).to_have_attribute("aria-invalid", "true")
    shot(page, "qa-01-refusal-stays-at-the-field")


def test_an_application_or_record_that_does_not_load_offers_no_action_and_no_empty_sheet(page):
    """A mistyped or stale link (a bookmark, a list of yesterday's) says why it failed, and nothing
    else: no withdraw or register form acting on nothing, no blank certificate or notice to print."""
    sign_in(page, "marriage_registrar")
    missing = "01a22f18-0000-7000-b47f-0904853289dd"
    page.goto(f"/ui/marriage/divorces/{missing}")
    expect(page.locator("#load-errors")).to_be_visible()
    expect(page.locator("#withdraw-form")).to_be_hidden()
    expect(page.locator("#issue-form")).to_be_hidden()
    shot(page, "qa-02a-application-not-found")

    page.goto(f"/ui/print/certificate/{missing}")
    expect(page.locator("#load-errors")).to_contain_text("MARRIAGE_NOT_FOUND")
    expect(page.locator(".sheet")).to_be_hidden()
    expect(page.locator("#blank-area")).to_be_hidden()
    expect(page.locator("#print")).to_be_disabled()

    page.goto("/ui/print/refusal")  # nothing refused in this tab
    expect(page.locator("#load-errors")).to_contain_text("没有待打印的告知书")
    expect(page.locator(".sheet")).to_be_hidden()
    shot(page, "qa-02b-nothing-to-print")


def _many(count: int, make) -> list:
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda _: make(), range(count)))


def test_long_lists_say_there_is_more_and_show_it(page, suite, tmp_path):
    """The demo year alone has 1,090 divorce applications and 1,653 defective archive rows: a list
    longer than its page (divorce applications 100, a name's records 50, defects 200) offers 显示更多,
    which appends the next page, instead of stopping silently at the first."""
    token = api_token(suite.url, "marriage_registrar")
    _many(101, lambda: apply_divorce_via_api(suite.url, token, register_via_api(suite.url, token, Couple.new())))
    common = "".join(random.sample("梓涵宇轩浩然欣怡子墨雨桐思远嘉怡", 3))
    _many(51, lambda: register_via_api(suite.url, token, Couple(resident_id(True), "周建", resident_id(False), common)))
    archive = tmp_path / "蒲圻1990补录.csv"
    lines = ["证书编号,登记日期,类别,男方姓名,男方身份证号,女方姓名,女方身份证号,登记机关"]
    for n in range(201):
        couple = Couple(resident_id(True, age=58), "陈国平", resident_id(False, age=58), "刘秀兰")
        lines.append(f"鄂蒲婚字第{random.randrange(10**6):06d}{n:03d}号,1990-05-20,结婚,{couple.man},"
                     f"{wrong_check(couple.man_id)},{couple.woman},{couple.woman_id},422302")
    archive.write_text("\n".join(lines) + "\n", encoding="utf-8")

    sign_in(page, "marriage_registrar")
    page.goto("/ui/marriage/divorces")
    rows = page.locator("#list-table > tbody > tr")
    expect(rows).to_have_count(100)
    page.get_by_role("button", name="显示更多").click()
    expect(rows).not_to_have_count(100)
    receipts = page.locator("#list-table > tbody > tr > td:first-child").all_inner_texts()
    assert len(receipts) > 100 and len(set(receipts)) == len(receipts)
    shot(page, "qa-03a-divorce-applications-more")

    page.goto("/ui/marriage/status")
    page.get_by_label("当事人姓名").fill(common)
    page.get_by_label("当事人姓名").press("Enter")
    rows = page.locator("#name-table > tbody > tr")
    expect(rows).to_have_count(50)
    page.get_by_role("button", name="显示更多").click()
    expect(rows).to_have_count(51)
    expect(page.get_by_role("button", name="显示更多")).to_be_hidden()

    page.goto("/ui/marriage/imports")
    page.get_by_label("档案数据文件").set_input_files(str(archive))
    page.get_by_role("button", name="上传并补录").click()
    expect(page.locator("#upload-result")).to_contain_text("读取 201 行")
    rows = page.locator("#defects-table > tbody > tr")
    expect(rows).to_have_count(200)
    page.get_by_role("button", name="显示更多").click()
    expect(rows).to_have_count(201)
    expect(page.get_by_role("button", name="显示更多")).to_be_hidden()
    shot(page, "qa-03b-defects-more")


def test_the_qr_caption_names_the_document_it_is_printed_on(page, suite):
    """The certificate's 扫码核验本证 is not the receipt's or the refusal notice's words: neither is a 证."""
    token = api_token(suite.url, "marriage_registrar")
    married = Couple.new()
    application = apply_divorce_via_api(suite.url, token, register_via_api(suite.url, token, married))
    sign_in(page, "marriage_registrar")
    page.goto(f"/ui/print/receipt/{application['name'].split('/')[1]}")
    expect(page.locator("#print-status")).to_contain_text("可以打印")
    expect(page.locator(".qr figcaption")).to_contain_text("扫码核验本回执单真伪")

    page.goto("/ui/marriage/register")
    page.locator("#p0-id").fill(married.man_id)
    page.locator("#p0-name").fill(married.man)
    page.locator("#p1-id").fill(resident_id(False))
    page.locator("#p1-name").fill("孙丽")
    page.get_by_label("双方均无配偶").check()
    page.get_by_label("双方没有直系血亲和三代以内旁系血亲关系").check()
    page.locator("#p1-name").press("Enter")
    page.get_by_role("button", name="打印不予登记告知书").click()
    expect(page.locator("#print-status")).to_contain_text("可以打印")
    expect(page.locator(".qr figcaption")).to_contain_text("扫码核验本告知书真伪")
    expect(page.locator(".qr figcaption")).not_to_contain_text("本证")
    shot(page, "qa-04-refusal-notice-qr-caption")


def test_a_certificate_states_the_nationality_in_words(page, suite):
    """国籍（地区） on a certificate says 中国, not the API's ISO code CHN."""
    token = api_token(suite.url, "marriage_registrar")
    marriage = register_via_api(suite.url, token, Couple.new())
    sign_in(page, "marriage_registrar")
    page.goto(f"/ui/print/certificate/{marriage['name'].split('/')[1]}")
    parties = page.locator("#c-parties")
    expect(parties.locator("tr")).to_have_count(2)
    expect(parties.locator("tr").first.locator("td").nth(2)).to_have_text("中国")
    expect(parties).not_to_contain_text("CHN")
    shot(page, "qa-05-certificate-nationality")


def test_a_certificate_prints_in_chinese_from_an_english_screen(page, suite):
    """A 结婚证 is a legal document in the registry's wording: a registrar who reads the screens in
    English still prints it in Chinese (before, the sheet followed the screen: "Marriage
    certificate", "Nationality")."""
    token = api_token(suite.url, "marriage_registrar")
    marriage = register_via_api(suite.url, token, Couple.new())
    sign_in(page, "marriage_registrar")
    page.goto("/ui/marriage/status?lang=en")  # the reader's choice, kept in a cookie
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"/ui/print/certificate/{marriage['name'].split('/')[1]}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#doc-title")).to_have_text("结婚证")
    expect(page.locator("#c-parties tr").first.locator("td").nth(2)).to_have_text("中国")
    expect(page.locator("#screen")).not_to_contain_text("Certificate")
    page.goto("/ui/marriage/status")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the screens stay in English


def _closed_day(url: str, token: str):
    day = today()
    for _ in range(30):
        day += dt.timedelta(days=1)
        found = httpx.get(f"{url}/v1/appointments", params={"officeCode": "421281", "date": day.isoformat()},
                          headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
        if not found["capacity"]:
            return day
    raise AssertionError("no closed day in the next 30 days")


def test_booking_a_day_the_office_is_closed_is_said_at_the_date(page, suite):
    """当日不办公 is about the date chosen: said beside it, the contact typed kept."""
    closed = _closed_day(suite.url, api_token(suite.url, "marriage_registrar"))
    sign_in(page, "marriage_registrar")
    page.goto("/ui/marriage/appointments")
    page.locator("#book-date").fill(closed.isoformat())
    page.get_by_label("联系人姓名").fill("张伟")
    page.get_by_label("联系人姓名").press("Enter")
    expect(page.locator("#book-errors")).to_contain_text("OFFICE_CLOSED")
    expect(page.locator("#book-date-error")).to_contain_text("不办公")
    expect(page.locator("#book-date")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("联系人姓名")).to_have_value("张伟")
    shot(page, "qa-06-closed-day-at-the-date")


def test_more_counseling_cases_than_a_page_can_all_be_reached_and_worked(page, suite):
    """The demo year received 1,172 couples: the case list continues with 显示更多, and the cases it
    adds can be picked for a session like the first page's."""
    token = api_token(suite.url, "marriage_counselor")
    marker = resident_id(True)[-6:]

    def open_case() -> dict:
        resp = httpx.post(f"{suite.url}/v1/counselingCases", headers={"Authorization": f"Bearer {token}"}, timeout=10,
                          json={"counselingCase": {"officeCode": "421281", "topic": f"离婚辅导 {marker}",
                                                   "receivedDate": today().isoformat()}})
        assert resp.status_code == 200, resp.text
        return resp.json()

    _many(201, open_case)
    sign_in(page, "marriage_counselor")
    page.goto("/ui/marriage/counseling")
    rows = page.locator("#cases-table > tbody > tr")
    expect(rows).to_have_count(200)
    page.get_by_role("button", name="显示更多").click()
    expect(rows).not_to_have_count(200)
    assert page.locator("#session-case option").count() == rows.count() + 1  # 请选择 and every open case listed
    shot(page, "qa-07-counseling-more")


def upload_one_row(page, archive, day: str, couple: Couple) -> None:
    """Upload, from the 历史数据补录 screen, an archive of one 蒲圻市 marriage registered on ``day``."""
    archive.write_text("证书编号,登记日期,类别,男方姓名,男方身份证号,女方姓名,女方身份证号,登记机关\n"
                       f"鄂蒲婚字第{random.randrange(10**6):06d}号,{day},结婚,{couple.man},{couple.man_id},"
                       f"{couple.woman},{couple.woman_id},422302\n", encoding="utf-8")
    page.goto("/ui/marriage/imports")
    page.get_by_label("档案数据文件").set_input_files(str(archive))
    page.get_by_role("button", name="上传并补录").click()
    expect(page.locator("#upload-result")).to_contain_text("读取 1 行")


def test_an_archive_record_offers_no_reprint_of_its_paper_certificate(page, suite, tmp_path):
    """A 1988 booklet was handed out on paper: the status look-up offers 打印 on a registration made
    here, not on an archive record (its replacement is a 补领, which prints a BJ… certificate)."""
    token = api_token(suite.url, "marriage_registrar")
    couple = Couple.new()
    registered = register_via_api(suite.url, token, couple)
    archived = Couple(resident_id(True, age=62), "陈国平", resident_id(False, age=62), "刘秀兰")
    sign_in(page, "marriage_registrar")
    upload_one_row(page, tmp_path / "蒲圻1988补录.csv", "1988-10-01", archived)

    page.goto("/ui/marriage/status")
    for number, shown, prints in ((couple.man_id, registered["certificateNumber"], 1), (archived.man_id, "鄂蒲婚字", 0)):
        page.get_by_label("证件号码").fill(number)
        page.get_by_label("证件号码").press("Enter")
        row = page.locator("#status-table > tbody > tr").first
        expect(row).to_contain_text(shown)
        expect(row.get_by_role("link", name="打印", exact=True)).to_have_count(prints)
    shot(page, "qa-08-archive-record-no-reprint")


def test_a_row_left_without_a_record_is_corrected_and_the_approval_makes_its_record(page, suite, tmp_path):
    """1985-02-30 cannot be a registration date: the row is kept, flagged, and has no record yet. The
    archive clerk proposes the date from the register, a second person approves, and the record is
    there (before, the defect list offered 更正 only on rows that already had a record)."""
    couple = Couple(resident_id(True, age=64), "王志强", resident_id(False, age=63), "陈桂兰")
    sign_in(page, "marriage_registrar")
    upload_one_row(page, tmp_path / "蒲圻1985补录.csv", "1985-02-30", couple)
    page.locator("#defects-table").get_by_role("button", name="更正第 1 行").click()
    expect(page.locator("#propose-field")).to_have_value("register_date")
    page.get_by_label("更正后的值").fill("1985-02-28")
    page.get_by_label("更正理由").fill("登记簿原件日期为1985年2月28日，录入错误")
    evidence = f"婚姻登记档案 蒲圻1985卷 {couple.man_id[-6:]}"
    page.get_by_label("依据").fill(evidence)
    page.get_by_role("button", name="提交更正（须另一人审核）").click()
    expect(page.locator("#propose-result")).to_contain_text("等待另一名工作人员审核")
    sign_out(page)

    sign_in(page, "supervisor")
    page.goto("/ui/marriage/corrections")
    page.locator("#queue-table tbody tr", has_text=evidence).get_by_role("button", name=re.compile("批准")).click()
    expect(page.locator("#queue-result")).to_contain_text("已批准")
    page.goto("/ui/marriage/status")
    page.get_by_label("证件号码").fill(couple.man_id)
    page.get_by_label("证件号码").press("Enter")
    expect(page.locator("#status-table > tbody > tr").first).to_contain_text("1985-02-28")
    shot(page, "qa-09-row-without-record-corrected")


def test_the_home_panels_keep_numbers_dates_and_states_on_one_line(page, suite):
    """At 1366 px the 最近办理的结婚登记 panel is half the screen: a date or 已登记结婚 broken over two or
    three lines is hard to read down a column. Only the parties' names may wrap."""
    token = api_token(suite.url, "marriage_registrar")
    register_via_api(suite.url, token, Couple(resident_id(True), "欧阳建国", resident_id(False), "司马秀英"))
    sign_in(page, "marriage_registrar")
    cells = page.locator("#recent-table > tbody > tr:first-child > td")
    expect(cells).to_have_count(4)
    lines = cells.evaluate_all("""cells => cells.map((cell) => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    })""")
    assert [lines[0], lines[2], lines[3]] == [1, 1, 1], lines
    shot(page, "qa-10-home-panels")


def test_the_home_panels_keep_their_tables_inside_them_at_1280(new_context, suite):
    """At 1280×720 the 最近办理的结婚登记 table (number, parties, date, state, none wrapped but the
    parties) ran some 30 px past its panel's border, its state column spilling out of the panel. Each
    panel now holds its table: at 1280 whole, in a narrower window by scrolling it within the panel.
    Every panel has a row: a marriage, an application in its cooling-off, one whose issue period ends
    this week (accepted 55 days ago)."""
    token = api_token(suite.url, "marriage_registrar")
    for accepted in (0, 55):
        marriage = register_via_api(suite.url, token, Couple(resident_id(True), "欧阳建国", resident_id(False), "司马秀英"))
        application = apply_divorce_via_api(suite.url, token, marriage)
        if accepted:
            accepted_days_ago(suite.state["database_url"], application, accepted)
    for width in (1280, 1150):
        page = new_context(viewport={"width": width, "height": 720}).new_page()
        sign_in(page, "marriage_registrar")
        for table in ("#recent-table", "#cooling-table", "#lapsing-table"):
            expect(page.locator(f"{table} > tbody > tr:first-child > td")).to_have_count(4)
        panels = page.locator(".panel").evaluate_all("""panels => panels.map((p) => ({
            title: p.querySelector("h2").textContent,
            wider: p.scrollWidth > p.clientWidth,
            scrolls: ["auto", "scroll"].includes(getComputedStyle(p).overflowX),
        }))""")
        assert not [p["title"] for p in panels if p["wider"] and not p["scrolls"]], (width, panels)
        if width == 1280:
            assert not [p["title"] for p in panels if p["wider"]], panels
        shot(page, f"qa-10b-home-panels-{width}")


def test_every_screen_fits_an_800_px_window(new_context, suite):
    """At 800 px (a window beside the ID reader's program, a small laptop) no screen of any staff
    role may push the page sideways: a table wider than the window scrolls within its own frame,
    so the nav, the headings and the forms stay in place. 用户账号 and 审计 ran off the page.
    There is an audit row and a marriage to list."""
    token = api_token(suite.url, "marriage_registrar")
    register_via_api(suite.url, token, Couple.new())
    wide = []
    for role in ("marriage_registrar", "marriage_counselor", "supervisor", "auditor", "admin"):
        page = new_context(viewport={"width": 800, "height": 720}).new_page()
        sign_in(page, role)
        links = [a.get_attribute("href") for a in page.get_by_role("navigation").get_by_role("link").all()]
        for href in dict.fromkeys(links):
            page.goto(href)
            expect(page.locator("#screen")).to_be_visible()
            page.wait_for_load_state("networkidle")
            if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
                wide.append((role, href))
                shot(page, f"qa-11-800px-{role}-{href.strip('/').replace('/', '-')}")
        page.context.close()
    assert wide == []
