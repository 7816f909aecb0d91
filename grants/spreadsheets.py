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
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from functools import cache
from os import PathLike
from typing import IO, Any, Protocol

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.utility import (
    _preserve_whitespace,
    _utf16_len,
    _utf16_truncate,
    xl_cell_to_rowcol,
    xl_col_to_name,
    xl_rowcol_to_cell,
)
from xlsxwriter.worksheet import CellFormulaTuple, Worksheet

from grants.formatting import LONDON

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters the xlsx format cannot hold (XML 1.0 forbids them); the same set openpyxl refuses.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
# Excel refuses longer cells.
MAX_CELL_CHARACTERS = 32_767
# Text that ``ExportSheet.whole_row`` can write as it is, the common case: nothing a formula starts with,
# no space at either end, no control character, nothing XML or XlsxWriter escapes ("_x000D_" is
# XlsxWriter's escape of a carriage return, so an underscore takes the careful way), and too short to be
# cut (Excel's limit counts UTF-16 units: up to half of it, no text can reach it).
_CAREFUL = r"&<>_\x00-\x1f\ufffe\uffff"
PLAIN_TEXT = re.compile(rf"[^\s=+\-@{_CAREFUL}](?:[^{_CAREFUL}]*[^\s{_CAREFUL}])?")
MAX_PLAIN_CHARACTERS = MAX_CELL_CHARACTERS // 2
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


_column_name = cache(xl_col_to_name)  # 0 → "A", for each cell of a row written whole


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

    def whole_row(self, row: int, cells: Iterable[tuple[object, Format | None]]) -> None:
        """A whole row at once, each cell a (value, format) pair from column A on: text (``safe_text``),
        a number, a date or a naive date and time, or None for an empty cell. For long exports in
        ``constant_memory`` mode: the row goes straight into the sheet's XML, as XlsxWriter writes it
        cell by cell (the same escapes, inline strings and number forms), without XlsxWriter's
        per-cell bookkeeping, which made the 360Giving spreadsheet of 4,000 grants take seconds.
        The row must come after every row written so far, and nothing more may be written to it."""
        index = row - 1
        if not self.constant_memory or index < self.previous_row or (index == self.previous_row and self.table):
            raise ValueError(f"row {row} cannot be written whole: not constant_memory, or not a new row")
        xml = [f'<row r="{row}">']
        first = last = None
        column = -1
        for value, cell_format in cells:
            column += 1
            if value is None:
                continue
            first = column if first is None else first
            last = column
            start = f'<c r="{_column_name(column)}{row}"'
            if cell_format:
                start += f' s="{cell_format._get_xf_index()}"'
            if value.__class__ is str:
                if len(value) <= MAX_PLAIN_CHARACTERS and PLAIN_TEXT.fullmatch(value):
                    xml.append(f'{start} t="inlineStr"><is><t>{value}</t></is></c>')
                else:
                    xml.append(f'{start} t="inlineStr"><is>{self._inline_text(value)}</is></c>')
            elif isinstance(value, str):
                xml.append(f'{start} t="inlineStr"><is>{self._inline_text(value)}</is></c>')
            elif isinstance(value, date):  # a datetime is a date too
                xml.append(f"{start}><v>{self._convert_date_time(value):.16G}</v></c>")
            elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                if not math.isfinite(value):  # as XlsxWriter's write_number refuses them
                    raise TypeError(f"{value} is not a number a cell can hold")
                xml.append(f"{start}><v>{value:.16G}</v></c>")
            else:
                raise TypeError(f"{type(value).__name__} cannot go in a cell written whole")
        if first is None or last is None:
            return
        xml.append("</row>")
        self._check_dimensions(index, first)
        self._check_dimensions(index, last)
        # The row being written cell by cell, if any, goes first; then XlsxWriter takes the next row as
        # the one it holds (so a cell written later to this row or an earlier one is refused, as for
        # any row already written out).
        self._write_single_row(index + 1)
        self.fh.write("".join(xml))

    def _inline_text(self, value: object) -> str:
        """``value`` made safe (``safe_text``) as the <t> element XlsxWriter writes for an inline
        string: cut to Excel's length in UTF-16 units, control characters as _xHHHH_ escapes, XML
        escaped, its leading or trailing spaces kept."""
        text = safe_text(value)
        if len(text) > self.xls_strmax // 2 and _utf16_len(text) > self.xls_strmax:
            text = _utf16_truncate(text, self.xls_strmax)
        text = self._escape_control_characters(text)
        preserve = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
        return f"<t{preserve}>{self._escape_data(text)}</t>"

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
