"""Sensitivity of the social-return estimate: a tornado table (each parameter alone at its low and high
value) and a seeded Monte Carlo run (every parameter drawn at once from a triangular distribution between
its low, central and high values) giving a 90% interval.

The "total" throughout is the net present value of benefits after SROI adjustments
(SroiResult.net_present_value), before the cost of treatment.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from grants.modelling.social_return import SroiInputs, estimate, validate
from grants.modelling.sroi_parameters import ParameterSet

DEFAULT_RUNS = 1000


@dataclass(frozen=True)
class TornadoBar:
    """The total with one parameter at its low and at its high value, and the swing between them."""

    key: str
    low_value: Decimal
    high_value: Decimal
    total_at_low: Decimal
    total_at_high: Decimal
    central_total: Decimal

    @property
    def swing(self) -> Decimal:
        return abs(self.total_at_high - self.total_at_low)


def tornado(inputs: SroiInputs, parameters: ParameterSet) -> list[TornadoBar]:
    """One bar per parameter whose low and high differ, widest swing first (ties by key)."""
    inputs = validate(inputs)
    central = estimate(inputs, parameters).net_present_value
    bars = []
    for key, item in parameters.values.items():
        if item.low == item.high:
            continue
        at_low = estimate(inputs, parameters.with_value(key, item.low)).net_present_value
        at_high = estimate(inputs, parameters.with_value(key, item.high)).net_present_value
        bars.append(TornadoBar(key, item.low, item.high, at_low, at_high, central))
    return sorted(bars, key=lambda bar: (-bar.swing, bar.key))


@dataclass(frozen=True)
class MonteCarloResult:
    """The central estimate, the 5th and 95th percentiles of the simulated totals, and the run settings."""

    central: Decimal
    low: Decimal
    high: Decimal
    runs: int
    seed: int

    def contains_central(self) -> bool:
        return self.low <= self.central <= self.high


def _draw(rng: random.Random, low: Decimal, mode: Decimal, high: Decimal) -> Decimal:
    if low == high:
        rng.random()  # keep the stream aligned whatever the ranges, so runs stay comparable
        return mode
    value = Decimal(repr(rng.triangular(float(low), float(high), float(mode))))
    return min(max(value, low), high)


def _percentile(ordered: list[Decimal], fraction: Decimal) -> Decimal:
    """Linear interpolation between closest ranks (the usual spreadsheet PERCENTILE.INC)."""
    position = fraction * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def monte_carlo(inputs: SroiInputs, parameters: ParameterSet, seed: int, runs: int = DEFAULT_RUNS) -> MonteCarloResult:
    """A 90% interval for the total from ``runs`` draws; the same seed always gives the same interval.

    Each parameter is drawn independently (no correlation between parameters is modelled).
    """
    if not isinstance(runs, int) or isinstance(runs, bool) or not 2 <= runs <= 100_000:
        raise ValueError("The number of Monte Carlo runs must be a whole number from 2 to 100,000")
    inputs = validate(inputs)
    rng = random.Random(seed)
    keys = sorted(parameters.values)
    totals = []
    for _ in range(runs):
        drawn = {key: _draw(rng, parameters.values[key].low, parameters.values[key].value,
                            parameters.values[key].high) for key in keys}
        totals.append(estimate(inputs, parameters.with_values(drawn)).net_present_value)
    totals.sort()
    central = estimate(inputs, parameters).net_present_value
    return MonteCarloResult(central, _percentile(totals, Decimal("0.05")), _percentile(totals, Decimal("0.95")),
                            runs, seed)
