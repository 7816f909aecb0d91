"""Agreement between scorers: which bids need moderating, and how reliable the round's scoring is.

Two reliability measures:

* ICC(2,k): two-way random effects, absolute agreement, reliability of the mean of k raters.
  Shrout, P. E. and Fleiss, J. L. (1979) "Intraclass correlations: uses in assessing rater
  reliability", Psychological Bulletin 86(2), 420-428, case 2 (their ICC(2,k)); the same statistic
  is ICC(A,k) in McGraw, K. O. and Wong, S. P. (1996) "Forming inferences about some intraclass
  correlation coefficients", Psychological Methods 1(1), 30-46. It needs a complete table, so it
  uses only the bids every scorer scored.
* Krippendorff's alpha with the interval metric: Krippendorff, K. (2011) "Computing Krippendorff's
  alpha-reliability", Annenberg School for Communication, University of Pennsylvania. It copes
  with scores that are missing because not every scorer scored every bid.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from scoring.rubrics import Rubric, frozen_mapping
from scoring.scores import Score, scorer_totals

TOTAL = "total"  # the "criterion" key a disagreement on the weighted total is reported under


@dataclass(frozen=True)
class AgreementThresholds:
    """How far apart scorers may be before a bid is flagged, in points of the rubric's scale.

    A bid is flagged when the spread reaches the threshold. ``None`` switches a check off. The
    defaults suit a 0 to 4 scale: two scorers giving 1 and 3 on one criterion, or totals a whole
    point apart, are worth a conversation.
    """

    criterion_range: Decimal | None = Decimal(2)
    criterion_sd: Decimal | None = None  # sample standard deviation across scorers
    total_range: Decimal | None = Decimal(1)
    total_sd: Decimal | None = None


@dataclass(frozen=True)
class Disagreement:
    """Scorers of one bid who are too far apart on one criterion (or on the total)."""

    bid: str
    criterion: str  # a criterion key, or TOTAL
    measure: str  # "range" or "sd"
    spread: Decimal  # points on the rubric's scale
    threshold: Decimal
    values: Mapping[str, Decimal] = field(hash=False)  # scorer -> score or total


def _spread(values: list[Decimal], measure: str) -> Decimal:
    if measure == "range":
        return max(values) - min(values)
    # Sample standard deviation: the scorers are a sample of the views the panel could have had.
    return Decimal(statistics.stdev(values)).quantize(Decimal("0.001"))


def find_disagreements(
    rubric: Rubric,
    scores: Iterable[Score],
    thresholds: AgreementThresholds = AgreementThresholds(),
    totals: Mapping[tuple[str, str], Decimal] | None = None,
) -> list[Disagreement]:
    """Every (bid, criterion or total, measure) where the scorers' spread reaches its threshold.

    Only bids with two or more scorers can disagree. Results come bid by bid in the order the scores
    were given, criteria in the rubric's order and the total last. ``totals`` are
    ``scorer_totals(rubric, scores)`` when the caller already has them.
    """
    scores = list(scores)
    if totals is None:
        totals = scorer_totals(rubric, scores)
    by_bid: dict[str, list[Score]] = {}
    for score in scores:
        by_bid.setdefault(score.bid, []).append(score)

    # The checks that are switched on, thresholds as Decimals once rather than per bid and key.
    on_criteria = [(measure, Decimal(threshold)) for measure, threshold in
                   (("range", thresholds.criterion_range), ("sd", thresholds.criterion_sd)) if threshold is not None]
    on_totals = [(measure, Decimal(threshold)) for measure, threshold in
                 (("range", thresholds.total_range), ("sd", thresholds.total_sd)) if threshold is not None]
    keys = rubric.keys
    found = []
    for bid, bid_scores in by_bid.items():
        if len(bid_scores) < 2:
            continue
        columns = [
            (key, on_criteria, {score.scorer: Decimal(score.values[key]) for score in bid_scores})
            for key in keys
        ]
        columns.append((TOTAL, on_totals, {score.scorer: totals[(score.scorer, bid)] for score in bid_scores}))
        for key, checks, values in columns:
            for measure, threshold in checks:
                spread = _spread(list(values.values()), measure)
                if spread >= threshold:
                    found.append(Disagreement(bid, key, measure, spread, threshold, frozen_mapping(values)))
    return found


def icc_2k(ratings: Sequence[Sequence[float | Decimal]]) -> float:
    """ICC(2,k) of a complete table: one row per bid (target), one column per scorer (rater).

    Shrout and Fleiss (1979), case 2, mean of k raters; McGraw and Wong (1996) ICC(A,k). From the
    two-way ANOVA mean squares, with n targets and k raters:

        ICC(2,k) = (BMS - EMS) / (BMS + (JMS - EMS) / n)

    BMS between targets, JMS between raters (judges), EMS residual. Raises ValueError for fewer
    than two targets or raters, a ragged table, or a table with no variation at all.
    """
    table = [[float(value) for value in row] for row in ratings]
    n = len(table)
    k = len(table[0]) if table else 0
    if n < 2 or k < 2:
        raise ValueError("ICC(2,k) needs at least two bids and two scorers")
    if any(len(row) != k for row in table):
        raise ValueError("ICC(2,k) needs every scorer to have scored every bid")

    grand = sum(map(sum, table)) / (n * k)
    row_means = [sum(row) / k for row in table]
    column_means = [sum(row[j] for row in table) / n for j in range(k)]
    total_ss = sum((value - grand) ** 2 for row in table for value in row)
    between_targets_ss = k * sum((m - grand) ** 2 for m in row_means)
    between_raters_ss = n * sum((m - grand) ** 2 for m in column_means)
    residual_ss = total_ss - between_targets_ss - between_raters_ss

    bms = between_targets_ss / (n - 1)
    jms = between_raters_ss / (k - 1)
    ems = residual_ss / ((n - 1) * (k - 1))
    denominator = bms + (jms - ems) / n
    if math.isclose(denominator, 0.0, abs_tol=1e-12):
        raise ValueError("ICC(2,k) is undefined: every scorer gave every bid the same score")
    return (bms - ems) / denominator


def krippendorff_alpha_interval(units: Iterable[Iterable[float | Decimal | None]]) -> float:
    """Krippendorff's alpha for interval data; each unit (bid) lists its scores, ``None`` where missing.

    alpha = 1 - Do / De (Krippendorff 2011), with the interval metric delta(c, k) = (c - k) squared.
    Only units with two or more scores are pairable; with n pairable values in all,

        Do = (1/n) x sum over units u of [ sum over ordered pairs i != j in u of delta / (m_u - 1) ]
        De = 1 / (n (n - 1)) x sum over ordered pairs i != j of all pairable values of delta

    Raises ValueError when fewer than two values are pairable or every value is the same.
    """
    pairable = []
    for unit in units:
        values = [float(value) for value in unit if value is not None]
        if len(values) >= 2:
            pairable.append(values)
    everything = [value for unit in pairable for value in unit]
    n = len(everything)
    if n < 2:
        raise ValueError("Krippendorff's alpha needs a bid with at least two scores")

    observed = sum(
        sum((a - b) ** 2 for a in unit for b in unit) / (len(unit) - 1) for unit in pairable
    ) / n
    # Sum of (a - b)^2 over ordered pairs = 2 (n sum a^2 - (sum a)^2): linear time, not quadratic.
    total, squares = sum(everything), sum(value * value for value in everything)
    expected = 2 * (n * squares - total * total) / (n * (n - 1))
    if math.isclose(expected, 0.0, abs_tol=1e-12):
        raise ValueError("Krippendorff's alpha is undefined: every score is the same")
    return 1 - observed / expected


@dataclass(frozen=True)
class Reliability:
    """The round's inter-rater reliability on the totals (or one criterion), with what each used."""

    criterion: str  # a criterion key, or TOTAL
    icc: float | None  # ICC(2,k); None when it cannot be computed (see notes)
    icc_bids: int  # bids every scorer scored
    icc_scorers: int
    alpha: float | None  # Krippendorff's alpha (interval)
    alpha_bids: int  # bids with two or more scorers
    notes: tuple[str, ...] = ()


