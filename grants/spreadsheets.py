"""Cells for spreadsheets that staff download: user text that cannot turn into a formula.

Applicants type the text that ends up in exports. Text that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is read by Excel and LibreOffice as a formula when the cell is edited
or the file is re-saved as CSV ("CSV injection", OWASP), so it gets a leading single quote: the
spreadsheet shows it as text. Every text cell is also typed as a string, so that text such as
``#N/A`` is not read as an error value either.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

from grants.formatting import LONDON

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses longer cells.
MAX_CELL_CHARACTERS = 32_767
MONEY_FORMAT = '"£"#,##0.00'
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def safe_text(value: object) -> str:
    """``value`` as text a spreadsheet shows as typed, never as a formula.

    Control characters that the xlsx format cannot hold are removed (they would make openpyxl
    fail), and the text is cut to the length Excel allows.
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    if text.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    return text[:MAX_CELL_CHARACTERS]


def text_cell(sheet: Worksheet | WriteOnlyWorksheet, value: object) -> Cell:
    cell = WriteOnlyCell(sheet, value=safe_text(value))
    cell.data_type = "s"  # typed as text whatever it looks like
    return cell


def text_value(sheet: Worksheet | WriteOnlyWorksheet, value: object) -> str | Cell:
    """As ``text_cell``, but a plain string when openpyxl would type it as text anyway (every string
    except an error value such as ``#N/A``; formula triggers already have their quote): the same
    cell in the file, without a cell object per value (large exports write a hundred thousand)."""
    text = safe_text(value)
    if text in ERROR_CODES:
        return text_cell(sheet, value)
    return text


def money_cell(sheet: Worksheet | WriteOnlyWorksheet, value: Decimal | None) -> Cell:
    """An amount in pounds as a number, shown as £1,234.50; empty when there is none."""
    # The stub types WriteOnlyCell's value narrower than the Cell it returns, which takes a Decimal.
    cell = WriteOnlyCell(sheet, value=None if value is None else Decimal(value))  # type: ignore[arg-type]
    cell.number_format = MONEY_FORMAT
    return cell


def datetime_cell(sheet: Worksheet | WriteOnlyWorksheet, value: datetime | None) -> Cell:
    """A UTC moment as UK local time (spreadsheets have no time zones)."""
    local = None if value is None else value.astimezone(LONDON).replace(tzinfo=None)
    cell = WriteOnlyCell(sheet, value=local)
    cell.number_format = DATETIME_FORMAT
    return cell
