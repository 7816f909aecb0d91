"""Co-commissioning scenarios as workbooks whose formulas recompute the app's figures.

A scenario's workbook has an Inputs sheet (the cost model, the economies-of-scale rule, the weights,
floors, caps, phase-in and each partner's figures, assumptions shaded), a Contributions sheet (per
year and partner: clients, standalone cost, proportions, the exact share, the contribution to the
penny by largest remainder, saving and cost per client; totals over the contract), a Joint cost
sheet (per year: the joint cost and how the floors and caps are met) and a Notes sheet. A
comparison workbook adds a Comparison sheet whose cells reference each scenario's sheets.

MINIFS and MAXIFS (Excel 2019 and later, LibreOffice) are written with the ``_xlfn.`` prefix that the
file format needs for functions newer than Excel 2007.

Everything follows ``grants.modelling.cocommissioning`` (see its module docstring); the app's own
figures are written beside the formulas with a check cell, so a difference can never pass unseen.
"""

from __future__ import annotations

import re
from decimal import Decimal

from grants.exports.cocommissioning_figures import MATCHES, YearFigures, year_figures
from grants.exports.cocommissioning_sheets import (
    ASSUMED,
    JOINT_COLUMNS,
    MONEY,
    C,
    J,
    Layout,
    headings,
    pounds,
    text,
    to_penny,
    value,
    write_contributions,
    write_inputs,
)
from grants.modelling.cocommissioning import Scenario, ScenarioResult
from grants.spreadsheets import ExportSheet, ExportWorkbook
from grants.spreadsheets import quote_sheet as quote_sheetname

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SHEET_TITLE = 31  # Excel's limit
SHEET_KINDS = ("Inputs", "Contributions", "Joint cost")

CONVENTIONS = (
    ("Money", "Pounds and pence. Each year's joint cost and standalone costs are rounded to the penny, halves up; "
              "the partners' contributions then add up to the joint cost exactly."),
    ("Prices", "Costs are entered in year-1 prices; year y is inflated by (1 + inflation)^(y − 1) (Joint cost, "
               "column B)."),
    ("Clients", "Clients a year in an area = caseload × take-up (not rounded)."),
    ("Standalone cost", "Running alone a partner pays the set-up cost (year 1), the fixed annual cost and the cost "
                        "per client for its own clients."),
    ("Joint cost", "n × (set-up in year 1 + fixed annual) × the scale factor, plus every area's clients × the cost "
                   "per client, inflated and rounded to the penny. The scale factor is the percentage entered or, "
                   "when that is empty, the curve n^(b − 1)."),
    ("Shares", "Each basis becomes shares of its own total (equal: 1/n) and the shares are mixed by the weights. "
               "With a phase-in over k years, year y's proportion is (1 − t) × the share of standalone costs + "
               "t × the weights' share, t = min(y, k)/k."),
    ("Floors and caps", "A percentage floor is that share of the year's joint cost rounded down to the penny, a "
                        "percentage cap rounded up; an amount is cash a year, not inflated. Each exact share is "
                        "clamp(λ × proportion, floor, cap), with the one multiplier λ that makes the shares add up "
                        "to the joint cost: the Joint cost sheet finds the breakpoints (floor ÷ proportion, "
                        "cap ÷ proportion) either side of the cost, which partners are held at their floor or cap "
                        "between them, and λ = (cost − held) ÷ the proportion still shared. This is the app's rule "
                        "exactly, not an approximation."),
    ("Pennies", "Each exact share is rounded down to the penny; the pennies left go one each to the largest "
                "remainders, equal remainders to the earlier partner code (Contributions, columns R to T)."),
    ("Saving", "Standalone cost − contribution; negative means the partner would pay less alone. Cost per client "
               "= contribution ÷ clients, to the penny."),
    ("Precision", "The spreadsheet works in double precision; before each rounding the pence are rounded to 15 "
                  "significant figures (all a double holds for certain), so rounding matches the app's exact "
                  "arithmetic; remainders are compared to 5 decimal places of a penny. The 'Check against the "
                  "app' cells compare every contribution and joint cost with the app's figures as exported: they "
                  "say 'differs from the app' once an input is changed, as they should. The breakpoints use MINIFS and "
                  "MAXIFS: Excel 2019 or later, Excel for Microsoft 365 or LibreOffice."),
    ("Changing inputs", "Change the yellow-shaded or any other figure on Inputs (costs, take-up, inflation, the "
                        "scale rule, weights, floors, caps, phase-in, partner figures) and the contributions are "
                        "worked out again. The number of partners and years is fixed by the rows: export again from "
                        "the app to add a partner or a year. 'Contributions add up to the joint cost' (Joint cost, "
                        "column R) says when floors and caps cannot be met."),
)


