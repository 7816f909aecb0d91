"""The sheets of a co-commissioning workbook: Inputs, Contributions and Joint cost, with live formulas.

``grants.exports.cocommissioning_workbook`` puts them together. Every figure the app works out is a
formula here, following ``grants.modelling.cocommissioning``'s conventions: a finance officer who
changes an input sees the contributions move and still add up to the penny to the joint cost. Each
formula carries its value as exported (``grants.exports.cocommissioning_figures``).

Money is in pounds (two decimals). Each rounding step first rounds the pence to a millionth of a
penny, so that double-precision noise (0.29 × 100 = 28.999…) cannot move a penny.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from grants.exports.cocommissioning_figures import (
    MATCHES,
    WEIGHTS_ADD_UP,
    WEIGHTS_DO_NOT,
    YearFigures,
    scale_factor,
    weights_total,
)
from grants.modelling.cocommissioning import Scenario, ScenarioResult
from grants.modelling.cocommissioning_methods import BASES
from grants.spreadsheets import ExportSheet, FormulaValue, column_letter
from grants.spreadsheets import quote_sheet as quote_sheetname

MONEY = "£#,##0.00;-£#,##0.00"
PERCENT = "0.00%"
SHARE = "0.0000%"
NUMBER = "#,##0.00"
ASSUMED = "FFF2CC"  # pale yellow fill: a figure that is an assumption

# Inputs: the settings in column B, then the weights, then one row per partner.
SETTINGS = ("name", "service", "joint", "years", "setup", "fixed", "per_client", "take_up", "inflation",
            "scale_percent", "scale_exponent", "partners", "scale_factor", "phase_in")
ROW = {key: row for row, key in enumerate(SETTINGS, start=2)}
FIRST_WEIGHT_ROW = ROW["phase_in"] + 3  # after a blank row and the weights' headings
WEIGHT_ROW = {basis: FIRST_WEIGHT_ROW + index for index, basis in enumerate(BASES)}
WEIGHT_TOTAL_ROW = FIRST_WEIGHT_ROW + len(BASES)
PARTNER_HEADING_ROW = WEIGHT_TOTAL_ROW + 2
FIGURE_COLUMN = {"population": "C", "population_15_64": "D", "need": "E", "caseload": "F"}
FLOOR_PERCENT, FLOOR_POUNDS, CAP_PERCENT, CAP_POUNDS = "G", "H", "I", "J"

# Contributions: one row per year and partner, then the totals over the contract.
CONTRIBUTION_COLUMNS = (
    ("year", "Year", 6, "0"), ("code", "Partner code", 16, None), ("name", "Partner", 26, None),
    ("clients", "Clients", 10, "#,##0"), ("standalone", "Standalone cost", 16, MONEY),
    ("method", "Share by the weights", 12, SHARE), ("alone_share", "Share of standalone costs", 12, SHARE),
    ("proportion", "Proportion after phase-in", 12, SHARE), ("floor", "Floor", 14, MONEY),
    ("has_cap", "Capped (1 = yes)", 9, "0"), ("cap", "Cap", 14, MONEY),
    ("floor_point", "Floor breakpoint", 16, NUMBER), ("floor_fill", "Cost met at floor breakpoint", 16, MONEY),
    ("cap_point", "Cap breakpoint", 16, NUMBER), ("cap_fill", "Cost met at cap breakpoint", 16, MONEY),
    ("status", "Held at", 8, None), ("exact", "Exact share", 18, "£#,##0.000000"),
    ("down", "Rounded down to the penny", 16, MONEY), ("remainder", "Remainder (pence)", 12, "0.00000"),
    ("extra", "Extra penny (1 = yes)", 9, "0"), ("contribution", "Contribution", 16, MONEY),
    ("app", "Contribution in the app (as exported)", 16, MONEY), ("saving", "Saving (standalone − contribution)", 16,
                                                                    MONEY),
    ("per_client", "Cost per client", 14, MONEY), ("check", "Check against the app", 18, None),
    ("benefit", "Gross social value (social-return model)", 18, MONEY),
    ("net_benefit", "Net social value (after deadweight, attribution and displacement)", 18, MONEY),
    ("benefit_per_pound", "Net social value per £1 contributed", 14, '"£"0.00'),
)
C = {key: column_letter(index) for index, (key, *_rest) in enumerate(CONTRIBUTION_COLUMNS, start=1)}

# Joint cost: one row per year, then the contract's total.
JOINT_COLUMNS = (
    ("year", "Year", 6, "0"), ("index", "Inflation index", 12, "0.000000"),
    ("fixed", "Fixed costs if each ran alone (year-1 prices)", 18, MONEY),
    ("clients", "Client costs (year-1 prices)", 16, MONEY), ("joint", "Joint cost", 16, MONEY),
    ("standalone", "Standalone costs, all partners", 16, MONEY), ("progress", "Phase-in progress", 10, PERCENT),
    ("floors", "Floors, all partners", 14, MONEY), ("low", "Last breakpoint below the cost", 16, NUMBER),
    ("above", "Breakpoints at or above the cost", 10, "0"), ("high", "First breakpoint at or above the cost", 16,
                                                               NUMBER),
    ("test", "Test point", 16, NUMBER), ("held", "Held at floors and caps", 16, MONEY),
    ("shared", "Proportion still shared", 12, SHARE), ("scale", "Multiplier (λ)", 16, NUMBER),
    ("pennies", "Pennies left to hand out", 10, "0"), ("paid", "Contributions, all partners", 16, MONEY),
    ("adds_up", "Contributions add up to the joint cost", 18, None),
    ("app", "Joint cost in the app (as exported)", 16, MONEY), ("check", "Check against the app", 18, None),
)
J = {key: column_letter(index) for index, (key, *_rest) in enumerate(JOINT_COLUMNS, start=1)}


@dataclass(frozen=True)
class Layout:
    """Where a scenario's figures sit: sheet titles, and rows derived from partners × years."""

    inputs: str
    contributions: str
    joint: str
    partners: int
    years: int

    def row(self, year: int, index: int) -> int:
        """The Contributions row of partner ``index`` (0-based, in code order) in ``year``."""
        return 2 + (year - 1) * self.partners + index

    def block(self, year: int) -> tuple[int, int]:
        return self.row(year, 0), self.row(year, self.partners - 1)

    def total_row(self, index: int) -> int:
        """The Contributions row of partner ``index``'s totals over the contract (``partners``: all)."""
        return self.row(self.years, self.partners - 1) + 3 + index

    def joint_row(self, year: int) -> int:
        return 1 + year

    @property
    def joint_total_row(self) -> int:
        return 2 + self.years

    def setting(self, key: str) -> str:
        return f"{quote_sheetname(self.inputs)}!$B${ROW[key]}"

    def partner_cell(self, column: str, index: int) -> str:
        return f"{quote_sheetname(self.inputs)}!${column}${PARTNER_HEADING_ROW + 1 + index}"

    def partner_range(self, column: str) -> str:
        first, last = PARTNER_HEADING_ROW + 1, PARTNER_HEADING_ROW + self.partners
        return f"{quote_sheetname(self.inputs)}!${column}${first}:${column}${last}"

    def joint_cell(self, key: str, year: int) -> str:
        return f"{quote_sheetname(self.joint)}!${J[key]}${self.joint_row(year)}"

    def contribution_range(self, key: str, year: int, sheet: bool = False) -> str:
        first, last = self.block(year)
        prefix = f"{quote_sheetname(self.contributions)}!" if sheet else ""
        return f"{prefix}${C[key]}${first}:${C[key]}${last}"


