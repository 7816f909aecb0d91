"""Journey 4 in a real browser: a finance officer downloads the demo pooled budget's workbook,
changes an actual in it (openpyxl, as they would in Excel), uploads it and sees the new figure on
the agreement's year page; then uploads a workbook with several bad cells and sees every one of
them listed by sheet and cell, with nothing changed."""

from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from grants.exports.pooled_workbook import TOTAL, month_column, year_label
from grants.modelling.calendar import financial_year_start
from tests.browser.person import Person

pytestmark = pytest.mark.browser

AGREEMENT = "PB-DCIOS-TREATMENT"  # the demo's agreement: last year closed, this year's actuals so far
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _money(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def _upload(person: Person, name: str, workbook) -> None:
    buffer = io.BytesIO()
    workbook.save(buffer)
    person.page.get_by_label("Upload a workbook").set_input_files(
        {"name": name, "mimeType": XLSX, "buffer": buffer.getvalue()})
    person.press("Import figures")


def test_download_change_and_upload_the_workbook(new_page, axe, tmp_path, screenshot):
    finance = Person(new_page(accept_downloads=True), axe)
    finance.sign_in("finance@example.org")
    finance.goto("/pooled-budgets")
    finance.follow(AGREEMENT)
    agreement_url = re.sub(r"^https?://[^/]+", "", finance.page.url)
    finance.follow("Import monthly actuals from a spreadsheet")
    finance.press("Import figures")  # no file chosen: the error state
    assert "Select a workbook" in finance.errors(), finance.errors()

    with finance.page.expect_download() as download_info:
        finance.page.get_by_role("link", name="Download the agreement's workbook (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename == "pooled-budget-pb-dcios-treatment.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    # This financial year's sheet: the first budget line's April actual goes up by £1,234.56.
    label = year_label(financial_year_start(datetime.now(ZoneInfo("Europe/London")).date()))
    workbook = load_workbook(path)
    sheet = workbook[label]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 2).value not in (None, TOTAL))
    line = sheet.cell(row, 2).value
    cell = sheet.cell(row, month_column(1, "actual"))
    before = Decimal(str(cell.value))
    after = before + Decimal("1234.56")
    cell.value = float(after)
    _upload(finance, "treatment-pool.xlsx", workbook)
    assert "1 figure changed" in finance.page.locator("body").inner_text(), finance.text()

    finance.goto(agreement_url)
    finance.follow(f"Monthly actuals and forecasts for {label}")
    april = finance.page.locator("#months tr", has_text=line).locator("td").first
    assert april.inner_text().strip() == _money(after), (line, april.inner_text(), _money(after))

    # A broken workbook: every bad cell is listed, by sheet and cell, and nothing changes.
    workbook = load_workbook(path)
    sheet = workbook[label]
    bad = {
        sheet.cell(row, month_column(2, "actual")): "lots",
        sheet.cell(row, month_column(3, "actual")): -250,
        sheet.cell(row, month_column(4, "forecast")): 10.125,
        sheet.cell(row + 1, month_column(5, "forecast")): "=1+1",
    }
    for bad_cell, value in bad.items():
        bad_cell.value = value
    finance.goto(agreement_url)
    finance.follow("Import monthly actuals from a spreadsheet")
    _upload(finance, "treatment-pool-broken.xlsx", workbook)
    errors = finance.errors()
    assert finance.page.title().startswith("Error:")
    for bad_cell in bad:
        where = f"{label}!{bad_cell.coordinate}:"
        assert any(error.startswith(where) for error in errors), (where, errors)
    assert len(errors) == len(bad), errors

    finance.goto(agreement_url)
    finance.follow(f"Monthly actuals and forecasts for {label}")
    april = finance.page.locator("#months tr", has_text=line).locator("td").first
    assert april.inner_text().strip() == _money(after)
    screenshot(finance.page)
