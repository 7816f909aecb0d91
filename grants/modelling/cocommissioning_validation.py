"""Checking a co-commissioning scenario before it is worked out (cocommissioning.run calls ``validate``):
each problem raises ValueError with a message naming what to change, the first problem found first.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from grants.modelling.cocommissioning_methods import BASES

if TYPE_CHECKING:
    from grants.modelling.cocommissioning import Bound, CostModel, CostSplit, Partner, ScaleEconomies, Scenario

MAX_YEARS = 10


def validate(scenario: Scenario) -> None:
    """Raise ValueError with a specific message for the first problem with ``scenario``."""
    _validate_membership(scenario)
    _validate_costs(scenario.costs)
    _validate_figures(scenario.partners)
    if scenario.joint:
        _validate_split(scenario.split, scenario.partners, scenario.costs.years)


def _validate_membership(scenario: Scenario) -> None:
    partners = scenario.partners
    if scenario.joint and len(partners) < 2:
        raise ValueError(f"A joint option needs at least two partners; {scenario.name or 'this one'} "
                         f"has {len(partners)}")
    if not partners:
        raise ValueError("Choose at least one partner")
    codes = [p.code for p in partners]
    if len(set(codes)) != len(codes):
        raise ValueError("Each partner can join a scenario only once")


def _validate_costs(costs: CostModel) -> None:
    if not 1 <= costs.years <= MAX_YEARS:
        raise ValueError(f"The contract must be between 1 and {MAX_YEARS} years; it is {costs.years}")
    for label, pence in (("set-up cost", costs.setup_pence), ("fixed annual cost", costs.fixed_annual_pence),
                         ("cost per client", costs.cost_per_client_pence)):
        if pence < 0:
            raise ValueError(f"The {label} must not be negative")
    if not 0 <= costs.take_up_percent <= 100:
        raise ValueError("Take-up must be between 0% and 100%")
    if costs.inflation_percent < 0:
        raise ValueError("Inflation must not be negative")
    _validate_scale(costs.scale)


def _validate_scale(scale: ScaleEconomies) -> None:
    if (scale.percent is None) == (scale.exponent is None):
        raise ValueError("Give economies of scale as a percentage or as a curve exponent, not both")
    if scale.percent is not None and scale.percent <= 0:
        raise ValueError("The joint fixed cost percentage must be more than 0%")
    if scale.exponent is not None and not 0 < scale.exponent <= 1:
        raise ValueError("The economies-of-scale exponent must be more than 0 and at most 1")


def _validate_figures(partners: tuple[Partner, ...]) -> None:
    for partner in partners:
        for label, figure in (("population", partner.population), ("population aged 15-64", partner.population_15_64),
                              ("OCU estimate", partner.ocu), ("caseload", partner.caseload)):
            if figure.value < 0:
                raise ValueError(f"The {label} of {partner.name} must not be negative")


def _validate_split(split: CostSplit, partners: tuple[Partner, ...], years: int) -> None:
    _validate_weights(split.weights, partners)
    if not 0 <= split.phase_in_years <= years:
        raise ValueError(f"The phase-in must be between 0 and {years} years (the contract length)")
    _validate_bounds(split, partners)


def _validate_weights(weights: Mapping[str, Decimal], partners: tuple[Partner, ...]) -> None:
    for basis, weight in weights.items():
        if basis not in BASES:
            raise ValueError(f"Unknown way of sharing the cost: {basis!r}")
        if weight < 0:
            raise ValueError(f"The weight for {BASES[basis]} must not be negative")
    weight_sum = sum(weights.values(), Decimal(0))
    if weight_sum != 100:
        raise ValueError(f"The weights add up to {weight_sum.normalize():f}%: they must add up to 100%")
    for basis, weight in weights.items():
        if weight and basis != "equal":
            for partner in partners:
                if partner.basis_value(basis) == 0:
                    raise ValueError(f"A split by {BASES[basis]} needs a {BASES[basis]} figure for every partner: "
                                     f"{partner.name} has 0")


def _validate_bounds(split: CostSplit, partners: tuple[Partner, ...]) -> None:
    floor_percent = Decimal(0)
    for partner in partners:
        floor, cap = split.floor_for(partner.code), split.cap_for(partner.code)
        _validate_bound("floor", floor, partner)
        _validate_bound("cap", cap, partner)
        if floor is not None and cap is not None and _cap_below_floor(floor, cap):
            raise ValueError(f"The cap for {partner.name} ({cap.describe()}) is below its floor "
                             f"({floor.describe()})")
        floor_percent += floor.percent if floor is not None and floor.percent is not None else 0
    if floor_percent > 100:
        raise ValueError(f"The floors add up to {floor_percent.normalize():f}% of the cost: "
                         "they cannot be more than 100%")
    caps = [split.cap_for(p.code) for p in partners]
    cap_percents = [cap.percent for cap in caps if cap is not None and cap.percent is not None]
    if len(cap_percents) == len(caps):  # every partner is capped by a percentage
        cap_percent = sum(cap_percents, Decimal(0))
        if cap_percent < 100:
            raise ValueError(f"Every partner is capped and the caps add up to {cap_percent.normalize():f}%: "
                             "they must add up to at least 100%")


def _validate_bound(label: str, bound: Bound | None, partner: Partner) -> None:
    if bound is None:
        return
    if (bound.percent is None) == (bound.pence is None):
        raise ValueError(f"Give the {label} for {partner.name} as a percentage or an amount, not both")
    if (bound.percent or 0) < 0 or (bound.pence or 0) < 0:
        raise ValueError(f"The {label} for {partner.name} must not be negative")
    if bound.percent is not None and bound.percent > 100:
        raise ValueError(f"The {label} for {partner.name} must be 100% or less")


def _cap_below_floor(floor: Bound, cap: Bound) -> bool:
    """Whether ``cap`` is below ``floor`` (each already checked to be a percentage or an amount). A
    percentage and an amount cannot be compared before the year's cost is known, so they never are."""
    if floor.percent is not None and cap.percent is not None:
        return cap.percent < floor.percent
    if floor.pence is not None and cap.pence is not None:
        return cap.pence < floor.pence
    return False
