"""The funding recommendation: which bids to fund within the budget and the round's rules.

Objective (``Objective.TOTAL_SCORE``, the default): fund the set of bids whose panel scores add up
to the most. Each funded bid counts for its quality, so among sets that fit the budget the panel
gets the most quality in all; this favours several good bids over one slightly better one that
costs as much as all of them. ``Objective.SCORE_WEIGHTED_SPEND`` instead maximises the sum of
panel score x amount (in pounds): the money itself, weighted by how good the bids spending it are.

Rules: the budget (never exceeded by a penny); a quality threshold (no bid below it is
recommended, whatever money is left); optional minimum spend or number of bids per local
authority area and per plan approach (a bid counts in full towards every area and approach it
names); an optional maximum share of the budget for any one organisation.

Alongside the optimum comes the plain rank-order result (fund down the ranking while the money
lasts, skipping bids that do not fit) and what the optimum gains over it, and for every bid the
reason it is in or out. Rules that cannot all be met give a result naming the ones that cannot,
never an exception.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from scoring.optimiser import Measure, Requirement, Sense, Status, diagnose, solve
from scoring.ranking import Bid, money, pounds, rank_bids

AREA = "area"  # a local authority area, such as "torbay"
APPROACH = "approach"  # an approach of the plan, such as "prevention"


class Objective(StrEnum):
    TOTAL_SCORE = "total_score"  # sum of panel scores (points on the rubric's scale)
    SCORE_WEIGHTED_SPEND = "score_weighted_spend"  # sum of panel score x amount in pounds


@dataclass(frozen=True)
class Minimum:
    """A floor for one area or approach: a spend in pence, a number of bids, or both."""

    kind: str  # AREA or APPROACH
    code: str
    spend_pence: int = 0
    count: int = 0
    name: str = ""  # shown to people; the code when blank


@dataclass(frozen=True)
class FundingRules:
    """The round's budget and the rules a recommendation must keep."""

    budget_pence: int
    quality_threshold: Decimal = Decimal(0)  # lowest panel score that can be funded, on the rubric's scale
    minimums: tuple[Minimum, ...] = ()
    max_organisation_share: Decimal | None = None  # percent of the budget, e.g. Decimal("25")
    objective: Objective = Objective.TOTAL_SCORE

    def __post_init__(self) -> None:
        object.__setattr__(self, "minimums", tuple(self.minimums))
        object.__setattr__(self, "objective", Objective(self.objective))
        if not isinstance(self.budget_pence, int) or isinstance(self.budget_pence, bool) or self.budget_pence < 0:
            raise ValueError("The budget must be whole pence, £0 or more")
        if isinstance(self.quality_threshold, float) or isinstance(self.max_organisation_share, float):
            raise TypeError("Give the threshold and the share as Decimals, not floats")
        object.__setattr__(self, "quality_threshold", Decimal(self.quality_threshold))
        share = self.max_organisation_share
        if share is not None and not Decimal(0) < Decimal(share) <= Decimal(100):
            raise ValueError("The maximum share for one organisation must be more than 0% and at most 100%")
        seen = set()
        for minimum in self.minimums:
            if minimum.kind not in (AREA, APPROACH):
                raise ValueError(f"A minimum is for an {AREA!r} or an {APPROACH!r}, not {minimum.kind!r}")
            if minimum.spend_pence < 0 or minimum.count < 0:
                raise ValueError(f"The minimum for {minimum.code} must not be negative")
            if (minimum.kind, minimum.code) in seen:
                raise ValueError(f"There are two minimums for the {minimum.kind} {minimum.code}")
            seen.add((minimum.kind, minimum.code))

    @property
    def organisation_cap_pence(self) -> int | None:
        """The most one organisation may get, in pence: the share of the budget, rounded down to the penny."""
        if self.max_organisation_share is None:
            return None
        return int(self.budget_pence * Decimal(self.max_organisation_share) / 100)

    def requirements(self, bids: Iterable[Bid]) -> list[Requirement]:
        """Every rule as a bound on spend or count over a set of bids (see scoring.optimiser)."""
        bids = list(bids)
        everyone = frozenset(bid.reference for bid in bids)
        found = [Requirement("budget", f"the {money(self.budget_pence)} budget", Measure.SPEND, Sense.AT_MOST,
                             self.budget_pence, everyone)]
        cap = self.organisation_cap_pence
        if cap is not None:
            by_organisation: dict[str, set[str]] = {}
            for bid in bids:
                by_organisation.setdefault(bid.organisation, set()).add(bid.reference)
            for organisation, references in sorted(by_organisation.items()):
                found.append(Requirement(f"organisation:{organisation}", f"the {money(cap)} cap for {organisation}",
                                         Measure.SPEND, Sense.AT_MOST, cap, frozenset(references)))
        for minimum in self.minimums:
            name = minimum.name or minimum.code
            members = frozenset(
                bid.reference for bid in bids
                if minimum.code in (bid.areas if minimum.kind == AREA else bid.approaches)
            )
            key = f"{minimum.kind}:{minimum.code}"
            if minimum.spend_pence:
                found.append(Requirement(f"{key}:spend", f"the minimum spend of {money(minimum.spend_pence)} for "
                                         f"{name}", Measure.SPEND, Sense.AT_LEAST, minimum.spend_pence, members))
            if minimum.count:
                plural = "" if minimum.count == 1 else "s"
                found.append(Requirement(f"{key}:count", f"the minimum of {minimum.count} bid{plural} for {name}",
                                         Measure.COUNT, Sense.AT_LEAST, minimum.count, members))
        return found


