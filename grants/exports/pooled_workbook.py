"""Pooled-budget agreements as a finance workbook (live formulas) and as CSV.

The workbook has a Summary sheet (partners × years contributions, shares of the pool), one sheet
per financial year (budget lines × months: budget, actual, forecast, then totals as formulas), a
Risk share sheet and a Notes sheet. Its year sheets are also the layout that
``grants.interfaces.pooled_budgets.imports`` reads back (and its template). Figures are read straight
from the models; the arithmetic the app shows comes from ``grants.modelling.pooled``, and every
formula carries the app's figure as its value (the totals, outturns and variances of
``line_position``, the contributions of ``year_contributions``). Shares and percentages carry the
exact ratio of the app's figures; the risk share's formula columns carry the variance shared without
caps, as their formulas do.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Hashable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import overload

from grants.formatting import LONDON
from grants.modelling.calendar import financial_year_label
from grants.modelling.pooled import (
    ContributionEntry,
    LinePosition,
    line_position,
    monthly_budget,
    share_variance,
    year_contributions,
)
from grants.models.pooled_budgets import Agreement, BudgetLine, ContributionBasis, month_start
from grants.spreadsheets import (
    A4,
    ExportSheet,
    ExportWorkbook,
    FormulaValue,
    Savable,
    WorkbookFile,
    cell_name,
    column_letter,
    quote_sheet,
    safe_text,
)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = "£#,##0.00;-£#,##0.00"
PERCENT = "0.00%"
MONTH_NAMES = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")
KINDS = ("budget", "actual", "forecast")
TOTAL_HEADINGS = ("Budget total", "Actual to date", "Forecast outturn", "Variance", "Variance %")
TOTAL = "Total"
FIRST_MONTH_COLUMN = 3  # C: after Agreement and Budget line


def year_label(year: int) -> str:
    """2026 → "2026-27", the year sheet's name."""
    return financial_year_label(year)


def year_headings(year: int) -> list[str]:
    """Row 1 of a year sheet, exactly as exported (and as the import expects it)."""
    months = [f"{MONTH_NAMES[m - 1]} {month_start(year, m).year} {kind}" for m in range(1, 13) for kind in KINDS]
    return ["Agreement", "Budget line", *months, *TOTAL_HEADINGS]


def month_column(month: int, kind: str) -> int:
    """The column number of ``month``'s budget, actual or forecast on a year sheet."""
    return FIRST_MONTH_COLUMN + (month - 1) * 3 + KINDS.index(kind)


@overload
def pence(amount: Decimal) -> int: ...
@overload
def pence(amount: None) -> None: ...
@overload
def pence(amount: Decimal | None) -> int | None: ...
def pence(amount: Decimal | None) -> int | None:
    return None if amount is None else int((Decimal(amount) * 100).to_integral_value())


def _pounds(amount_pence: int | None) -> Decimal | None:
    return None if amount_pence is None else Decimal(amount_pence) / 100


# Figures from the models -------------------------------------------------------------------------

def line_budget_pence(line: BudgetLine, year: int) -> int:
    return next((pence(b.amount) for b in line.budgets if b.year == year), 0)


def line_figures(line: BudgetLine, year: int) -> tuple[list[int | None], list[int | None]]:
    """The line's actuals and forecasts (pence, None where not entered) for the 12 months of ``year``."""
    actuals: list[int | None] = [None] * 12
    forecasts: list[int | None] = [None] * 12
    for figure in line.figures:
        if figure.year == year:
            actuals[figure.month - 1], forecasts[figure.month - 1] = pence(figure.actual), pence(figure.forecast)
    return actuals, forecasts


def contributions(agreement: Agreement, year: int):
    """``year_contributions`` for the agreement's year, keyed by partner id."""
    total = sum(line_budget_pence(line, year) for line in agreement.lines)
    entries = [
        ContributionEntry(c.partner_id, pence(c.amount) if c.basis is ContributionBasis.FIXED else None,
                          c.share_percent if c.basis is ContributionBasis.SHARE else None)
        for c in agreement.contributions if c.year == year
    ]
    return year_contributions(total, entries, year_label(year))


