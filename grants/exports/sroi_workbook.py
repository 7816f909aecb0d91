"""A social-return estimate as a workbook whose formulas recompute the result.

Sheets: Results (the totals the page shows, as formulas), Inputs (clients and completions by group,
horizon, cost), Parameters (every value used, in the chosen price year, with its source) and
Calculation (group × category × year: benefit per client, clients' year-one benefit, completers'
benefit with drop-off, discount factor, present value before and after the SROI adjustments). No
macros. The layout follows ``grants.modelling.social_return``'s conventions (see its module
docstring). Every formula carries its value, the model's own figure (``grants.spreadsheets``).
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

from grants.formatting import LONDON
from grants.interfaces.social_return.calculator import TOTAL, CalculatorOutcome, CalculatorRequest
from grants.modelling.social_return import after_treatment_weight, per_client_benefits
from grants.modelling.sroi_parameters import (
    CATEGORIES,
    CATEGORY_LABELS,
    GROUP_LABELS,
    MONEY_CATEGORIES,
    ParameterSet,
    required_keys,
)
from grants.spreadsheets import XLSX_MIMETYPE, ExportSheet, ExportWorkbook, WorkbookFile

__all__ = ["XLSX_MIMETYPE", "build_workbook", "workbook_bytes"]

MONEY = '"£"#,##0.00;-"£"#,##0.00'
PERCENT = "0.0%"
NUMBER = "#,##0.000"
FIRST_GROUP_ROW = 12  # on the Inputs sheet, after the settings
FIRST_CALCULATION_ROW = 2  # after the headings


def _headings(sheet: ExportSheet, headings: list[str], row: int = 1, freeze: bool = True) -> None:
    for column, heading in enumerate(headings, start=1):
        sheet.text(row, column, heading, bold=True)
    if freeze:
        sheet.freeze("A2")


def build_workbook(outcome: CalculatorOutcome, exported_by: str, exported_at: datetime,
                   share_url: str) -> WorkbookFile:
    """The workbook for ``outcome``; recalculated, its Results sheet equals the page's figures, and
    each formula carries that figure already."""
    book = ExportWorkbook()
    # Results first: it is what most people open the file for.
    results, inputs, params, calc = (book.sheet(title) for title in ("Results", "Inputs", "Parameters",
                                                                     "Calculation"))
    exported = f"{exported_at.astimezone(LONDON):%d/%m/%Y %H:%M} by {exported_by}"
    group_row = _write_inputs(inputs, outcome, exported, share_url)
    where = _write_parameters(params, outcome.parameters)
    rows_by_category, last_calc = _write_calculation(calc, outcome, group_row, where)
    _write_results(results, outcome, where, rows_by_category, last_calc)
    return WorkbookFile(book.close())


def _adjustments(where: dict[str, str]) -> str:
    """The SROI adjustment factor as a formula over the Parameters sheet."""
    return f"(1-{where['deadweight']})*(1-{where['attribution']})*(1-{where['displacement']})"


def _write_inputs(inputs: ExportSheet, outcome: CalculatorOutcome, exported: str, share_url: str) -> dict[str, int]:
    """Clients and completions by group, horizon and cost; returns each client group's row."""
    request: CalculatorRequest = outcome.request
    groups = list(request.inputs.groups.items())
    first, last = FIRST_GROUP_ROW, FIRST_GROUP_ROW + len(groups) - 1
    _headings(inputs, ["Input", "Value"])
    inputs.text(2, "A", "Parameter set")
    inputs.text(2, "B", request.parameter_set.name)
    inputs.text(3, "A", "Parameter set version")
    inputs.number(3, "B", request.parameter_set.version)
    inputs.text(4, "A", "Price year")
    inputs.text(4, "B", request.price_year)
    inputs.text(5, "A", "Horizon (years)")
    inputs.number(5, "B", request.inputs.horizon_years)
    inputs.text(6, "A", "Cost per client")
    inputs.number(6, "B", request.inputs.cost_per_client, MONEY)
    inputs.text(7, "A", "Total cost entered")
    inputs.number(7, "B", request.inputs.total_cost, MONEY)
    if request.cost_basis == TOTAL and request.inputs.total_cost is not None:
        cost_formula = "=B7"
    elif request.inputs.cost_per_client is not None:
        cost_formula = f"=B6*SUM(B{first}:B{last})"
    else:
        cost_formula = "=0"
    inputs.text(8, "A", "Cost of treatment")
    inputs.formula(8, "B", cost_formula, outcome.result.cost, MONEY)
    inputs.text(9, "A", "Exported")
    inputs.text(9, "B", exported)
    inputs.text(10, "A", "Shareable link")
    inputs.text(10, "B", share_url)
    _headings(inputs, ["Client group", "Clients in treatment", "Successful completions"], row=11, freeze=False)
    group_row: dict[str, int] = {}
    for row, (group, entry) in enumerate(groups, start=FIRST_GROUP_ROW):
        inputs.text(row, "A", GROUP_LABELS[group])
        inputs.number(row, "B", entry.clients)
        inputs.number(row, "C", entry.completions)
        group_row[group] = row
    inputs.widths([26, 22, 22])
    return group_row


