"""Comparing scenarios, drop-out and break-even, with hand-worked examples."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from grants.modelling.cocommissioning import Bound, CostModel, CostSplit, Partner, ScaleEconomies, Scenario, run
from grants.modelling.cocommissioning_analysis import break_even, compare, drop_out, savings_over

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
    scenario = Scenario("floors", (A, B, C), HALF, CostSplit.by("equal", floors={"a": Bound(pence=40_000), "b": Bound(pence=40_000)}))
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
    assert analysis.run_remembered(bigger).partner("c").contribution_pence == run(bigger).partner("c").contribution_pence
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
