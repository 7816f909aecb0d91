"""Scores: one panel member's marks for one bid, checked against the rubric and combined.

A scorer's *total* for a bid is the weighted sum of their criterion scores, on the rubric's own
scale (0 to 4 by default): sum of weight% x score. A bid's *panel score* is the mean (default) or
the median of its scorers' totals.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from scoring.rubrics import FULL_WEIGHT, Rubric, frozen_mapping

# Totals and panel scores are shown and ranked to two decimal places of a point (3.45 out of 4):
# finer than any weight in a sensible rubric makes a difference to, coarse enough to read.
SCORE_PLACES = Decimal("0.01")


def quantise(value: Decimal) -> Decimal:
    """``value`` to two decimal places, halves rounded up (away from zero), as the panel reads it."""
    return value.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


class Aggregation(StrEnum):
    """How scorers' totals for one bid become its panel score."""

    MEAN = "mean"
    MEDIAN = "median"  # less swayed by one scorer far from the rest


@dataclass(frozen=True)
class Score:
    """One scorer's scores for one bid: criterion key -> whole score on the rubric's scale."""

    scorer: str
    bid: str
    values: Mapping[str, int] = field(hash=False)
    comments: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", frozen_mapping(self.values))
        object.__setattr__(self, "comments", frozen_mapping(self.comments))


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_score(rubric: Rubric, values: Mapping[str, int], comments: Mapping[str, str] | None = None) -> list[str]:
    """What is wrong with one scorer's ``values`` for a bid, in GOV.UK wording; empty when nothing is.

    Reports criteria with no score, scores that are not whole numbers or are off the criterion's
    scale, and keys the rubric does not have. When ``comments`` is given, also reports a score at
    the top or bottom of the scale that has no comment (see ``required_comment``).
    """
    errors = []
    for criterion in rubric.criteria:
        value = values.get(criterion.key)
        if value is None:
            errors.append(f"Enter a score for {criterion.title}")
        elif not _is_whole(value) or not criterion.scale_min <= value <= criterion.scale_max:
            errors.append(
                f"Score for {criterion.title} must be a whole number from "
                f"{criterion.scale_min} to {criterion.scale_max}"
            )
        elif (comments is not None and required_comment(rubric, criterion.key, value)
              and not (comments.get(criterion.key) or "").strip()):
            errors.append(f"Explain the score of {value} for {criterion.title}")
    known = set(rubric.keys)
    for key in values:
        if key not in known:
            errors.append(f"{key!r} is not a criterion of {rubric.name} version {rubric.version}")
    return errors


def required_comment(rubric: Rubric, criterion: str, value: int) -> bool:
    """True when a score of ``value`` on ``criterion`` needs a comment: at the top or bottom of its scale.

    Extreme scores decide rankings and are the ones challenged, so the panel records why.
    Raises KeyError for a criterion the rubric does not have.
    """
    scale = rubric.criterion(criterion)
    return value in (scale.scale_min, scale.scale_max)


def weighted_total(rubric: Rubric, values: Mapping[str, int]) -> Decimal:
    """One scorer's total for one bid on the rubric's scale: sum of weight% x score, to 0.01 of a point.

    Example: weights 60% and 40%, scores 3 and 4 give 0.6 x 3 + 0.4 x 4 = 3.40. With weights adding
    up to 100% the total stays within the scale. Raises ValueError when ``check_score`` finds a
    problem with ``values``.
    """
    errors = check_score(rubric, values)
    if errors:
        raise ValueError("; ".join(errors))
    exact = sum((criterion.weight * values[criterion.key] for criterion in rubric.criteria), Decimal(0))
    return quantise(exact / FULL_WEIGHT)


def scorer_totals(rubric: Rubric, scores: Iterable[Score]) -> dict[tuple[str, str], Decimal]:
    """Each scorer's weighted total for each bid they scored, keyed by (scorer, bid).

    Raises ValueError when a scorer has two scores for one bid (pass only the current one) or a
    score is not valid for the rubric.
    """
    totals: dict[tuple[str, str], Decimal] = {}
    for score in scores:
        key = (score.scorer, score.bid)
        if key in totals:
            raise ValueError(f"{score.scorer} has more than one score for {score.bid}; pass only the current one")
        totals[key] = weighted_total(rubric, score.values)
    return totals


def combine(values: Iterable[Decimal], method: Aggregation | str = Aggregation.MEAN) -> Decimal:
    """The mean or median of ``values``, to 0.01 of a point. Raises ValueError when there are none."""
    method = Aggregation(method)
    values = list(values)
    if not values:
        raise ValueError("There are no scores to combine")
    if method is Aggregation.MEDIAN:
        # Of an even count, the mean of the middle two (Decimal arithmetic, so exact).
        return quantise(Decimal(statistics.median(values)))
    return quantise(sum(values, Decimal(0)) / len(values))


def _combine_whole(values: list[int], method: Aggregation) -> Decimal:
    """``combine`` for whole scores: a sum of ints is the sum of their Decimals exactly, so the mean
    is the same figure, found without a Decimal addition per score."""
    if method is Aggregation.MEAN and values:
        return quantise(Decimal(sum(values)) / len(values))
    return combine((Decimal(value) for value in values), method)


@dataclass(frozen=True)
class PanelScore:
    """A bid's panel score with what it was made from.

    ``raw_totals`` are the scorers' weighted totals; ``totals`` are the ones combined, which are the
    normalised totals when calibration was applied (see scoring.calibration) and the raw ones
    otherwise. ``criterion_scores`` combine each criterion's raw scores the same way (mean or
    median); the ranking breaks ties on one of them.
    """

    bid: str
    score: Decimal
    method: Aggregation
    raw_totals: Mapping[str, Decimal] = field(hash=False)
    totals: Mapping[str, Decimal] = field(hash=False)
    criterion_scores: Mapping[str, Decimal] = field(hash=False)
    normalised: bool = False

    @property
    def scorer_count(self) -> int:
        return len(self.raw_totals)


def panel_scores(
    rubric: Rubric,
    scores: Iterable[Score],
    method: Aggregation | str = Aggregation.MEAN,
    normalised_totals: Mapping[tuple[str, str], Decimal] | None = None,
    totals: Mapping[tuple[str, str], Decimal] | None = None,
) -> dict[str, PanelScore]:
    """Every scored bid's panel score, keyed by bid: the mean (default) or median of its scorers' totals.

    Pass ``normalised_totals`` (from ``scoring.calibration.normalise_totals(...).normalised``) to
    combine calibrated totals instead of raw ones; the raw totals are kept alongside. ``totals``
    are ``scorer_totals(rubric, scores)`` when the caller already has them.
    """
    method = Aggregation(method)
    scores = list(scores)
    raw = scorer_totals(rubric, scores) if totals is None else totals
    by_bid: dict[str, list[Score]] = {}
    for score in scores:
        by_bid.setdefault(score.bid, []).append(score)

    keys = rubric.keys
    result = {}
    for bid, bid_scores in by_bid.items():
        raw_totals = {score.scorer: raw[(score.scorer, bid)] for score in bid_scores}
        if normalised_totals is None:
            used = raw_totals
        else:
            used = {scorer: normalised_totals[(scorer, bid)] for scorer in raw_totals}
        criterion_scores = {key: _combine_whole([score.values[key] for score in bid_scores], method) for key in keys}
        result[bid] = PanelScore(
            bid=bid,
            score=combine(used.values(), method),
            method=method,
            raw_totals=frozen_mapping(raw_totals),
            totals=frozen_mapping(used),
            criterion_scores=frozen_mapping(criterion_scores),
            normalised=normalised_totals is not None,
        )
    return result
