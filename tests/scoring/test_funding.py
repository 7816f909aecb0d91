from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest

from scoring import optimiser
from scoring.funding import APPROACH, AREA, FundingRules, Minimum, Objective, Reason, recommend_funding
from scoring.optimiser import Status
from tests.scoring.builders import make_bid

D = Decimal


def reasons(recommendation):
    return {decision.reference: decision.reason for decision in recommendation.decisions}


def test_the_optimum_beats_rank_order_when_a_pair_outscores_the_top_bid():
    # £100: rank order funds A (£60) and then nothing else fits (£40 left): 3.50 in all.
    # B and C together cost £100 and score 6.00.
    bids = [make_bid("A", 60, "3.50"), make_bid("B", 50, "3.00"), make_bid("C", 50, "3.00")]
    result = recommend_funding(bids, FundingRules(budget_pence=10_000))
    assert result.status is Status.OPTIMAL and result.feasible
    assert result.optimum.references == ("B", "C")
    assert result.optimum.spend_pence == 10_000 and result.optimum.remaining_pence == 0
    assert result.rank_order.references == ("A",)
    assert result.gain == D("2.50")
    assert reasons(result) == {"A": Reason.DISPLACED, "B": Reason.SELECTED, "C": Reason.SELECTED}
    displaced = result.decisions[0]
    assert displaced.funded_in_rank_order and not displaced.recommended
    assert displaced.explanation == ("Rank order would fund it, but a combination of other bids gives a higher "
                                     "total score within the budget")
    assert result.decisions[1].explanation.endswith("plain rank order would not reach it")


def test_below_threshold_is_never_recommended_whatever_money_is_left():
    bids = [make_bid("A", 10, "3.00"), make_bid("B", 10, "1.99")]
    result = recommend_funding(bids, FundingRules(budget_pence=100_000, quality_threshold=D("2.00")))
    assert result.optimum.references == ("A",)
    assert reasons(result) == {"A": Reason.SELECTED, "B": Reason.BELOW_THRESHOLD}
    assert result.decisions[1].explanation == "Panel score 1.99 is below the quality threshold of 2.00"
    assert result.rank_order.references == ("A",)


def test_over_the_remaining_budget():
    bids = [make_bid("A", 80, "3.00"), make_bid("B", 30, "2.00")]
    result = recommend_funding(bids, FundingRules(budget_pence=10_000))
    assert reasons(result) == {"A": Reason.SELECTED, "B": Reason.OVER_REMAINING_BUDGET}
    assert result.decisions[1].explanation == "Asks for £30; £20 is left after the recommended bids"


def test_no_organisation_gets_more_than_its_share_of_the_budget():
    # 50% of £100: Tamar Trust may get £50 at most, so only one of its £30 bids.
    bids = [make_bid("T1", 30, "3.00", organisation="Tamar Trust"),
            make_bid("T2", 30, "3.00", organisation="Tamar Trust"),
            make_bid("K1", 40, "1.00", organisation="Kernow CIC")]
    result = recommend_funding(bids, FundingRules(budget_pence=10_000, max_organisation_share=D(50)))
    assert result.optimum.references == ("T1", "K1")
    assert result.rank_order.references == ("T1", "K1")
    assert result.decisions[1].reason is Reason.ORGANISATION_SHARE
    assert result.decisions[1].explanation == ("Funding it would give Tamar Trust £60, over its cap of £50 "
                                               "(50% of the budget)")
    assert result.gain == 0


def test_the_cap_is_rounded_down_to_the_penny():
    assert FundingRules(budget_pence=10_001, max_organisation_share=D(50)).organisation_cap_pence == 5_000


def test_an_area_minimum_changes_the_choice_and_rank_order_is_shown_for_comparison():
    bids = [make_bid("A", 60, "4.00", areas=["devon"]), make_bid("B", 50, "2.00", areas=["torbay"]),
            make_bid("C", 40, "3.00", areas=["devon"])]
    rules = FundingRules(budget_pence=10_000, minimums=(Minimum(AREA, "torbay", count=1, name="Torbay"),))
    result = recommend_funding(bids, rules)
    assert result.optimum.references == ("C", "B")
    assert result.rank_order.references == ("A", "C")
    assert result.rank_order.breaks == ("the minimum of 1 bid for Torbay",)
    assert result.gain == D("-2.00")  # the minimum costs 2 points; rank order is not a valid alternative
    assert result.notes == ("Rank order would not keep every rule (the minimum of 1 bid for Torbay), so it is "
                            "shown for comparison only",)
    assert reasons(result)["A"] is Reason.DISPLACED
    assert result.decisions[0].explanation == ("Rank order would fund it, but rank order misses the minimum of 1 "
                                               "bid for Torbay, and the best set that keeps every rule leaves it out")
    check = next(c for c in result.optimum.checks if c.key == "area:torbay:count")
    assert (check.required, check.achieved, check.met) == (1, 1, True)


