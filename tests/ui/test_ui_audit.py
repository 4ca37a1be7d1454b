"""The audit trail (审计) in the browser: an auditor pastes a record's name and finds its history —
who registered it, when, and what the record held (ID numbers masked) — or follows a record page's
查看审计记录 link, which only those who read the trail see."""
from __future__ import annotations

import random
import re
import string
from pathlib import Path

import httpx
from gateway.ui.i18n.en import EN
from gateway.ui.i18n.zh import ZH
from playwright.sync_api import expect

from tests.ui.support import (
    OFFICE,
    Couple,
    api_token,
    apply_divorce_via_api,
    register_via_api,
    shot,
    sign_in,
    sign_out,
    today,
)

TRAIL_LINK = "查看审计记录"

# An action code as the services pass it: first string literal of an audit call or of the helpers
# that make one (`_changed`, `_apply_change`, `_ended`, `_record`), or a module's `*_ACTION` constant.
AUDITED = re.compile(r'(?:\.audit|_changed|_apply_change|_ended|_record)\((?:[^"()]|\([^()]*\))*?"([a-z_]+\.[a-z_]+)"')
ACTION_CONSTANT = re.compile(r'[A-Z_]+_ACTION = "([a-z_]+\.[a-z_]+)"')


def test_an_auditor_finds_a_records_history(page, suite):
    couple = Couple.new()
    marriage = register_via_api(suite.url, api_token(suite.url, "marriage_registrar"), couple)
    sign_in(page, "auditor")
    page.get_by_role("navigation").get_by_role("link", name="审计记录").click()
    expect(page.locator("#audit-table > tbody > tr").first).to_be_visible()

    page.get_by_label("记录", exact=True).fill(marriage["name"])
    page.get_by_role("button", name="查询").click()
    rows = page.locator("#audit-table > tbody > tr", has_text="marriage.register")
    expect(rows).to_have_count(1)
    cells = rows.first.locator("> td")
    expect(cells.nth(1)).to_have_text("marriage_registrar")
    expect(cells.nth(2)).to_have_text("结婚登记 marriage.register")  # the action in words, its code beside
    expect(cells.nth(3)).to_have_text(marriage["name"])
    expect(cells.nth(4)).to_have_text(OFFICE)  # the record's office: the jurisdiction the row is listed under

    rows.first.get_by_text("查看变更前后").click()
    changes = rows.first.locator("table.changes")
    expect(changes).to_contain_text(marriage["certificateNumber"])
    expect(changes).to_contain_text(couple.man_id[:4] + "*" * 10 + couple.man_id[-4:])
    assert couple.man_id not in page.content() and couple.woman_id not in page.content()
    shot(page, "40-audit-record-history")

    # Narrowed to its office the row stays; an office outside the auditor's jurisdiction is refused.
    page.get_by_label("机关", exact=True).fill(OFFICE)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#audit-table > tbody > tr", has_text="marriage.register")).to_have_count(1)
    page.get_by_label("机关", exact=True).fill("110105")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#audit-errors")).to_contain_text("不在您的管辖范围内")
    page.get_by_label("机关", exact=True).fill("")

    # Another record's name: none of this record's rows.
    page.get_by_label("记录", exact=True).fill("marriages/00000000-0000-0000-0000-000000000000")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#audit-table > tbody")).to_have_text("暂无")

    # The place names' trail through the selector: the divisions' changes.
    page.get_by_label("业务", exact=True).select_option(label="区划地名")
    page.get_by_label("记录", exact=True).fill("divisions/421281")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#audit-table > tbody > tr", has_text="division.create")).to_have_count(1)


def test_more_continues_the_list_on_the_screen(page, suite):
    """显示更多 asks for the next page of the list shown: a filter typed but not yet searched for
    changes nothing (the page token belongs to the query that made it). The seed's divisions make
    the place names' trail longer than two pages."""
    sign_in(page, "auditor")
    page.get_by_role("navigation").get_by_role("link", name="审计记录").click()
    page.get_by_label("业务", exact=True).select_option(label="区划地名")
    page.get_by_role("button", name="查询").click()
    rows = page.locator("#audit-table > tbody > tr")
    expect(rows).to_have_count(50)
    page.get_by_label("记录", exact=True).fill("divisions/421281")
    page.get_by_role("button", name="显示更多").click()
    expect(rows).to_have_count(100)
    expect(page.locator("#audit-table > tbody > tr", has_text="division.create")).to_have_count(100)


