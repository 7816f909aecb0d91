"""Cells for downloaded spreadsheets: user text stays text, numbers stay numbers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from grants.spreadsheets import (
    MAX_CELL_CHARACTERS,
    MONEY_FORMAT,
    datetime_cell,
    money_cell,
    safe_text,
    text_cell,
)


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


def _round_trip(*cells_for) -> list:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Test")
    sheet.append([make(sheet) for make in cells_for])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return list(load_workbook(buffer).active.iter_rows())[0]


def test_cells_read_back_as_text_numbers_and_uk_times():
    text, error_like, money, empty_money, when = _round_trip(
        lambda sheet: text_cell(sheet, "=1+1"),
        lambda sheet: text_cell(sheet, "#N/A"),
        lambda sheet: money_cell(sheet, Decimal("4250.50")),
        lambda sheet: money_cell(sheet, None),
        lambda sheet: datetime_cell(sheet, datetime(2026, 7, 1, 8, 30, tzinfo=UTC)),
    )
    assert (text.value, text.data_type) == ("'=1+1", "s")
    assert (error_like.value, error_like.data_type) == ("#N/A", "s")  # not Excel's error value
    assert money.value == 4250.5 and money.data_type == "n" and money.number_format == MONEY_FORMAT
    assert empty_money.value is None
    assert when.value == datetime(2026, 7, 1, 9, 30)  # BST, written without a zone
