"""The registrar's home page and the training assessment (rules.md §1.4): a warning from 60 days
before it lapses; lapsed or not recorded, plainly that no registering is allowed."""
from __future__ import annotations

import datetime as dt
import uuid

import httpx
from playwright.sync_api import expect

from gateway.accounts.qualification import qualified_until

from tests.ui.support import PASSWORD, api_token, shot, sign_in, today


def _registrar(url: str, assessed_on: dt.date | None) -> str:
    """A new registrar of the demo office, made by the demo admin with this assessment date."""
    username = f"clerk{uuid.uuid4().hex[:8]}"
    made = httpx.post(f"{url}/v1/admin/users", headers={"Authorization": f"Bearer {api_token(url, 'admin')}"},
                      json={"username": username, "password": PASSWORD, "roles": ["marriage_registrar"],
                            "jurisdiction": "421281", "displayName": "考核测试登记员",
                            "assessedOn": assessed_on.isoformat() if assessed_on else None}, timeout=10)
    assert made.status_code == 201, made.text
    return username


def test_the_home_page_warns_before_the_assessment_lapses_and_says_when_it_has(suite, page):
    day = today()
    lapsing = day - dt.timedelta(days=700)  # two years on is about 30 days from now
    sign_in(page, _registrar(suite.url, lapsing))
    note = page.locator("#assessment")
    expect(note).to_be_visible()
    expect(note).to_contain_text("满两年")
    expect(note).to_have_attribute("data-state", "LAPSING")
    shot(page, "90-assessment-lapsing")

    sign_in(page, _registrar(suite.url, None))
    expect(note).to_have_text("未登记培训考核合格日期，现不能办理登记：请账号管理员登记。")

    lapsed = dt.date(day.year - 3, 3, 1)
    sign_in(page, _registrar(suite.url, lapsed))
    expect(note).to_contain_text(f"最近一次合格：{lapsed.isoformat()}")
    expect(note).to_have_attribute("data-state", "LAPSED")


def test_on_the_last_qualified_day_the_home_page_says_so_not_0_days_left(suite, page):
    day = today()
    # Assessed two years ago to the day (on 29 February no date is: then the day before the last).
    candidates = [day - dt.timedelta(days=n) for n in range(728, 733)]
    last_day = next((d for d in candidates if qualified_until(d) == day), None)
    sign_in(page, _registrar(suite.url, last_day or min((d for d in candidates if qualified_until(d) > day),
                                                        key=qualified_until)))
    note = page.locator("#assessment")
    expect(note).to_have_attribute("data-state", "LAPSING")
    if last_day is not None:
        expect(note).to_contain_text(f"今天（{day.isoformat()}）是培训考核满两年前可办理登记的最后一天")
        expect(note).not_to_contain_text("还剩 0 天")
    else:
        expect(note).to_contain_text("还剩 1 天")


def test_a_current_registrar_sees_no_warning(suite, page):
    sign_in(page, "marriage_registrar")  # the demo registrar: assessed within the last year
    expect(page.locator("#today-title")).to_be_visible()
    expect(page.locator("#assessment")).to_be_hidden()
