"""Scenarios built straight from the pure model, and reading a recalculated workbook back in pence."""

from __future__ import annotations

import math
from decimal import Decimal as D

from grants.exports.cocommissioning_sheets import C, J, Layout
from grants.modelling.cocommissioning import (
    SOUTH_WEST,
    Bound,
    CostModel,
    CostSplit,
    Partner,
    ScaleEconomies,
    Scenario,
    ScenarioResult,
)

A = Partner("a", "Area A", 100, 60, 3, 1)
B = Partner("b", "Area B", 300, 140, 1, 4)
FLAT = CostModel(setup_pence=0, fixed_annual_pence=50_000, cost_per_client_pence=0, years=1)
SERVICE = CostModel(setup_pence=4_500_000, fixed_annual_pence=18_000_000, cost_per_client_pence=123_457,
                    take_up_percent=D("62.5"), inflation_percent=D("2.5"), years=3,
                    scale=ScaleEconomies(percent=D(70)))
CURVE = CostModel(setup_pence=3_000_001, fixed_annual_pence=15_000_000, cost_per_client_pence=98_765,
                  take_up_percent=D("37.5"), inflation_percent=D("3.1"), years=5,
                  scale=ScaleEconomies(exponent=D("0.8")))

SCENARIOS = {
    "equal, two partners": Scenario("Equal", (A, B), FLAT),
    "odd penny, two partners": Scenario("Odd", (B, A), CostModel(0, 50_000, 1, years=1)),
    "population, five partners": Scenario("Population", SOUTH_WEST, SERVICE, CostSplit.by("population")),
    "hybrid weights, curve, five years": Scenario(
        "Hybrid", SOUTH_WEST, CURVE,
        CostSplit({"equal": D(10), "population_15_64": D(30), "need": D("22.5"), "caseload": D("37.5")})),
    "need and caseload, two partners": Scenario(
        "Need", SOUTH_WEST[2:4], SERVICE, CostSplit({"need": D(25), "caseload": D(75)})),
    "phase-in over three years": Scenario("Phased", SOUTH_WEST, SERVICE, CostSplit.by("caseload", phase_in_years=3)),
    "percentage floor and cap": Scenario(
        "Bounded", SOUTH_WEST, SERVICE,
        CostSplit.by("population", floor=Bound(percent=D(15)), cap=Bound(percent=D(27)))),
    "cash floor and cap per partner, phase-in": Scenario(
        "Cash bounds", SOUTH_WEST, CURVE,
        CostSplit({"population": D(60), "need": D(40)}, floors={"gloucestershire": Bound(pence=120_000_000)},
                  caps={"devon-cornwall": Bound(pence=67_000_000), "avon-somerset": Bound(percent=D(20))},
                  phase_in_years=2)),
    "floors that take the whole cost": Scenario(
        "All floors", SOUTH_WEST, FLAT, CostSplit.by("population", floor=Bound(percent=D(20)))),
    "each partner alone": Scenario("Alone", SOUTH_WEST[:3], SERVICE, joint=False),
}


def pence(amount) -> int:
    """A recalculated amount in pounds, as whole pence (it is a whole number of pence by then, to
    within the few units in the last place that a spreadsheet's double-precision arithmetic leaves:
    at £4.7 billion one unit is about a ten-thousandth of a penny)."""
    exact = D(repr(float(amount))) * 100
    whole = int(exact.to_integral_value())
    allowed = max(D("0.0001"), D(math.ulp(float(amount))) * 100 * 8)
    assert abs(exact - whole) < allowed, amount
    return whole


def layout_of(result: ScenarioResult, titles=None) -> Layout:
    titles = titles or ("Inputs", "Contributions", "Joint cost")
    return Layout(*titles, partners=len(result.partners), years=len(result.year_costs))


def assert_workbook_equals(value, result: ScenarioResult, layout: Layout) -> None:
    """Every year's contributions, standalone costs, savings and costs per client equal ``result``
    to the penny, and add up exactly to the joint cost, which equals the model's."""
    for year in range(1, layout.years + 1):
        joint = pence(value(layout.joint, f"{J['joint']}{layout.joint_row(year)}"))
        assert joint == result.year_costs[year - 1], f"joint cost, year {year}"
        paid = []
        for index, outcome in enumerate(result.partners):
            row = layout.row(year, index)
            expected = outcome.years[year - 1]
            assert value(layout.contributions, f"{C['code']}{row}") == outcome.code
            got = pence(value(layout.contributions, f"{C['contribution']}{row}"))
            assert got == expected.contribution_pence, f"{outcome.code}, year {year}"
            assert pence(value(layout.contributions, f"{C['standalone']}{row}")) == expected.standalone_pence
            assert pence(value(layout.contributions, f"{C['saving']}{row}")) == expected.saving_pence
            per_client = value(layout.contributions, f"{C['per_client']}{row}")
            if expected.cost_per_client_pence is None:
                assert per_client == ""
            else:
                assert pence(per_client) == expected.cost_per_client_pence
            paid.append(got)
        assert sum(paid) == joint, f"year {year} adds up"
        assert value(layout.joint, f"{J['adds_up']}{layout.joint_row(year)}") == "adds up"
    assert pence(value(layout.joint, f"{J['joint']}{layout.joint_total_row}")) == result.total_pence
    for index, outcome in enumerate(result.partners):
        row = layout.total_row(index)
        assert pence(value(layout.contributions, f"{C['contribution']}{row}")) == outcome.contribution_pence
        assert pence(value(layout.contributions, f"{C['saving']}{row}")) == outcome.saving_pence
        if outcome.cost_per_client_pence is not None:
            assert pence(value(layout.contributions, f"{C['per_client']}{row}")) == outcome.cost_per_client_pence
