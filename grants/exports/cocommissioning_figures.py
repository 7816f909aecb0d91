"""The figures a co-commissioning workbook's formulas work out to, stored beside each formula.

The app's own figures come from ``grants.modelling.cocommissioning``'s ``run`` (joint costs, standalone
costs, contributions, savings, costs per client, clients) and its building blocks (inflation index,
weights' proportions, phase-in blend, floors and caps). The workbook also shows the steps of the
share rule that the app does inside ``bounded_exact_shares`` (breakpoints, the test point, who is held
at a floor or cap, the multiplier λ, pennies by largest remainder); those cells carry the same steps
worked out in exact arithmetic from the app's figures, so a reader that does not recalculate sees what
Excel or LibreOffice would show. Money is in pounds, as on the sheets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from grants.modelling.cocommissioning import (
    Scenario,
    ScenarioResult,
    expected_clients,
    inflation_index,
    standalone_cost,
)
from grants.modelling.cocommissioning_methods import BASES, blend, bound_pence, method_proportions, phase_in_progress
from grants.spreadsheets import FormulaValue

MATCHES = "matches the app"
ADDS_UP = "adds up"
NOT_ADDING_UP = "DOES NOT ADD UP: check the floors and caps"
WEIGHTS_ADD_UP, WEIGHTS_DO_NOT = "adds up to 100%", "DOES NOT ADD UP TO 100%"


def round_to(value: Fraction, places: int) -> Fraction:
    """Spreadsheet ROUND: to ``places`` decimals, halves away from zero."""
    scale = Fraction(10) ** places
    magnitude = Fraction(math.floor(abs(value) * scale + Fraction(1, 2)), scale)
    return magnitude if value >= 0 else -magnitude


def in_pence(amount: Fraction) -> Fraction:
    """The pounds ``amount`` in pence to 15 significant figures, as the sheet's ``in_pence`` cleans a
    double's noise before rounding (``grants.exports.cocommissioning_sheets.in_pence``)."""
    pence = amount * 100
    if pence == 0:
        return pence
    return round_to(pence, 14 - math.floor(math.log10(abs(pence))))


def pounds(pence: int | Fraction) -> Fraction:
    return Fraction(pence) / 100


def _or_blank(value: Fraction | None) -> FormulaValue:
    return "" if value is None else value


@dataclass(frozen=True)
class YearFigures:
    """One year's figures: the Joint cost sheet's row, and each partner's Contributions row (in
    partner code order), keyed by the sheets' column keys."""

    joint: dict[str, FormulaValue]
    partners: list[dict[str, FormulaValue]]


def _fill(point: Fraction, proportions: list[Fraction], floors: list[Fraction],
          caps: list[Fraction | None]) -> Fraction:
    """Σ clamp(point × p, floor, cap) in pounds, rounded to 6 places as the sheet does."""
    total = Fraction(0)
    for proportion, floor, cap in zip(proportions, floors, caps, strict=True):
        x = point * proportion
        total += floor if x < floor else cap if cap is not None and x > cap else x
    return round_to(total, 6)


