"""Comparing scenarios, drop-out and break-even, with hand-worked examples."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from grants.modelling.cocommissioning import Bound, CostModel, CostSplit, Partner, ScaleEconomies, Scenario, run
from grants.modelling.cocommissioning_analysis import (
    BreakEven,
    break_even,
    compare,
    drop_out,
    savings_over,
    with_parameter,
)

# Populations 1 : 1 : 2; each alone £600 a year fixed; jointly half the fixed costs.
A, B, C = Partner("a", "A", 1, 1, 1, 1), Partner("b", "B", 1, 1, 1, 1), Partner("c", "C", 2, 1, 1, 1)
HALF = CostModel(0, 60_000, 0, years=1, scale=ScaleEconomies(percent=D(50)))
THREE = Scenario("three", (A, B, C), HALF, CostSplit.by("population"))


def test_drop_out_shows_each_remaining_partners_change():
    # all three: 50% × 180,000 = 90,000 split 1 : 1 : 2 → 22,500, 22,500, 45,000
    outcomes = {d.leaver: d for d in drop_out(THREE)}
    # without A: 60,000 split 1 : 2 → B 20,000 (−2,500), C 40,000 (−5,000)
    assert outcomes["a"].changes == {"b": -2_500, "c": -5_000}
    # without C: 60,000 split 1 : 1 → A and B 30,000 each (+7,500)
    assert outcomes["c"].changes == {"a": 7_500, "b": 7_500}
    assert outcomes["c"].result.total_pence == 60_000


def test_with_two_partners_the_one_left_runs_alone():
    outcomes = drop_out(Scenario("pair", (A, C), HALF, CostSplit.by("population")))
    # together: 60,000 split 1 : 2 → A 20,000; alone A pays 60,000
    assert outcomes[1].leaver == "c" and outcomes[1].changes == {"a": 40_000}
    assert outcomes[1].note == "A would be left to run the service alone"


def test_drop_out_reports_floors_that_can_no_longer_be_met():
    floors = {"a": Bound(pence=40_000), "b": Bound(pence=40_000)}
    scenario = Scenario("floors", (A, B, C), HALF, CostSplit.by("equal", floors=floors))
    outcomes = {d.leaver: d for d in drop_out(scenario)}
    assert outcomes["c"].result is None and "floors come to £800.00" in outcomes["c"].problem


def test_compare_two_to_four_scenarios():
    pair = Scenario("pair", (A, C), HALF, CostSplit.by("equal"))
    alone = Scenario("alone", (A, B, C), HALF, joint=False)
    comparison = compare([THREE, pair, alone])
    rows = {row.code: row for row in comparison.rows}
    assert rows["a"].contributions == (22_500, 30_000, 60_000)
    assert rows["b"].contributions == (22_500, None, 60_000) and rows["b"].savings[1] is None
    assert rows["c"].cheapest == 1  # 30,000 in the pair against 45,000 in all three
    with pytest.raises(ValueError, match="Compare two to four scenarios; 1 were chosen"):
        compare([THREE])


def test_break_even_on_economies_of_scale():
    # A : B population 1 : 3, each alone £500 a year. Jointly f × 100,000, B pays 75,000 f:
    # B is better off alone once 75,000 f > 50,000, f > 66.67%; A only above 200%: never here.
    a, b = Partner("a", "A", 1, 1, 1, 1), Partner("b", "B", 3, 1, 1, 1)
    scenario = Scenario("pair", (a, b), CostModel(0, 50_000, 0, years=1, scale=ScaleEconomies(percent=D(70))),
                        CostSplit.by("population"))
    answers = {answer.code: answer for answer in break_even(scenario, "scale", D(50), D(100))}
    assert answers["a"].verdict == "never"
    assert (answers["b"].verdict, answers["b"].value, answers["b"].alone_when) == ("at", D("66.67"), "above")
    assert answers["b"].describe() == "better off alone at economies of scale of 66.67 or above"
    assert break_even(scenario, "scale", D(80), D(100))[1].verdict == "always"


def test_break_even_on_take_up_and_cost_per_client():
    # A has 100 clients, B 1; each alone pays £500 fixed + its clients × c (pence per client, take-up t).
    # Jointly 70% of £1,000 fixed plus 101 t clients × c, split equally: each pays 35,000 + 50.5 t c.
    # B's saving: 50,000 + t c − 35,000 − 50.5 t c = 15,000 − 49.5 t c.
    # At c = 100p, t ≤ 1: 15,000 − 4,950 t > 0, never alone. At t = 1: alone once c > 303.03, so from 304p.
    # A's saving 15,000 + 49.5 t c is never negative.
    a, b = Partner("a", "A", 1, 1, 1, 100), Partner("b", "B", 1, 1, 1, 1)
    costs = CostModel(0, 50_000, 100, take_up_percent=D(100), years=1, scale=ScaleEconomies(percent=D(70)))
    scenario = Scenario("pair", (a, b), costs, CostSplit.by("equal"))
    assert [answer.verdict for answer in break_even(scenario, "take_up", D(0), D(100))] == ["never", "never"]
    by_cost = break_even(scenario, "cost_per_client", D(0), D(1_000))
    assert by_cost[0].verdict == "never"
    assert (by_cost[1].verdict, by_cost[1].value, by_cost[1].alone_when) == ("at", D(304), "above")
    savings = savings_over(scenario, "cost_per_client", [D(0), D(1_000)])
    assert savings == {"a": [15_000, 64_500], "b": [15_000, -34_500]}
    with pytest.raises(ValueError, match="Unknown parameter"):
        break_even(scenario, "weather", D(0), D(1))


def test_a_remembered_result_is_the_one_run_gives_for_the_same_inputs_only(monkeypatch):
    from grants.modelling import cocommissioning_analysis as analysis

    monkeypatch.setattr(analysis, "_REMEMBERED", {})
    worked = []
    monkeypatch.setattr(analysis, "run", lambda scenario: worked.append(scenario.name) or run(scenario))
    first = analysis.run_remembered(THREE)
    assert analysis.run_remembered(Scenario("three", (A, B, C), HALF, CostSplit.by("population"))) is first
    assert first == run(THREE) and worked == ["three"]
    # Any input that differs (here one partner's population) is worked out afresh, never served stale.
    bigger = Scenario("three", (A, B, Partner("c", "C", 3, 1, 1, 1)), HALF, CostSplit.by("population"))
    remembered = analysis.run_remembered(bigger).partner("c").contribution_pence
    assert remembered == run(bigger).partner("c").contribution_pence
    assert analysis.run_remembered(bigger).partner("c").contribution_pence != first.partner("c").contribution_pence
    assert worked == ["three", "three"]


def test_errors_are_not_remembered_and_the_memory_is_bounded(monkeypatch):
    from grants.modelling import cocommissioning_analysis as analysis

    monkeypatch.setattr(analysis, "_REMEMBERED", {})
    monkeypatch.setattr(analysis, "REMEMBER_AT_MOST", 3)
    impossible = Scenario("floors", (A, B), HALF, CostSplit.by("equal", floors={"a": Bound(pence=10**9)}))
    for _ in range(2):
        with pytest.raises(ValueError):
            analysis.run_remembered(impossible)
    assert analysis._REMEMBERED == {}
    for years in range(1, 6):
        analysis.run_remembered(Scenario("t", (A, B), CostModel(0, 60_000, 0, years=years), CostSplit.by("equal")))
    assert len(analysis._REMEMBERED) == 3  # the two oldest were let go


# Break-even worked by hand -----------------------------------------------------------------------
# Two partners, £500 a year fixed each alone and c pence a client; A has 90 clients, B 10. Jointly
# 70% of the £1,000 fixed plus 100 clients × c, shared equally: each pays 35,000 + 50 c. B alone pays
# 50,000 + 10 c, so B saves 15,000 − 40 c: nothing at c = 375, and it is better off alone from 376p.
# A saves 15,000 + 40 c: never alone.
NINETY, TEN = Partner("a", "A", 1, 1, 1, 90), Partner("b", "B", 1, 1, 1, 10)


def per_client(scale_percent=70):
    return CostModel(0, 50_000, 100, years=1, scale=ScaleEconomies(percent=D(scale_percent)))


LINEAR = Scenario("linear", (NINETY, TEN), per_client(), CostSplit.by("equal"))
# The same with B capped at £540: B pays 35,000 + 50 c up to c = 380, then 54,000, saving 10 c − 4,000.
# B is better off alone only for c from 376 to 399: a dip 24p wide.
DIP = Scenario("dip", (NINETY, TEN), per_client(), CostSplit.by("equal", caps={"b": Bound(pence=54_000)}))
NEVER_A = BreakEven("a", "cost_per_client", "never")


def test_a_saving_of_exactly_nothing_is_not_better_off_alone():
    # Tried at 0, 37.5, … 1,500: at 375 B saves exactly 0 (not alone); at 412.5 it is alone. Halving
    # between 375 and 413 lands on 376, the first whole penny at which B saves less than nothing.
    assert break_even(LINEAR, "cost_per_client", D(0), D(1_500)) == (
        NEVER_A, BreakEven("b", "cost_per_client", "at", D(376), "above"))


def test_the_last_value_of_the_range_is_tried():
    # 0 to 380 in 40 steps of 9.5: only the last try, 380, finds B better off alone.
    assert break_even(LINEAR, "cost_per_client", D(0), D(380))[1] == BreakEven("b", "cost_per_client", "at", D(376),
                                                                                "above")


def test_the_cost_per_client_is_narrowed_to_the_penny():
    # At 71%: B saves 14,500 − 40 c, less than nothing from 363p (an odd penny, so a coarser grid would miss it).
    answer = break_even(Scenario("71%", (NINETY, TEN), per_client(71), CostSplit.by("equal")), "cost_per_client",
                        D(0), D(1_000))[1]
    assert (answer.verdict, answer.value, answer.alone_when) == ("at", D(363), "above")


def test_better_off_alone_below_a_value():
    # Populations 1 : 3 and clients 10 : 90: B pays three quarters, 52,500 + 75 c, against 50,000 + 90 c
    # alone: it saves 15 c − 2,500, which is less than nothing up to 166p and positive from 167p.
    rising = Scenario("rise", (Partner("a", "A", 1, 1, 1, 10), Partner("b", "B", 3, 1, 1, 90)), per_client(),
                      CostSplit.by("population"))
    (a_answer, b_answer) = break_even(rising, "cost_per_client", D(0), D(1_000))
    assert (a_answer, b_answer) == (NEVER_A, BreakEven("b", "cost_per_client", "at", D(166), "below"))
    assert b_answer.describe() == "better off alone at cost per client (pence) of 166 or below"


def test_a_dip_between_two_tries_is_not_seen():
    # Tried every 50p: 350 (saves 1,000) and 400 (saves 0) both miss the dip from 376 to 399.
    assert savings_over(DIP, "cost_per_client", [D(350), D(380), D(400)]) == {"a": [29_000, 30_200, 30_000],
                                                                             "b": [1_000, -200, 0]}
    assert break_even(DIP, "cost_per_client", D(0), D(2_000)) == (NEVER_A, BreakEven("b", "cost_per_client", "never"))


def test_when_the_resolution_is_too_coarse_to_narrow_the_value_the_try_is_kept():
    # Tried every 39p from 0: 351 saves 960, 390 saves −100. On a grid of £1 the neighbours are 300 and
    # 400, where B is not better off alone either: no narrowing is possible, so the try (390) is kept.
    assert break_even(DIP, "cost_per_client", D(0), D(1_560), resolution=D(100)) == (
        NEVER_A, BreakEven("b", "cost_per_client", "at", D(390), "above"))
    # From 390 up in 40p steps: alone at 390, not at 430 (saves 300). On a grid of £10, 0 is not
    # alone either, so the last try at which B is alone is kept, going down.
    answer = break_even(DIP, "cost_per_client", D(390), D(1_990), resolution=D(1_000))[1]
    assert answer == BreakEven("b", "cost_per_client", "at", D(390), "below")
    assert answer.describe() == "better off alone at cost per client (pence) of 390 or below"


def test_never_and_always_in_words():
    assert BreakEven("a", "scale", "never").describe() == "never better off alone in this range"
    assert BreakEven("a", "scale", "always").describe() == "better off alone throughout this range"
    a, b = Partner("a", "A", 1, 1, 1, 1), Partner("b", "B", 3, 1, 1, 1)
    scenario = Scenario("pair", (a, b), CostModel(0, 50_000, 0, years=1, scale=ScaleEconomies(percent=D(70))),
                        CostSplit.by("population"))
    assert break_even(scenario, "scale", D(80), D(100)) == (BreakEven("a", "scale", "never"),
                                                            BreakEven("b", "scale", "always"))


def test_the_range_must_go_up():
    for low, high in [(D(5), D(5)), (D(6), D(5))]:
        with pytest.raises(ValueError) as raised:
            break_even(LINEAR, "scale", low, high)
        assert str(raised.value) == "The low end of the range must be below the high end"


def test_one_parameter_changed_at_a_time():
    curve = Scenario("curve", (NINETY, TEN),
                     CostModel(0, 50_000, 100, years=1, scale=ScaleEconomies(exponent=D("0.8"))))
    assert with_parameter(curve, "scale", D("0.5")).costs.scale == ScaleEconomies(exponent=D("0.5"))
    assert with_parameter(LINEAR, "scale", D(60)).costs.scale == ScaleEconomies(percent=D(60))
    assert with_parameter(LINEAR, "take_up", D(40)).costs.take_up_percent == D(40)
    # Pence are whole, rounded half up: 12.5p is 13p.
    assert with_parameter(LINEAR, "cost_per_client", D("12.5")).costs.cost_per_client_pence == 13
    changed = with_parameter(LINEAR, "take_up", D(40))
    assert (changed.partners, changed.split, changed.costs.cost_per_client_pence) == (LINEAR.partners, LINEAR.split,
                                                                                       100)
    with pytest.raises(ValueError) as raised:
        with_parameter(LINEAR, "weather", D(1))
    assert str(raised.value) == "Unknown parameter 'weather': choose from scale, take_up, cost_per_client"


# Comparison and drop-out, field by field -------------------------------------------------------

def test_every_field_of_a_comparison_of_two():
    pair = Scenario("pair", (A, C), HALF, CostSplit.by("equal"))
    comparison = compare((THREE, pair))
    assert comparison.results == (run(THREE), run(pair))
    assert [(row.code, row.name, row.contributions, row.savings, row.cheapest) for row in comparison.rows] == [
        # alone A pays 60,000, B 60,000 and C 60,000
        ("a", "A", (22_500, 30_000), (37_500, 30_000), 0),
        ("b", "B", (22_500, None), (37_500, None), 0),
        ("c", "C", (45_000, 30_000), (15_000, 30_000), 1),
    ]


def test_up_to_four_scenarios_can_be_compared():
    assert len(compare([THREE] * 4).results) == 4
    with pytest.raises(ValueError) as raised:
        compare([THREE] * 5)
    assert str(raised.value) == "Compare two to four scenarios; 5 were chosen"


def test_every_field_of_a_drop_out():
    # All three: 90,000 split 1 : 1 : 2, but B is capped at £200, so its 2,500 over goes to A and C 1 : 2:
    # A 23,333.33 → 23,333, B 20,000, C 46,666.67 → 46,667.
    capped = Scenario("capped", (A, B, C), HALF, CostSplit.by("population", caps={"b": Bound(pence=20_000)}))
    without_a, without_b, without_c = drop_out(capped)
    assert (without_a.leaver, without_a.result.name, without_a.note, without_a.problem) == (
        "a", "capped without a", "", "")
    # Without A: 60,000 split 1 : 2, B 20,000 (just at its cap) and C 40,000.
    assert without_a.changes == {"b": 0, "c": -6_667}
    assert (without_b.result.name, without_c.result.name) == ("capped without b", "capped without c")
    # Without C: 60,000 split 1 : 1, but B's cap still holds: B 20,000 and A the other 40,000.
    assert without_c.changes == {"a": 16_667, "b": 0}


def test_a_drop_out_that_cannot_go_ahead_does_not_stop_the_others():
    # Without A, the floors of B and C (£400 each) come to more than the £600 joint cost.
    floors = Scenario("floors", (A, B, C), HALF,
                      CostSplit.by("equal", floors={"b": Bound(pence=40_000), "c": Bound(pence=40_000)}))
    without_a, without_b, without_c = drop_out(floors)
    assert (without_a.leaver, without_a.result, without_a.changes) == ("a", None, {})
    assert without_a.problem == ("In year 1 the floors come to £800.00, more than the joint cost of £600.00: "
                                 "lower a floor")
    assert without_b.result is not None and without_c.result is not None


@pytest.mark.parametrize("population_b, expected", [
    # B pays 75.01% of a joint fixed cost of £1,000 × f: 50,000 × (f / 66.6578) pence against 50,000
    # alone, rounded by largest remainder: at 66.65% B saves 6p, at 66.66% it saves −2p.
    (7_501, D("66.66")),
    # B pays 75.006%: at 66.66% B still saves 1p (49,999p), at 66.67% −7p.
    (7_500.6, D("66.67")),
])
def test_a_try_halfway_between_two_hundredths_is_narrowed_outwards(population_b, expected):
    # Tried every 0.01 from 66.655: the change comes between 66.655 and 66.665, both halfway between
    # hundredths. The search starts from the hundredth below the first (66.65) and above the second
    # (66.67), never rounding either to the nearer (even) hundredth, and finds the first hundredth at
    # which B is better off alone.
    b_share = D(str(population_b))
    a, b = Partner("a", "A", D(10_000) - b_share, 1, 1, 1), Partner("b", "B", b_share, 1, 1, 1)
    scenario = Scenario("p", (a, b), CostModel(0, 50_000, 0, years=1, scale=ScaleEconomies(percent=D(70))),
                        CostSplit.by("population"))
    assert break_even(scenario, "scale", D("66.655"), D("67.055"))[1] == BreakEven("b", "scale", "at", expected,
                                                                                    "above")


def test_a_break_even_point_without_a_value_is_a_mistake():
    with pytest.raises(AssertionError, match="^a break-even point has a value$"):
        BreakEven("a", "scale", "at").describe()