def year_variance_pence(agreement: Agreement, year: int) -> int:
    return sum(
        line_position(
            line_budget_pence(line, year), *line_figures(line, year), agreement.tolerance_percent
        ).variance_pence
        for line in agreement.lines
    )


def risk_shares(agreement: Agreement, year: int) -> dict[Hashable, int] | None:
    """Each partner's share (pence, by partner id) of the year's forecast variance, to the penny; None
    if the rule cannot be applied (for example fixed percentages that do not add up to 100)."""
    partners = [member.partner_id for member in agreement.members]
    try:
        return dict(share_variance(
            year_variance_pence(agreement, year), agreement.risk_share_rule.value, partners, agreement.host_partner_id,
            contributions=dict(contributions(agreement, year).amounts),
            fixed_percent={m.partner_id: m.risk_share_percent or Decimal(0) for m in agreement.members},
            caps={m.partner_id: pence(m.risk_cap) for m in agreement.members},
        ).shares)
    except ValueError:
        return None


# The workbook ------------------------------------------------------------------------------------

def _pounds_or_zero(amount_pence: int | None) -> Decimal:
    return Decimal(amount_pence or 0) / 100


def _ratio(part: int | Decimal, whole: int | Decimal) -> FormulaValue:
    """``part / whole`` as the formulas work it out: "" (an empty cell) when ``whole`` is 0."""
    return "" if not whole else Decimal(part) / Decimal(whole)


def _headings(sheet: ExportSheet, headings: Sequence[str], widths: Sequence[int], freeze: str) -> None:
    for column, heading in enumerate(headings, start=1):
        sheet.text(1, column, heading, bold=True)
    sheet.widths(widths)
    sheet.freeze(freeze)
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)  # one page wide, as many long as it takes
    sheet.repeat_rows(0)  # the headings on every printed page


def _name(book: ExportWorkbook, name: str, sheet: ExportSheet, first: tuple[int, int], last: tuple[int, int]) -> None:
    """A defined name for a range of ``sheet`` given by its (column, row) corners."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", name)
    book.define_name(name, f"{quote_sheet(sheet.name)}!{_abs(*first)}:{_abs(*last)}")


def _cell(column: int, row: int) -> str:
    return cell_name(column, row)


def _abs(column: int, row: int) -> str:
    return f"${column_letter(column)}${row}"


def _summary(book: ExportWorkbook, agreements: Sequence[Agreement], years: Sequence[int]) -> dict:
    """Write the Summary sheet; return {(agreement id, partner id, year): (cell, pence)} of the
    contributions, and each agreement's totals row by (id, "total", None)."""
    sheet = book.sheet("Summary")
    labels = [year_label(y) for y in years]
    headings = ["Agreement", "Partner", *labels, "All years", *(f"Share of pool {label}" for label in labels)]
    _headings(sheet, headings, [16, 40, *[16] * (len(years) + 1), *[16] * len(years)], "C2")
    cells: dict[tuple[int, int | str, int | None], tuple[str, int] | int] = {}
    row = 2
    for agreement in agreements:
        first = row
        figures = {year: contributions(agreement, year) for year in years}
        amounts: dict[tuple[int, int], int] = {}  # (partner id, year) -> pence, as the app works it out
        for member in agreement.members:
            sheet.text(row, 1, agreement.reference)
            sheet.text(row, 2, member.partner.name)
            for index, year in enumerate(years):
                amount = figures[year].amounts.get(member.partner_id) if year in agreement.years else None
                amounts[(member.partner_id, year)] = amount or 0
                sheet.number(row, 3 + index, _pounds_or_zero(amount), MONEY)
                cells[(agreement.id, member.partner_id, year)] = (_cell(3 + index, row), amount or 0)
            sheet.formula(row, 3 + len(years), f"=SUM({_cell(3, row)}:{_cell(2 + len(years), row)})",
                          _pounds_or_zero(sum(amounts[(member.partner_id, year)] for year in years)), MONEY)
            row += 1
        last = row - 1
        year_totals = [sum(amounts[(m.partner_id, year)] for m in agreement.members) for year in years]
        sheet.text(row, 1, agreement.reference, bold=True)
        sheet.text(row, 2, TOTAL, bold=True)
        for column, total in zip(range(3, 4 + len(years)), [*year_totals, sum(year_totals)], strict=True):
            letter = column_letter(column)
            sheet.formula(row, column, f"=SUM({letter}{first}:{letter}{last})", _pounds_or_zero(total), MONEY,
                          bold=True)
        for index, year in enumerate(years):
            amount_letter, share_column = column_letter(3 + index), 4 + len(years) + index
            partner_amounts = [amounts[(m.partner_id, year)] for m in agreement.members]
            for partner_row, amount in zip(range(first, row + 1), [*partner_amounts, year_totals[index]],
                                           strict=True):
                share = f'=IF(${amount_letter}${row}=0,"",{amount_letter}{partner_row}/${amount_letter}${row})'
                sheet.formula(partner_row, share_column, share, _ratio(amount, year_totals[index]), PERCENT)
        _name(book, f"SummaryTotals_{agreement.reference}", sheet, (3, row), (3 + len(years), row))
        cells[(agreement.id, "total", None)] = row
        row += 2
    return cells


