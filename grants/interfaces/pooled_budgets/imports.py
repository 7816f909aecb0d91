"""Importing monthly actuals and forecasts from a workbook in the exported layout (or the template).

Every problem is collected, as ``sheet!cell: message``, before anything changes; with any problem
nothing changes. A valid file's figures are applied together and audited once.
"""

from __future__ import annotations

import calendar
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from grants import audit, uploads
from grants.exports.pooled_workbook import (
    KINDS,
    TOTAL,
    export_agreement,
    month_column,
    year_headings,
    year_label,
)
from grants.extensions import db
from grants.models.pooled_budgets import Agreement, BudgetLine, MonthlyFigure
from grants.models.types import utcnow
from grants.spreadsheets import WorkbookFile

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
MAX_AMOUNT = Decimal("999999999999.99")  # Numeric(14, 2)
OTHER_SHEETS = frozenset({"Summary", "Risk share", "Notes", "Instructions"})
TOO_LARGE = "The selected file must be smaller than 2MB"
NOT_XLSX = "The selected file must be an Excel workbook (.xlsx) in the exported layout"
TEXT_AMOUNT = re.compile(r"£?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
NO_CHANGES = "No changes: the figures already match"
# A year sheet's first budget line, below the headings; the lines follow in the agreement's order.
FIRST_LINE_ROW = 2


@dataclass
class ImportResult:
    problems: list[str] = field(default_factory=list)
    changed: int = 0
    unchanged: int = 0
    # Each figure the import deletes (a cell left empty where there was an amount), in words.
    removed: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        if not self.changed:
            return NO_CHANGES
        figures = "figure" if self.changed == 1 else "figures"
        text = f"{self.changed} {figures} changed, {self.unchanged} unchanged"
        if self.removed:
            text += ". Removed: " + "; ".join(self.removed)
        return text


def template(agreement: Agreement) -> WorkbookFile:
    """The simple template: the year sheets of the export only, with the current figures."""
    return export_agreement([agreement], list(agreement.years), "Template", utcnow(), instructions=(
        "Enter actual and forecast amounts (pounds, up to 2 decimal places, 0 or more) in the ",
        "actual and forecast columns of each year sheet. Leave a cell empty for no figure. ",
        "Do not rename sheets or columns, and do not enter formulas in those cells."))


def _file_problems(filename: str, data: bytes) -> list[str]:
    if len(data) > MAX_BYTES:
        return [TOO_LARGE]
    name = filename if filename.lower().endswith((".xlsx", ".xlsm")) else f"{filename}.xlsx"
    try:
        uploads.check_upload(name, data)
    except uploads.UploadRefused as refused:
        # What the file reaches beyond itself for is said as it is; anything else is "not our workbook".
        specific = {uploads.MACROS, uploads.EXTERNAL_LINKS, uploads.DDE, uploads.EMBEDDED_OBJECTS}
        return [refused.message if refused.message in specific else NOT_XLSX]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = {entry.lower() for entry in archive.namelist()}
    if "xl/workbook.xml" not in names:
        return [NOT_XLSX]
    return []


def _amount(value) -> tuple[Decimal | None, str | None]:
    """The cell's amount, or why it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, f'"{value}" is not an amount'
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
    elif isinstance(value, str) and TEXT_AMOUNT.fullmatch(value.strip()):
        amount = Decimal(value.strip().lstrip("£").strip().replace(",", ""))
    else:
        shown = str(value)[:40]
        return None, f'"{shown}" is not an amount'
    try:
        if amount < 0:
            return None, f"{value} is negative: enter 0 or more"
        if amount > MAX_AMOUNT:
            return None, f"{value} is too large"
        if amount != amount.quantize(Decimal("0.01")):
            return None, f"{value} has more than 2 decimal places"
    except InvalidOperation:
        return None, f'"{value}" is not an amount'
    return amount.quantize(Decimal("0.01")), None


def _month_name(month: int) -> str:
    """The name of the financial year's ``month`` (1 is April)."""
    return calendar.month_name[(month + 2) % 12 + 1]


def _is_formula(cell) -> bool:
    return cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("="))


