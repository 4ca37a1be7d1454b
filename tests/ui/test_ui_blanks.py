"""The blank certificate account (空白证书) in the browser: receive a range, record the blank a
certificate is printed on from its print page, void a spoiled one, and see the stock move."""
from __future__ import annotations

import random
import string

from playwright.sync_api import expect

from tests.ui.support import Couple, api_token, register_via_api, shot, sign_in


def stock_cells(page):
    """The 结婚证 row of the stock table, once shown: kind, in stock, used, voided."""
    cells = page.locator("#stock-table tbody tr", has_text="结婚证").locator("td")
    expect(cells).to_have_count(4)
    return cells


def stock(page) -> list[int]:
    cells = stock_cells(page)
    return [int(cells.nth(i).inner_text()) for i in (1, 2, 3)]


def expect_stock(page, counts: list[int]) -> None:
    cells = stock_cells(page)
    for i, n in enumerate(counts, start=1):
        expect(cells.nth(i)).to_have_text(str(n))


def test_receive_print_record_the_blank_void_another_and_see_the_stock(page, suite):
    letters = "".join(random.choices(string.ascii_uppercase, k=4))  # serials no earlier run received
    marriage = register_via_api(suite.url, api_token(suite.url, "marriage_registrar"), Couple.new())
    sign_in(page, "marriage_registrar")
    page.get_by_role("navigation").get_by_role("link", name="空白证书管理").click()
    before = stock(page)

    page.get_by_label("证书种类").first.select_option(label="结婚证")
    page.get_by_label("起始印制号").fill(f"{letters.lower()}000001")
    page.get_by_label("终止印制号").fill(f"{letters}000003")
    page.get_by_role("button", name="入库").click()
    expect(page.locator("#blank-result")).to_contain_text(f"已入库结婚证空白证书 3 本（{letters}000001–{letters}000003）")
    expect_stock(page, [before[0] + 3, before[1], before[2]])

    page.goto(f"/ui/print/certificate/{marriage['name'].split('/')[1]}")
    expect(page.locator("#print-status")).to_contain_text("可以打印")
    area = page.locator("#blank-area")
    expect(area).to_be_visible()
    area.get_by_label("印制号").first.fill(f"{letters}000001")
    area.get_by_role("button", name="登记使用").click()
    expect(page.locator("#blank-result")).to_contain_text(f"{letters}000001 已登记用于 {marriage['certificateNumber']}")
    shot(page, "30-blank-recorded-on-print")
    # The same blank again: refused, in Chinese, beside the serial.
    area.get_by_label("印制号").first.fill(f"{letters}000001")
    area.get_by_role("button", name="登记使用").click()
    expect(page.locator("#blank-use-serial-error")).to_contain_text("已用于打印")
    # The other party's booklet, under the same number: recorded too.
    area.get_by_label("印制号").first.fill(f"{letters}000003")
    area.get_by_role("button", name="登记使用").click()
    expect(page.locator("#blank-result")).to_contain_text(f"{letters}000003 已登记用于 {marriage['certificateNumber']}")

    page.goto("/ui/marriage/blanks")
    page.locator("#list-state").select_option(label="库存")
    page.get_by_role("button", name="显示").click()
    page.get_by_role("button", name=f"作废 {letters}000002").click()
    page.get_by_label("作废原因").fill("卡纸")
    page.get_by_role("button", name="作废", exact=True).click()
    expect(page.locator("#blank-result")).to_contain_text(f"已作废空白证书 {letters}000002（卡纸）")
    expect_stock(page, [before[0], before[1] + 2, before[2] + 1])
    page.locator("#list-state").select_option(label="全部状态")
    page.get_by_role("button", name="显示").click()
    table = page.locator("#list-table")
    expect(table.locator("tr", has_text=f"{letters}000001")).to_contain_text(marriage["certificateNumber"])
    expect(table.locator("tr", has_text=f"{letters}000002")).to_contain_text("已作废")
    shot(page, "31-blank-account")
