"""A social-return estimate as a workbook whose formulas recompute the result.

Sheets: Inputs (clients and completions by group, horizon, cost), Parameters (every value used, in the
chosen price year, with its source), Calculation (group × category × year: benefit per client, clients'
year-one benefit, completers' benefit with drop-off, discount factor, present value before and after
the SROI adjustments) and Results (the totals the page shows, as formulas). No macros.
The layout follows ``grants.modelling.social_return``'s conventions (see its module docstring).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from grants.formatting import LONDON
from grants.interfaces.social_return.calculator import TOTAL, CalculatorOutcome, CalculatorRequest
from grants.modelling.sroi_parameters import (
    CATEGORIES,
    CATEGORY_LABELS,
    GROUP_LABELS,
    MONEY_CATEGORIES,
    ParameterSet,
    required_keys,
)
from grants.spreadsheets import text_cell

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = '"£"#,##0.00;-"£"#,##0.00'
PERCENT = "0.0%"
NUMBER = "#,##0.000"
BOLD = Font(bold=True)
FIRST_GROUP_ROW = 12  # on the Inputs sheet, after the settings
FIRST_CALCULATION_ROW = 2  # after the headings


def _cell(sheet, value, number_format: str | None = None):
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    return cell


def _headings(sheet, headings: list[str]) -> None:
    sheet.append([text_cell(sheet, heading) for heading in headings])
    for cell in sheet[1]:
        cell.font = BOLD
    sheet.freeze_panes = "A2"


def build_workbook(outcome: CalculatorOutcome, exported_by: str, exported_at: datetime,
                   share_url: str) -> Workbook:
    """The workbook for ``outcome``; recalculated, its Results sheet equals the page's figures."""
    book = Workbook()
    inputs = book.worksheets[0]  # the sheet a new workbook starts with
    inputs.title = "Inputs"
    params = book.create_sheet("Parameters")
    calc = book.create_sheet("Calculation")
    results = book.create_sheet("Results")
    exported = f"{exported_at.astimezone(LONDON):%d/%m/%Y %H:%M} by {exported_by}"
    group_row = _write_inputs(inputs, outcome.request, exported, share_url)
    where = _write_parameters(params, outcome.parameters)
    rows_by_category, last_calc = _write_calculation(calc, outcome.request, group_row, where)
    _write_results(results, outcome, where, rows_by_category, last_calc)
    book.move_sheet(results, offset=-3)  # Results first: it is what most people open the file for
    book.active = 0
    return book


def _adjustments(where: dict[str, str]) -> str:
    """The SROI adjustment factor as a formula over the Parameters sheet."""
    return f"(1-{where['deadweight']})*(1-{where['attribution']})*(1-{where['displacement']})"


def _write_inputs(inputs: Worksheet, request: CalculatorRequest, exported: str, share_url: str) -> dict[str, int]:
    """Clients and completions by group, horizon and cost; returns each client group's row."""
    groups = list(request.inputs.groups.items())
    first, last = FIRST_GROUP_ROW, FIRST_GROUP_ROW + len(groups) - 1
    _headings(inputs, ["Input", "Value"])
    settings = [
        ("Parameter set", text_cell(inputs, request.parameter_set.name)),
        ("Parameter set version", request.parameter_set.version),
        ("Price year", text_cell(inputs, request.price_year)),
        ("Horizon (years)", request.inputs.horizon_years),  # row 5
        ("Cost per client", _cell(inputs, request.inputs.cost_per_client, MONEY)),  # row 6
        ("Total cost entered", _cell(inputs, request.inputs.total_cost, MONEY)),  # row 7
    ]
    for label, value in settings:
        inputs.append([text_cell(inputs, label), value])
    if request.cost_basis == TOTAL and request.inputs.total_cost is not None:
        cost_formula = "=B7"
    elif request.inputs.cost_per_client is not None:
        cost_formula = f"=B6*SUM(B{first}:B{last})"
    else:
        cost_formula = "=0"
    inputs.append([text_cell(inputs, "Cost of treatment"), _cell(inputs, cost_formula, MONEY)])  # row 8
    inputs.append([text_cell(inputs, "Exported"), text_cell(inputs, exported)])
    inputs.append([text_cell(inputs, "Shareable link"), text_cell(inputs, share_url)])
    inputs.append([text_cell(inputs, "Client group"), text_cell(inputs, "Clients in treatment"),
                   text_cell(inputs, "Successful completions")])  # row 11
    for cell in inputs[11]:
        cell.font = BOLD
    group_row: dict[str, int] = {}
    for group, entry in groups:
        inputs.append([text_cell(inputs, GROUP_LABELS[group]), entry.clients, entry.completions])
        group_row[group] = inputs.max_row
    inputs.column_dimensions["A"].width = 26
    inputs.column_dimensions["B"].width = 22
    inputs.column_dimensions["C"].width = 22
    return group_row