def _header_problems(sheet, expected: list[str]) -> list[str]:
    found = [sheet.cell(row=1, column=c).value for c in range(1, max(sheet.max_column, len(expected)) + 1)]
    found_text = [None if v is None else str(v).strip() for v in found]
    problems = []
    if set(filter(None, found_text)) == set(expected):
        for column, (want, got) in enumerate(zip(expected, found_text, strict=False), start=1):
            if want != got:
                problems.append(f'{sheet.title}!{get_column_letter(column)}1: "{got}" is in the place of "{want}"')
        return problems
    for column, want in enumerate(expected, start=1):
        if want not in found_text:
            problems.append(f'{sheet.title}!{get_column_letter(column)}1: the column "{want}" is missing')
    for column, got in enumerate(found_text, start=1):
        if got and got not in expected:
            problems.append(f'{sheet.title}!{get_column_letter(column)}1: "{got}" is not a column of the exported '
                            "layout")
    return problems


def _read_year(sheet, agreement: Agreement, year: int, values: dict, problems: list[str]) -> None:
    """Collect ``values[(line id, year, month, kind)] = amount`` from a year sheet."""
    title = sheet.title
    if sheet.max_row > MAX_ROWS:
        problems.append(f"{title}: the sheet has {sheet.max_row} rows; it can have at most {MAX_ROWS}")
        return
    header = _header_problems(sheet, year_headings(year))
    if header:
        problems.extend(header)
        return
    lines = {line.name: line for line in agreement.lines}
    seen: dict[str, int] = {}
    for row in range(2, sheet.max_row + 1):
        reference, name = sheet.cell(row=row, column=1).value, sheet.cell(row=row, column=2).value
        if name == TOTAL:
            continue
        cells = [sheet.cell(row=row, column=month_column(m, kind)) for m in range(1, 13) for kind in KINDS[1:]]
        if name is None and reference is None and all(c.value is None for c in cells):
            continue
        line = _row_line(title, row, reference, name, agreement, lines, seen, problems)
        _read_row(sheet, row, year, line, values, problems)
    _layout_problems(title, agreement, seen, problems)


def _layout_problems(title: str, agreement: Agreement, seen: dict[str, int], problems: list[str]) -> None:
    """Every budget line on its own row, as exported: a line whose row was deleted would otherwise be
    skipped without a word, and a moved row is a sign of a sorted or pasted sheet."""
    for position, line in enumerate(agreement.lines, start=FIRST_LINE_ROW):
        row = seen.get(line.name)
        if row is None:
            problems.append(f'{title}: the row of the budget line "{line.name}" is missing (it is row {position} '
                            "in the exported layout); put it back, or download the workbook again")
        elif row != position:
            problems.append(f'{title}!B{row}: "{line.name}" has moved; it belongs on row {position}, in the '
                            "exported order")


def _row_line(title: str, row: int, reference: object, name: object, agreement: Agreement,
              lines: dict[str, BudgetLine], seen: dict[str, int], problems: list[str]) -> BudgetLine | None:
    """The budget line a row is for; None (and a problem) for a line not in the agreement or on an earlier
    row. A reference that is not the agreement's is a problem too."""
    if str(reference or "").strip() != agreement.reference:
        problems.append(f'{title}!A{row}: "{reference or ""}" is not this agreement\'s reference '
                        f"({agreement.reference})")
    line = lines.get(str(name or "").strip())
    if line is None:
        problems.append(f'{title}!B{row}: "{name or ""}" is not a budget line of this agreement')
        return None
    if line.name in seen:
        problems.append(f'{title}!B{row}: "{line.name}" is already on row {seen[line.name]}')
        return None
    seen[line.name] = row
    return line