# Cells -------------------------------------------------------------------------------------------

def text(sheet: ExportSheet, row: int, column: int | str, value: object, bold: bool = False,
         fill: str | None = None) -> None:
    """Text that is never read as a formula (``grants.spreadsheets.safe_text``), typed as a string."""
    sheet.text(row, column, value, bold=bold, fill=fill)


def value(sheet: ExportSheet, row: int, column: int | str, content, number_format: str | None = None,
          bold: bool = False, result: FormulaValue | None = None, fill: str | None = None) -> None:
    """A number, or one of our own formulas (never user text) with ``result``, the figure it works out to."""
    if isinstance(content, str) and content.startswith("="):
        if result is None:
            raise ValueError(f"The formula {content} needs the figure it works out to")
        sheet.formula(row, column, content, result, number_format, bold=bold, fill=fill)
    else:
        sheet.number(row, column, content, number_format, bold=bold, fill=fill)


def headings(sheet: ExportSheet, row: int, columns, freeze: str | None = None) -> None:
    for index, (_key, heading, width, _format) in enumerate(columns, start=1):
        text(sheet, row, index, heading, bold=True)
        if width:
            sheet.width(index, width)
    if freeze:
        sheet.freeze(freeze)


def pounds(pence: int | None) -> Decimal | None:
    return None if pence is None else Decimal(pence) / 100


