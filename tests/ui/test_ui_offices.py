"""登记机关设置 in the browser: a registrar changes the office's booking capacity and the appointments
screen's day shows it; the designation for foreign cases (rules.md §1.1 Art 2) is read-only to the
registrar, kept when she saves, and set by the account administrator, reached from the admin's home;
a supervisor adds a special date and it is listed beside the built-in rush dates.

The suite is shared by every UI test: each test puts the demo office back as it found it (capacity,
designation). A special date cannot be removed: the one added is far ahead, on a day no rush date
or earlier addition holds, with a label of its own."""
from __future__ import annotations

import datetime as dt
import random

import httpx
from playwright.sync_api import expect

from tests.ui.support import OFFICE, api_token, demo_office, put_office, shot, sign_in, today


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ordinary_day(url: str, token: str) -> dt.date:
    """The first day from tomorrow on that the office opens with its everyday capacity (no rush or
    added date, not a rest day)."""
    day = today() + dt.timedelta(days=1)
    for _ in range(30):
        resp = httpx.get(f"{url}/v1/appointments", params={"officeCode": OFFICE, "date": day.isoformat()},
                         headers=headers(token), timeout=10)
        resp.raise_for_status()
        if resp.json().get("capacity") and not resp.json().get("dayLabel"):
            return day
        day += dt.timedelta(days=1)
    raise AssertionError("no ordinary working day in the next 30 days")


def office_row(page):
    return page.locator("#offices-table tbody tr", has_text=OFFICE)


def open_offices_screen(page) -> None:
    page.get_by_role("navigation").get_by_role("link", name="登记机关设置").click()
    expect(page.locator("#office-editing")).to_contain_text(OFFICE)


def test_a_registrar_changes_the_capacity_and_the_appointments_day_shows_it(page, suite):
    admin = api_token(suite.url, "admin")
    before = demo_office(suite.url, admin)
    day = ordinary_day(suite.url, api_token(suite.url, "marriage_registrar"))
    capacity = before["dailyCapacity"] + 7
    try:
        sign_in(page, "marriage_registrar")
        open_offices_screen(page)
        expect(page.locator("#office-capacity")).to_have_value(str(before["dailyCapacity"]))
        page.get_by_label("每日预约名额").fill(str(capacity))
        page.get_by_role("button", name="保存设置").click()
        expect(page.locator("#office-result")).to_contain_text(f"每日预约名额 {capacity}")
        expect(office_row(page).locator("td").nth(3)).to_have_text(str(capacity))
        shot(page, "60-office-capacity-saved")

        page.get_by_role("navigation").get_by_role("link", name="预约").click()
        page.locator("#day-date").fill(day.isoformat())
        page.locator("#day-form").get_by_role("button", name="显示").click()
        expect(page.locator("#day-summary")).to_contain_text(f"名额 {capacity}（")
        # Rush dates take the new capacity too, at their multiple: the list of special dates says so.
        page.goto("/ui/marriage/offices")
        # (Other UI tests add dates of their own to the shared suite: a built-in one not overridden.)
        first = page.locator("#special-table tbody tr", has_text="内置热门日").filter(has_not_text="另行添加").first
        expect(first).to_contain_text("内置热门日")
        assert int(first.locator("td").nth(3).inner_text()) % capacity == 0
    finally:
        put_office(suite.url, admin, before)


def test_a_save_over_a_change_made_meanwhile_is_refused_and_changes_nothing(page, suite):
    """Two people at the same office's settings: the page saves with the version it read (etag), so
    when someone else saved in between, the save is refused with a word to reopen the page rather
    than silently putting the other change back."""
    admin = api_token(suite.url, "admin")
    before = demo_office(suite.url, admin)
    try:
        sign_in(page, "marriage_registrar")
        open_offices_screen(page)
        meanwhile = put_office(suite.url, admin, {**before, "dailyCapacity": before["dailyCapacity"] + 3})
        page.get_by_label("每日预约名额").fill(str(before["dailyCapacity"] + 9))
        page.get_by_role("button", name="保存设置").click()
        expect(page.locator("#office-errors")).to_contain_text("已被他人修改")
        assert demo_office(suite.url, admin)["dailyCapacity"] == meanwhile["dailyCapacity"]
        shot(page, "62-office-changed-meanwhile")
        page.reload()  # read again: the other change shows, and the save goes through
        expect(page.locator("#office-capacity")).to_have_value(str(meanwhile["dailyCapacity"]))
        page.get_by_label("每日预约名额").fill(str(before["dailyCapacity"] + 9))
        page.get_by_role("button", name="保存设置").click()
        expect(page.locator("#office-result")).to_contain_text(f"每日预约名额 {before['dailyCapacity'] + 9}")
    finally:
        put_office(suite.url, admin, before)