def _write_joint_cost(sheet: ExportSheet, result: ScenarioResult, layout: Layout, figures: list[YearFigures]) -> None:
    """Per year: the joint cost, the phase-in progress, and the multiplier λ that shares the cost
    within the floors and caps (the exact rule of ``bounded_exact_shares``), then the pennies left."""
    headings(sheet, 1, JOINT_COLUMNS, "B2")
    setting, cells = layout.setting, {}
    for year in range(1, layout.years + 1):
        r = layout.joint_row(year)

        def rng(key: str, year: int = year) -> str:
            return layout.contribution_range(key, year, sheet=True)

        def col(key: str, row: int = r) -> str:
            return f"{J[key]}{row}"

        cost, at_or_above, below = col("joint"), f'">="&{col("joint")}', f'"<"&{col("joint")}'
        all_floors = f"ROUND({col('floors')}-{cost},6)>=0"
        phase_in = setting("phase_in")
        joint_exact = to_penny(f"({col('fixed')}*{setting('scale_factor')}+{col('clients')})*{col('index')}")
        high_floor = f"_xlfn.MINIFS({rng('floor_point')},{rng('floor_fill')},{at_or_above})"
        high_cap = f"_xlfn.MINIFS({rng('cap_point')},{rng('cap_fill')},{at_or_above})"
        cells = {
            "year": year,
            "index": f"=(1+{setting('inflation')})^({col('year')}-1)",
            "fixed": f"={setting('partners')}*({setting('fixed')}+IF({col('year')}=1,{setting('setup')},0))",
            "clients": f"=SUM({rng('clients')})*{setting('per_client')}",
            "joint": f'=IF({setting("joint")}="Yes",{joint_exact},SUM({rng("standalone")}))',
            "standalone": f"=SUM({rng('standalone')})",
            "progress": f"=IF({phase_in}<=1,1,MIN({col('year')},{phase_in})/{phase_in})",
            "floors": f"=SUM({rng('floor')})",
            "low": f"=IF({all_floors},0,MAX(0,_xlfn.MAXIFS({rng('floor_point')},{rng('floor_fill')},{below}),"
                   f"_xlfn.MAXIFS({rng('cap_point')},{rng('cap_fill')},{below})))",
            "above": f"=COUNTIFS({rng('floor_fill')},{at_or_above})+COUNTIFS({rng('cap_fill')},{at_or_above})",
            "high": f'=IF({all_floors},0,IF({col("above")}=0,"",'
                    f"IF(COUNTIFS({rng('floor_fill')},{at_or_above})=0,{high_cap},"
                    f"IF(COUNTIFS({rng('cap_fill')},{at_or_above})=0,{high_floor},MIN({high_floor},{high_cap})))))",
            "test": f"=IF({all_floors},0,IF({col('above')}=0,{col('low')}+1,({col('low')}+{col('high')})/2))",
            "held": f'=SUMIF({rng("status")},"floor",{rng("floor")})+SUMIF({rng("status")},"cap",{rng("cap")})',
            "shared": f'=SUMIF({rng("status")},"share",{rng("proportion")})',
            "scale": f"=IF({col('shared')}=0,0,({cost}-{col('held')})/{col('shared')})",
            "pennies": f"=ROUND(({cost}-SUM({rng('down')}))*100,0)",
            "paid": f"=SUM({rng('contribution')})",
            "adds_up": f'=IF(ROUND({col("paid")}-{cost},2)=0,"adds up","DOES NOT ADD UP: check the floors and caps")',
            "app": pounds(result.year_costs[year - 1]),
            "check": f'=IF(ROUND({cost}-{col("app")},2)=0,"matches the app","differs from the app")',
        }
        for key, _heading, _width, number_format in JOINT_COLUMNS:
            value(sheet, r, J[key], cells[key], number_format, result=figures[year - 1].joint.get(key))
    r, last = layout.joint_total_row, layout.joint_row(layout.years)
    text(sheet, r, "A", "Total", bold=True)
    totals = {"joint": result.total_pence, "standalone": result.standalone_total_pence, "paid": result.total_pence}
    for key in ("joint", "standalone", "paid"):
        value(sheet, r, J[key], f"=SUM({J[key]}2:{J[key]}{last})", MONEY, bold=True, result=pounds(totals[key]))
    value(sheet, r, J["app"], pounds(result.total_pence), MONEY, bold=True)
    value(sheet, r, J["check"], f'=IF(ROUND({J["joint"]}{r}-{J["app"]}{r},2)=0,"{MATCHES}",'
                                f'"differs from the app")', None, bold=True, result=MATCHES)