def test_a_bid_counts_in_full_towards_every_area_and_approach_it_names():
    bids = [make_bid("A", 50, "2.00", areas=["devon", "plymouth"], approaches=["people", "place"]),
            make_bid("B", 50, "3.00", areas=["cornwall"])]
    rules = FundingRules(budget_pence=5_000, minimums=(
        Minimum(AREA, "devon", spend_pence=5_000), Minimum(AREA, "plymouth", spend_pence=5_000),
        Minimum(APPROACH, "place", count=1),
    ))
    result = recommend_funding(bids, rules)
    assert result.optimum.references == ("A",)
    assert all(check.met for check in result.optimum.checks)


def test_score_weighted_spend_prefers_spending_the_money_on_good_bids():
    bids = [make_bid("A", 100, "3.50"), make_bid("B", 50, "3.00"), make_bid("C", 30, "3.00")]
    by_score = recommend_funding(bids, FundingRules(budget_pence=10_000))
    assert by_score.optimum.references == ("C", "B")  # 6.00 against 3.50; listed in rank order
    by_value = recommend_funding(bids, FundingRules(budget_pence=10_000, objective=Objective.SCORE_WEIGHTED_SPEND))
    assert by_value.optimum.references == ("A",)  # 3.5 x £100 = 350 against 3 x £50 + 3 x £30 = 240
    assert by_value.optimum.objective_value == D("350.00")
    assert reasons(by_value)["B"] is Reason.OVER_REMAINING_BUDGET


def test_the_budget_is_kept_to_the_penny():
    bids = [replace(make_bid("A", 1, "3.00"), amount_pence=12_345),
            replace(make_bid("B", 1, "2.00"), amount_pence=7_655)]
    exact = recommend_funding(bids, FundingRules(budget_pence=20_000))
    assert exact.optimum.spend_pence == 20_000 and exact.optimum.references == ("A", "B")
    short = recommend_funding(bids, FundingRules(budget_pence=19_999))
    assert short.optimum.references == ("A",)
    assert short.decisions[1].explanation == "Asks for £76.55; £76.54 is left after the recommended bids"


def test_among_equally_good_sets_the_one_closest_to_rank_order_wins():
    # B and C tie on everything but the reference; only one fits. The optimum keeps rank order's choice.
    bids = [make_bid("C", 60, "3.00"), make_bid("B", 60, "3.00")]
    result = recommend_funding(bids, FundingRules(budget_pence=10_000))
    assert result.rank_order.references == ("B",)
    assert result.optimum.references == ("B",)
    assert reasons(result) == {"B": Reason.SELECTED, "C": Reason.OVER_REMAINING_BUDGET}


def test_nothing_to_fund():
    empty = recommend_funding([], FundingRules(budget_pence=10_000))
    assert empty.feasible and empty.optimum.references == () and empty.decisions == ()
    broke = recommend_funding([make_bid("A", 10, "3.00")], FundingRules(budget_pence=0))
    assert broke.optimum.references == () and reasons(broke) == {"A": Reason.OVER_REMAINING_BUDGET}


def test_a_bid_that_adds_nothing_is_explained():
    # Rank order spends £95 on A and cannot afford Z; the optimum (B and C) leaves £10, which Z fits,
    # but a score of 0 adds nothing, so the solver may leave it out.
    bids = [make_bid("A", 95, "4.00"), make_bid("B", 50, "3.00"), make_bid("C", 40, "3.00"), make_bid("Z", 10, "0.00")]
    result = recommend_funding(bids, FundingRules(budget_pence=10_000))
    assert result.optimum.references[:2] == ("C", "B")  # rank order: same score, cheaper first
    decision = result.decisions[3]
    if decision.recommended:
        assert decision.reason is Reason.SELECTED
    else:
        assert decision.reason is Reason.NO_GAIN
        assert decision.explanation == "Fits in the £10 left, but would add nothing to the objective"


