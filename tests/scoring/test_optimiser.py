"""The mixed-integer programme behind the funding recommendation (scoring/optimiser.py), called directly:
requirements in words, what the solver's answers become, re-solving after a rounding error, and why a
minimum cannot be met."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from scoring import optimiser
from scoring.optimiser import Measure, Requirement, Sense, Solution, Status, diagnose, solve
from tests.scoring.builders import make_bid


def budget(limit: int, bids) -> Requirement:
    return Requirement("budget", f"the budget of {limit}p", Measure.SPEND, Sense.AT_MOST, limit,
                       frozenset(bid.reference for bid in bids))


def test_a_requirement_in_words():
    spend = Requirement("s", "s", Measure.SPEND, Sense.AT_LEAST, 0, frozenset())
    count = Requirement("c", "c", Measure.COUNT, Sense.AT_LEAST, 0, frozenset())
    assert (spend.describe(150), spend.describe(1_000_000)) == ("£1.50", "£10,000")
    assert (count.describe(0), count.describe(1), count.describe(2)) == ("0 bids", "1 bid", "2 bids")


def test_a_maximum_number_of_bids_counts_each_bid_once():
    bids = [make_bid("A", 10, "3.00"), make_bid("B", 10, "2.00")]
    at_most_one = Requirement("count", "at most one bid", Measure.COUNT, Sense.AT_MOST, 1,
                              frozenset({"A", "B"}))
    assert solve(bids, {"A": 3, "B": 2}, [at_most_one]).chosen == ("A",)


def test_a_minimum_is_a_floor_not_a_target():
    # At least one bid, and money for both: both are funded, two being more than the minimum of one.
    bids = [make_bid("A", 10, "3.00"), make_bid("B", 10, "2.00")]
    at_least_one = Requirement("count", "at least one bid", Measure.COUNT, Sense.AT_LEAST, 1, frozenset({"A", "B"}))
    assert solve(bids, {"A": 3, "B": 2}, [budget(2_000, bids), at_least_one]).chosen == ("A", "B")


# An 18-bid knapsack whose values are nearly their costs. A solver allowed HiGHS's usual relative gap
# (0.01%) settles for a set worth 32,058,128; the best set is worth 32,059,969.
AMOUNTS = [9792153, 2206375, 4449804, 4628016, 9134846, 2831097, 5520323, 3360820, 1178402, 7753282, 1558186,
           3523678, 5484205, 5366718, 2052442, 9826634, 7741926, 9654914]
VALUES = [9793074, 2213622, 4452735, 4633428, 9144095, 2833865, 5527581, 3362426, 1181627, 7762981, 1562397,
          3528838, 5487134, 5367876, 2056687, 9832868, 7746481, 9662680]
BUDGET = 32_021_273


def best_by_enumeration(amounts, values, limit) -> int:
    """The most value of any subset within ``limit``, by trying every one of the 2^n subsets."""
    n = len(amounts)
    subsets = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    spend, worth = subsets @ np.array(amounts, dtype=np.int64), subsets @ np.array(values, dtype=np.int64)
    return int(worth[spend <= limit].max())


def test_the_optimum_is_the_best_of_every_subset_not_one_within_a_gap(capfd):
    bids = [replace(make_bid(f"B{index:02d}", 1, "3.00"), amount_pence=amount) for index, amount in enumerate(AMOUNTS)]
    objective = {bid.reference: value for bid, value in zip(bids, VALUES, strict=True)}
    solution = solve(bids, objective, [budget(BUDGET, bids)])
    assert solution.status is Status.OPTIMAL and "Optimal" in solution.message
    assert sum(objective[reference] for reference in solution.chosen) == best_by_enumeration(AMOUNTS, VALUES, BUDGET)
    assert best_by_enumeration(AMOUNTS, VALUES, BUDGET) == 32_059_969
    assert solution.chosen == ("B05", "B06", "B08", "B09", "B10", "B11", "B17")
    assert capfd.readouterr().out == ""  # the solver's log is not printed


def test_an_infeasible_programme_selects_nothing_and_says_so():
    bids = [make_bid("A", 10, "3.00")]
    two = Requirement("count", "two bids", Measure.COUNT, Sense.AT_LEAST, 2, frozenset({"A"}))
    solution = solve(bids, {"A": 1}, [two])
    assert (solution.status, solution.chosen) == (Status.INFEASIBLE, ())
    assert "infeasible" in solution.message


class Answer:
    """What scipy's milp returns: status 0 optimal, 1 time limit, 4 other failure."""

    def __init__(self, x, status, message):
        self.x = None if x is None else np.array(x, dtype=float)
        self.status, self.message = status, message


def test_an_answer_found_at_the_time_limit_is_feasible_not_optimal(monkeypatch):
    monkeypatch.setattr(optimiser, "milp", lambda *args, **kwargs: Answer([1.0, 0.0], 1, "Time limit reached"))
    bids = [make_bid("A", 10, "3.00"), make_bid("B", 10, "2.00")]
    assert solve(bids, {"A": 3, "B": 2}, [budget(1_000, bids)]) == Solution(Status.FEASIBLE, ("A",),
                                                                            "Time limit reached")


