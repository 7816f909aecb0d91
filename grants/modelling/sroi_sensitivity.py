"""Sensitivity of the social-return estimate: a tornado table (each parameter alone at its low and high
value) and a seeded Monte Carlo run (every parameter drawn at once from a triangular distribution between
its low, central and high values) giving a 90% interval.

The "total" throughout is the net present value of benefits after SROI adjustments
(SroiResult.net_present_value), before the cost of treatment. The tornado and the central estimate use
the Decimal model (social_return.estimate); the Monte Carlo repeats the same arithmetic in float64 arrays,
one element per draw, because a sampled interval needs no more than float precision and 10,000 Decimal
runs take seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import numpy as np
from numpy.typing import NDArray

from grants.modelling.social_return import SroiInputs, estimate, validate
from grants.modelling.sroi_parameters import CLIENT_GROUPS, MONEY_CATEGORIES, ParameterSet

PENNY = Decimal("0.01")

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


def draw_parameters(parameters: ParameterSet, seed: int, runs: int) -> dict[str, NDArray[np.float64]]:
    """``runs`` values of every parameter, each from a triangular distribution between its low, central
    and high values, drawn from numpy's PCG64 generator (its stream is the same on every machine).

    The uniforms come as one block, a row per parameter in key order, whatever the ranges: a parameter
    with no range still takes its row, so changing one range never changes another parameter's draws.
    """
    keys = sorted(parameters.values)
    # PCG64 refuses negative seeds; random.Random, used before, took an int seed's absolute value.
    uniforms = np.random.Generator(np.random.PCG64(abs(seed))).random((len(keys), runs))
    drawn: dict[str, NDArray[np.float64]] = {}
    for key, u in zip(keys, uniforms, strict=True):
        item = parameters.values[key]
        low, mode, high = float(item.low), float(item.value), float(item.high)
        if item.low == item.high:
            drawn[key] = np.full(runs, mode)
            continue
        # Inverse of the triangular distribution's cumulative distribution function.
        width, split = high - low, (mode - low) / (high - low)
        below = low + np.sqrt(u * width * (mode - low))
        above = high - np.sqrt((1 - u) * width * (high - mode))
        drawn[key] = np.clip(np.where(u < split, below, above), low, high)
    return drawn


def net_present_values(inputs: SroiInputs, drawn: Mapping[str, NDArray[np.float64]]) -> NDArray[np.float64]:
    """The total (net present value after adjustments) for each draw: social_return.estimate's arithmetic
    on arrays of parameter values keyed as in a ParameterSet. ``inputs`` must already be validated."""
    keep = 1 - drawn["drop_off"]
    grow = 1 + drawn["discount_rate"]
    ratio = keep / grow
    # Sum over years 2 … horizon of ratio^(t − 1), by repeated multiplication rather than a power, so
    # that every element (and every machine) follows the same IEEE steps.
    weight, term = np.zeros_like(ratio), np.ones_like(ratio)
    for _ in range(2, inputs.horizon_years + 1):
        term = term * ratio
        weight = weight + term
    gross = np.zeros_like(ratio)
    for group in CLIENT_GROUPS:
        if group not in inputs.groups:
            continue
        entry = inputs.groups[group]
        per_client = drawn[f"qalys.{group}"] * drawn["value_per_qaly"]
        for category in MONEY_CATEGORIES:
            per_client = per_client + drawn[f"{category}.{group}"]
        gross = gross + (entry.clients + entry.completions * weight) * per_client
    factor = (1 - drawn["deadweight"]) * (1 - drawn["attribution"]) * (1 - drawn["displacement"])
    return gross * factor


def monte_carlo(inputs: SroiInputs, parameters: ParameterSet, seed: int, runs: int = DEFAULT_RUNS) -> MonteCarloResult:
    """A 90% interval for the total from ``runs`` draws; the same seed always gives the same interval.

    Each parameter is drawn independently (no correlation between parameters is modelled). The 5th and
    95th percentiles interpolate between closest ranks (the spreadsheet PERCENTILE.INC) and are rounded
    outwards to the penny, so rounding never narrows the interval; when no draw moves the total, the
    interval is the central estimate itself.
    """
    if not isinstance(runs, int) or isinstance(runs, bool) or not 2 <= runs <= 100_000:
        raise ValueError("The number of Monte Carlo runs must be a whole number from 2 to 100,000")
    inputs = validate(inputs)
    central = estimate(inputs, parameters).net_present_value
    totals = net_present_values(inputs, draw_parameters(parameters, seed, runs))
    if totals.min() == totals.max():
        return MonteCarloResult(central, central, central, runs, seed)
    low, high = np.percentile(totals, [5, 95], method="linear")
    return MonteCarloResult(central, Decimal(float(low)).quantize(PENNY, ROUND_FLOOR),
                            Decimal(float(high)).quantize(PENNY, ROUND_CEILING), runs, seed)
