"""撤销婚姻登记案件 in the browser (rules.md §1.4, §1.7): a registrar opens a case on a police finding
and takes it through 告知 → 决定 → 送达 → 归档, each case offering its next legal step only, with the
objection period's dates shown; on the whole running suite."""
from __future__ import annotations

import datetime as dt
import re
import uuid

import httpx
from marriage.domain.calendar import bundled_calendar
from marriage.domain.revocation import NoticeMethod, objection_deadline
from playwright.sync_api import expect

from tests.ui.support import (
    Couple,
    api_token,
    find_marriage,
    notified_days_ago,
    register_via_api,
    resident_id,
    shot,
    sign_in,
    today,
)


def status_of(url: str, token: str, id_number: str) -> str:
    resp = httpx.post(f"{url}/v1/maritalStatus:lookup", headers={"Authorization": f"Bearer {token}"}, timeout=10,
                      json={"idType": "ID_TYPE_RESIDENT_ID", "idNumber": id_number})
    resp.raise_for_status()
    return resp.json()["status"]


def test_a_case_goes_step_by_step_offering_only_its_next_step(page, suite):
    token = api_token(suite.url, "marriage_registrar")
    couple = Couple.new()
    register_via_api(suite.url, token, couple)
    finding = f"赤公认〔{today().year}〕{resident_id(True)[-6:]}号"
    sign_in(page, "marriage_registrar")
    page.get_by_role("navigation").get_by_role("link", name="撤销婚姻登记案件").click()

    # 立案 on the marriage found by the woman's number.
    find_marriage(page, couple.woman_id)
    expect(page.locator("#found-marriage")).to_contain_text("已登记结婚")
    page.get_by_label("作出认定的机关").select_option(label="公安机关")
    page.get_by_label("建议书或认定文书编号").fill(finding)
    expect(page.get_by_label("收到日期")).to_have_value(today().isoformat())
    page.get_by_role("button", name="立案审查").click()
    expect(page.locator("#open-result")).to_contain_text(f"已立案：{finding}，状态：审查中")

    listed = page.locator("#cases-table tbody tr", has_text=finding)
    expect(listed).to_contain_text("审查中")
    expect(listed).to_contain_text(couple.man)  # the marriage's parties beside the finding
    expect(listed.locator("button.step")).to_have_count(1)
    expect(listed.locator("button.step")).to_have_text("告知当事人")

    # 告知: the objection period's last day is shown, and no decision is offered before it has run.
    listed.get_by_role("button", name="告知当事人").click()
    notice = page.locator("#notice-form")
    notice.get_by_label("告知方式").select_option(label="当面告知")
    expect(notice.locator("#notice-date")).to_have_value(today().isoformat())
    notice.get_by_role("button", name="登记告知").click()
    deadline = objection_deadline(today(), NoticeMethod.IN_PERSON, bundled_calendar())
    decidable = deadline + dt.timedelta(days=1)
    expect(page.locator("#step-result")).to_contain_text(
        f"陈述、申辩期限至 {deadline.isoformat()} 届满，{decidable.isoformat()} 起可作出决定")
    expect(listed).to_contain_text("已告知")
    expect(listed).to_contain_text(f"陈述、申辩期限至 {deadline.isoformat()}")
    expect(listed).to_contain_text(f"{decidable.isoformat()} 起可作出决定")
    expect(listed.locator("button.step")).to_have_count(0)

    # The suite keeps the real date: the notice is moved 20 days back, its period run.
    case = {"name": listed.get_attribute("data-case")}
    earlier = today() - dt.timedelta(days=20)
    notified_days_ago(suite.state["database_url"], case, 20,
                      objection_deadline(earlier, NoticeMethod.IN_PERSON, bundled_calendar()))
    page.get_by_role("button", name="显示").click()
    expect(listed.locator("button.step")).to_have_text("作出决定")

    # 决定: revoke, confirmed first; the registration is revoked with it.
    listed.get_by_role("button", name="作出决定").click()
    decide = page.locator("#decide-form")
    decide.locator("#decide-outcome").select_option(label="撤销婚姻登记")
    decide.get_by_label("决定书文号").fill(f"赤民撤字〔{today().year}〕1号")
    decide.get_by_role("button", name="作出决定").click()
    expect(decide.locator(".confirm")).to_contain_text(f"将依据 {finding} 作出撤销决定")
    assert status_of(suite.url, token, couple.woman_id) == "MARITAL_STATUS_MARRIED"  # nothing sent yet
    decide.get_by_role("button", name="确认办理").click()
    expect(page.locator("#step-result")).to_contain_text("已作出决定，状态：已撤销")
    assert status_of(suite.url, token, couple.woman_id) == "MARITAL_STATUS_UNMARRIED"
    expect(listed.locator("button.step")).to_have_text("登记送达")

    # 送达, then 归档: nothing is left to do.
    listed.get_by_role("button", name="登记送达").click()
    page.locator("#serve-form").get_by_role("button", name="登记送达").click()
    expect(page.locator("#step-result")).to_contain_text("已登记送达，状态：已送达")
    listed.get_by_role("button", name="归档").click()
    page.locator("#file-form").get_by_role("button", name="归档").click()
    expect(page.locator("#step-result")).to_contain_text("已归档，状态：已归档")
    expect(listed).to_contain_text(f"{today().isoformat()} 归档")
    expect(listed.locator("button.step")).to_have_count(0)
    shot(page, "18-revocation-case")


