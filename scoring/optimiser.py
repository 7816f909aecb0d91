"""The funding recommendation as a mixed-integer programme, solved exactly by HiGHS (scipy.optimize.milp).

One binary variable per eligible bid (1 = fund it). Every rule is a *requirement*: a linear bound
on the spend (whole pence) or the number of bids over a set of bids. The budget and each
organisation's cap are upper bounds; each area's or approach's minimum is a lower bound. The
solver's answer is rounded to 0/1 and checked again in exact integer arithmetic, so a
recommendation never goes over the budget by a penny, whatever the solver's tolerances.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from scoring.ranking import Bid, money


class Measure(StrEnum):
    SPEND = "spend"  # whole pence
    COUNT = "count"  # bids


class Sense(StrEnum):
    AT_MOST = "at most"
    AT_LEAST = "at least"


@dataclass(frozen=True)
class Requirement:
    """One rule a set of funded bids must keep: its spend or count over ``members``, at most or at least ``limit``."""

    key: str  # stable identifier, e.g. "budget", "area:torbay:spend", "organisation:Tamar Trust"
    label: str  # for people: "the minimum spend of £50,000 for Torbay"
    measure: Measure
    sense: Sense
    limit: int  # pence for SPEND, bids for COUNT
    members: frozenset[str]  # references of the bids it counts

    def achieved(self, chosen: Iterable[Bid]) -> int:
        """What ``chosen`` adds up to on this requirement (pence or bids)."""
        counted = [bid for bid in chosen if bid.reference in self.members]
        if self.measure is Measure.SPEND:
            return sum(bid.amount_pence for bid in counted)
        return len(counted)

    def met(self, chosen: Iterable[Bid]) -> bool:
        """True when ``chosen`` keeps this requirement, checked exactly in integers."""
        value = self.achieved(chosen)
        return value <= self.limit if self.sense is Sense.AT_MOST else value >= self.limit

    def describe(self, amount: int) -> str:
        return money(amount) if self.measure is Measure.SPEND else f"{amount} bid{'' if amount == 1 else 's'}"


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # a valid selection, not proven best (the time limit was reached)
    INFEASIBLE = "infeasible"
    FAILED = "failed"  # the solver gave up without a valid selection


@dataclass(frozen=True)
class Solution:
    status: Status
    chosen: tuple[str, ...]  # references of the funded bids; empty unless OPTIMAL or FEASIBLE
    message: str = ""


# Attempts at re-solving with a tightened bound when the rounded answer breaks a requirement by
# the solver's tolerance (1e-6 of a row); in practice the first answer is exact.
TIGHTENING_ROUNDS = 3


def solve(
    bids: Sequence[Bid],
    objective: Mapping[str, int],
    requirements: Sequence[Requirement],
    time_limit_seconds: float = 30.0,
) -> Solution:
    """Fund the subset of ``bids`` that maximises the sum of ``objective`` (whole numbers) within ``requirements``.

    Solved to a zero optimality gap: the answer is the best there is, not one within 0.01%.
    """
    if not bids:
        met = all(requirement.met(()) for requirement in requirements)
        return Solution(Status.OPTIMAL if met else Status.INFEASIBLE, ())

    limits = {requirement.key: requirement.limit for requirement in requirements}
    for _ in range(TIGHTENING_ROUNDS + 1):
        solution = _solve_once(bids, objective, requirements, limits, time_limit_seconds)
        if solution.status not in (Status.OPTIMAL, Status.FEASIBLE):
            return solution
        chosen = [bid for bid in bids if bid.reference in set(solution.chosen)]
        broken = [requirement for requirement in requirements if not requirement.met(chosen)]
        if not broken:
            return solution
        for requirement in broken:
            miss = requirement.achieved(chosen) - requirement.limit
            limits[requirement.key] -= miss  # miss > 0 over an upper bound, < 0 under a lower one
    return Solution(Status.FAILED, (), "The solver's answers kept breaking a rule by a rounding error")


def _solve_once(
    bids: Sequence[Bid],
    objective: Mapping[str, int],
    requirements: Sequence[Requirement],
    limits: Mapping[str, int],
    time_limit_seconds: float,
) -> Solution:
    index = {bid.reference: position for position, bid in enumerate(bids)}
    rows: list[int] = []
    columns: list[int] = []
    values: list[int] = []
    lower: list[float] = []  # a row's bounds, -inf or inf where it has none
    upper: list[float] = []
    for requirement in requirements:
        members = [(index[ref], bids[index[ref]]) for ref in requirement.members if ref in index]
        if requirement.sense is Sense.AT_MOST:
            possible = requirement.achieved(bid for _, bid in members)
            if possible <= limits[requirement.key]:
                continue  # cannot bind: leave it out, a smaller model solves faster
        row = len(lower)
        for position, bid in members:
            rows.append(row)
            columns.append(position)
            values.append(bid.amount_pence if requirement.measure is Measure.SPEND else 1)
        limit = limits[requirement.key]
        lower.append(limit if requirement.sense is Sense.AT_LEAST else -np.inf)
        upper.append(limit if requirement.sense is Sense.AT_MOST else np.inf)

    constraints = []
    if lower:
        matrix = csr_array((values, (rows, columns)), shape=(len(lower), len(bids)), dtype=float)
        constraints.append(LinearConstraint(matrix, np.array(lower, dtype=float), np.array(upper, dtype=float)))
    # milp minimises, so the objective is negated.
    cost = -np.array([objective[bid.reference] for bid in bids], dtype=float)
    result = milp(
        cost,
        integrality=np.ones(len(bids)),
        bounds=Bounds(0, 1),
        constraints=constraints,
        options={"disp": False, "mip_rel_gap": 0.0, "time_limit": time_limit_seconds, "presolve": True},
    )
    if result.status == 2:
        return Solution(Status.INFEASIBLE, (), result.message)
    if result.x is None:
        return Solution(Status.FAILED, (), result.message)
    chosen = tuple(bid.reference for bid, taken in zip(bids, result.x, strict=True) if taken > 0.5)
    return Solution(Status.OPTIMAL if result.status == 0 else Status.FEASIBLE, chosen, result.message)


def diagnose(bids: Sequence[Bid], requirements: Sequence[Requirement]) -> list[tuple[Requirement, str]]:
    """Which minimums cannot be met, and why, when ``requirements`` together admit no selection.

    Upper bounds (budget, caps) are always met by funding nothing, so only a minimum can make the
    rules impossible. First each minimum is tried alone with the upper bounds: those that fail are
    impossible in themselves. If every one is possible alone, each is relaxed in turn with all the
    others kept: those whose removal makes the rest possible are reported. If no single one does,
    all the minimums are reported together.
    """
    caps = [requirement for requirement in requirements if requirement.sense is Sense.AT_MOST]
    minimums = [requirement for requirement in requirements if requirement.sense is Sense.AT_LEAST]
    nothing = {bid.reference: 0 for bid in bids}  # feasibility only: no objective, solves faster

    def possible(kept: list[Requirement]) -> bool:
        return solve(bids, nothing, caps + kept).status is not Status.INFEASIBLE

    alone = [(minimum, _why_impossible(minimum, bids, caps)) for minimum in minimums if not possible([minimum])]
    if alone:
        return alone
    relaxing = [
        (minimum, f"{_capital(minimum.label)} cannot be met together with the other minimums; without it they can")
        for minimum in minimums
        if possible([other for other in minimums if other is not minimum])
    ]
    if relaxing:
        return relaxing
    return [
        (minimum, f"{_capital(minimum.label)} cannot be met together with the other minimums (two or more of them "
         "would have to be dropped)")
        for minimum in minimums
    ]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _why_impossible(minimum: Requirement, bids: Sequence[Bid], caps: Sequence[Requirement]) -> str:
    """A sentence on why one minimum cannot be met even with no other minimum."""
    members = sorted((bid for bid in bids if bid.reference in minimum.members), key=lambda bid: bid.amount_pence)
    budget = next((cap for cap in caps if cap.key == "budget"), None)
    others = " and the organisation caps" if len(caps) > 1 else ""
    head = f"{_capital(minimum.label)} cannot be met"
    if minimum.measure is Measure.SPEND:
        available = sum(bid.amount_pence for bid in members)
        if available < minimum.limit:
            return f"{head}: the eligible bids towards it ask for {money(available)} in all"
        if budget is not None and minimum.limit > budget.limit:
            return f"{head}: it is more than the {money(budget.limit)} budget"
        return f"{head}: no combination of the eligible bids towards it reaches it within the budget{others}"
    if len(members) < minimum.limit:
        count = len(members)
        bids_count = f"{count} eligible bid counts" if count == 1 else f"{count} eligible bids count"
        return f"{head}: only {bids_count} towards it"
    cheapest = sum(bid.amount_pence for bid in members[: minimum.limit])
    if budget is not None and cheapest > budget.limit:
        return (
            f"{head}: the {minimum.describe(minimum.limit)} towards it that cost least ask for "
            f"{money(cheapest)}, more than the {money(budget.limit)} budget"
        )
    return f"{head}: no {minimum.describe(minimum.limit)} towards it fit within the budget{others}"
