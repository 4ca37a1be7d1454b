"""What a QA pass at the registry window found, as the clerks work: by keyboard, on long lists,
on paper (the whole running suite, Chromium)."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.ui.support import (
    Couple,
    api_token,
    apply_divorce_via_api,
    register_via_api,
    resident_id,
    shot,
    sign_in,
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