def year_figures(scenario: Scenario, result: ScenarioResult, year: int) -> YearFigures:
    """The figures of ``year`` (1-based) for ``scenario`` as ``run`` worked it out (``result``)."""
    costs, split = scenario.costs, scenario.split
    partners = sorted(scenario.partners, key=lambda p: p.code)
    codes = [p.code for p in partners]
    outcomes = [result.partner(code) for code in codes]
    n = len(partners)
    cost = pounds(result.year_costs[year - 1])
    clients = [expected_clients(p, costs) for p in partners]
    alone = {p.code: standalone_cost(p, costs, year) for p in partners}
    alone_total = sum(alone.values())
    # The sheet works the shares out whether the service is joint or not (then on the standalone total).
    values = {basis: {p.code: Fraction(p.basis_value(basis)) for p in partners} for basis in BASES}
    method = method_proportions(values, split.weights)
    progress = phase_in_progress(year, split.phase_in_years)
    proportions = blend(alone, method, progress)
    p = [proportions[code] for code in codes]
    floor_bounds = [split.floor_for(code) for code in codes]
    cap_bounds = [split.cap_for(code) for code in codes]
    total_pence = result.year_costs[year - 1]
    floors = [pounds(bound_pence(total_pence, b.percent, b.pence, is_cap=False)) if b else Fraction(0)
              for b in floor_bounds]
    caps: list[Fraction | None] = [pounds(bound_pence(total_pence, b.percent, b.pence, is_cap=True)) if b else None
                                   for b in cap_bounds]
    floor_points = [floors[i] / p[i] if p[i] > 0 else None for i in range(n)]
    cap_points = [cap / p[i] if cap is not None and p[i] > 0 else None for i, cap in enumerate(caps)]
    floor_fills = [None if point is None else _fill(point, p, floors, caps) for point in floor_points]
    cap_fills = [None if point is None else _fill(point, p, floors, caps) for point in cap_points]
    points = [(point, fill) for point, fill in [*zip(floor_points, floor_fills, strict=True),
                                                *zip(cap_points, cap_fills, strict=True)] if point is not None]
    all_floors = round_to(sum(floors, Fraction(0)) - cost, 6) >= 0
    below = [point for point, fill in points if fill is not None and fill < cost]
    at_or_above = [point for point, fill in points if fill is not None and fill >= cost]
    low = Fraction(0) if all_floors else max([Fraction(0), *below])
    high: Fraction | None = Fraction(0) if all_floors else (min(at_or_above) if at_or_above else None)
    test = Fraction(0) if all_floors else (low + 1 if high is None else (low + high) / 2)
    status = []
    for i in range(n):
        cap = caps[i]
        status.append("floor" if test * p[i] <= floors[i]
                      else "cap" if cap is not None and test * p[i] >= cap else "share")
    held = sum((floors[i] if s == "floor" else caps[i] or 0 for i, s in enumerate(status) if s != "share"),
               Fraction(0))
    shared = sum((p[i] for i, s in enumerate(status) if s == "share"), Fraction(0))
    scale = Fraction(0) if shared == 0 else (cost - held) / shared
    exact = [floors[i] if s == "floor" else (caps[i] or Fraction(0)) if s == "cap" else scale * p[i]
             for i, s in enumerate(status)]
    down = [Fraction(math.floor(in_pence(e)), 100) for e in exact]
    remainders = [round_to(in_pence(e) - math.floor(in_pence(e)), 5) for e in exact]
    pennies = round_to((cost - sum(down, Fraction(0))) * 100, 0)
    extra = []
    for i, remainder in enumerate(remainders):
        larger = sum(1 for r in remainders if r > remainder)
        equal_before = sum(1 for r in remainders[:i + 1] if r == remainder)
        extra.append(1 if larger + equal_before - 1 < pennies else 0)
    paid = [outcome.years[year - 1] for outcome in outcomes]
    rows: list[dict[str, FormulaValue]] = []
    for i in range(n):
        row_clients, per_client = paid[i].clients, paid[i].cost_per_client_pence
        rows.append({
            "clients": row_clients, "standalone": pounds(alone[codes[i]]), "method": method[codes[i]],
            "alone_share": Fraction(alone[codes[i]], alone_total) if alone_total else Fraction(0),
            "proportion": p[i], "floor": floors[i], "has_cap": 0 if caps[i] is None else 1,
            "cap": caps[i] or Fraction(0), "floor_point": _or_blank(floor_points[i]),
            "floor_fill": _or_blank(floor_fills[i]), "cap_point": _or_blank(cap_points[i]),
            "cap_fill": _or_blank(cap_fills[i]), "status": status[i], "exact": exact[i], "down": down[i],
            "remainder": remainders[i], "extra": extra[i], "contribution": pounds(paid[i].contribution_pence),
            "saving": pounds(paid[i].saving_pence),
            "per_client": "" if not row_clients or per_client is None else pounds(per_client),
            "check": MATCHES,
        })
    fixed = costs.fixed_annual_pence + (costs.setup_pence if year == 1 else 0)
    joint: dict[str, FormulaValue] = {
        "index": inflation_index(costs, year), "fixed": pounds(n * fixed),
        "clients": pounds(sum(clients, Fraction(0)) * costs.cost_per_client_pence), "joint": cost,
        "standalone": pounds(alone_total), "progress": progress, "floors": sum(floors, Fraction(0)),
        "low": low, "above": len(at_or_above), "high": _or_blank(high), "test": test, "held": held,
        "shared": shared, "scale": scale, "pennies": pennies,
        "paid": pounds(sum(y.contribution_pence for y in paid)),
        "adds_up": ADDS_UP if sum(y.contribution_pence for y in paid) == total_pence else NOT_ADDING_UP,
        "check": MATCHES,
    }
    return YearFigures(joint, rows)


def scale_factor(scenario: Scenario) -> Fraction:
    """The Inputs sheet's scale factor on the fixed costs: 1 for partners each running alone."""
    if not scenario.joint:
        return Fraction(1)
    return scenario.costs.scale.factor(len(scenario.partners))


def weights_total(scenario: Scenario) -> Fraction:
    """The weights as fractions, added up (1 when they add up to 100%)."""
    return sum((Fraction(scenario.split.weights.get(basis, 0)) / 100 for basis in BASES), Fraction(0))
