"""Checking a co-commissioning scenario before it is worked out: each problem's exact message, and
the edges of each rule (grants/modelling/cocommissioning_validation.py, called by cocommissioning.run)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from grants.modelling.cocommissioning import (
    Bound,
    CostModel,
    CostSplit,
    Partner,
    ScaleEconomies,
    Scenario,
    run,
    validate,
)

A = Partner("a", "Area A", 100, 60, 3, 1)
B = Partner("b", "Area B", 300, 140, 1, 4)
FLAT = CostModel(setup_pence=0, fixed_annual_pence=50_000, cost_per_client_pence=0, years=1)


def scenario(partners=(A, B), costs=FLAT, split=None, name="bad", joint=True):
    return Scenario(name, partners, costs, split or CostSplit.by("equal"), joint=joint)


def costs(**changes):
    fields = dict(setup_pence=0, fixed_annual_pence=50_000, cost_per_client_pence=0, years=3)
    return CostModel(**{**fields, **changes})


def message(bad: Scenario) -> str:
    with pytest.raises(ValueError) as raised:
        validate(bad)
    return str(raised.value)


@pytest.mark.parametrize("bad, expected", [
    # Who joins
    (scenario(partners=(A,)), "A joint option needs at least two partners; bad has 1"),
    (scenario(partners=(A,), name=""), "A joint option needs at least two partners; this one has 1"),
    (scenario(partners=(), joint=False), "Choose at least one partner"),
    (scenario(partners=(A, B, A)), "Each partner can join a scenario only once"),
    # Costs
    (scenario(costs=costs(years=11)), "The contract must be between 1 and 10 years; it is 11"),
    (scenario(costs=costs(years=0)), "The contract must be between 1 and 10 years; it is 0"),
    (scenario(costs=costs(setup_pence=-1)), "The set-up cost must not be negative"),
    (scenario(costs=costs(fixed_annual_pence=-1)), "The fixed annual cost must not be negative"),
    (scenario(costs=costs(cost_per_client_pence=-1)), "The cost per client must not be negative"),
    (scenario(costs=costs(take_up_percent=D("100.01"))), "Take-up must be between 0% and 100%"),
    (scenario(costs=costs(take_up_percent=D("-0.01"))), "Take-up must be between 0% and 100%"),
    (scenario(costs=costs(inflation_percent=D("-0.5"))), "Inflation must not be negative"),
    (scenario(costs=costs(scale=ScaleEconomies())),
     "Give economies of scale as a percentage or as a curve exponent, not both"),
    (scenario(costs=costs(scale=ScaleEconomies(percent=D(70), exponent=D("0.8")))),
     "Give economies of scale as a percentage or as a curve exponent, not both"),
    (scenario(costs=costs(scale=ScaleEconomies(percent=D(0)))), "The joint fixed cost percentage must be more than 0%"),
    (scenario(costs=costs(scale=ScaleEconomies(exponent=D(0)))),
     "The economies-of-scale exponent must be more than 0 and at most 1"),
    (scenario(costs=costs(scale=ScaleEconomies(exponent=D("1.01")))),
     "The economies-of-scale exponent must be more than 0 and at most 1"),
    # The partners' figures
    (scenario(partners=(A, Partner("z", "Area Z", -1, 1, 1, 1))), "The population of Area Z must not be negative"),
    (scenario(partners=(A, Partner("z", "Area Z", 1, -1, 1, 1))),
     "The population aged 15-64 of Area Z must not be negative"),
    (scenario(partners=(A, Partner("z", "Area Z", 1, 1, -1, 1))), "The OCU estimate of Area Z must not be negative"),
    (scenario(partners=(A, Partner("z", "Area Z", 1, 1, 1, -1))), "The caseload of Area Z must not be negative"),
    # The split's weights
    (scenario(split=CostSplit({"luck": D(100)})), "Unknown way of sharing the cost: 'luck'"),
    (scenario(split=CostSplit({"population": D(-10), "equal": D(110)})),
     "The weight for population must not be negative"),
    (scenario(split=CostSplit({"need": D(25), "caseload": D("65.5")})),
     "The weights add up to 90.5%: they must add up to 100%"),
    (scenario(split=CostSplit({})), "The weights add up to 0%: they must add up to 100%"),
    (scenario(partners=(A, Partner("z", "Area Z", 1, 0, 1, 1)), split=CostSplit.by("population_15_64")),
     "A split by population aged 15-64 needs a population aged 15-64 figure for every partner: Area Z has 0"),
    (scenario(partners=(A, Partner("z", "Area Z", 1, 1, 0, 1)), split=CostSplit({"need": D(50), "equal": D(50)})),
     "A split by need (OCU estimate) needs a need (OCU estimate) figure for every partner: Area Z has 0"),
    # Phase-in
    (scenario(costs=costs(years=2), split=CostSplit.by("equal", phase_in_years=3)),
     "The phase-in must be between 0 and 2 years (the contract length)"),
    (scenario(costs=costs(), split=CostSplit.by("equal", phase_in_years=-1)),
     "The phase-in must be between 0 and 3 years (the contract length)"),
])
def test_each_problem_has_its_own_message(bad, expected):
    assert message(bad) == expected


@pytest.mark.parametrize("kind", ["floor", "cap"])
def test_each_floor_and_cap_is_checked_for_every_partner(kind):
    def one(bound, code="b"):
        return scenario(split=CostSplit.by("equal", **{f"{kind}s": {code: bound}}))

    assert message(one(Bound())) == f"Give the {kind} for Area B as a percentage or an amount, not both"
    assert message(one(Bound(percent=D(10), pence=100))) == (
        f"Give the {kind} for Area B as a percentage or an amount, not both")
    assert message(one(Bound(percent=D(-1)))) == f"The {kind} for Area B must not be negative"
    assert message(one(Bound(pence=-1), code="a")) == f"The {kind} for Area A must not be negative"
    assert message(one(Bound(percent=D("100.5")))) == f"The {kind} for Area B must be 100% or less"
    # The same checks apply to a bound given for every partner at once.
    every = scenario(split=CostSplit.by("equal", **{kind: Bound(percent=D(-5))}))
    assert message(every) == f"The {kind} for Area A must not be negative"


def test_a_cap_below_its_floor_is_refused_but_a_cap_equal_to_it_is_not():
    below = CostSplit.by("equal", floors={"b": Bound(percent=D(30))}, caps={"b": Bound(percent=D("29.5"))})
    assert message(scenario(split=below)) == "The cap for Area B (29.5%) is below its floor (30%)"
    in_pence = CostSplit.by("equal", floors={"b": Bound(pence=300)}, caps={"b": Bound(pence=299)})
    assert message(scenario(split=in_pence)) == "The cap for Area B (£2.99) is below its floor (£3.00)"
    # Equal is allowed: B pays exactly that share. So is a percentage against an amount, which
    # cannot be compared before the year's cost is known.
    validate(scenario(split=CostSplit.by("equal", floors={"b": Bound(percent=D(30))},
                                         caps={"b": Bound(percent=D(30))})))
    validate(scenario(split=CostSplit.by("equal", floor=Bound(pence=30_000), cap=Bound(percent=D(50)))))
    result = run(scenario(split=CostSplit.by("equal", floors={"b": Bound(pence=30_000)},
                                             caps={"b": Bound(pence=30_000)})))
    assert result.partner("b").contribution_pence == 30_000


def test_floors_may_add_up_to_the_whole_cost_but_not_more():
    # A's floor is the whole cost (B's, given as an amount, does not count towards the percentage).
    whole = CostSplit.by("equal", floors={"a": Bound(percent=D(100)), "b": Bound(pence=0)})
    assert {o.code: o.contribution_pence for o in run(scenario(split=whole)).partners} == {"a": 100_000, "b": 0}
    too_much = CostSplit.by("equal", floors={"a": Bound(percent=D(60)), "b": Bound(percent=D("40.5"))})
    assert message(scenario(split=too_much)) == (
        "The floors add up to 100.5% of the cost: they cannot be more than 100%")


def test_caps_on_every_partner_must_add_up_to_at_least_the_whole_cost():
    short = CostSplit.by("equal", caps={"a": Bound(percent=D(40)), "b": Bound(percent=D("59.5"))})
    assert message(scenario(split=short)) == (
        "Every partner is capped and the caps add up to 99.5%: they must add up to at least 100%")
    exact = CostSplit.by("equal", caps={"a": Bound(percent=D(40)), "b": Bound(percent=D(60))})
    assert {o.code: o.contribution_pence for o in run(scenario(split=exact)).partners} == {"a": 40_000, "b": 60_000}
    # A partner capped by an amount leaves the percentages' sum unchecked (the year's cost decides).
    validate(scenario(split=CostSplit.by("equal", caps={"a": Bound(percent=D(40)), "b": Bound(pence=60_000)})))


@pytest.mark.parametrize("good", [
    scenario(costs=costs(take_up_percent=D(100))),
    scenario(costs=costs(take_up_percent=D(0))),
    scenario(costs=costs(years=10, inflation_percent=D(0))),
    scenario(costs=costs(scale=ScaleEconomies(exponent=D(1)))),
    scenario(costs=costs(scale=ScaleEconomies(percent=D("0.01")))),
    scenario(costs=costs(), split=CostSplit.by("equal", phase_in_years=3)),
    scenario(split=CostSplit.by("equal", floor=Bound(percent=D(50)), cap=Bound(percent=D(100)))),
    # A basis with no weight needs no figures, and equal shares need none at all.
    scenario(partners=(A, Partner("z", "Area Z", 0, 0, 0, 0)), split=CostSplit({"equal": D(100), "population": D(0)})),
    scenario(partners=(A,), joint=False),
])
def test_the_edges_of_each_rule_are_allowed(good):
    validate(good)
