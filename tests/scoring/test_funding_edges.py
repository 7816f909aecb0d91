"""The funding recommendation at the edges of its rules: exactly at a cap, ties, several broken rules,
the solver's time limit, and malformed rules refused in words (scoring/funding.py)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from scoring import optimiser
from scoring.funding import AREA, FundingRules, Minimum, Objective, Reason, _integer_objective, recommend_funding
from scoring.optimiser import Status
from tests.scoring.builders import make_bid
from tests.scoring.test_funding import FakeResult, decisions, reasons

D = Decimal


def test_among_several_equally_good_sets_the_optimum_keeps_rank_orders():
    # Four bids alike but for the reference; two fit. Rank order funds A and B, and so does the optimum.
    bids = [make_bid(code, 40, "3.00") for code in "ABCD"]
    result = recommend_funding(bids, FundingRules(budget_pence=10_000))
    assert result.optimum.references == result.rank_order.references == ("A", "B")
    assert reasons(result) == {"A": Reason.SELECTED, "B": Reason.SELECTED, "C": Reason.OVER_REMAINING_BUDGET,
                               "D": Reason.OVER_REMAINING_BUDGET}


def test_a_bid_that_brings_its_organisation_exactly_to_its_cap_is_funded():
    # The cap is 50% of £100 = £50: Tamar's £30 and £20 come to exactly £50, which is allowed.
    bids = [make_bid("T1", 30, "3.00", organisation="Tamar"), make_bid("T2", 20, "2.00", organisation="Tamar")]
    result = recommend_funding(bids, FundingRules(budget_pence=10_000, max_organisation_share=D(50)))
    assert result.rank_order.references == result.optimum.references == ("T1", "T2")
    alone = recommend_funding([make_bid("T", 50, "3.00")], FundingRules(budget_pence=10_000,
                                                                         max_organisation_share=D(50)))
    assert alone.rank_order.references == alone.optimum.references == ("T",)


def test_a_bid_that_would_fit_exactly_at_the_cap_but_adds_nothing():
    # £100, cap 60% = £60. Rank order funds C (£30) and Tamar's D (£60): 7.50; A and B no longer fit.
    # The optimum, C, A and B (£70, 8.50), leaves £30 and gives Tamar £40. Z (£20, score 0) fits the
    # money and would bring Tamar to exactly its £60 cap, so neither stops it: it just adds nothing.
    bids = [make_bid("C", 30, "4.00", organisation="Kernow"), make_bid("D", 60, "3.50", organisation="Tamar"),
            make_bid("A", 30, "2.50", organisation="Tamar"), make_bid("B", 10, "2.00", organisation="Tamar"),
            make_bid("Z", 20, "0.00", organisation="Tamar")]
    result = recommend_funding(bids, FundingRules(budget_pence=10_000, max_organisation_share=D(60)))
    assert result.rank_order.references == ("C", "D")
    assert result.optimum.references == ("C", "A", "B") and result.optimum.remaining_pence == 3_000
    assert decisions(result)[4] == ("Z", 5, False, False, Reason.NO_GAIN,
                                    "Fits in the £30 left, but would add nothing to the objective")


def test_a_bid_over_the_cap_on_its_own_counts_from_nothing():
    # Kernow has nothing in the optimum; its £60 bid alone is over the £50 cap.
    bids = [make_bid("A", 20, "3.00"), make_bid("K", 60, "2.00", organisation="Kernow")]
    result = recommend_funding(bids, FundingRules(budget_pence=10_000, max_organisation_share=D(50)))
    assert decisions(result)[1] == ("K", 2, False, False, Reason.ORGANISATION_SHARE,
                                    "Funding it would give Kernow £60, over its cap of £50 (50% of the budget)")


def test_the_scores_decimals_count():
    # A scores 4.1; B and C together 2.9 + 1.9 = 4.8, so they beat A though their whole points (2 + 1) do not.
    bids = [make_bid("A", 60, "4.1"), make_bid("B", 50, "2.9"), make_bid("C", 50, "1.9")]
    result = recommend_funding(bids, FundingRules(budget_pence=10_000))
    assert result.optimum.references == ("B", "C") and result.gain == D("0.7")


def test_when_rank_order_breaks_several_rules_all_are_named():
    bids = [make_bid("A", 80, "4.00"), make_bid("T", 10, "2.00", areas=["torbay"]),
            make_bid("P", 10, "2.00", areas=["plymouth"]), make_bid("X", 15, "3.00")]
    rules = FundingRules(budget_pence=10_000, minimums=(Minimum(AREA, "torbay", count=1, name="Torbay"),
                                                        Minimum(AREA, "plymouth", count=1, name="Plymouth")))
    result = recommend_funding(bids, rules)
    # Rank order: A (£80), then X (£15); T and P no longer fit.
    assert result.rank_order.references == ("A", "X")
    missed = "the minimum of 1 bid for Torbay; the minimum of 1 bid for Plymouth"
    assert result.notes == (f"Rank order would not keep every rule ({missed}), so it is shown for comparison only",)
    # The optimum keeps A and funds T and P instead of X.
    assert result.optimum.references == ("A", "P", "T")  # P and T tie to the reference
    assert decisions(result)[1][5] == (f"Rank order would fund it, but rank order misses {missed}, and the best set "
                                       "that keeps every rule leaves it out")


def test_with_no_recommendation_the_rules_are_still_given_back():
    rules = FundingRules(budget_pence=10_000, minimums=(Minimum(AREA, "torbay", count=1),))
    result = recommend_funding([make_bid("A", 10, "3.00")], rules)
    assert result.status is Status.INFEASIBLE and result.rules is rules


def test_a_recommendation_found_at_the_time_limit_says_it_may_not_be_the_best(monkeypatch):
    class TimeLimit:
        x, status, message = np.array([1.0]), 1, "Time limit reached"

    monkeypatch.setattr(optimiser, "milp", lambda *args, **kwargs: TimeLimit())
    result = recommend_funding([make_bid("A", 50, "3.00")], FundingRules(budget_pence=10_000))
    assert result.status is Status.FEASIBLE and result.optimum.references == ("A",)
    assert result.notes == ("The solver stopped at its time limit: this set keeps every rule but may not be the best",)


def test_the_time_limit_reaches_the_solver(monkeypatch):
    limits = []

    def fake_milp(cost, integrality, bounds, constraints, options):
        limits.append(options["time_limit"])
        return FakeResult([1.0])

    monkeypatch.setattr(optimiser, "milp", fake_milp)
    recommend_funding([make_bid("A", 50, "3.00")], FundingRules(budget_pence=10_000), time_limit_seconds=4.0)
    recommend_funding([make_bid("A", 50, "3.00")], FundingRules(budget_pence=10_000))
    assert limits == [4.0, 30.0]


@pytest.mark.parametrize("budget", [-1, True, 100.0, "100"])
def test_the_budget_is_whole_pence(budget):
    with pytest.raises(ValueError) as raised:
        FundingRules(budget_pence=budget)
    assert str(raised.value) == "The budget must be whole pence, £0 or more"


def test_the_threshold_and_share_are_decimals_not_floats():
    for changes in ({"quality_threshold": 2.0}, {"max_organisation_share": 25.0}):
        with pytest.raises(TypeError) as raised:
            FundingRules(budget_pence=100, **changes)
        assert str(raised.value) == "Give the threshold and the share as Decimals, not floats"


def test_a_threshold_given_as_text_or_a_whole_number_becomes_a_decimal():
    rules = FundingRules(budget_pence=10_000, quality_threshold="2.50", minimums=[Minimum(AREA, "torbay")])
    assert rules.quality_threshold == D("2.50") and isinstance(rules.quality_threshold, D)
    assert rules.minimums == (Minimum(AREA, "torbay"),)  # a list becomes a tuple
    bids = [make_bid("A", 10, "2.50"), make_bid("B", 10, "2.49")]
    assert reasons(recommend_funding(bids, rules)) == {"A": Reason.SELECTED, "B": Reason.BELOW_THRESHOLD}


@pytest.mark.parametrize("share", [D("0.5"), D(1), D(100)])
def test_any_share_above_0_up_to_100_percent(share):
    assert FundingRules(budget_pence=10_000, max_organisation_share=share).organisation_cap_pence == int(100 * share)


@pytest.mark.parametrize("share", [D(0), D("-1"), D("100.5")])
def test_a_share_of_0_or_over_100_percent_is_refused(share):
    with pytest.raises(ValueError) as raised:
        FundingRules(budget_pence=10_000, max_organisation_share=share)
    assert str(raised.value) == "The maximum share for one organisation must be more than 0% and at most 100%"


def test_the_rank_order_tie_break_is_left_out_when_the_numbers_get_too_big():
    # Scores to whole numbers (3.45 → 345, 2 → 200), times len(keep) + 1 = 2, plus 1 for the bid in keep.
    bids = [make_bid("A", 1, "3.45"), make_bid("B", 1, "2")]
    assert _integer_objective(bids, Objective.TOTAL_SCORE, frozenset({"A"})) == {"A": 691, "B": 400}
    # 2 × (2**31 − 1 + 1) reaches TIE_BREAK_LIMIT (2**32): the scaled scores are returned as they are.
    at_limit = [make_bid("A", 1, str(2**31 - 1))]
    assert _integer_objective(at_limit, Objective.TOTAL_SCORE, frozenset({"A"})) == {"A": 2**31 - 1}
    below = [make_bid("A", 1, str(2**31 - 2))]
    assert _integer_objective(below, Objective.TOTAL_SCORE, frozenset({"A"})) == {"A": 2 * (2**31 - 2) + 1}


def test_an_infinite_panel_score_is_refused_in_words():
    bids = [make_bid("A", 10, "3.00"), make_bid("B", 10, "Infinity")]
    with pytest.raises(TypeError) as raised:
        recommend_funding(bids, FundingRules(budget_pence=10_000))
    assert str(raised.value) == "A panel score must be a finite number, not Infinity"