def _sheet_title(number: int | None, kind: str, name: str) -> str:
    if number is None:
        return kind
    cleaned = re.sub(r"[\[\]:*?/\\']", "", name).strip()
    return f"{number} {kind} {cleaned}".strip()[:MAX_SHEET_TITLE].strip()


def _scenario_sheets(book: ExportWorkbook, scenario: Scenario, result: ScenarioResult, number: int | None,
                     social_return: dict[str, tuple[Decimal, Decimal]] | None = None) -> Layout:
    titles = [_sheet_title(number, kind, scenario.name) for kind in SHEET_KINDS]
    inputs, contributions, joint = (book.sheet(title) for title in titles)
    layout = Layout(inputs.name, contributions.name, joint.name, partners=len(result.partners),
                    years=len(result.year_costs))
    figures = [year_figures(scenario, result, year) for year in range(1, layout.years + 1)]
    write_inputs(inputs, scenario, layout)
    write_contributions(contributions, scenario, result, layout, figures, social_return)
    _write_joint_cost(joint, result, layout, figures)
    return layout


def _notes(book: ExportWorkbook, title: str, scenarios: list[tuple[Scenario, ScenarioResult, Layout]],
           social_return: dict[str, tuple[Decimal, Decimal]] | None = None) -> None:
    sheet = book.sheet("Notes")
    headings(sheet, 1, [("", "Item", 30, None), ("", "Detail", 120, None)], "A2")
    rows: list[tuple[str, str]] = [("Title", title)] if title else []
    rows += [("What this workbook is", "Co-commissioning scenarios worked out with live formulas: change an input "
                                       "and the contributions follow, still adding up to the joint cost.")]
    rows += list(CONVENTIONS)
    for scenario, result, layout in scenarios:
        rows += [("", ""), ("Scenario", scenario.name), ("Service", scenario.service),
                 ("Sheets", f"{layout.inputs}, {layout.contributions}, {layout.joint}"),
                 ("Economies of scale (as exported)", scenario.costs.scale.describe()),
                 ("Scale factor in the app", f"{result.scale_factor}")]
        if not scenario.joint:
            rows.append(("Each partner alone", "Each partner pays its standalone cost; the weights, floors and caps "
                                               "are not used."))
        for partner in sorted(scenario.partners, key=lambda p: p.code):
            for label, figure in (("population", partner.population), ("population aged 15-64",
                                                                       partner.population_15_64),
                                  ("OCU estimate", partner.ocu), ("caseload", partner.caseload)):
                flag = "Assumption" if figure.assumption else "Published figure"
                rows.append((f"{partner.name}: {label}", f"{figure.value:,f} ({flag})"
                                                         f"{': ' + figure.source if figure.source else ''}"))
    if social_return:
        rows += [("", ""), ("Social value",
                            f"Contributions, columns {C['benefit']} and {C['net_benefit']}: each partner's gross and "
                            "net social value over the contract in pounds, from the app's social-return model for the "
                            "clients served (net: after deadweight, attribution and displacement). These are values, "
                            "not formulas: they do not change when an input here is changed. Column "
                            f"{C['benefit_per_pound']} is the net value for each £1 contributed, as the scenario "
                            "page's Return per £1.")]
    for row, (item, detail) in enumerate(rows, start=2):
        text(sheet, row, 1, item, bold=True)
        text(sheet, row, 2, detail, fill=ASSUMED if "(Assumption)" in detail else None)