@pytest.mark.parametrize(
    ("minimum", "budget", "message"),
    [
        (Minimum(AREA, "torbay", spend_pence=10_000, name="Torbay"), 100_000,
         "The minimum spend of £100 for Torbay cannot be met: the eligible bids towards it ask for £50 in all"),
        (Minimum(AREA, "devon", spend_pence=12_000, name="Devon"), 10_000,
         "The minimum spend of £120 for Devon cannot be met: it is more than the £100 budget"),
        (Minimum(AREA, "devon", spend_pence=5_000, name="Devon"), 5_000,
         "The minimum spend of £50 for Devon cannot be met: no combination of the eligible bids towards it "
         "reaches it within the budget"),
        (Minimum(APPROACH, "people", count=3, name="People"), 100_000,
         "The minimum of 3 bids for People cannot be met: only 2 eligible bids count towards it"),
        (Minimum(APPROACH, "place", count=2, name="Place"), 10_000,
         "The minimum of 2 bids for Place cannot be met: the 2 bids towards it that cost least ask for £130, "
         "more than the £100 budget"),
        (Minimum(AREA, "scilly", count=1, name="the Isles of Scilly"), 100_000,
         "The minimum of 1 bid for the Isles of Scilly cannot be met: only 0 eligible bids count towards it"),
    ],
)
def test_a_minimum_that_cannot_be_met_is_named_not_raised(minimum, budget, message):
    bids = [make_bid("T", 50, "3.00", areas=["torbay"], approaches=["people"]),
            make_bid("D1", 60, "3.00", areas=["devon"], approaches=["people", "place"]),
            make_bid("D2", 70, "2.00", areas=["devon"], approaches=["place"]),
            make_bid("S", 10, "1.00", areas=["scilly"], approaches=["people"])]  # below the threshold
    result = recommend_funding(bids, FundingRules(budget_pence=budget, quality_threshold=D(2), minimums=(minimum,)))
    assert result.status is Status.INFEASIBLE and not result.feasible
    assert result.optimum is None and result.gain is None
    assert result.unmet == (message,)
    assert {d.reason for d in result.decisions} <= {Reason.NO_RECOMMENDATION, Reason.BELOW_THRESHOLD}
    assert reasons(result)["S"] is Reason.BELOW_THRESHOLD


def test_minimums_possible_alone_but_not_together_are_each_named():
    bids = [make_bid("T", 60, "3.00", areas=["torbay"]), make_bid("P", 60, "3.00", areas=["plymouth"])]
    rules = FundingRules(budget_pence=10_000, minimums=(
        Minimum(AREA, "torbay", count=1, name="Torbay"), Minimum(AREA, "plymouth", count=1, name="Plymouth")))
    result = recommend_funding(bids, rules)
    assert result.unmet_keys == ("area:torbay:count", "area:plymouth:count")
    assert result.unmet[0] == ("The minimum of 1 bid for Torbay cannot be met together with the other minimums; "
                               "without it they can")


def test_when_no_single_minimum_can_be_dropped_all_are_named():
    bids = [make_bid(code, 60, "3.00", areas=[code]) for code in ("cornwall", "devon", "torbay")]
    rules = FundingRules(budget_pence=10_000, minimums=tuple(Minimum(AREA, code, count=1) for code in
                                                              ("cornwall", "devon", "torbay")))
    result = recommend_funding(bids, rules)
    assert len(result.unmet) == 3
    assert all(message.endswith("(two or more of them would have to be dropped)") for message in result.unmet)


def test_malformed_rules_are_refused():
    with pytest.raises(ValueError, match="budget"):
        FundingRules(budget_pence=-1)
    with pytest.raises(ValueError, match="more than 0%"):
        FundingRules(budget_pence=100, max_organisation_share=D(120))
    with pytest.raises(TypeError):
        FundingRules(budget_pence=100, quality_threshold=2.0)
    with pytest.raises(ValueError, match="not 'county'"):
        FundingRules(budget_pence=100, minimums=(Minimum("county", "devon", count=1),))
    with pytest.raises(ValueError, match="two minimums"):
        FundingRules(budget_pence=100, minimums=(Minimum(AREA, "devon", count=1), Minimum(AREA, "devon")))
    with pytest.raises(ValueError, match="must not be negative"):
        FundingRules(budget_pence=100, minimums=(Minimum(AREA, "devon", count=-1),))


class FakeResult:
    def __init__(self, x):
        self.x, self.status, self.message = np.array(x, dtype=float), 0, "fake"