class Reason(StrEnum):
    SELECTED = "selected"
    BELOW_THRESHOLD = "below quality threshold"
    OVER_REMAINING_BUDGET = "over the remaining budget"
    DISPLACED = "displaced by a better-value combination"
    ORGANISATION_SHARE = "over the organisation's share"
    NO_GAIN = "adds nothing to the objective"
    NO_RECOMMENDATION = "no recommendation"  # the rules cannot all be met


@dataclass(frozen=True)
class BidDecision:
    """Whether one bid is recommended, whether plain rank order would fund it, and why."""

    reference: str
    rank: int
    recommended: bool
    funded_in_rank_order: bool
    reason: Reason
    explanation: str


@dataclass(frozen=True)
class RequirementCheck:
    """How a selection stands against one rule (pence for spend, bids for counts)."""

    key: str
    label: str
    sense: Sense
    required: int
    achieved: int
    met: bool


@dataclass(frozen=True)
class Selection:
    """A set of funded bids and what it adds up to."""

    references: tuple[str, ...]  # in rank order
    spend_pence: int
    remaining_pence: int
    total_score: Decimal  # sum of the funded bids' panel scores
    objective_value: Decimal  # the objective's measure of this set (see Objective)
    checks: tuple[RequirementCheck, ...]

    @property
    def breaks(self) -> tuple[str, ...]:
        """The rules this selection does not keep (labels)."""
        return tuple(check.label for check in self.checks if not check.met)


@dataclass(frozen=True)
class FundingRecommendation:
    """The optimum and the rank-order result side by side, with a decision for every bid.

    When the rules cannot all be met, ``optimum`` is None and ``unmet`` says which rule cannot
    (and why); nothing is raised.
    """

    rules: FundingRules
    status: Status
    optimum: Selection | None
    rank_order: Selection
    gain: Decimal | None  # optimum minus rank order, in the objective's units
    decisions: tuple[BidDecision, ...]  # in rank order
    unmet: tuple[str, ...] = ()  # why no selection keeps the rules, one sentence per rule
    unmet_keys: tuple[str, ...] = ()  # the Requirement keys of those rules
    notes: tuple[str, ...] = ()

    @property
    def feasible(self) -> bool:
        return self.optimum is not None


def objective_value(bids: Iterable[Bid], objective: Objective) -> Decimal:
    """The objective's measure of a set of bids: sum of scores, or sum of score x amount in pounds."""
    if Objective(objective) is Objective.TOTAL_SCORE:
        return sum((bid.panel_score for bid in bids), Decimal(0))
    return sum((bid.panel_score * pounds(bid.amount_pence) for bid in bids), Decimal(0))


# The rank-order tie-break is added only while the solver's objective stays below this: doubles
# hold whole numbers exactly to 2**53, but HiGHS slows down (and grumbles) long before that, as
# with score x pence coefficients. Scores alone (at most 400 x 1,001 x bids) stay far below it.
TIE_BREAK_LIMIT = 2**32


def _integer_objective(bids: list[Bid], objective: Objective, keep: frozenset[str] = frozenset()) -> dict[str, int]:
    """Whole-number objective coefficients for the solver, with rank order as the tie-break.

    Scores are scaled to integers (3.45 -> 345) and amounts are in pence. Among sets with the same
    best objective, the one keeping most of the rank-order set ``keep`` wins: each coefficient is
    multiplied by len(keep) + 1 and the bids in ``keep`` get 1 more, so the tie-break can never
    outweigh one unit of the objective. It is left out when the numbers would get too big (in
    practice, for the score-weighted objective), and the solver then breaks ties as it finds them.
    """
    places = max((max(0, -_exponent(bid.panel_score)) for bid in bids), default=0)
    scaled = {bid.reference: int(bid.panel_score.scaleb(places)) for bid in bids}
    if objective is Objective.SCORE_WEIGHTED_SPEND:
        scaled = {bid.reference: scaled[bid.reference] * bid.amount_pence for bid in bids}
    weight = len(keep) + 1
    if weight * (sum(scaled.values()) + 1) >= TIE_BREAK_LIMIT:
        return scaled
    return {reference: value * weight + (reference in keep) for reference, value in scaled.items()}


def _exponent(score: Decimal) -> int:
    """The power of ten of the score's last digit (-2 for 3.45)."""
    exponent = score.as_tuple().exponent
    if not isinstance(exponent, int):  # "n", "N" or "F": a NaN or an infinity has no last digit
        raise TypeError(f"A panel score must be a finite number, not {score}")
    return exponent


def _selection(chosen: list[Bid], rules: FundingRules, requirements: list[Requirement]) -> Selection:
    spend = sum(bid.amount_pence for bid in chosen)
    checks = tuple(
        RequirementCheck(r.key, r.label, r.sense, r.limit, r.achieved(chosen), r.met(chosen)) for r in requirements
    )
    return Selection(
        references=tuple(bid.reference for bid in chosen),
        spend_pence=spend,
        remaining_pence=rules.budget_pence - spend,
        total_score=sum((bid.panel_score for bid in chosen), Decimal(0)),
        objective_value=objective_value(chosen, rules.objective),
        checks=checks,
    )


def fund_in_rank_order(ranked: list[Bid], rules: FundingRules) -> list[Bid]:
    """Fund down the ranking while the money lasts, skipping bids below the threshold or that do not fit.

    A bid does not fit when it costs more than is left or would take its organisation over its cap.
    Minimums are not considered: this is the plain baseline the optimum is compared with.
    """
    cap = rules.organisation_cap_pence
    remaining = rules.budget_pence
    by_organisation: dict[str, int] = {}  # pence funded so far per organisation
    funded: list[Bid] = []
    for bid in ranked:
        if bid.panel_score < rules.quality_threshold or bid.amount_pence > remaining:
            continue
        organisation_total = by_organisation.get(bid.organisation, 0) + bid.amount_pence
        if cap is not None and organisation_total > cap:
            continue
        funded.append(bid)
        remaining -= bid.amount_pence
        by_organisation[bid.organisation] = organisation_total
    return funded


def recommend_funding(
    bids: Iterable[Bid], rules: FundingRules, time_limit_seconds: float = 30.0
) -> FundingRecommendation:
    """The best set of bids to fund under ``rules``, the rank-order set beside it, and a reason for every bid.

    The optimum is found exactly (mixed-integer programme, HiGHS, zero optimality gap). If the
    solver reaches ``time_limit_seconds`` it returns the best valid set found, with status
    ``feasible`` and a note. Raises ValueError only for malformed input (repeated references).
    """
    ranked = [entry.bid for entry in rank_bids(bids)]
    requirements = rules.requirements(ranked)
    eligible = [bid for bid in ranked if bid.panel_score >= rules.quality_threshold]
    rank_order = _selection(fund_in_rank_order(ranked, rules), rules, requirements)
    notes = []

    objective = _integer_objective(eligible, rules.objective, frozenset(rank_order.references))
    solution = solve(eligible, objective, requirements, time_limit_seconds)
    if solution.status in (Status.INFEASIBLE, Status.FAILED):
        if solution.status is Status.INFEASIBLE:
            unmet = diagnose(eligible, requirements)
        else:
            unmet = []
            notes.append(f"The solver did not find a recommendation: {solution.message}")
        decisions = tuple(_decision_without_optimum(bid, rank, rules, rank_order) for rank, bid in enumerate(ranked, 1))
        return FundingRecommendation(
            rules=rules, status=solution.status, optimum=None, rank_order=rank_order, gain=None,
            decisions=decisions, unmet=tuple(message for _, message in unmet),
            unmet_keys=tuple(requirement.key for requirement, _ in unmet), notes=tuple(notes),
        )

    chosen_references = set(solution.chosen)
    optimum = _selection([bid for bid in ranked if bid.reference in chosen_references], rules, requirements)
    if solution.status is Status.FEASIBLE:
        notes.append("The solver stopped at its time limit: this set keeps every rule but may not be the best")
    if rank_order.breaks:
        notes.append("Rank order would not keep every rule (" + "; ".join(rank_order.breaks) + "), so it is "
                     "shown for comparison only")
    by_organisation: dict[str, int] = {}  # pence each organisation gets in the optimum
    for bid in ranked:
        if bid.reference in chosen_references:
            by_organisation[bid.organisation] = by_organisation.get(bid.organisation, 0) + bid.amount_pence
    in_rank_order = set(rank_order.references)
    decisions = tuple(
        _decision(bid, rank, rules, optimum, rank_order, chosen_references, in_rank_order, by_organisation)
        for rank, bid in enumerate(ranked, start=1)
    )
    return FundingRecommendation(
        rules=rules, status=solution.status, optimum=optimum, rank_order=rank_order,
        gain=optimum.objective_value - rank_order.objective_value, decisions=decisions, notes=tuple(notes),
    )


def _decision(
    bid: Bid,
    rank: int,
    rules: FundingRules,
    optimum: Selection,
    rank_order: Selection,
    optimum_set: set[str],
    rank_order_set: set[str],
    by_organisation: dict[str, int],
) -> BidDecision:
    in_rank_order = bid.reference in rank_order_set

    def decided(recommended: bool, reason: Reason, explanation: str) -> BidDecision:
        return BidDecision(bid.reference, rank, recommended, in_rank_order, reason, explanation)

    if bid.panel_score < rules.quality_threshold:
        return decided(False, Reason.BELOW_THRESHOLD, _below_threshold(bid, rules))
    if bid.reference in optimum_set:
        tail = "" if in_rank_order else "; plain rank order would not reach it"
        return decided(True, Reason.SELECTED, f"Recommended: part of the best combination within the rules{tail}")
    if in_rank_order:
        if rank_order.breaks:
            missed = "; ".join(rank_order.breaks)
            why = f"rank order misses {missed}, and the best set that keeps every rule leaves it out"
        else:
            better = "a higher total score" if rules.objective is Objective.TOTAL_SCORE else "more score-weighted value"
            why = f"a combination of other bids gives {better} within the budget"
        return decided(False, Reason.DISPLACED, f"Rank order would fund it, but {why}")
    if bid.amount_pence > optimum.remaining_pence:
        return decided(False, Reason.OVER_REMAINING_BUDGET, f"Asks for {money(bid.amount_pence)}; "
                       f"{money(optimum.remaining_pence)} is left after the recommended bids")
    cap = rules.organisation_cap_pence
    if cap is not None:
        funded = by_organisation.get(bid.organisation, 0)
        if funded + bid.amount_pence > cap:
            return decided(False, Reason.ORGANISATION_SHARE, f"Funding it would give {bid.organisation} "
                           f"{money(funded + bid.amount_pence)}, over its cap of {money(cap)} "
                           f"({rules.max_organisation_share}% of the budget)")
    return decided(False, Reason.NO_GAIN, f"Fits in the {money(optimum.remaining_pence)} left, but would add "
                   "nothing to the objective")


def _below_threshold(bid: Bid, rules: FundingRules) -> str:
    return f"Panel score {bid.panel_score} is below the quality threshold of {rules.quality_threshold}"


def _decision_without_optimum(bid: Bid, rank: int, rules: FundingRules, rank_order: Selection) -> BidDecision:
    in_rank_order = bid.reference in rank_order.references
    if bid.panel_score < rules.quality_threshold:
        return BidDecision(bid.reference, rank, False, in_rank_order, Reason.BELOW_THRESHOLD,
                           _below_threshold(bid, rules))
    return BidDecision(bid.reference, rank, False, in_rank_order, Reason.NO_RECOMMENDATION,
                       "No recommendation: the round's rules cannot all be met")