def _year_sheet(book: ExportWorkbook, agreements: Sequence[Agreement], year: int) -> dict[int, tuple[int, int]]:
    """Write the year's sheet; return {agreement id: (the row of its totals, its variance in pence)}."""
    sheet = book.sheet(year_label(year))
    headings = year_headings(year)
    _headings(sheet, headings, [16, 32, *[13] * 36, 16, 16, 16, 16, 12], "C2")
    totals = len(headings) - len(TOTAL_HEADINGS) + 1  # the Budget total column
    rows: dict[int, tuple[int, int]] = {}
    row = 2
    for agreement in agreements:
        if year not in agreement.years:
            continue
        first = row
        # Each month column's total over the lines, in pence, then the five totals' columns.
        column_totals = [0] * (totals - FIRST_MONTH_COLUMN)
        positions: list[LinePosition] = []
        for line in agreement.lines:
            sheet.text(row, 1, agreement.reference)
            sheet.text(row, 2, line.name)
            actuals, forecasts = line_figures(line, year)
            budget_pence = line_budget_pence(line, year)
            for month, budget in enumerate(monthly_budget(budget_pence), start=1):
                for kind, figure in (("budget", budget), ("actual", actuals[month - 1]),
                                     ("forecast", forecasts[month - 1])):
                    sheet.number(row, month_column(month, kind), _pounds(figure), MONEY)
                    column_totals[month_column(month, kind) - FIRST_MONTH_COLUMN] += figure or 0
            position = line_position(budget_pence, actuals, forecasts, agreement.tolerance_percent)
            positions.append(position)
            cells = {kind: [_cell(month_column(m, kind), row) for m in range(1, 13)] for kind in KINDS}
            outturn = "+".join(f"IF(ISNUMBER({a}),{a},IF(ISNUMBER({f}),{f},0))"
                               for a, f in zip(cells["actual"], cells["forecast"], strict=True))
            budget_cell, outturn_cell, variance_cell = (_cell(totals + i, row) for i in (0, 2, 3))
            budget_pounds, actual, outturn_pounds, variance_pounds = (_pounds_or_zero(pence) for pence in (
                position.budget_pence, position.actual_pence, position.outturn_pence, position.variance_pence))
            sheet.formula(row, totals, f"=SUM({','.join(cells['budget'])})", budget_pounds, MONEY)
            sheet.formula(row, totals + 1, f"=SUM({','.join(cells['actual'])})", actual, MONEY)
            sheet.formula(row, totals + 2, f"={outturn}", outturn_pounds, MONEY)
            sheet.formula(row, totals + 3, f"={outturn_cell}-{budget_cell}", variance_pounds, MONEY)
            sheet.formula(row, totals + 4, f'=IF({budget_cell}=0,"",{variance_cell}/{budget_cell})',
                          _ratio(position.variance_pence, position.budget_pence), PERCENT)
            row += 1
        sheet.text(row, 1, agreement.reference, bold=True)
        sheet.text(row, 2, TOTAL, bold=True)
        total_budget = sum(p.budget_pence for p in positions)
        total_variance = sum(p.variance_pence for p in positions)
        column_totals += [total_budget, sum(p.actual_pence for p in positions),
                          sum(p.outturn_pence for p in positions), total_variance]
        for column, total in zip(range(FIRST_MONTH_COLUMN, totals + 4), column_totals, strict=True):
            letter = column_letter(column)
            formula = f"=SUM({letter}{first}:{letter}{row - 1})" if row > first else "=0"
            sheet.formula(row, column, formula, _pounds_or_zero(total), MONEY, bold=True)
        budget_cell, variance_cell = _cell(totals, row), _cell(totals + 3, row)
        sheet.formula(row, totals + 4, f'=IF({budget_cell}=0,"",{variance_cell}/{budget_cell})',
                      _ratio(total_variance, total_budget), PERCENT, bold=True)
        suffix = re.sub(r"\W", "_", f"{year_label(year)}_{agreement.reference}")
        if row > first:
            _name(book, f"Lines_{suffix}", sheet, (1, first), (totals + 4, row - 1))
        _name(book, f"Totals_{suffix}", sheet, (FIRST_MONTH_COLUMN, row), (totals + 4, row))
        rows[agreement.id] = (row, total_variance)
        row += 1
    return rows


