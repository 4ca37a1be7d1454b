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