def scenario_workbook(scenario: Scenario, result: ScenarioResult, *, title: str = "",
                      social_return: dict[str, tuple[Decimal, Decimal]] | None = None) -> bytes:
    """The xlsx file for one scenario worked out by ``run``: Inputs, Contributions, Joint cost and
    Notes. ``social_return`` (partner code -> (gross, net) social value in pounds over the contract) is
    shown beside each partner's totals as values, with the net value per £1 contributed."""
    book = ExportWorkbook()
    layout = _scenario_sheets(book, scenario, result, None, social_return)
    _notes(book, title, [(scenario, result, layout)], social_return)
    return book.close()


def comparison_workbook(items: list[tuple[Scenario, ScenarioResult]], *, title: str = "") -> bytes:
    """The xlsx file comparing scenarios: a Comparison sheet (a row per scenario: joint cost,
    standalone total, saving, and each partner's contribution and saving), whose cells reference
    each scenario's own Inputs, Contributions and Joint cost sheets, then Notes."""
    book = ExportWorkbook()
    comparison = book.sheet("Comparison")
    layouts = [_scenario_sheets(book, scenario, result, number) for number, (scenario, result)
               in enumerate(items, start=1)]
    names = {o.code: o.name for _scenario, result in items for o in result.partners}
    codes = sorted(names)
    columns = [("", "Scenario", 36, None), ("", "Joint cost over the contract", 18, MONEY),
               ("", "Standalone costs, all partners", 18, MONEY), ("", "Saving", 16, MONEY)]
    for code in codes:
        columns += [("", f"{names[code]}: contribution", 18, MONEY), ("", f"{names[code]}: saving", 16, MONEY)]
    headings(comparison, 1, columns, "B2")
    for row, ((scenario, result), layout) in enumerate(zip(items, layouts, strict=True), start=2):
        joint = quote_sheetname(layout.joint)
        contributions = quote_sheetname(layout.contributions)
        text(comparison, row, 1, scenario.name)
        value(comparison, row, 2, f"={joint}!${J['joint']}${layout.joint_total_row}", MONEY,
              result=pounds(result.total_pence))
        value(comparison, row, 3, f"={joint}!${J['standalone']}${layout.joint_total_row}", MONEY,
              result=pounds(result.standalone_total_pence))
        value(comparison, row, 4, f"=C{row}-B{row}", MONEY, result=pounds(result.saving_pence))
        present = [o.code for o in result.partners]
        for position, code in enumerate(codes):
            if code not in present:
                continue
            total_row = layout.total_row(present.index(code))
            outcome = result.partner(code)
            value(comparison, row, 5 + 2 * position, f"={contributions}!${C['contribution']}${total_row}", MONEY,
                  result=pounds(outcome.contribution_pence))
            value(comparison, row, 6 + 2 * position, f"={contributions}!${C['saving']}${total_row}", MONEY,
                  result=pounds(outcome.saving_pence))
    note_row = len(items) + 3
    text(comparison, note_row, 1, "Every figure here is a formula on the scenario's own sheets; a blank means the "
                                  "partner is not in that scenario.")
    comparison.width(1, 36)
    _notes(book, title, [(s, r, layout) for (s, r), layout in zip(items, layouts, strict=True)])
    return book.close()