def _variance_share(rule: str, variance_pence: int, contribution_pence: int, total_pence: int,
                    fixed_percent: Decimal | None, host: bool) -> Decimal:
    """What a risk-share formula column works out to: the year's variance (pounds) shared by the
    rule, without caps or rounding (the app's column beside it has both)."""
    variance = Decimal(variance_pence) / 100
    if rule == "pro_rata":
        return Decimal(0) if not total_pence else variance * contribution_pence / total_pence
    if rule == "fixed":
        return variance * (fixed_percent or 0) / 100
    return variance if host else Decimal(0)


def _risk_share(book: ExportWorkbook, agreements: Sequence[Agreement], years: Sequence[int], summary: dict,
                total_rows: dict[int, dict[int, tuple[int, int]]]) -> None:
    sheet = book.sheet("Risk share")
    headings = ["Agreement", "Partner", "Rule", "Fixed %", "Cap"]
    for year in years:
        label = year_label(year)
        headings += [f"Contribution {label}", f"Share of variance {label} (formula)",
                     f"Share of variance {label} (app, to the penny)"]
    _headings(sheet, headings, [16, 40, 30, 10, 14, *[18] * (3 * len(years))], "C2")
    variance_column = column_letter(len(year_headings(years[0])) - 1)  # Variance
    row = 2
    for agreement in agreements:
        shares = {year: risk_shares(agreement, year) for year in years if year in agreement.years}
        total_row = summary[(agreement.id, "total", None)]
        for member in agreement.members:
            sheet.text(row, 1, agreement.reference)
            sheet.text(row, 2, member.partner.name)
            sheet.text(row, 3, agreement.risk_share_rule.label)
            sheet.number(row, 4, None if member.risk_share_percent is None else member.risk_share_percent / 100,
                         PERCENT)
            sheet.number(row, 5, member.risk_cap, MONEY)
            for index, year in enumerate(years):
                column = 6 + 3 * index
                if year not in agreement.years:
                    continue
                contribution, contribution_pence = summary[(agreement.id, member.partner_id, year)]
                contribution_letter = contribution.rstrip("0123456789")
                total = f"Summary!${contribution_letter}${total_row}"
                year_total_row, variance_pence = total_rows[year][agreement.id]
                variance = f"{quote_sheet(year_label(year))}!${variance_column}${year_total_row}"
                sheet.formula(row, column, f"=Summary!{contribution}", _pounds_or_zero(contribution_pence), MONEY)
                rule = agreement.risk_share_rule.value
                is_host = member.partner_id == agreement.host_partner_id
                formula = {
                    "pro_rata": f"=IF({total}=0,0,{variance}*{_cell(column, row)}/{total})",
                    "fixed": f"={variance}*{_cell(4, row)}",
                    "host": f"={variance if is_host else 0}",
                }[rule]
                year_total = sum(summary[(agreement.id, m.partner_id, year)][1] for m in agreement.members)
                sheet.formula(row, column + 1, formula, _variance_share(
                    rule, variance_pence, contribution_pence, year_total, member.risk_share_percent, is_host), MONEY)
                share = (shares[year] or {}).get(member.partner_id) if shares[year] is not None else None
                sheet.number(row, column + 2, _pounds(share), MONEY)
            row += 1
        row += 1
    note = ("The formula columns share each year's forecast variance without caps; the app's column applies caps "
            "and splits to the penny by largest remainder, so the two may differ by a penny or by a cap.")
    sheet.text(row + 1, 1, note)