def _write_parameters(params: ExportSheet, parameters: ParameterSet) -> dict[str, str]:
    """Every value used, with its source; returns each key's cell reference."""
    _headings(params, ["Key", "Value", "Low", "High", "Unit", "Price year", "Source", "Assumption", "Set by",
                       "Note"])
    where: dict[str, str] = {}
    for row, key in enumerate(required_keys(), start=2):
        item = parameters.values[key]
        money = key.split(".")[0] in MONEY_CATEGORIES or key == "value_per_qaly"
        rate = "." not in key and key != "value_per_qaly"
        fmt = MONEY if money else PERCENT if rate else NUMBER
        params.text(row, "A", key)
        params.number(row, "B", item.value, fmt)
        params.number(row, "C", item.low, fmt)
        params.number(row, "D", item.high, fmt)
        for column, text in zip("EFGHIJ", (item.unit, item.price_year or "",
                                           item.source.citation() if item.source else "",
                                           "Yes" if item.assumption else "No", item.set_by, item.note), strict=True):
            params.text(row, column, text)
        where[key] = f"Parameters!$B${row}"
    params.width("A", 30)
    params.width("G", 60)
    params.width("J", 60)
    return where


def _year_weight(year: int, drop_off: Decimal, discount_rate: Decimal) -> Decimal:
    """Year ``year``'s term of the model's after-treatment weight (the model sums these terms):
    (1 − drop-off)^(t − 1) ÷ (1 + rate)^(t − 1); with a rate of 0 the drop-off alone, with a drop-off
    of 0 the discount factor alone."""
    return (after_treatment_weight(year, drop_off, discount_rate)
            - after_treatment_weight(year - 1, drop_off, discount_rate))