def test_an_answer_over_budget_by_a_rounding_error_is_solved_again_tighter(monkeypatch):
    # A solver answer that rounds to both bids (£100.01 > £100) is checked in whole pence, and the
    # budget row is tightened by the excess before solving again.
    answers = iter([[1.0, 0.9999999], [1.0, 0.0]])
    upper_bounds = []

    def fake_milp(cost, integrality, bounds, constraints, options):
        upper_bounds.append(constraints[0].ub[0])
        return FakeResult(next(answers))

    monkeypatch.setattr(optimiser, "milp", fake_milp)
    bids = [make_bid("A", 50, "3.00"), replace(make_bid("B", 1, "2.00"), amount_pence=5_001)]
    result = recommend_funding(bids, FundingRules(budget_pence=10_000))
    assert upper_bounds == [10_000, 9_999]
    assert result.optimum.references == ("A",) and result.optimum.spend_pence <= 10_000


def test_the_solver_giving_up_is_a_result_not_an_exception(monkeypatch):
    class GaveUp:
        x, status, message = None, 4, "numerical trouble"

    monkeypatch.setattr(optimiser, "milp", lambda *args, **kwargs: GaveUp())
    result = recommend_funding([make_bid("A", 50, "3.00")], FundingRules(budget_pence=10_000))
    assert result.status is Status.FAILED and not result.feasible
    assert result.notes == ("The solver did not find a recommendation: numerical trouble",)


def decisions(recommendation):
    """Every field of every decision, in rank order."""
    return [(d.reference, d.rank, d.recommended, d.funded_in_rank_order, d.reason, d.explanation)
            for d in recommendation.decisions]


def test_a_bid_exactly_at_the_quality_threshold_can_be_funded():
    # Threshold 2.00: B scores exactly 2.00 and is eligible (only scores below it are left out); C at
    # 1.99 is not, though £80 would be left for it. Rank order and the optimum both fund A and B.
    bids = [make_bid("A", 10, "3.00"), make_bid("B", 10, "2.00"), make_bid("C", 10, "1.99")]
    result = recommend_funding(bids, FundingRules(budget_pence=10_000, quality_threshold=D("2.00")))
    assert result.optimum.references == ("A", "B") and result.rank_order.references == ("A", "B")
    assert result.optimum.total_score == D("5.00") and result.optimum.remaining_pence == 8_000
    assert decisions(result) == [
        ("A", 1, True, True, Reason.SELECTED, "Recommended: part of the best combination within the rules"),
        ("B", 2, True, True, Reason.SELECTED, "Recommended: part of the best combination within the rules"),
        ("C", 3, False, False, Reason.BELOW_THRESHOLD, "Panel score 1.99 is below the quality threshold of 2.00"),
    ]


def test_a_threshold_no_bid_reaches_recommends_nothing():
    # Every bid is below 3.00, so nothing is eligible: the optimum is the empty set, like rank order.
    bids = [make_bid("A", 10, "2.99"), make_bid("B", 10, "2.00")]
    result = recommend_funding(bids, FundingRules(budget_pence=10_000, quality_threshold=D("3.00")))
    assert result.feasible and result.optimum.references == () and result.rank_order.references == ()
    assert result.gain == 0 and result.optimum.remaining_pence == 10_000
    assert [d.reason for d in result.decisions] == [Reason.BELOW_THRESHOLD, Reason.BELOW_THRESHOLD]


def test_the_cap_explanation_adds_up_everything_the_organisation_already_gets():
    # Tamar Trust may get 50% of £100 = £50. T1 and T2 (£20 each) are funded: £40 so far. T3 (£20) fits
    # the £20 left but would bring Tamar Trust to £40 + £20 = £60, over £50. K1 is another organisation's.
    bids = [make_bid("T1", 20, "3.00", organisation="Tamar Trust"),
            make_bid("T2", 20, "3.00", organisation="Tamar Trust"),
            make_bid("T3", 20, "2.50", organisation="Tamar Trust"),
            make_bid("K1", 40, "1.00", organisation="Kernow CIC")]
    result = recommend_funding(bids, FundingRules(budget_pence=10_000, max_organisation_share=D(50)))
    assert result.optimum.references == ("T1", "T2", "K1") == result.rank_order.references
    assert result.optimum.remaining_pence == 2_000
    assert decisions(result)[2] == (
        "T3", 3, False, False, Reason.ORGANISATION_SHARE,
        "Funding it would give Tamar Trust £60, over its cap of £50 (50% of the budget)")
    cap = next(check for check in result.optimum.checks if check.key == "organisation:Tamar Trust")
    assert (cap.label, cap.required, cap.achieved, cap.met) == ("the £50 cap for Tamar Trust", 5_000, 4_000, True)