def panel_reliability(
    rubric: Rubric,
    scores: Iterable[Score],
    criterion: str | None = None,
    totals: Mapping[tuple[str, str], Decimal] | None = None,
) -> Reliability:
    """ICC(2,k) and Krippendorff's alpha (interval) for the round's weighted totals, or for one criterion.

    ICC uses the bids that every scorer scored; alpha uses every bid with two or more scores. A
    measure that cannot be computed is None, with the reason in ``notes``. ``totals`` are
    ``scorer_totals(rubric, scores)`` when the caller already has them.
    """
    scores = list(scores)
    if criterion is None:
        values = scorer_totals(rubric, scores) if totals is None else totals
    else:
        rubric.criterion(criterion)  # KeyError for a criterion the rubric does not have
        values = {(score.scorer, score.bid): Decimal(score.values[criterion]) for score in scores}
    scorers = sorted({scorer for scorer, _ in values})
    bids = list(dict.fromkeys(bid for _, bid in values))
    notes = []

    complete = [bid for bid in bids if all((scorer, bid) in values for scorer in scorers)]
    icc = None
    try:
        icc = icc_2k([[values[(scorer, bid)] for scorer in scorers] for bid in complete])
    except ValueError as error:
        notes.append(f"{error} (bids every scorer scored: {len(complete)}; scorers: {len(scorers)})")

    units = [[values.get((scorer, bid)) for scorer in scorers] for bid in bids]
    alpha = None
    try:
        alpha = krippendorff_alpha_interval(units)
    except ValueError as error:
        notes.append(str(error))
    return Reliability(
        criterion=criterion or TOTAL,
        icc=icc,
        icc_bids=len(complete),
        icc_scorers=len(scorers),
        alpha=alpha,
        alpha_bids=sum(1 for unit in units if sum(value is not None for value in unit) >= 2),
        notes=tuple(notes),
    )
