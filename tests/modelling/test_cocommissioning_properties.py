"""Co-commissioning invariants: contributions add up to the penny, equal inputs share equally,
partner order does not matter, floors and caps hold."""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from grants.modelling.cocommissioning import Bound, CostModel, CostSplit, Partner, ScaleEconomies, Scenario, run
from grants.modelling.cocommissioning_methods import BASES

figure = st.integers(min_value=1, max_value=2_000_000)


@st.composite
def partners(draw, min_size=2, max_size=6):
    codes = draw(st.lists(st.text("abcdefgh", min_size=1, max_size=3), min_size=min_size, max_size=max_size,
                          unique=True))
    return tuple(Partner(code, f"Area {code}", draw(figure), draw(figure), draw(figure), draw(figure))
                 for code in codes)


@st.composite
def cost_models(draw):
    scale = draw(st.one_of(
        st.builds(ScaleEconomies, percent=st.decimals(min_value=1, max_value=150, places=1)),
        st.builds(ScaleEconomies, exponent=st.decimals(min_value=D("0.1"), max_value=1, places=2)),
    ))
    return CostModel(
        setup_pence=draw(st.integers(0, 10**8)), fixed_annual_pence=draw(st.integers(0, 10**8)),
        cost_per_client_pence=draw(st.integers(0, 10**6)), take_up_percent=draw(st.decimals(0, 100, places=1)),
        inflation_percent=draw(st.decimals(0, 10, places=1)), years=draw(st.integers(1, 10)), scale=scale,
    )


@st.composite
def weights(draw):
    """Whole-percent weights over a few bases, adding up to exactly 100."""
    bases = draw(st.lists(st.sampled_from(sorted(BASES)), min_size=1, max_size=5, unique=True))
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=len(bases) - 1, max_size=len(bases) - 1)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    return {basis: D(part) for basis, part in zip(bases, parts, strict=True)}


@st.composite
def scenarios(draw):
    members = draw(partners())
    costs = draw(cost_models())
    n = len(members)
    floor = draw(st.none() | st.decimals(0, D(100) / n, places=2).map(lambda p: Bound(percent=p)))
    cap = draw(st.none() | st.decimals(D(100) / n, 100, places=2).map(lambda p: Bound(percent=p)))
    if floor and cap and cap.percent < floor.percent:
        cap = None
    split = CostSplit(draw(weights()), floor=floor, cap=cap, phase_in_years=draw(st.integers(0, costs.years)))
    return Scenario("any", members, costs, split)


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_contributions_add_up_exactly_each_year_and_over_the_contract(scenario):
    result = run(scenario)
    for index, year_cost in enumerate(result.year_costs):
        assert sum(o.years[index].contribution_pence for o in result.partners) == year_cost
    assert sum(o.contribution_pence for o in result.partners) == result.total_pence == sum(result.year_costs)
    for outcome in result.partners:
        assert outcome.saving_pence == outcome.standalone_pence - outcome.contribution_pence
        assert all(year.contribution_pence >= 0 for year in outcome.years)


@settings(max_examples=150, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_each_method_is_invariant_to_the_order_of_partners(scenario, random):
    shuffled = list(scenario.partners)
    random.shuffle(shuffled)
    assert run(replace(scenario, partners=tuple(shuffled))) == run(scenario)


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 8), figure, figure, figure, figure, cost_models(), weights())
def test_equal_inputs_give_shares_within_a_penny(count, population, aged, ocu, caseload, costs, split_weights):
    members = tuple(Partner(f"p{i}", f"Area {i}", population, aged, ocu, caseload) for i in range(count))
    result = run(Scenario("equal", members, costs, CostSplit(split_weights)))
    for index in range(costs.years):
        amounts = [o.years[index].contribution_pence for o in result.partners]
        assert max(amounts) - min(amounts) <= 1


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_floors_and_caps_are_respected(scenario):
    result = run(scenario)
    split = scenario.split
    for index, year_cost in enumerate(result.year_costs):
        for outcome in result.partners:
            amount = outcome.years[index].contribution_pence
            if split.floor is not None:
                assert amount >= math.floor(year_cost * split.floor.percent / 100)
            if split.cap is not None:
                assert amount <= math.ceil(year_cost * split.cap.percent / 100)


@settings(max_examples=100, deadline=None)
@given(partners(min_size=3, max_size=5), st.integers(0, 10**7), st.integers(1, 10**7))
def test_amount_floors_and_caps_are_met_exactly(members, floor_pence, extra):
    costs = CostModel(0, 10**7, 1_000, years=2)
    split = CostSplit.by("population", floor=Bound(pence=floor_pence),
                         caps={members[0].code: Bound(pence=floor_pence + extra)})
    try:
        result = run(Scenario("bounds", members, costs, split))
    except ValueError as error:  # floors or caps that cannot be met say why
        assert "floors come to" in str(error) or "caps come to" in str(error)
        return
    for outcome in result.partners:
        for year in outcome.years:
            assert year.contribution_pence >= floor_pence
    assert all(year.contribution_pence <= floor_pence + extra for year in result.partner(members[0].code).years)