def _fraction(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else Decimal(percent) / 100


def in_pence(pounds_formula: str) -> str:
    """``pounds_formula`` in pence, cleaned of a double's noise: rounded to 15 significant figures (what
    a double holds for certain), so that a cost of 30656735362.5p computed as 30656735362.499994p is the
    half penny it is at any size. Fewer figures round twice: at 13, a cost of 200223426465.463p became
    …465.5p and then a penny too many (found by the property test). Only a value within a few units of
    the 15th figure of a half penny can still round the other way: the limit of a double, not the model.
    (A fixed number of decimals, as before, held only below about £100m.)"""
    pence = f"({pounds_formula})*100"
    return f"IF({pence}=0,0,ROUND({pence},14-INT(LOG10(ABS({pence})))))"


def to_penny(pounds_formula: str, how: str = "ROUND") -> str:
    """``pounds_formula`` rounded to the penny (ROUND: halves up; ROUNDDOWN; ROUNDUP), as pounds."""
    return f"{how}({in_pence(pounds_formula)},0)/100"


# Inputs ------------------------------------------------------------------------------------------

def write_inputs(sheet, scenario: Scenario, layout: Layout) -> None:
    """The cost model, the economies-of-scale rule, the weights and every partner's figures."""
    costs, split = scenario.costs, scenario.split
    headings(sheet, 1, [("", "Input", 44, None), ("", "Value", 18, None), ("", "Note", 70, None)], "A2")
    scale_rule = costs.scale.describe()
    rows = [
        ("name", "Scenario", scenario.name, None, ""),
        ("service", "Service", scenario.service, None, ""),
        ("joint", "Joint service (Yes) or each partner alone (No)", "Yes" if scenario.joint else "No", None,
         "No: each partner pays its standalone cost"),
        ("years", "Contract length (years)", costs.years, "0",
         "The sheets have one block of rows per year: export again for a different length"),
        ("setup", "Set-up cost, one partner alone (year 1)", pounds(costs.setup_pence), MONEY, "Year-1 prices"),
        ("fixed", "Fixed annual cost, one partner alone", pounds(costs.fixed_annual_pence), MONEY, "Year-1 prices"),
        ("per_client", "Cost per client", pounds(costs.cost_per_client_pence), MONEY, "Year-1 prices"),
        ("take_up", "Take-up (clients as a share of caseload)", _fraction(costs.take_up_percent), PERCENT, ""),
        ("inflation", "Inflation a year", _fraction(costs.inflation_percent), PERCENT,
         "Year y's costs are year-1 prices × (1 + inflation)^(y − 1)"),
        ("scale_percent", "Economies of scale: joint fixed costs as a share of the standalone total",
         _fraction(costs.scale.percent), PERCENT, f"Rule exported: {scale_rule}. Leave empty to use the curve"),
        ("scale_exponent", "Economies of scale: curve exponent b (factor n^(b − 1))", costs.scale.exponent, "0.0000",
         "Used when the share above is empty; b = 1 means no economies"),
        ("partners", "Number of partners (n)", f"=COUNTA({layout.partner_range('A')})", "0", ""),
        ("scale_factor", "Scale factor on the fixed costs", f'=IF($B${ROW["joint"]}="No",1,IF(ISNUMBER($B$'
         f'{ROW["scale_percent"]}),$B${ROW["scale_percent"]},$B${ROW["partners"]}^($B${ROW["scale_exponent"]}-1)))',
         "0.0000", "Joint fixed costs = n × (set-up in year 1 + fixed annual) × this factor"),
        ("phase_in", "Phase-in (years)", split.phase_in_years, "0",
         "Over k years the weights' shares carry weight y/k in year y, the rest standalone-cost shares; 0 or 1: none"),
    ]
    results: dict[str, FormulaValue] = {"partners": len(scenario.partners), "scale_factor": scale_factor(scenario)}
    for key, label, content, number_format, note in rows:
        text(sheet, ROW[key], "A", label)
        if number_format is None:
            text(sheet, ROW[key], "B", content)
        else:
            value(sheet, ROW[key], "B", content, number_format, result=results.get(key))
        text(sheet, ROW[key], "C", note)
    text(sheet, FIRST_WEIGHT_ROW - 1, "A", "Sharing the joint cost: basis", bold=True)
    text(sheet, FIRST_WEIGHT_ROW - 1, "B", "Weight", bold=True)
    text(sheet, FIRST_WEIGHT_ROW - 1, "C", "Note", bold=True)
    for basis, label in BASES.items():
        text(sheet, WEIGHT_ROW[basis], "A", label.capitalize())
        value(sheet, WEIGHT_ROW[basis], "B", _fraction(split.weights.get(basis, Decimal(0))), PERCENT)
        column = FIGURE_COLUMN.get(basis)
        text(sheet, WEIGHT_ROW[basis], "C", f"Partner figures in column {column}" if column else "1/n each")
    text(sheet, WEIGHT_TOTAL_ROW, "A", "Weights, total (must be 100%)", bold=True)
    first, last = WEIGHT_ROW["equal"], WEIGHT_ROW["caseload"]
    total = weights_total(scenario)
    value(sheet, WEIGHT_TOTAL_ROW, "B", f"=SUM(B{first}:B{last})", PERCENT, bold=True, result=total)
    value(sheet, WEIGHT_TOTAL_ROW, "C", f'=IF(ROUND(B{WEIGHT_TOTAL_ROW}-1,9)=0,"{WEIGHTS_ADD_UP}",'
                                        f'"{WEIGHTS_DO_NOT}")', result=WEIGHTS_ADD_UP if total == 1 else WEIGHTS_DO_NOT)
    _partners(sheet, scenario)


def _partners(sheet: ExportSheet, scenario: Scenario) -> None:
    columns = [("code", "Partner code", 16), ("name", "Partner", 26), ("population", "Population", 14),
               ("population_15_64", "Population aged 15-64", 14), ("ocu", "OCU estimate (need)", 14),
               ("caseload", "Caseload a year", 14), ("floor_percent", "Floor (% of the year's joint cost)", 14),
               ("floor_pounds", "Floor (£ a year)", 14), ("cap_percent", "Cap (% of the year's joint cost)", 14),
               ("cap_pounds", "Cap (£ a year)", 14), ("assumed", "Assumed figures (shaded)", 40),
               ("sources", "Sources", 90)]
    for index, (_key, heading, width) in enumerate(columns, start=1):
        text(sheet, PARTNER_HEADING_ROW, index, heading, bold=True)
        if index > 3:  # A to C are the settings' columns, sized above
            sheet.width(index, width)
    for offset, partner in enumerate(sorted(scenario.partners, key=lambda p: p.code), start=1):
        row = PARTNER_HEADING_ROW + offset
        text(sheet, row, "A", partner.code)
        text(sheet, row, "B", partner.name)
        assumed, sources = [], []
        for column, label, figure in (("C", "population", partner.population),
                                      ("D", "population aged 15-64", partner.population_15_64),
                                      ("E", "OCU estimate", partner.ocu), ("F", "caseload", partner.caseload)):
            value(sheet, row, column, figure.value, "#,##0", fill=ASSUMED if figure.assumption else None)
            if figure.assumption:
                assumed.append(label)
            if figure.source:
                sources.append(f"{label.capitalize()}: {figure.source}")
        floor, cap = scenario.split.floor_for(partner.code), scenario.split.cap_for(partner.code)
        value(sheet, row, FLOOR_PERCENT, _fraction(floor.percent) if floor else None, PERCENT)
        value(sheet, row, FLOOR_POUNDS, pounds(floor.pence) if floor else None, MONEY)
        value(sheet, row, CAP_PERCENT, _fraction(cap.percent) if cap else None, PERCENT)
        value(sheet, row, CAP_POUNDS, pounds(cap.pence) if cap else None, MONEY)
        text(sheet, row, "K", ", ".join(assumed) or "none")
        text(sheet, row, "L", "; ".join(sources))


# Contributions -----------------------------------------------------------------------------------

def _fill(point: str, layout: Layout, year: int) -> str:
    """How much of the cost the partners meet at multiplier ``point``: Σ clamp(point × p, floor, cap)."""
    p, floor, cap, capped = (layout.contribution_range(key, year) for key in ("proportion", "floor", "cap", "has_cap"))
    x = f"{point}*{p}"
    return f"ROUND(SUMPRODUCT({x}+({floor}-{x})*({x}<{floor})+({cap}-{x})*({x}>{cap})*{capped}),6)"


def _method(layout: Layout, index: int) -> str:
    """The partner's proportion under the weights: Σ weight × figure ÷ the partners' total figure."""
    weight = {basis: f"{quote_sheetname(layout.inputs)}!$B${row}" for basis, row in WEIGHT_ROW.items()}
    terms = [f"{weight['equal']}/{layout.setting('partners')}"]
    for basis, column in FIGURE_COLUMN.items():
        terms.append(f"IF({weight[basis]}=0,0,{weight[basis]}*{layout.partner_cell(column, index)}"
                     f"/SUM({layout.partner_range(column)}))")
    return "=" + "+".join(terms)


def write_contributions(sheet: ExportSheet, scenario: Scenario, result: ScenarioResult, layout: Layout,
                        figures: list[YearFigures], social_return: dict[str, tuple[Decimal, Decimal]] | None) -> None:
    """Per year and partner: clients, standalone cost, proportions, floors and caps, the exact share,
    its penny by largest remainder, the contribution, saving and cost per client; then totals."""
    headings(sheet, 1, CONTRIBUTION_COLUMNS, "D2")
    setting, joint = layout.setting, f'{layout.setting("joint")}="Yes"'
    for year in range(1, layout.years + 1):
        first, _last = layout.block(year)
        alone, remainders = layout.contribution_range("standalone", year), layout.contribution_range("remainder", year)
        for index, outcome in enumerate(result.partners):
            r = layout.row(year, index)
            cost, point = layout.joint_cell("joint", year), layout.joint_cell("test", year)

            def col(key: str, row: int = r) -> str:
                return f"{C[key]}{row}"

            floor_percent, floor_pounds = (layout.partner_cell(c, index) for c in (FLOOR_PERCENT, FLOOR_POUNDS))
            cap_percent, cap_pounds = (layout.partner_cell(c, index) for c in (CAP_PERCENT, CAP_POUNDS))
            formulas = {
                "year": year,
                "clients": f"={layout.partner_cell('F', index)}*{setting('take_up')}",
                "standalone": "=" + to_penny(f"({setting('fixed')}+IF({col('year')}=1,{setting('setup')},0)"
                                             f"+{col('clients')}*{setting('per_client')})"
                                             f"*{layout.joint_cell('index', year)}"),
                "method": _method(layout, index),
                "alone_share": f"=IF(SUM({alone})=0,0,{col('standalone')}/SUM({alone}))",
                "proportion": f"=(1-{layout.joint_cell('progress', year)})*{col('alone_share')}"
                              f"+{layout.joint_cell('progress', year)}*{col('method')}",
                "floor": f"=IF(ISNUMBER({floor_percent}),{to_penny(f'{cost}*{floor_percent}', 'ROUNDDOWN')},"
                         f"N({floor_pounds}))",
                "has_cap": f"=IF(OR(ISNUMBER({cap_percent}),ISNUMBER({cap_pounds})),1,0)",
                "cap": f"=IF(ISNUMBER({cap_percent}),{to_penny(f'{cost}*{cap_percent}', 'ROUNDUP')},N({cap_pounds}))",
                "floor_point": f'=IF({col("proportion")}>0,{col("floor")}/{col("proportion")},"")',
                "floor_fill": f'=IF({col("floor_point")}="","",{_fill(col("floor_point"), layout, year)})',
                "cap_point": f'=IF(AND({col("has_cap")}=1,{col("proportion")}>0),{col("cap")}/{col("proportion")},"")',
                "cap_fill": f'=IF({col("cap_point")}="","",{_fill(col("cap_point"), layout, year)})',
                "status": f'=IF({point}*{col("proportion")}<={col("floor")},"floor",IF(AND({col("has_cap")}=1,'
                          f'{point}*{col("proportion")}>={col("cap")}),"cap","share"))',
                "exact": f'=IF({col("status")}="floor",{col("floor")},IF({col("status")}="cap",{col("cap")},'
                         f'{layout.joint_cell("scale", year)}*{col("proportion")}))',
                "down": "=" + to_penny(col("exact"), "ROUNDDOWN"),
                "remainder": f"=ROUND({in_pence(col('exact'))}-ROUNDDOWN({in_pence(col('exact'))},0),5)",
                # a penny each to the largest remainders; equal remainders go to the earlier partner code
                "extra": f"=IF(SUMPRODUCT(({remainders}>{col('remainder')})*1)"
                         f"+SUMPRODUCT((${C['remainder']}${first}:{col('remainder')}={col('remainder')})*1)-1"
                         f"<{layout.joint_cell('pennies', year)},1,0)",
                "contribution": f"=IF({joint},{col('down')}+{col('extra')}/100,{col('standalone')})",
                "app": pounds(outcome.years[year - 1].contribution_pence),
                "saving": f"={col('standalone')}-{col('contribution')}",
                "per_client": f'=IF({col("clients")}=0,"",{to_penny(col("contribution") + "/" + col("clients"))})',
                "check": f'=IF(ROUND({col("contribution")}-{col("app")},2)=0,"matches the app","differs from the app")',
            }
            for key, _heading, _width, number_format in CONTRIBUTION_COLUMNS:
                if key in ("code", "name"):
                    text(sheet, r, C[key], outcome.code if key == "code" else outcome.name)
                elif key in formulas:
                    cached = figures[year - 1].partners[index].get(key)
                    value(sheet, r, C[key], formulas[key], number_format, result=cached)
    _totals(sheet, result, layout, social_return)


def _totals(sheet: ExportSheet, result: ScenarioResult, layout: Layout,
            social_return: dict[str, tuple[Decimal, Decimal]] | None) -> None:
    first, last = layout.row(1, 0), layout.row(layout.years, layout.partners - 1)
    text(sheet, layout.total_row(0) - 1, "A", "Over the contract", bold=True)
    fmt = {key: number_format for key, _heading, _width, number_format in CONTRIBUTION_COLUMNS}
    for index, outcome in enumerate([*result.partners, None]):
        r = layout.total_row(index)
        bold = outcome is None
        text(sheet, r, C["code"], "All partners" if outcome is None else outcome.code, bold=bold)
        if outcome is not None:
            text(sheet, r, C["name"], outcome.name)
        # The app's figures over the contract: the partner's, or all partners' together.
        if outcome is None:
            clients = sum((o.clients for o in result.partners), Decimal(0))
            standalone, paid, saving = result.standalone_total_pence, result.total_pence, result.saving_pence
        else:
            clients, standalone = outcome.clients, outcome.standalone_pence
            paid, saving = outcome.contribution_pence, outcome.saving_pence
        figures = {"clients": clients, "standalone": pounds(standalone), "contribution": pounds(paid)}
        for key in ("clients", "standalone", "contribution"):
            formula = (f"=SUM({C[key]}{layout.total_row(0)}:{C[key]}{r - 1})" if bold
                       else f"=SUMIF($B${first}:$B${last},$B{r},{C[key]}${first}:{C[key]}${last})")
            value(sheet, r, C[key], formula, fmt[key], bold, result=figures[key])
        value(sheet, r, C["app"], pounds(paid), MONEY, bold)
        value(sheet, r, C["saving"], f"={C['standalone']}{r}-{C['contribution']}{r}", MONEY, bold,
              result=pounds(saving))
        if outcome is not None:
            per_pence = outcome.cost_per_client_pence
            per_client = pounds(per_pence) if clients and per_pence is not None else None
            value(sheet, r, C["per_client"], f'=IF({C["clients"]}{r}=0,"",'
                                             f'{to_penny(C["contribution"] + str(r) + "/" + C["clients"] + str(r))})',
                  MONEY, result="" if per_client is None else per_client)
        value(sheet, r, C["check"], f'=IF(ROUND({C["contribution"]}{r}-{C["app"]}{r},2)=0,"{MATCHES}",'
                                    f'"differs from the app")', None, bold, result=MATCHES)
        if social_return and outcome is not None and outcome.code in social_return:
            # The page's "Return per £1" (SroiResult.return_per_pound): the net value over the contribution.
            gross, net = (Decimal(amount) for amount in social_return[outcome.code])
            value(sheet, r, C["benefit"], gross, MONEY)
            value(sheet, r, C["net_benefit"], net, MONEY)
            value(sheet, r, C["benefit_per_pound"],
                  f'=IF({C["contribution"]}{r}=0,"",{C["net_benefit"]}{r}/{C["contribution"]}{r})', '"£"0.00',
                  result=net / Decimal(paid) * 100 if paid else "")