def _write_parameters(params: Worksheet, parameters: ParameterSet) -> dict[str, str]:
    """Every value used, with its source; returns each key's cell reference."""
    _headings(params, ["Key", "Value", "Low", "High", "Unit", "Price year", "Source", "Assumption", "Set by",
                       "Note"])
    where: dict[str, str] = {}
    for key in required_keys():
        item = parameters.values[key]
        money = key.split(".")[0] in MONEY_CATEGORIES or key == "value_per_qaly"
        rate = "." not in key and key != "value_per_qaly"
        fmt = MONEY if money else PERCENT if rate else NUMBER
        params.append([
            text_cell(params, key), _cell(params, item.value, fmt), _cell(params, item.low, fmt),
            _cell(params, item.high, fmt), text_cell(params, item.unit), text_cell(params, item.price_year or ""),
            text_cell(params, item.source.citation() if item.source else ""),
            text_cell(params, "Yes" if item.assumption else "No"), text_cell(params, item.set_by),
            text_cell(params, item.note),
        ])
        where[key] = f"Parameters!$B${params.max_row}"
    params.column_dimensions["A"].width = 30
    params.column_dimensions["G"].width = 60
    params.column_dimensions["J"].width = 60
    return where


def _write_calculation(calc: Worksheet, request: CalculatorRequest, group_row: dict[str, int],
                       where: dict[str, str]) -> tuple[dict[str, list[int]], int]:
    """Group × category × year; returns the rows of each category and the last row."""
    _headings(calc, ["Client group", "Category", "Year", "Clients in treatment", "Successful completions",
                     "Benefit per client per year", "Benefit of clients in treatment", "Completers' benefit",
                     "Gross benefit", "Discount factor", "Present value", "Present value after adjustments"])
    adjustments = _adjustments(where)
    rows_by_category: dict[str, list[int]] = {category: [] for category in CATEGORIES}
    for group in request.inputs.groups:
        row_in = group_row[group]
        for category in CATEGORIES:
            per_client = (f"={where[f'qalys.{group}']}*{where['value_per_qaly']}" if category == "quality_of_life"
                          else f"={where[f'{category}.{group}']}")
            for year in range(1, request.inputs.horizon_years + 1):
                r = calc.max_row + 1
                calc.append([
                    text_cell(calc, GROUP_LABELS[group]), text_cell(calc, CATEGORY_LABELS[category]), year,
                    f"=Inputs!$B${row_in}", f"=Inputs!$C${row_in}", _cell(calc, per_client, MONEY),
                    _cell(calc, f"=D{r}*F{r}" if year == 1 else "=0", MONEY),
                    _cell(calc, "=0" if year == 1 else f"=E{r}*F{r}*(1-{where['drop_off']})^(C{r}-1)", MONEY),
                    _cell(calc, f"=G{r}+H{r}", MONEY),
                    _cell(calc, f"=1/(1+{where['discount_rate']})^(C{r}-1)", "0.0000"),
                    _cell(calc, f"=I{r}*J{r}", MONEY),
                    _cell(calc, f"=K{r}*{adjustments}", MONEY),
                ])
                rows_by_category[category].append(r)
    last_calc = max(calc.max_row, FIRST_CALCULATION_ROW)
    for column, width in zip("ABCDEFGHIJKL", (24, 18, 6, 12, 12, 16, 18, 18, 16, 10, 16, 18), strict=True):
        calc.column_dimensions[column].width = width
    return rows_by_category, last_calc


def _write_results(results: Worksheet, outcome: CalculatorOutcome, where: dict[str, str],
                   rows_by_category: dict[str, list[int]], last_calc: int) -> None:
    """The totals the page shows, as formulas over the Calculation sheet."""
    request, result, first_calc = outcome.request, outcome.result, FIRST_CALCULATION_ROW
    _headings(results, ["Result", "Value"])
    lines = [
        ("Gross benefit in year one", f"=SUM(Calculation!G{first_calc}:G{last_calc})", MONEY),  # row 2
        ("Gross benefit, present value over the horizon", f"=SUM(Calculation!K{first_calc}:K{last_calc})", MONEY),
        ("Adjustment factor (1 − deadweight) × (1 − attribution) × (1 − displacement)", f"={_adjustments(where)}",
         "0.0000"),  # row 4
        ("Net present value after adjustments", "=B3*B4", MONEY),  # row 5
        ("Cost of treatment", "=Inputs!B8", MONEY),  # row 6
        ("Net benefit after the cost of treatment", "=B5-B6", MONEY),  # row 7
    ]
    for label, formula, fmt in lines:
        results.append([text_cell(results, label), _cell(results, formula, fmt)])
    if result.cost:
        results.append([text_cell(results, "Return per £1 invested"), _cell(results, "=B5/B6", '"£"0.00')])
    else:
        results.append([text_cell(results, "Return per £1 invested"),
                        text_cell(results, "No cost of treatment entered")])  # row 8
    results.append([])
    results.append([text_cell(results, "Present value by category (before adjustments)")])
    results[results.max_row][0].font = BOLD
    for category in CATEGORIES:
        cells = ",".join(f"Calculation!K{r}" for r in rows_by_category[category]) or "0"
        results.append([text_cell(results, CATEGORY_LABELS[category].capitalize()),
                        _cell(results, f"=SUM({cells})", MONEY)])
    results.append([])
    results.append([text_cell(results, f"Parameter set: {result.parameter_set} (version {result.parameter_version}), "
                                       f"prices of {request.price_year}")])
    results.column_dimensions["A"].width = 70
    results.column_dimensions["B"].width = 20


def workbook_bytes(workbook: Workbook) -> io.BytesIO:
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer
