"""Properties of the funding recommendation on small random rounds, checked against brute force.

The checker here is written independently of scoring.optimiser: it enumerates every subset of the
eligible bids (at most 2**10) and tests each rule in plain integer arithmetic.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.funding import APPROACH, AREA, FundingRules, Minimum, Objective, Reason, recommend_funding
from scoring.optimiser import Status
from scoring.ranking import Bid, rank_key

AREAS = ("cornwall", "devon", "torbay")
APPROACHES = ("people", "place")


@st.composite
def rounds(draw, max_bids: int = 10):
    count = draw(st.integers(0, max_bids))
    bids = [
        Bid(
            reference=f"CGS-{number:02d}",
            organisation=draw(st.sampled_from(["Tamar", "Kernow", "Exe"])),
            amount_pence=draw(st.integers(1, 60)) * 100 + draw(st.sampled_from([0, 1, 50])),
            panel_score=Decimal(draw(st.integers(0, 400))) / 100,
            strategic_fit_score=Decimal(draw(st.integers(0, 8))) / 2,
            areas=draw(st.frozensets(st.sampled_from(AREAS), max_size=2)),
            approaches=draw(st.frozensets(st.sampled_from(APPROACHES), max_size=2)),
        )
        for number in range(count)
    ]
    asked = sum(bid.amount_pence for bid in bids)
    minimums = []
    for kind, codes in ((AREA, AREAS), (APPROACH, APPROACHES)):
        for code in codes:
            if draw(st.integers(0, 3)) == 0:
                spend, count = draw(st.integers(0, 4_000)), draw(st.integers(0, 2))
                minimums.append(Minimum(kind, code, spend_pence=spend, count=count))
    rules = FundingRules(
        budget_pence=draw(st.integers(0, asked + 100)),
        quality_threshold=draw(st.sampled_from([Decimal(0), Decimal("1.50"), Decimal("2.50")])),
        minimums=tuple(minimums),
        max_organisation_share=draw(st.sampled_from([None, Decimal(30), Decimal(50), Decimal(100)])),
        objective=draw(st.sampled_from(list(Objective))),
    )
    return bids, rules


def rules_of(rules: FundingRules, bids: list[Bid]) -> list[tuple[str, object]]:
    """(key, test) for each rule, where test(subset) says whether the subset keeps it."""
    tests = [("budget", lambda chosen: sum(b.amount_pence for b in chosen) <= rules.budget_pence)]
    if rules.max_organisation_share is not None:
        cap = rules.budget_pence * rules.max_organisation_share / 100  # exact Decimal; pence must not exceed it
        for organisation in {b.organisation for b in bids}:
            tests.append((f"organisation:{organisation}", lambda chosen, o=organisation: sum(
                b.amount_pence for b in chosen if b.organisation == o) <= cap))
    for minimum in rules.minimums:
        def serves(bid, minimum=minimum):
            return minimum.code in (bid.areas if minimum.kind == AREA else bid.approaches)
        key = f"{minimum.kind}:{minimum.code}"
        if minimum.spend_pence:
            tests.append((f"{key}:spend", lambda chosen, s=serves, m=minimum: sum(
                b.amount_pence for b in chosen if s(b)) >= m.spend_pence))
        if minimum.count:
            tests.append((f"{key}:count", lambda chosen, s=serves, m=minimum: sum(
                1 for b in chosen if s(b)) >= m.count))
    return tests


def value(chosen, objective: Objective) -> Decimal:
    if objective is Objective.TOTAL_SCORE:
        return sum((b.panel_score for b in chosen), Decimal(0))
    return sum((b.panel_score * Decimal(b.amount_pence) / 100 for b in chosen), Decimal(0))


def subsets(bids):
    for size in range(len(bids) + 1):
        yield from combinations(bids, size)


def feasible_subsets(bids, rules, skip=()):
    eligible = [b for b in bids if b.panel_score >= rules.quality_threshold]
    tests = [test for key, test in rules_of(rules, bids) if key not in skip]
    return [chosen for chosen in subsets(eligible) if all(test(chosen) for test in tests)]


def keeps_every_rule(chosen, bids, rules) -> bool:
    return all(b.panel_score >= rules.quality_threshold for b in chosen) and all(
        test(chosen) for _, test in rules_of(rules, bids))


@settings(max_examples=150, deadline=None)
@given(rounds())
def test_the_optimum_matches_brute_force_and_keeps_every_rule(round_):
    bids, rules = round_
    result = recommend_funding(bids, rules)
    by_reference = {b.reference: b for b in bids}
    possible = feasible_subsets(bids, rules)

    if not possible:
        assert result.status is Status.INFEASIBLE and result.optimum is None and result.unmet
        return
    assert result.status is Status.OPTIMAL
    chosen = [by_reference[r] for r in result.optimum.references]
    best = max(value(subset, rules.objective) for subset in possible)
    assert result.optimum.objective_value == value(chosen, rules.objective) == best
    assert keeps_every_rule(chosen, bids, rules)
    assert result.optimum.spend_pence <= rules.budget_pence
    assert all(check.met for check in result.optimum.checks)

    # Among the best sets, the one keeping most of rank order's set.
    rank_order = set(result.rank_order.references)
    kept = max(len(rank_order & {b.reference for b in s}) for s in possible if value(s, rules.objective) == best)
    assert len(rank_order & set(result.optimum.references)) == kept


@settings(max_examples=80, deadline=None)
@given(rounds())
def test_rank_order_is_the_plain_walk_and_never_beats_a_valid_optimum(round_):
    bids, rules = round_
    result = recommend_funding(bids, rules)
    by_reference = {b.reference: b for b in bids}
    funded = [by_reference[r] for r in result.rank_order.references]

    # The walk: in ranking order, fund every eligible bid that still fits in money and cap.
    remaining, organisation_spend, expected = rules.budget_pence, {}, []
    cap = rules.organisation_cap_pence
    for bid in sorted(bids, key=rank_key):
        spend = organisation_spend.get(bid.organisation, 0) + bid.amount_pence
        fits = bid.amount_pence <= remaining and (cap is None or spend <= cap)
        if bid.panel_score >= rules.quality_threshold and fits:
            expected.append(bid)
            remaining -= bid.amount_pence
            organisation_spend[bid.organisation] = spend
    assert funded == expected
    assert result.rank_order.spend_pence <= rules.budget_pence

    if result.feasible and keeps_every_rule(funded, bids, rules):
        assert not result.rank_order.breaks
        assert result.optimum.objective_value >= result.rank_order.objective_value
        assert result.gain >= 0


@settings(max_examples=80, deadline=None)
@given(rounds())
def test_every_bid_gets_one_consistent_reason(round_):
    bids, rules = round_
    result = recommend_funding(bids, rules)
    assert sorted(d.reference for d in result.decisions) == sorted(b.reference for b in bids)
    by_reference = {b.reference: b for b in bids}
    for decision in result.decisions:
        bid = by_reference[decision.reference]
        assert decision.funded_in_rank_order == (bid.reference in result.rank_order.references)
        if bid.panel_score < rules.quality_threshold:
            assert decision.reason is Reason.BELOW_THRESHOLD and not decision.recommended
        elif not result.feasible:
            assert decision.reason is Reason.NO_RECOMMENDATION
        elif decision.recommended:
            assert decision.reason is Reason.SELECTED and bid.reference in result.optimum.references
        elif decision.reason is Reason.DISPLACED:
            assert decision.funded_in_rank_order
        elif decision.reason is Reason.OVER_REMAINING_BUDGET:
            assert bid.amount_pence > result.optimum.remaining_pence
        else:
            assert decision.reason in (Reason.ORGANISATION_SHARE, Reason.NO_GAIN)
    if result.feasible:
        assert {d.reference for d in result.decisions if d.recommended} == set(result.optimum.references)


@settings(max_examples=60, deadline=None)
@given(rounds(max_bids=7))
def test_the_diagnosis_names_rules_that_really_cannot_be_met(round_):
    bids, rules = round_
    result = recommend_funding(bids, rules)
    if result.feasible:
        assert result.unmet == () and result.unmet_keys == ()
        return
    assert result.unmet and len(result.unmet) == len(result.unmet_keys)
    minimum_keys = [key for key, _ in rules_of(rules, bids) if key.startswith((AREA, APPROACH))]
    caps = [key for key, _ in rules_of(rules, bids) if key not in minimum_keys]
    for key, message in zip(result.unmet_keys, result.unmet, strict=True):
        assert key in minimum_keys
        if message.endswith("without it they can"):
            assert feasible_subsets(bids, rules, skip=(key,))
        elif "together" not in message:
            # Impossible alone: even with every other minimum dropped.
            others = [other for other in minimum_keys if other != key]
            assert not feasible_subsets(bids, rules, skip=others)
    assert caps  # the budget is always there