def _read_row(sheet, row: int, year: int, line: BudgetLine | None, values: dict, problems: list[str]) -> None:
    """Each month's actual and forecast on the row, into ``values`` when the row's line is known."""
    for month in range(1, 13):
        for kind in KINDS[1:]:
            cell = sheet.cell(row=row, column=month_column(month, kind))
            where = f"{sheet.title}!{cell.coordinate}"
            if _is_formula(cell):
                problems.append(f"{where}: a formula is not allowed here; enter the amount")
                continue
            amount, problem = _amount(cell.value)
            if problem:
                problems.append(f"{where}: {problem}")
            elif line is not None:
                values[(line.id, year, month, kind)] = (amount, where)


def check_workbook(agreement: Agreement, filename: str, data: bytes) -> tuple[list[str], dict]:
    """Every problem with the file, and the figures it holds when there are none."""
    problems = _file_problems(filename, data)
    if problems:
        return problems, {}
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds for a damaged file  # noqa: BLE001
        return [NOT_XLSX], {}
    expected = {year_label(year): year for year in agreement.years}
    values: dict = {}
    for name in workbook.sheetnames:
        if name not in expected and name not in OTHER_SHEETS:
            problems.append(f'{name}: a sheet this agreement does not have (its years are '
                            f'{", ".join(expected)}); remove it or rename it')
    for label, year in expected.items():
        if label not in workbook.sheetnames:
            problems.append(f"{label}: the sheet for {label} is missing")
        else:
            _read_year(workbook[label], agreement, year, values, problems)
    return problems, values


def import_actuals(agreement: Agreement, file_storage, user) -> ImportResult:
    """Check the uploaded file and, if it has no problems, apply its actuals and forecasts.

    The caller commits. With any problem nothing is changed and ``problems`` lists them all.
    """
    data = file_storage.stream.read(MAX_BYTES + 1)
    problems, values = check_workbook(agreement, file_storage.filename or "", data)
    result = ImportResult(problems)
    if problems:
        return result
    closed = {year_end.year for year_end in agreement.year_ends}
    lines = {line.id: line for line in agreement.lines}
    figures = {(f.line_id, f.year, f.month): f for f in db.session.scalars(
        select(MonthlyFigure).where(MonthlyFigure.line_id.in_(lines)))}
    planned: dict[tuple[int, int, int], dict[str, Decimal | None]] = {}
    for (line_id, year, month, kind), (amount, where) in values.items():
        figure = figures.get((line_id, year, month))
        current = getattr(figure, kind) if figure is not None else None
        if current == amount:
            result.unchanged += 1
            continue
        if year in closed:
            result.problems.append(f"{where}: {year_label(year)} is closed, so its figures cannot change")
            continue
        planned.setdefault((line_id, year, month), {})[kind] = amount
        result.changed += 1
        if amount is None:
            result.removed.append(f"{year_label(year)} {_month_name(month)}, {lines[line_id].name}: {kind} "
                                  "removed")
    if result.problems:
        result.changed = 0
        return result
    changes = {}
    for (line_id, year, month), kinds in sorted(planned.items()):
        figure = figures.get((line_id, year, month))
        if figure is None:
            figure = MonthlyFigure(line=lines[line_id], year=year, month=month)
            db.session.add(figure)
        for kind, amount in kinds.items():
            key = f"{year_label(year)} {lines[line_id].name} month {month} {kind}"
            before = getattr(figure, kind)
            changes[key] = {"before": None if before is None else str(before),
                            "after": None if amount is None else str(amount)}
            setattr(figure, kind, amount)
        figure.updated_by_id = user.id
    if result.changed:
        audit.record("pooled_budget.actuals_imported", agreement,
                     f"Actuals and forecasts of {agreement.reference} imported from a workbook: "
                     f"{result.changed} changed, {result.unchanged} unchanged", changes=changes, actor=user)
        db.session.flush()
    return result
