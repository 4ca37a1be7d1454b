"""Recording domestic violence and suspected trafficking on a counseling case from the case screen
(rules.md §1.9), on the whole running suite."""
from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from tests.ui.support import open_counseling_case, shot, sign_in, sign_out, today


def open_case(page, topic: str) -> tuple[str, str]:
    """A counselor opens a case, chosen in the concern form."""
    case, topic = open_counseling_case(page, topic)
    page.locator("#concern-case").select_option(case)
    return case, topic


def test_a_counselor_records_the_help_told_and_the_police_report_and_sees_them_listed(page):
    case, topic = open_case(page, "家暴求助")

    # Domestic violence: the help list appears, and at least one is asked for before anything is sent.
    expect(page.locator("#concern-help")).to_be_hidden()
    page.get_by_label("发现的情况").select_option(label="家庭暴力")
    expect(page.locator("#concern-help")).to_be_visible()
    expect(page.locator("#concern-report")).to_be_hidden()
    page.get_by_label("采取的措施").fill("当场制止，陪同女方到调解室")
    page.get_by_role("button", name="记录该情况").click()
    expect(page.locator("#concern-help-1-error")).to_contain_text("须选择已告知受害人的求助途径")
    page.get_by_label("妇联").check()
    page.get_by_label("向人民法院申请人身安全保护令").check()
    page.get_by_role("button", name="记录该情况").click()
    expect(page.locator("#concern-result")).to_contain_text(f"已记录：{topic}（家庭暴力）")

    # Suspected trafficking: the report's time and reference are asked for, then it is recorded.
    page.locator("#concern-case").select_option(case)
    page.get_by_label("发现的情况").select_option(label="疑似拐卖、绑架")
    expect(page.locator("#concern-report")).to_be_visible()
    expect(page.locator("#concern-help")).to_be_hidden()
    reported = f"{today().isoformat()}T00:00"
    page.get_by_label("报案时间").fill(reported)
    page.get_by_label("接警回执号或受理的公安机关").fill(" ")
    page.get_by_role("button", name="记录该情况").click()
    expect(page.locator("#concern-report-reference-error")).to_contain_text("必填")
    page.get_by_label("接警回执号或受理的公安机关").fill("赤壁市公安局蒲圻派出所")
    page.get_by_label("采取的措施").fill("稳住当事人，等候民警到场")
    page.get_by_role("button", name="记录该情况").click()
    expect(page.locator("#concern-result")).to_contain_text("疑似拐卖、绑架")

    # The case list shows both, the help in words; the filter keeps the cases with a concern.
    page.get_by_label("只显示发现家庭暴力、疑似拐卖的").check()
    page.get_by_role("button", name="显示").click()
    listed = page.locator("#cases-table tbody tr", has_text=topic)
    expect(listed.locator(".concerns li")).to_have_count(2)
    expect(listed).to_contain_text("家庭暴力：已告知受害人 妇联、向人民法院申请人身安全保护令")
    expect(listed).to_contain_text(f"已于 {today().isoformat()} 00:00 向公安机关报案（赤壁市公安局蒲圻派出所）；"
                                   "措施：稳住当事人，等候民警到场")
    expect(page.locator("#cases-table")).not_to_contain_text("VICTIM_HELP")
    shot(page, "16c-counseling-concerns")


def test_a_report_time_in_the_future_is_refused_at_its_field(page):
    open_case(page, "疑似拐卖")
    page.get_by_label("发现的情况").select_option(label="疑似拐卖、绑架")
    page.get_by_label("报案时间").fill(f"{(today() + dt.timedelta(days=1)).isoformat()}T09:00")
    page.get_by_label("接警回执号或受理的公安机关").fill("赤公接警0001号")
    page.get_by_role("button", name="记录该情况").click()
    expect(page.locator("#concern-report-time-error")).to_contain_text("报案时间不能晚于现在")


def test_a_supervisor_reads_the_cases_with_a_concern_and_changes_nothing(page):
    """The supervisor looks for the cases where domestic violence or trafficking came up (rules.md
    §1.9): the counseling screen is in their navigation, read-only — no form to open, add to, close or
    record on a case."""
    _, topic = open_case(page, "家暴求助")
    page.get_by_label("发现的情况").select_option(label="家庭暴力")
    page.get_by_label("采取的措施").fill("当场制止")
    page.get_by_label("妇联").check()
    page.get_by_role("button", name="记录该情况").click()
    expect(page.locator("#concern-result")).to_contain_text(topic)
    sign_out(page)

    sign_in(page, "supervisor")
    page.get_by_role("navigation").get_by_role("link", name="婚姻家庭辅导").click()
    for form in ("#open-form", "#session-form", "#close-form", "#concern-form"):
        expect(page.locator(form)).to_be_hidden()
    page.get_by_label("只显示发现家庭暴力、疑似拐卖的").check()
    page.get_by_role("button", name="显示").click()
    expect(page.locator("#cases-table tbody tr", has_text=topic)).to_contain_text("家庭暴力：已告知受害人 妇联")
    shot(page, "16d-counseling-supervisor")


def test_in_english_a_refusal_is_titled_in_english_not_with_the_apis_chinese_title(page):
    """The API's problem titles are Chinese (与当前状态冲突, 请求有误): an English screen titled its
    refusals with them before the reason in English words."""
    case, _ = open_case(page, "疑似拐卖")
    page.goto("/ui/marriage/counseling?lang=en")
    expect(page.locator(f"#concern-case option[value='{case}']")).to_have_count(1)
    page.locator("#concern-case").select_option(case)
    page.locator("#concern-kind").select_option("COUNSELING_CONCERN_KIND_TRAFFICKING_SUSPECTED")
    page.locator("#concern-report-time").fill(f"{(today() + dt.timedelta(days=1)).isoformat()}T09:00")
    page.locator("#concern-report-reference").fill("赤公接警0002号")
    page.locator("#concern-form button[type=submit]").click()
    title = page.locator("#concern-errors .error-title")
    expect(title).to_contain_text("DATE_IN_FUTURE")
    expect(title).to_contain_text("Not done")
    expect(title).not_to_contain_text("请求有误")