def _notes(book: ExportWorkbook, agreements: Sequence[Agreement], years: Sequence[int], exported_by: str,
           exported_at: datetime) -> None:
    sheet = book.sheet("Notes")
    _headings(sheet, ["Item", "Detail"], [28, 100], "A2")
    rows: list[tuple[str, object]] = [
        ("Exported by", exported_by),
        ("Exported at (UK time)", f"{exported_at.astimezone(LONDON):%d/%m/%Y %H:%M}"),
        ("Financial years", ", ".join(year_label(y) for y in years)),
        ("Layout", "Summary: contributions by partner and year with totals and shares of the pool. One sheet per "
                   "financial year: each budget line's monthly budget, actual and forecast, then budget total, actual "
                   "to date, forecast outturn (actuals where entered, forecasts for the other months), variance and "
                   "variance %, all live formulas. Risk share: each partner's part of the forecast variance. To "
                   "import actuals, change only the actual and forecast cells of the year sheets."),
    ]
    for agreement in agreements:
        rows += [
            ("", ""),
            ("Agreement", f"{agreement.reference}: {agreement.title}"),
            ("Legal basis", agreement.legal_basis),
            ("Host partner", agreement.host_partner.name),
            ("Pooled-fund manager", agreement.fund_manager),
            ("Years", f"{year_label(agreement.start_year)} to {year_label(agreement.end_year)}"),
            ("Status", agreement.status.label),
            ("Risk share rule", agreement.risk_share_rule.label),
            ("Tolerance", f"{agreement.tolerance_percent}%"),
        ]
        for year in years:
            for problem in contributions(agreement, year).problems:
                rows.append(("Contribution problem", problem))
    for row, (item, detail) in enumerate(rows, start=2):
        sheet.text(row, 1, item, bold=True)
        sheet.text(row, 2, detail)


def export_agreement(agreements: Sequence[Agreement], years: Sequence[int], exported_by: str,
                     exported_at: datetime, *, instructions: Sequence[str] | None = None) -> WorkbookFile:
    """One agreement (or every agreement active in a year) over ``years`` as a workbook. With
    ``instructions`` it is the import template: an Instructions sheet (one line a row), then the year
    sheets alone."""
    years = sorted(years)
    book = ExportWorkbook()
    if instructions is not None:
        sheet = book.sheet("Instructions")
        for row, line in enumerate(instructions, start=1):
            sheet.text(row, 1, line)
        for year in years:
            _year_sheet(book, agreements, year)
        return WorkbookFile(book.close())
    summary = _summary(book, agreements, years)
    total_rows = {year: _year_sheet(book, agreements, year) for year in years}
    _risk_share(book, agreements, years, summary, total_rows)
    _notes(book, agreements, years, exported_by, exported_at)
    return WorkbookFile(book.close())


def workbook_bytes(workbook: Savable) -> io.BytesIO:
    """The workbook's bytes: an export, or any workbook that saves to a file (one a test edited)."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def export_csv(agreements: Sequence[Agreement], years: Sequence[int]) -> str:
    """One row per agreement, line, year and month: budget, actual and forecast in pounds (2 dp)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Agreement", "Title", "Budget line", "Financial year", "Month", "Month starting",
                     "Budget", "Actual", "Forecast"])

    def amount(value: int | None) -> str:
        return "" if value is None else f"{Decimal(value) / 100:.2f}"

    for agreement in agreements:
        for line in agreement.lines:
            for year in sorted(years):
                if year not in agreement.years:
                    continue
                actuals, forecasts = line_figures(line, year)
                for month, budget in enumerate(monthly_budget(line_budget_pence(line, year)), start=1):
                    writer.writerow([safe_text(agreement.reference), safe_text(agreement.title), safe_text(line.name),
                                     year_label(year), month, month_start(year, month).isoformat(), amount(budget),
                                     amount(actuals[month - 1]), amount(forecasts[month - 1])])
    return out.getvalue()