def _write_calculation(calc: ExportSheet, outcome: CalculatorOutcome, group_row: dict[str, int],
                       where: dict[str, str]) -> tuple[dict[str, list[int]], int]:
    """Group × category × year; returns the rows of each category and the last row."""
    request, parameters, result = outcome.request, outcome.parameters, outcome.result
    _headings(calc, ["Client group", "Category", "Year", "Clients in treatment", "Successful completions",
                     "Benefit per client per year", "Benefit of clients in treatment", "Completers' benefit",
                     "Gross benefit", "Discount factor", "Present value", "Present value after adjustments"])
    adjustments = _adjustments(where)
    drop_off, rate = parameters.value("drop_off"), parameters.value("discount_rate")
    rows_by_category: dict[str, list[int]] = {category: [] for category in CATEGORIES}
    r = FIRST_CALCULATION_ROW - 1
    for group, entry in request.inputs.groups.items():
        row_in = group_row[group]
        per_client_values = per_client_benefits(parameters, group)
        for category in CATEGORIES:
            per_client = (f"={where[f'qalys.{group}']}*{where['value_per_qaly']}" if category == "quality_of_life"
                          else f"={where[f'{category}.{group}']}")
            benefit = per_client_values[category]
            for year in range(1, request.inputs.horizon_years + 1):
                r += 1
                # Year one is the model's year-one figure; later years its completers' terms.
                clients = result.year_one[group][category] if year == 1 else Decimal(0)
                completers = (Decimal(0) if year == 1
                              else entry.completions * benefit * _year_weight(year, drop_off, Decimal(0)))
                discount = Decimal(1) if year == 1 else _year_weight(year, Decimal(0), rate)
                present = (clients if year == 1
                           else entry.completions * benefit * _year_weight(year, drop_off, rate))
                calc.text(r, "A", GROUP_LABELS[group])
                calc.text(r, "B", CATEGORY_LABELS[category])
                calc.number(r, "C", year)
                calc.formula(r, "D", f"=Inputs!$B${row_in}", entry.clients)
                calc.formula(r, "E", f"=Inputs!$C${row_in}", entry.completions)
                calc.formula(r, "F", per_client, benefit, MONEY)
                calc.formula(r, "G", f"=D{r}*F{r}" if year == 1 else "=0", clients, MONEY)
                calc.formula(r, "H", "=0" if year == 1 else f"=E{r}*F{r}*(1-{where['drop_off']})^(C{r}-1)",
                             completers, MONEY)
                calc.formula(r, "I", f"=G{r}+H{r}", clients + completers, MONEY)
                calc.formula(r, "J", f"=1/(1+{where['discount_rate']})^(C{r}-1)", discount, "0.0000")
                calc.formula(r, "K", f"=I{r}*J{r}", present, MONEY)
                calc.formula(r, "L", f"=K{r}*{adjustments}", present * result.adjustment_factor, MONEY)
                rows_by_category[category].append(r)
    last_calc = max(r, FIRST_CALCULATION_ROW)
    calc.widths([24, 18, 6, 12, 12, 16, 18, 18, 16, 10, 16, 18])
    return rows_by_category, last_calc


def _write_results(results: ExportSheet, outcome: CalculatorOutcome, where: dict[str, str],
                   rows_by_category: dict[str, list[int]], last_calc: int) -> None:
    """The totals the page shows, as formulas over the Calculation sheet, with the model's figures."""
    request, result, first_calc = outcome.request, outcome.result, FIRST_CALCULATION_ROW
    _headings(results, ["Result", "Value"])
    lines = [
        ("Gross benefit in year one", f"=SUM(Calculation!G{first_calc}:G{last_calc})", result.gross_year_one,
         MONEY),  # row 2
        ("Gross benefit, present value over the horizon", f"=SUM(Calculation!K{first_calc}:K{last_calc})",
         result.gross_present_value, MONEY),
        ("Adjustment factor (1 − deadweight) × (1 − attribution) × (1 − displacement)", f"={_adjustments(where)}",
         result.adjustment_factor, "0.0000"),  # row 4
        ("Net present value after adjustments", "=B3*B4", result.net_present_value, MONEY),  # row 5
        ("Cost of treatment", "=Inputs!B8", result.cost, MONEY),  # row 6
        ("Net benefit after the cost of treatment", "=B5-B6", result.net_after_cost, MONEY),  # row 7
    ]
    for row, (label, formula, figure, fmt) in enumerate(lines, start=2):
        results.text(row, "A", label)
        results.formula(row, "B", formula, figure, fmt)
    results.text(8, "A", "Return per £1 invested")
    if result.return_per_pound is not None:
        results.formula(8, "B", "=B5/B6", result.return_per_pound, '"£"0.00')
    else:
        results.text(8, "B", "No cost of treatment entered")
    results.text(10, "A", "Present value by category (before adjustments)", bold=True)
    by_category = result.by_category()
    row = 10
    for category in CATEGORIES:
        row += 1
        cells = ",".join(f"Calculation!K{r}" for r in rows_by_category[category]) or "0"
        results.text(row, "A", CATEGORY_LABELS[category].capitalize())
        results.formula(row, "B", f"=SUM({cells})", by_category[category], MONEY)
    results.text(row + 2, "A", f"Parameter set: {result.parameter_set} (version {result.parameter_version}), "
                               f"prices of {request.price_year}")
    results.widths([70, 20])


def workbook_bytes(workbook: WorkbookFile) -> io.BytesIO:
    return workbook.stream()