def follow_trail_link(page, link) -> None:
    """Open a record's history from its page: the 审计 screen, asked for that record."""
    link.click()
    page.wait_for_url(re.compile(r"/ui/oversight/audit\?"))


def test_a_records_page_links_its_history_for_those_who_read_the_trail(page, suite):
    couple = Couple.new()
    token = api_token(suite.url, "marriage_registrar")
    marriage = register_via_api(suite.url, token, couple)
    application = apply_divorce_via_api(suite.url, token, marriage)
    detail = f"/ui/marriage/divorces/{application['name'].split('/')[1]}"

    # A registrar works on the application; the audit trail is not theirs to read: no link.
    sign_in(page, "marriage_registrar")
    page.goto(detail)
    expect(page.locator("#application")).to_contain_text(application["receiptNumber"])
    expect(page.get_by_role("link", name=TRAIL_LINK)).to_have_count(0)
    sign_out(page)

    sign_in(page, "supervisor")
    page.goto(detail)
    expect(page.locator("#application")).to_contain_text(application["receiptNumber"])
    shot(page, "41-divorce-application-trail-link")
    follow_trail_link(page, page.get_by_role("link", name=TRAIL_LINK))
    expect(page.get_by_label("记录", exact=True)).to_have_value(application["name"])
    rows = page.locator("#audit-table > tbody > tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("> td").nth(2)).to_have_text("受理离婚登记申请 divorce.apply")

    # The marriage itself, from the status look-up's list of records.
    page.goto("/ui/marriage/status")
    page.get_by_label("证件号码").fill(couple.man_id)
    page.get_by_label("证件号码").press("Enter")
    found = page.locator("#status-table tr", has_text=marriage["certificateNumber"])
    follow_trail_link(page, found.get_by_role("link", name=TRAIL_LINK))
    expect(page.get_by_label("记录", exact=True)).to_have_value(marriage["name"])
    expect(page.locator("#audit-table > tbody > tr", has_text="marriage.register")).to_have_count(1)


def test_an_auditor_follows_a_voided_blank_to_its_history(page, suite):
    letters = "".join(random.choices(string.ascii_uppercase, k=4))  # serials no earlier run received
    headers = {"Authorization": f"Bearer {api_token(suite.url, 'marriage_registrar')}"}
    blank = {"officeCode": OFFICE, "kind": "CERTIFICATE_BLANK_KIND_MARRIAGE"}
    for call, body in ((":receive", {"firstSerial": f"{letters}000001", "lastSerial": f"{letters}000002",
                                     "receivedDate": today().isoformat()}),
                       (":void", {"serial": f"{letters}000002", "reason": "污损"})):
        resp = httpx.post(f"{suite.url}/v1/certificateBlanks{call}", headers=headers, json={**blank, **body},
                          timeout=10)
        assert resp.status_code == 200, resp.text

    sign_in(page, "auditor")
    page.goto("/ui/marriage/blanks")
    page.locator("#list-state").select_option(label="已作废")
    page.get_by_role("button", name="显示").click()
    voided = page.locator("#list-table tr", has_text=f"{letters}000002")
    follow_trail_link(page, voided.get_by_role("link", name=TRAIL_LINK))
    expect(page.get_by_label("记录", exact=True)).to_have_value(f"certificateBlanks/MARRIAGE/{letters}000002")
    row = page.locator("#audit-table > tbody > tr")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text("空白证书作废 blanks.void")
    expect(row.first).to_contain_text("污损")


def test_every_action_the_services_audit_has_words_in_both_languages():
    """Each action code the services write into the audit trail — to `uow.audit` or through the use
    cases' own helpers, read from the source — shows as words on the 审计 screen, in both languages:
    a new action without its label would show only the bare code."""
    written = set()
    for source in (Path(__file__).resolve().parents[2] / "services").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        written |= set(AUDITED.findall(text)) | set(ACTION_CONSTANT.findall(text))
    assert {"marriage.register", "divorce.terminate", "division.rename", "correction.approve",
            "record.verify", "blanks.void"} <= written
    for messages in (ZH, EN):
        assert {a for a in written if f"action.{a}" not in messages} == set()
