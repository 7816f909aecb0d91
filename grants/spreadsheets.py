"""Workbooks that staff download: user text that cannot turn into a formula, and formulas that carry
their values.

Applicants type the text that ends up in exports. Text that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is read by Excel and LibreOffice as a formula when the cell is edited
or the file is re-saved as CSV ("CSV injection", OWASP), so it gets a leading single quote: the
spreadsheet shows it as text. Every text cell is also written as a string, so that text such as
``#N/A`` is not read as an error value either.

Exports are written with XlsxWriter, which stores each formula's result beside it: a reader that
does not recalculate (pandas, previewers, finance-system imports) sees the app's figure, not a blank.
The result written is always the app's own figure for the cell, never 0 by default: ``ExportSheet``'s
``formula`` takes it as a required argument. openpyxl still reads uploaded workbooks.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from os import PathLike
from typing import IO, Any, Protocol

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import CellFormulaTuple, Worksheet

from grants.formatting import LONDON

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters the xlsx format cannot hold (XML 1.0 forbids them); the same set openpyxl refuses.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
# Excel refuses longer cells.
MAX_CELL_CHARACTERS = 32_767
MONEY_FORMAT = '"£"#,##0.00'
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Nothing a cell is given is ever turned into a formula, a number or a link behind our back.
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
A4 = 9  # XlsxWriter's (and Excel's) paper size code

Number = int | float | Decimal | Fraction
# What a formula works out to, as the app worked it out: a number, text ("" for an empty result) or
# a true/false answer.
FormulaValue = Number | str | bool
Column = int | str  # 1-based number or letters


def safe_text(value: object) -> str:
    """``value`` as text a spreadsheet shows as typed, never as a formula.

    Control characters that the xlsx format cannot hold are removed, and the text is cut to the
    length Excel allows.
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    if text.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    return text[:MAX_CELL_CHARACTERS]


def uk_time(value: datetime | None) -> datetime | None:
    """A UTC moment as UK local time without a zone (spreadsheets have no time zones)."""
    return None if value is None else value.astimezone(LONDON).replace(tzinfo=None)


def column_letter(column: Column) -> str:
    return column if isinstance(column, str) else xl_col_to_name(column - 1)


def column_number(letter: str) -> int:
    """``"C"`` → 3."""
    return xl_cell_to_rowcol(f"{letter}1")[1] + 1


def cell_name(column: Column, row: int) -> str:
    """``cell_name(3, 2)`` and ``cell_name("C", 2)`` → ``"C2"``."""
    return f"{column_letter(column)}{row}"


class ExportSheet(Worksheet):
    """A sheet of an export. Rows and columns are numbered from 1 as on screen (a column may also be
    given as letters); every cell is typed: text, a number, a date and time, or a formula with its
    value."""

    book: ExportWorkbook  # set when the workbook adds the sheet

    def _at(self, row: int, column: Column) -> tuple[int, int]:
        return row - 1, (xl_cell_to_rowcol(f"{column}1")[1] if isinstance(column, str) else column - 1)

    def text(self, row: int, column: Column, value: object, *, bold: bool = False, fill: str | None = None) -> None:
        """Text that is never read as a formula (``safe_text``), written as a string."""
        self.write_string(*self._at(row, column), safe_text(value), self.book.style(bold=bold, fill=fill))

    def number(self, row: int, column: Column, value: Number | None, number_format: str | None = None, *,
               bold: bool = False, fill: str | None = None) -> None:
        """A number (shown with ``number_format``); an empty cell, formatted alike, when there is none."""
        style = self.book.style(number_format, bold=bold, fill=fill)
        if value is None:
            if style is not None:
                self.write_blank(*self._at(row, column), None, style)
            return
        self.write_number(*self._at(row, column), float(value) if isinstance(value, Fraction) else value, style)

    def moment(self, row: int, column: Column, value: datetime | None, number_format: str = DATETIME_FORMAT) -> None:
        """A UTC moment as UK local time; empty when there is none."""
        local = uk_time(value)
        if local is None:
            self.write_blank(*self._at(row, column), None, self.book.style(number_format))
        else:
            self.write_datetime(*self._at(row, column), local, self.book.style(number_format))

    def formula(self, row: int, column: Column, formula: str, value: FormulaValue,
                number_format: str | None = None, *, bold: bool = False, fill: str | None = None) -> None:
        """One of our own formulas (never user text) with ``value``, the app's figure for the cell,
        stored as its result."""
        if isinstance(value, Decimal | Fraction):
            value = float(value)
        self.write_formula(*self._at(row, column), formula, self.book.style(number_format, bold=bold, fill=fill),
                           value)

    def widths(self, widths: Sequence[float | None], first: int = 1) -> None:
        """Column widths in characters, from column ``first`` on (None leaves a column as it is)."""
        for offset, width in enumerate(widths):
            if width:
                self.width(first + offset, width)

    def width(self, column: Column, width: float) -> None:
        number = self._at(1, column)[1]
        self.set_column(number, number, width)

    def freeze(self, cell: str) -> None:
        """Panes frozen above and left of ``cell`` ("B2": the first row and column)."""
        self.freeze_panes(cell)

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        # A formula whose result is empty text is written as Excel and LibreOffice write it (typed as
        # text, t="str"): XlsxWriter leaves it untyped, which a reader cannot tell from "not calculated".
        if isinstance(cell, CellFormulaTuple) and cell.value == "":
            attributes: list[tuple[str, Any]] = [("r", xl_rowcol_to_cell(row, col))]
            if cell.format:
                attributes.append(("s", cell.format._get_xf_index()))
            attributes.append(("t", "str"))
            self._xml_formula_element(cell.formula, "", attributes)
            return
        super()._write_cell(row, col, cell)