def test_the_score_weighted_objective_values_the_money_by_the_score_spending_it():
    # £100. Rank order funds A (£60 at 3.50: 3.5 x 60 = 210) and nothing else fits. B and C (£50 each
    # at 3.00) spend the whole £100: 3 x 50 + 3 x 50 = 300. The optimum gains 90 score-weighted pounds.
    bids = [make_bid("A", 60, "3.50"), make_bid("B", 50, "3.00"), make_bid("C", 50, "3.00")]
    rules = FundingRules(budget_pence=10_000, objective=Objective.SCORE_WEIGHTED_SPEND)
    result = recommend_funding(bids, rules)
    assert result.optimum.references == ("B", "C") and result.rank_order.references == ("A",)
    assert result.optimum.objective_value == D("300.00") and result.rank_order.objective_value == D("210.00")
    assert result.optimum.total_score == D("6.00") and result.gain == D("90.00")
    assert decisions(result)[0] == (
        "A", 1, False, True, Reason.DISPLACED,
        "Rank order would fund it, but a combination of other bids gives more score-weighted value within "
        "the budget")


def test_the_score_weighted_objective_counts_pence():
    # 2.50 x £10.01 = 25.025: pence are not rounded away before multiplying.
    bid = replace(make_bid("A", 1, "2.50"), amount_pence=1_001)
    result = recommend_funding([bid], FundingRules(budget_pence=10_000, objective="score_weighted_spend"))
    assert result.rules.objective is Objective.SCORE_WEIGHTED_SPEND
    assert result.optimum.objective_value == D("25.0250")


def test_with_no_recommendation_every_decision_says_why():
    # Torbay needs two bids and has one: no set keeps the rules. The bid below the threshold says so;
    # the others have no recommendation. Plain rank order is still shown (and funds A).
    bids = [make_bid("A", 10, "3.00", areas=["torbay"]), make_bid("B", 10, "1.00", areas=["torbay"])]
    rules = FundingRules(budget_pence=10_000, quality_threshold=D(2),
                         minimums=(Minimum(AREA, "torbay", count=2, name="Torbay"),))
    result = recommend_funding(bids, rules)
    assert result.status is Status.INFEASIBLE and result.rank_order.references == ("A",)
    assert decisions(result) == [
        ("A", 1, False, True, Reason.NO_RECOMMENDATION, "No recommendation: the round's rules cannot all be met"),
        ("B", 2, False, False, Reason.BELOW_THRESHOLD, "Panel score 1.00 is below the quality threshold of 2"),
    ]


def test_every_field_of_a_bid_over_the_remaining_budget_and_of_the_budget_check():
    # £100: A (£80) is funded; B asks £30 with £20 left. The budget check reads £80 spent of £100.
    bids = [make_bid("A", 80, "3.00"), make_bid("B", 30, "2.00")]
    result = recommend_funding(bids, FundingRules(budget_pence=10_000))
    assert decisions(result)[1] == ("B", 2, False, False, Reason.OVER_REMAINING_BUDGET,
                                    "Asks for £30; £20 is left after the recommended bids")
    (budget,) = result.optimum.checks
    assert (budget.key, budget.label, budget.sense, budget.required, budget.achieved, budget.met) == (
        "budget", "the £100 budget", optimiser.Sense.AT_MOST, 10_000, 8_000, True)


def test_a_count_minimum_is_checked_as_a_count():
    bids = [make_bid("A", 10, "3.00", approaches=["people"]), make_bid("B", 10, "3.00")]
    rules = FundingRules(budget_pence=10_000, minimums=(Minimum(APPROACH, "people", count=1),))
    (check,) = [c for c in recommend_funding(bids, rules).optimum.checks if c.key == "approach:people:count"]
    assert (check.label, check.sense, check.required, check.achieved) == (
        "the minimum of 1 bid for people", optimiser.Sense.AT_LEAST, 1, 1)
    (requirement,) = [r for r in rules.requirements(bids) if r.key == "approach:people:count"]
    assert requirement.measure is optimiser.Measure.COUNT