def test_the_registrar_cannot_tick_the_designation_and_saving_keeps_it(page, suite):
    admin = api_token(suite.url, "admin")
    before = demo_office(suite.url, admin)
    try:
        put_office(suite.url, admin, {**before, "foreignCases": True})
        sign_in(page, "marriage_registrar")
        open_offices_screen(page)
        designation = page.get_by_label("经省级民政部门指定办理涉外、涉港澳台、华侨婚姻登记")
        expect(designation).to_be_checked()
        expect(designation).to_be_disabled()
        expect(page.locator("#office-foreign-note")).to_be_visible()
        expect(page.locator("#office-foreign-note")).to_contain_text("省级民政部门")
        shot(page, "61-office-designation-read-only")
        # Saving her hours sends the designation back as it was: not refused, still designated.
        page.locator("#office-form").get_by_label("结束办公时间").fill("17:30")
        page.get_by_role("button", name="保存设置").click()
        expect(page.locator("#office-result")).to_contain_text("17:30")
        expect(page.locator("#office-result")).to_contain_text("已指定")
        assert demo_office(suite.url, admin).get("foreignCases", False) is True
    finally:
        put_office(suite.url, admin, before)


def test_the_admin_designates_the_office_from_the_home_page(page, suite):
    admin = api_token(suite.url, "admin")
    before = demo_office(suite.url, admin)
    designated = not before.get("foreignCases", False)
    try:
        sign_in(page, "admin")
        page.locator("#main").get_by_role("link", name="登记机关设置").click()
        expect(page.locator("#office-editing")).to_contain_text(OFFICE)
        designation = page.get_by_label("经省级民政部门指定办理涉外、涉港澳台、华侨婚姻登记")
        expect(designation).to_be_enabled()
        expect(page.locator("#office-foreign-note")).to_be_hidden()
        designation.set_checked(designated)
        page.get_by_role("button", name="保存设置").click()
        words = "已指定" if designated else "未指定"
        expect(page.locator("#office-result")).to_contain_text(words)
        expect(office_row(page).locator("td").nth(4)).to_have_text(words)
        assert demo_office(suite.url, admin).get("foreignCases", False) is designated
        page.reload()
        expect(page.locator("#office-editing")).to_contain_text(OFFICE)
        (expect(designation).to_be_checked if designated else expect(designation).not_to_be_checked)()
        shot(page, "62-office-designated-by-admin")
    finally:
        put_office(suite.url, admin, before)


def unused_far_day(url: str, token: str) -> dt.date:
    """A weekday 200 to 330 days ahead that no rush date or earlier run's addition holds."""
    resp = httpx.get(f"{url}/v1/offices/{OFFICE}/specialDates", headers=headers(token), timeout=10)
    resp.raise_for_status()
    taken = {d["date"] for d in resp.json().get("specialDates", [])}
    while True:
        day = today() + dt.timedelta(days=random.randrange(200, 330))
        if day.weekday() < 5 and day.isoformat() not in taken:
            return day


def test_a_supervisor_adds_a_special_date_and_it_is_listed(page, suite):
    day = unused_far_day(suite.url, api_token(suite.url, "supervisor"))
    label = f"集体婚礼{random.randrange(10**6):06d}"
    sign_in(page, "supervisor")
    open_offices_screen(page)
    # Hours and capacity are not the supervisor's to change; the list marks the built-in rush dates.
    expect(page.locator("#office-capacity")).to_be_disabled()
    expect(page.locator("#office-readonly")).to_be_visible()
    expect(page.get_by_role("button", name="保存设置")).to_be_hidden()
    may20 = page.locator("#special-table tbody tr", has_text="5·20")
    expect(may20).to_contain_text("内置热门日")

    form = page.locator("#special-form")
    form.get_by_label("日期").fill(day.isoformat())
    form.get_by_label("名称").fill(label)
    form.get_by_label("开始办公时间").fill("09:00")
    form.get_by_label("结束办公时间").fill("16:00")
    form.get_by_label("预约名额").fill("12")
    form.get_by_role("button", name="添加").click()
    expect(page.locator("#special-result")).to_contain_text(f"已添加特殊办公日：{day.isoformat()} {label}")
    added = page.locator("#special-table tbody tr", has_text=label)
    expect(added).to_contain_text(day.isoformat())
    expect(added.locator("td").nth(2)).to_have_text("09:00–16:00")
    expect(added.locator("td").nth(3)).to_have_text("12")
    expect(added.locator("td").nth(4)).to_have_text("另行添加")
    shot(page, "63-special-date-added")
    # A form sent before the page's script took it comes back to the page, by GET, to be filled again.
    again = httpx.post(f"{suite.url}/ui/marriage/offices", data={"special-label": label}, timeout=10)
    assert (again.status_code, again.headers["location"]) == (303, "/ui/marriage/offices")