def test_a_solver_that_gives_up_selects_nothing(monkeypatch):
    monkeypatch.setattr(optimiser, "milp", lambda *args, **kwargs: Answer(None, 4, "numerical trouble"))
    bids = [make_bid("A", 10, "3.00")]
    assert solve(bids, {"A": 3}, [budget(10_000, bids)]) == Solution(Status.FAILED, (), "numerical trouble")


def test_the_time_limit_reaches_the_solver(monkeypatch):
    limits = []

    def fake_milp(cost, integrality, bounds, constraints, options):
        limits.append(options["time_limit"])
        return Answer([1.0], 0, "ok")

    monkeypatch.setattr(optimiser, "milp", fake_milp)
    bids = [make_bid("A", 10, "3.00")]
    solve(bids, {"A": 3}, [budget(10_000, bids)], time_limit_seconds=2.5)
    solve(bids, {"A": 3}, [budget(10_000, bids)])
    assert limits == [2.5, 30.0]  # 30 seconds unless told


def test_answers_that_keep_breaking_a_rule_give_up_after_three_tighter_tries(monkeypatch):
    calls = []

    def always_both(cost, integrality, bounds, constraints, options):
        calls.append(constraints[0].ub[0])
        return Answer([1.0, 1.0], 0, "ok")  # £20 against a £15 budget, however tight the bound

    monkeypatch.setattr(optimiser, "milp", always_both)
    bids = [make_bid("A", 10, "3.00"), make_bid("B", 10, "2.00")]
    solution = solve(bids, {"A": 3, "B": 2}, [budget(1_500, bids)])
    assert solution == Solution(Status.FAILED, (), "The solver's answers kept breaking a rule by a rounding error")
    # Each try takes the excess (£5) off the bound again: 1,500, 1,000, 500, 0.
    assert calls == [1_500, 1_000, 500, 0]


# Why a minimum cannot be met ---------------------------------------------------------------------

def minimum_spend(limit: int, members) -> Requirement:
    return Requirement("area:devon:spend", f"the minimum spend of {limit}p for Devon", Measure.SPEND,
                       Sense.AT_LEAST, limit, frozenset(members))


def minimum_count(limit: int, members) -> Requirement:
    return Requirement("area:devon:count", f"the minimum of {limit} for Devon", Measure.COUNT, Sense.AT_LEAST,
                       limit, frozenset(members))


def cap(organisation: str, limit: int, members) -> Requirement:
    return Requirement(f"organisation:{organisation}", f"the cap for {organisation}", Measure.SPEND, Sense.AT_MOST,
                       limit, frozenset(members))


TAMAR = [make_bid("T1", 30, "3.00", organisation="Tamar"), make_bid("T2", 30, "3.00", organisation="Tamar")]


def test_a_minimum_with_no_budget_among_the_rules():
    ((minimum, why),) = diagnose(TAMAR, [minimum_spend(7_000, ["T1", "T2"])])
    assert why == "The minimum spend of 7000p for Devon cannot be met: the eligible bids towards it ask for £60 in all"


def test_a_minimum_the_bids_exactly_reach_but_the_budget_does_not():
    ((_, why),) = diagnose(TAMAR, [budget(5_000, TAMAR), minimum_spend(6_000, ["T1", "T2"])])
    assert why == "The minimum spend of 6000p for Devon cannot be met: it is more than the £50 budget"


def test_a_minimum_the_organisation_cap_rules_out_names_the_caps():
    # Both of Tamar's bids are needed, but its cap is £50: within the £100 budget, not within the cap.
    rules = [budget(10_000, TAMAR), cap("Tamar", 5_000, ["T1", "T2"])]
    ((_, why),) = diagnose(TAMAR, [*rules, minimum_spend(6_000, ["T1", "T2"])])
    assert why == ("The minimum spend of 6000p for Devon cannot be met: no combination of the eligible bids towards it "
                   "reaches it within the budget and the organisation caps")
    ((_, why),) = diagnose(TAMAR, [*rules, minimum_count(2, ["T1", "T2"])])
    assert why == ("The minimum of 2 for Devon cannot be met: no 2 bids towards it fit within the budget and the "
                   "organisation caps")


def test_a_count_minimum_the_cheapest_bids_exactly_fit_the_budget_of():
    # The two cheapest cost £60, exactly the budget, so the budget is not what stops them: the cap is.
    rules = [budget(6_000, TAMAR), cap("Tamar", 3_000, ["T1", "T2"])]
    ((_, why),) = diagnose(TAMAR, [*rules, minimum_count(2, ["T1", "T2"])])
    assert why.endswith("no 2 bids towards it fit within the budget and the organisation caps")


def test_one_eligible_bid_is_counted_in_the_singular():
    ((_, why),) = diagnose(TAMAR, [budget(10_000, TAMAR), minimum_count(2, ["T1"])])
    assert why == "The minimum of 2 for Devon cannot be met: only 1 eligible bid counts towards it"