class ExportWorkbook:
    """An xlsx file being written, with its formats shared between cells. ``constant_memory`` writes
    each row as soon as the next one starts (rows must come in order): memory stays flat however
    many rows there are. ``target`` is a file name or an open binary file; by default the bytes are
    kept in memory and ``close`` returns them."""

    def __init__(self, target: str | PathLike[str] | IO[bytes] | None = None, *,
                 constant_memory: bool = False) -> None:
        self._buffer = io.BytesIO() if target is None else None
        self.workbook = Workbook(self._buffer if target is None else target,
                                 {**WORKBOOK_OPTIONS, "constant_memory": constant_memory})
        self._styles: dict[tuple[str | None, bool, str | None], Format] = {}

    def sheet(self, title: str) -> ExportSheet:
        sheet = self.workbook.add_worksheet(title, worksheet_class=ExportSheet)
        sheet.book = self
        return sheet

    def style(self, number_format: str | None = None, *, bold: bool = False, fill: str | None = None) -> Format | None:
        """The shared format for a number format, bold text and a solid fill colour ("FFF2CC")."""
        if number_format is None and not bold and fill is None:
            return None
        key = (number_format, bold, fill)
        if key not in self._styles:
            properties: dict[str, Any] = {}
            if number_format is not None:
                properties["num_format"] = number_format
            if bold:
                properties["bold"] = True
            if fill is not None:
                properties.update(pattern=1, bg_color=f"#{fill}")
            self._styles[key] = self.workbook.add_format(properties)
        return self._styles[key]

    def define_name(self, name: str, reference: str) -> None:
        """A defined name for ``reference`` ("'Sheet'!$A$1:$B$2")."""
        self.workbook.define_name(name, f"={reference}")

    def close(self) -> bytes:
        """Finish the file; its bytes when it was written in memory (b"" otherwise)."""
        self.workbook.close()
        return b"" if self._buffer is None else self._buffer.getvalue()


class Savable(Protocol):
    def save(self, target: Any) -> None: ...


class WorkbookFile:
    """A finished workbook's bytes, which can be saved (to a path or a binary file) like a workbook."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def save(self, target: str | PathLike[str] | IO[bytes]) -> None:
        if isinstance(target, str | PathLike):
            with open(target, "wb") as file:
                file.write(self.content)
        else:
            target.write(self.content)

    def stream(self) -> io.BytesIO:
        return io.BytesIO(self.content)


def quote_sheet(title: str) -> str:
    """A sheet's name as a formula refers to it: ``'2026-27'``, quotes doubled inside."""
    return "'" + title.replace("'", "''") + "'"
