"""``ExportSheet.whole_row`` writes a row's XML itself (for the 360Giving spreadsheet of thousands of
grants): the sheet must be the very XML XlsxWriter writes cell by cell, for every kind of value, so
that an XlsxWriter upgrade that changes its writing shows here."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from grants.spreadsheets import MAX_CELL_CHARACTERS, ExportWorkbook

AWKWARD_TEXT = [
    "Harbour Recovery Café", "=HYPERLINK(\"http://evil.example\")", "+44 1752", "-3", "@home", "\tTabbed",
    "\rReturned", " leading", "trailing ", "\u00a0no-break space", "a & b < c > d \"quoted\"", "line\nbreak",
    "bell\x07and\x1fus", "_x000D_ as typed", "under_score", "#N/A", "", "x", "\ufffe\uffff",
    "é" * (MAX_CELL_CHARACTERS // 2 + 1), "😀" * (MAX_CELL_CHARACTERS // 2 + 10), "a" * (MAX_CELL_CHARACTERS + 5),
    "<r><t>rich?</t></r>"[:-1],  # not a rich string: XlsxWriter writes "<r>…</r>" text unescaped
]
NUMBERS = [Decimal("4000.00"), Decimal("1234567890.10"), Decimal("0.00"), Decimal("-3.5"), 0, 7, -12, 0.1, 1e20, 2.5]
DATES = [date(2026, 4, 1), date(1900, 3, 1), datetime(2026, 11, 28, 14, 30, 5)]


def _rows() -> list[list[object]]:
    values: list[object] = [*AWKWARD_TEXT, *NUMBERS, *DATES]
    # Rows of four cells with gaps (None), the values in several positions.
    return [[values[(start + offset) % len(values)] if (start + offset) % 5 else None for offset in range(4)]
            for start in range(len(values))]


def _sheets(rows: list[list[object]], whole: bool) -> dict[str, bytes]:
    """The workbook's sheets' XML, the rows written whole or a cell at a time, after a header row."""
    book = ExportWorkbook(constant_memory=True)
    sheet = book.sheet("rows")
    amount, day = book.style("#,##0.00"), book.style("yyyy-mm-dd")
    sheet.text(1, 1, "Heading")
    for number, row in enumerate(rows, start=2):
        cells = [(value, amount if isinstance(value, Decimal) else day if isinstance(value, date) else None)
                 for value in row]
        if whole:
            sheet.whole_row(number, cells)
            continue
        for column, (value, cell_format) in enumerate(cells, start=1):
            if isinstance(value, str):
                sheet.text(number, column, value)
            elif isinstance(value, date):
                sheet.write_datetime(number - 1, column - 1, value, cell_format)
            elif value is not None:
                sheet.number(number, column, value, "#,##0.00" if cell_format else None)
    content = book.close()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")}


def test_rows_written_whole_are_the_xml_xlsxwriter_writes_cell_by_cell():
    rows = _rows()
    assert _sheets(rows, whole=True) == _sheets(rows, whole=False)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.text(max_size=40), st.integers(-10**12, 10**12),
                                   st.decimals(min_value=-10**9, max_value=10**9, places=2)),
                         min_size=1, max_size=5), min_size=1, max_size=5))
def test_any_text_and_numbers_written_whole_are_xlsxwriters_xml(rows):
    assert _sheets(rows, whole=True) == _sheets(rows, whole=False)


def test_rows_written_whole_read_back_as_typed():
    book = ExportWorkbook(constant_memory=True)
    sheet = book.sheet("rows")
    sheet.text(1, 1, "Heading")
    sheet.whole_row(2, [("=1+1", None), (Decimal("12.50"), book.style("#,##0.00")), (None, None),
                        (date(2026, 4, 1), book.style("yyyy-mm-dd"))])
    sheet.text(3, 1, "After")  # a cell-by-cell row may follow
    rows = list(load_workbook(io.BytesIO(book.close()))["rows"].iter_rows(values_only=True))
    assert rows == [("Heading", None, None, None), ("'=1+1", 12.5, None, datetime(2026, 4, 1)),
                    ("After", None, None, None)]


def test_a_row_written_whole_cannot_go_back_or_be_added_to():
    book = ExportWorkbook(constant_memory=True)
    sheet = book.sheet("rows")
    sheet.whole_row(2, [("Second", None)])
    with pytest.raises(ValueError):
        sheet.whole_row(2, [("Again", None)])
    with pytest.raises(ValueError):
        sheet.whole_row(1, [("Earlier", None)])
    assert sheet.write_string(1, 1, "Too late") == -1  # XlsxWriter refuses a row already written out
    with pytest.raises(TypeError):
        sheet.whole_row(3, [(Decimal("NaN"), None)])
    with pytest.raises(TypeError):
        sheet.whole_row(4, [(True, None)])
    book.close()


def test_rows_are_written_whole_only_in_constant_memory_mode():
    book = ExportWorkbook()
    with pytest.raises(ValueError):
        book.sheet("rows").whole_row(1, [("Text", None)])
    book.close()
