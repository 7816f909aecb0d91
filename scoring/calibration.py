"""Calibration: evening out scorers who mark harder or softer than the rest of the panel.

Each scorer's totals are turned into z-scores among the bids that scorer scored in the round
(how far above or below their own average a bid sits, in units of their own spread), then put
back on the rubric's scale with the whole panel's mean and spread. A harsh scorer's best bid and
a generous scorer's best bid then count alike. Only a scorer's totals move; their order never
changes. The raw totals are kept next to the normalised ones so the panel sees both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from scoring.rubrics import Rubric, frozen_mapping
from scoring.scores import quantise

ONE_BID = "scored only one bid, so has no spread to normalise; totals left as scored"
NO_SPREAD = "gave every bid the same total, so has no spread to normalise; totals left as scored"


@dataclass(frozen=True)
class NormalisedTotal:
    """One scorer's total for one bid, as scored and after calibration (both on the rubric's scale)."""

    scorer: str
    bid: str
    raw: Decimal
    normalised: Decimal
    adjusted: bool  # False when the scorer was left as is (see Calibration.left_as_is)
    clipped: bool = False  # True when the rescaled total fell off the scale and was held at its end


@dataclass(frozen=True)
class Calibration:
    """Raw and normalised totals side by side, the target they were rescaled to, and who was left alone."""

    entries: tuple[NormalisedTotal, ...]
    target_mean: Decimal  # points on the rubric's scale
    target_spread: Decimal  # population standard deviation, points on the rubric's scale
    left_as_is: Mapping[str, str] = field(hash=False)  # scorer -> why their totals were not changed

    @property
    def raw(self) -> dict[tuple[str, str], Decimal]:
        """Totals as scored, keyed by (scorer, bid)."""
        return {(entry.scorer, entry.bid): entry.raw for entry in self.entries}

    @property
    def normalised(self) -> dict[tuple[str, str], Decimal]:
        """Calibrated totals, keyed by (scorer, bid); pass to ``scoring.scores.panel_scores``."""
        return {(entry.scorer, entry.bid): entry.normalised for entry in self.entries}


def mean(values: list[Decimal]) -> Decimal:
    """The arithmetic mean of ``values`` (exact Decimal division to 28 significant figures)."""
    return sum(values, Decimal(0)) / len(values)


def population_sd(values: list[Decimal]) -> Decimal:
    """The population standard deviation of ``values``: the square root of the mean squared deviation.

    Population rather than sample: the bids a scorer scored are all the bids there are, not a sample.
    """
    centre = mean(values)
    return (sum(((value - centre) ** 2 for value in values), Decimal(0)) / len(values)).sqrt()


def normalise_totals(
    rubric: Rubric,
    totals: Mapping[tuple[str, str], Decimal],
    target_mean: Decimal | None = None,
    target_spread: Decimal | None = None,
) -> Calibration:
    """Each scorer's totals (keyed by (scorer, bid)) as z-scores, rescaled to the panel's mean and spread.

    normalised = target_mean + target_spread x (total - scorer's mean) / scorer's spread, held within
    the rubric's scale and given to 0.01 of a point. By default the target is the mean and population
    standard deviation of every total in the round. A scorer who scored one bid, or gave every bid
    the same total, is left as is and named in ``left_as_is`` with the reason. A scorer's order of
    bids is kept (ties stay tied; totals pushed past an end of the scale are held there).
    """
    if not totals:
        return Calibration((), Decimal(0), Decimal(0), frozen_mapping({}))
    everything = list(totals.values())
    target_mean = mean(everything) if target_mean is None else Decimal(target_mean)
    target_spread = population_sd(everything) if target_spread is None else Decimal(target_spread)
    if target_spread < 0:
        raise ValueError("The target spread must be 0 or more")
    low, high = Decimal(rubric.scale_min), Decimal(rubric.scale_max)

    by_scorer: dict[str, list[tuple[str, Decimal]]] = {}
    for (scorer, bid), total in totals.items():
        by_scorer.setdefault(scorer, []).append((bid, total))

    entries: list[NormalisedTotal] = []
    left_as_is: dict[str, str] = {}
    for scorer, scored in by_scorer.items():
        values = [total for _, total in scored]
        spread = population_sd(values)
        if len(values) < 2 or spread == 0:
            left_as_is[scorer] = ONE_BID if len(values) < 2 else NO_SPREAD
            entries.extend(NormalisedTotal(scorer, bid, total, total, adjusted=False) for bid, total in scored)
            continue
        centre = mean(values)
        for bid, total in scored:
            rescaled = target_mean + target_spread * (total - centre) / spread
            held = min(max(rescaled, low), high)
            entries.append(
                NormalisedTotal(scorer, bid, total, quantise(held), adjusted=True, clipped=held != rescaled)
            )
    return Calibration(
        entries=tuple(entries),
        target_mean=quantise(target_mean),
        target_spread=quantise(target_spread),
        left_as_is=frozen_mapping(left_as_is),
    )
