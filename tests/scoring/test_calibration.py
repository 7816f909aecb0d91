from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.calibration import NO_SPREAD, ONE_BID, mean, normalise_totals, population_sd
from scoring.rubrics import Rubric
from tests.scoring.builders import make_criterion

D = Decimal


@pytest.fixture
def rubric() -> Rubric:
    return Rubric("Zero to four", 1, (make_criterion("a", 100),))


def test_a_harsh_and_a_generous_scorer_come_out_alike(rubric):
    # ana marks a point lower than ben on both bids. All four totals: mean 2.5, spread sqrt(1.25) = 1.118.
    # Each scorer's own mean is 1 below/above their bids (spread 1), so z = -1 and +1 for both:
    # 2.5 - 1.118 = 1.38 and 2.5 + 1.118 = 3.62.
    totals = {("ana", "B1"): D("1.00"), ("ana", "B2"): D("3.00"), ("ben", "B1"): D("2.00"), ("ben", "B2"): D("4.00")}
    result = normalise_totals(rubric, totals)
    assert result.target_mean == D("2.50")
    assert result.target_spread == D("1.12")
    assert result.normalised == {("ana", "B1"): D("1.38"), ("ana", "B2"): D("3.62"),
                                 ("ben", "B1"): D("1.38"), ("ben", "B2"): D("3.62")}
    assert result.raw == totals  # kept side by side
    assert all(entry.adjusted and not entry.clipped for entry in result.entries)
    assert dict(result.left_as_is) == {}


def test_scorers_with_one_bid_or_no_spread_are_left_as_is_and_say_so(rubric):
    totals = {("ana", "B1"): D("1.00"), ("ana", "B2"): D("3.00"),
              ("cat", "B1"): D("2.50"),
              ("dan", "B1"): D("3.00"), ("dan", "B2"): D("3.00")}
    result = normalise_totals(rubric, totals)
    assert dict(result.left_as_is) == {"cat": ONE_BID, "dan": NO_SPREAD}
    assert result.normalised[("cat", "B1")] == D("2.50")
    assert result.normalised[("dan", "B2")] == D("3.00")
    assert [(e.adjusted, e.clipped) for e in result.entries if e.scorer in ("cat", "dan")] == [(False, False)] * 3


def test_a_chosen_target_and_holding_at_the_ends_of_the_scale(rubric):
    totals = {("ana", "B1"): D("0.00"), ("ana", "B2"): D("2.00"), ("ana", "B3"): D("4.00")}
    # ana: mean 2, spread sqrt(8/3) = 1.633; with a target spread of 3, z = -1.22 gives 2 - 3.67 < 0.
    result = normalise_totals(rubric, totals, target_mean=D(2), target_spread=D(3))
    assert result.normalised == {("ana", "B1"): D("0.00"), ("ana", "B2"): D("2.00"), ("ana", "B3"): D("4.00")}
    assert [entry.clipped for entry in result.entries] == [True, False, True]
    with pytest.raises(ValueError, match="^The target spread must be 0 or more$"):
        normalise_totals(rubric, totals, target_spread=D(-1))


def test_nothing_to_normalise(rubric):
    result = normalise_totals(rubric, {})
    assert result.entries == () and result.normalised == {}
    assert (result.target_mean, result.target_spread, dict(result.left_as_is)) == (D(0), D(0), {})


def test_mean_and_population_sd():
    assert mean([D(1), D(2), D(6)]) == D(3)
    assert population_sd([D(2), D(4), D(4), D(4), D(5), D(5), D(7), D(9)]) == D(2)


totals_strategy = st.dictionaries(
    keys=st.tuples(st.sampled_from(["ana", "ben", "cat", "dan"]), st.sampled_from([f"B{n}" for n in range(8)])),
    values=st.integers(0, 400).map(lambda hundredths: D(hundredths) / 100),
    min_size=1,
    max_size=32,
)


@settings(max_examples=80, deadline=None)
@given(totals_strategy)
def test_normalisation_keeps_each_scorers_order_and_the_scale(totals):
    rubric = Rubric("Zero to four", 1, (make_criterion("a", 100),))
    result = normalise_totals(rubric, totals)
    normalised = result.normalised
    assert result.raw == totals
    for (scorer, bid), raw in totals.items():
        assert D(0) <= normalised[(scorer, bid)] <= D(4)
        for (other_scorer, other_bid), other_raw in totals.items():
            if other_scorer != scorer:
                continue
            if raw < other_raw:
                assert normalised[(scorer, bid)] <= normalised[(other_scorer, other_bid)]
            elif raw == other_raw:
                assert normalised[(scorer, bid)] == normalised[(other_scorer, other_bid)]
    for scorer in result.left_as_is:
        assert all(normalised[key] == totals[key] for key in totals if key[0] == scorer)


def test_a_scorer_whose_spread_is_not_1_is_divided_by_it(rubric):
    # ana uses the whole scale (0 and 4: her mean 2, spread sqrt((4 + 4) / 2) = 2); ben is cautious
    # (1 and 3: mean 2, spread 1). Both put B2 one spread above their own mean and B1 one below, so
    # both come out alike. All four totals: mean 2, spread sqrt((4 + 4 + 1 + 1) / 4) = sqrt(2.5) = 1.5811.
    # z = (4 - 2) / 2 = 1 for ana's B2: 2 + 1.5811 x 1 = 3.58; B1: 2 - 1.5811 = 0.42.
    # (Multiplying by ana's spread instead would give 2 + 1.5811 x 2 x 2 = 8.32, held at 4.)
    totals = {("ana", "B1"): D("0.00"), ("ana", "B2"): D("4.00"), ("ben", "B1"): D("1.00"), ("ben", "B2"): D("3.00")}
    result = normalise_totals(rubric, totals)
    assert (result.target_mean, result.target_spread) == (D("2.00"), D("1.58"))
    assert result.normalised == {("ana", "B1"): D("0.42"), ("ana", "B2"): D("3.58"),
                                 ("ben", "B1"): D("0.42"), ("ben", "B2"): D("3.58")}
    assert not any(entry.clipped for entry in result.entries)


def test_a_chosen_target_with_a_scorer_of_spread_2(rubric):
    # cat gives 0 and 4: mean 2, spread 2, so z = (0 - 2) / 2 = -1 and (4 - 2) / 2 = 1.
    # With a target of mean 2.5 and spread 0.5: 2.5 - 0.5 = 2.00 and 2.5 + 0.5 = 3.00.
    # (Multiplying by the spread: 2.5 - 0.5 x 2 x 2 = 0.50 and 4.50, held at 4.)
    totals = {("cat", "B1"): D("0.00"), ("cat", "B2"): D("4.00")}
    result = normalise_totals(rubric, totals, target_mean=D("2.5"), target_spread=D("0.5"))
    assert result.normalised == {("cat", "B1"): D("2.00"), ("cat", "B2"): D("3.00")}
    assert (result.target_mean, result.target_spread) == (D("2.50"), D("0.50"))
