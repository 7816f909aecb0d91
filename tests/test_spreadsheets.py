"""Cells for downloaded spreadsheets: user text stays text, numbers stay numbers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from grants.spreadsheets import MAX_CELL_CHARACTERS, MONEY_FORMAT, ExportWorkbook, safe_text


@pytest.mark.parametrize(
    "typed, written",
    [
        ("=HYPERLINK(\"http://evil.example\",\"Click\")", "'=HYPERLINK(\"http://evil.example\",\"Click\")"),
        ("+44 1632 960001", "'+44 1632 960001"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("=", "'="),
        ("A weekly café", "A weekly café"),
        (" =1+1", " =1+1"),  # a formula must start the cell
        ("'already quoted", "'already quoted"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_text_that_a_spreadsheet_would_read_as_a_formula_is_quoted(typed, written):
    assert safe_text(typed) == written


def test_characters_xlsx_cannot_hold_are_removed_and_long_text_is_cut():
    assert safe_text("bell\x07 and null\x00 gone, new\nline kept") == "bell and null gone, new\nline kept"
    assert len(safe_text("x" * 40_000)) == MAX_CELL_CHARACTERS


@given(st.text())
def test_safe_text_never_starts_a_formula_and_keeps_what_was_typed(text):
    written = safe_text(text)
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    if len(text) < 30_000 and text.isprintable():
        assert written.removeprefix("'") == text or written == text


def _round_trip(*writes, constant_memory: bool = False) -> list:
    """Row 1 of a one-sheet workbook whose cells ``writes`` fill (each takes the sheet and its column)."""
    book = ExportWorkbook(constant_memory=constant_memory)
    sheet = book.sheet("Test")
    for column, write in enumerate(writes, start=1):
        write(sheet, column)
    return list(load_workbook(BytesIO(book.close())).active.iter_rows(max_col=len(writes)))[0]


@pytest.mark.parametrize("constant_memory", [False, True])
def test_cells_read_back_as_text_numbers_and_uk_times(constant_memory):
    text, error_like, money, empty_money, when, untouched = _round_trip(
        lambda sheet, column: sheet.text(1, column, "=1+1"),
        lambda sheet, column: sheet.text(1, column, "#N/A"),
        lambda sheet, column: sheet.number(1, column, Decimal("4250.50"), MONEY_FORMAT),
        lambda sheet, column: sheet.number(1, column, None, MONEY_FORMAT),
        lambda sheet, column: sheet.moment(1, column, datetime(2026, 7, 1, 8, 30, tzinfo=UTC)),
        lambda sheet, column: sheet.text(1, column, "@SUM(A1:A2)"),
        constant_memory=constant_memory,
    )
    assert (text.value, text.data_type) == ("'=1+1", "s")
    assert (error_like.value, error_like.data_type) == ("#N/A", "s")  # not Excel's error value
    assert money.value == 4250.5 and money.data_type == "n" and money.number_format == MONEY_FORMAT
    assert empty_money.value is None
    assert when.value == datetime(2026, 7, 1, 9, 30)  # BST, written without a zone
    assert (untouched.value, untouched.data_type) == ("'@SUM(A1:A2)", "s")


def test_a_formula_is_stored_with_the_value_it_is_given():
    book = ExportWorkbook()
    sheet = book.sheet("Test")
    sheet.number(1, 1, 2)
    sheet.formula(1, 2, "=A1*2", Decimal("4"), MONEY_FORMAT)
    sheet.formula(1, 3, '=IF(A1=2,"",1)', "")  # an empty text result
    sheet.formula(1, 4, '=IF(A1=2,"two","other")', "two")
    content = book.close()
    formulas = [cell.value for cell in load_workbook(BytesIO(content)).active[1]]
    assert formulas == [2, "=A1*2", '=IF(A1=2,"",1)', '=IF(A1=2,"two","other")']
    stored = list(load_workbook(BytesIO(content), data_only=True).active[1])
    assert [cell.value for cell in stored] == [2, 4, None, "two"]
    assert stored[2].data_type == "str"  # empty text, not a formula without a value (read as None, "n")
    assert stored[1].number_format == MONEY_FORMAT


def test_text_given_to_the_workbook_is_never_a_formula_number_or_link():
    book = ExportWorkbook()
    sheet = book.sheet("Test")
    for column, typed in enumerate(("=1+1", "0123", "https://evil.example", "1e5"), start=1):
        sheet.write(0, column - 1, typed)  # even XlsxWriter's own write(), which guesses a type
    cells = list(load_workbook(BytesIO(book.close())).active[1])
    assert [(cell.value, cell.data_type) for cell in cells] == [
        ("=1+1", "s"), ("0123", "s"), ("https://evil.example", "s"), ("1e5", "s")]
    assert not [cell for cell in cells if cell.hyperlink]
