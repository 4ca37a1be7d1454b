"""Provisional divorce periods at the window: the application's page, its receipt (受理回执单) and
the registrar's home say, in Chinese, when a period ends in a year whose State Council holiday
notice the calendar does not hold yet, and that such a period moves to the next working day. The
running suite keeps the real date: the tests set the periods' last days into years the calendar
holds or does not."""
from __future__ import annotations

import datetime as dt

import httpx
from marriage.domain.calendar import bundled_calendar
from playwright.sync_api import expect

from tests.ui.support import (
    Couple,
    api_token,
    apply_divorce_via_api,
    periods_ending,
    register_via_api,
    shot,
    sign_in,
    today,
)

LAST_LOADED = max(bundled_calendar().covered_years)


def accepted(suite, cooling_off_end: dt.date, issue_deadline: dt.date) -> str:
    token = api_token(suite.url, "marriage_registrar")
    application = apply_divorce_via_api(suite.url, token, register_via_api(suite.url, token, Couple.new()))
    periods_ending(suite.state["database_url"], application, cooling_off_end, issue_deadline)
    return application["name"].split("/")[1]


def test_periods_reaching_a_year_without_its_notice_are_marked_provisional_on_the_page_and_the_receipt(page, suite):
    # Accepted today (cooling-off a month on), its issue period ending in the first year without a notice.
    cooling_off_end = today() + dt.timedelta(days=30)
    application_id = accepted(suite, cooling_off_end, dt.date(LAST_LOADED + 1, 3, 1))
    sign_in(page, "marriage_registrar")
    page.goto(f"/ui/marriage/divorces/{application_id}")
    note = page.locator("#provisional")
    expect(note).to_be_visible()
    expect(note).to_contain_text("暂定期限")
    expect(note).to_contain_text("节假日安排通知尚未载入")
    expect(note).to_contain_text("顺延至其后的第一个工作日")
    shot(page, "60-divorce-provisional-periods")
    page.goto(f"/ui/print/receipt/{application_id}")
    expect(page.locator("#print-status")).to_contain_text("可以打印")
    receipt = page.locator("#r-provisional")
    expect(receipt).to_be_visible()
    expect(receipt).to_contain_text("节假日安排尚未由国务院办公厅公布")
    expect(receipt).to_contain_text("顺延至其后的第一个工作日")
    shot(page, "61-receipt-provisional-periods")


def test_periods_ending_in_a_year_with_its_notice_carry_no_note(page, suite):
    last_day = dt.date(LAST_LOADED, 12, 31)
    application_id = accepted(suite, last_day, last_day)
    sign_in(page, "marriage_registrar")
    page.goto(f"/ui/marriage/divorces/{application_id}")
    expect(page.locator("#application")).to_contain_text(last_day.isoformat())
    expect(page.locator("#provisional")).to_be_hidden()
    page.goto(f"/ui/print/receipt/{application_id}")
    expect(page.locator("#print-status")).to_contain_text("可以打印")
    expect(page.locator("#r-provisional")).to_be_hidden()


def test_the_registrars_home_says_when_periods_accepted_today_are_provisional(page, suite):
    token = api_token(suite.url, "marriage_registrar")
    reply = httpx.get(f"{suite.url}/v1/workCalendar/{today().year}", headers={"Authorization": f"Bearer {token}"},
                      timeout=10)
    assert reply.status_code == 200, reply.text
    periods = reply.json()["divorcePeriodsToday"]
    sign_in(page, "marriage_registrar")
    expect(page.locator("#today-summary")).not_to_be_empty()
    note = page.locator("#calendar-missing")
    if periods["provisional"]:
        missing = sorted({int(periods[end][:4]) for end in ("coolingOffEndDate", "issueDeadlineDate")}
                         - bundled_calendar().covered_years)
        expect(note).to_be_visible()
        expect(note).to_contain_text(f"{'、'.join(map(str, missing))}年节假日安排（国务院办公厅通知）尚未载入")
        expect(note).to_contain_text(periods["issueDeadlineDate"])
        shot(page, "62-home-calendar-missing")
    else:
        expect(note).to_be_hidden()