def notified_case_via_api(url: str, token: str, finding: str) -> dict:
    """Set-up: a marriage registered, a police finding's case opened on it and notified today in
    person (the screen's own steps have the test above)."""
    headers = {"Authorization": f"Bearer {token}"}
    marriage = register_via_api(url, token, Couple.new())
    opened = httpx.post(f"{url}/v1/revocationCases", headers=headers, timeout=10, json={
        "requestId": str(uuid.uuid4()), "revocationCase": {
            "marriage": marriage["name"], "source": "REVOCATION_AUTHORITY_POLICE", "documentNumber": finding}})
    assert opened.status_code == 200, opened.text
    notified = httpx.post(f"{url}/v1/{opened.json()['name']}:recordNotice", headers=headers, timeout=10, json={
        "requestId": str(uuid.uuid4()), "notice": {"method": "REVOCATION_NOTICE_METHOD_IN_PERSON"}})
    assert notified.status_code == 200, notified.text
    return notified.json()


def test_the_home_panel_lists_the_cases_awaiting_a_decision_and_opens_each(new_context, suite):
    """撤销婚姻登记 — 待决定 on the registrar's home: the office's notified cases, the one whose objection
    period has run ready for a decision, the one still in its period with the day it ends; each opens
    its case on the 撤销婚姻登记案件 screen (?case=), the first at its 作出决定 step. The panel keeps
    its table inside it at 1280 px, and the page does not scroll sideways at 800 px."""
    token = api_token(suite.url, "marriage_registrar")
    serial = resident_id(True)[-6:]
    ready_finding, running_finding = f"赤公认〔{today().year}〕{serial}-1号", f"赤公认〔{today().year}〕{serial}-2号"
    ready = notified_case_via_api(suite.url, token, ready_finding)
    running = notified_case_via_api(suite.url, token, running_finding)
    ran_out = objection_deadline(today() - dt.timedelta(days=20), NoticeMethod.IN_PERSON, bundled_calendar())
    notified_days_ago(suite.state["database_url"], ready, 20, ran_out)
    running_ends = running["notice"]["objectionDeadlineDate"]

    page = new_context(viewport={"width": 1280, "height": 720}).new_page()
    sign_in(page, "marriage_registrar")
    panel = page.locator(".panel", has=page.locator("#revocations-table"))
    expect(panel.get_by_role("heading")).to_have_text("撤销婚姻登记 — 待决定")
    ready_row = panel.locator("tbody tr", has_text=ready_finding)
    running_row = panel.locator("tbody tr", has_text=running_finding)
    expect(ready_row).to_contain_text(ran_out.isoformat())
    expect(ready_row.locator("td").nth(3)).to_have_text("可作出决定")
    expect(running_row).to_contain_text(running_ends)
    expect(running_row.locator("td").nth(3)).to_have_text("期限未满")
    expect(page.locator("#revocations-summary")).to_contain_text("可作出决定")
    assert panel.evaluate("p => p.scrollWidth <= p.clientWidth"), "the panel's table runs past its border"
    shot(page, "18b-home-revocations-due")

    running_row.get_by_role("link", name=running_finding).click()
    page.wait_for_url(re.compile(r"/ui/marriage/revocations\?case="))
    decidable = (dt.date.fromisoformat(running_ends) + dt.timedelta(days=1)).isoformat()
    expect(page.locator("#step-case")).to_contain_text(f"案件 {running_finding}（已告知）")
    expect(page.locator("#step-case")).to_contain_text(f"{decidable} 起可作出决定")
    expect(page.locator("#decide-form")).to_be_hidden()

    page.go_back()
    ready_row.get_by_role("link", name=ready_finding).click()
    expect(page.locator("#step-case")).to_contain_text(f"案件 {ready_finding}（已告知）：作出决定")
    expect(page.locator("#decide-form")).to_be_visible()
    expect(page.locator("#decide-date")).to_have_value(today().isoformat())
    shot(page, "18c-revocation-case-opened-from-home")

    narrow = new_context(viewport={"width": 800, "height": 720}).new_page()
    sign_in(narrow, "marriage_registrar")
    expect(narrow.locator("#revocations-table tbody tr", has_text=ready_finding)).to_be_visible()
    assert not narrow.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
