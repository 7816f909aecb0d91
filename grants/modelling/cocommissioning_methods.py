"""How a co-commissioned service's cost is shared: the apportionment bases, weighted hybrids,
phase-in from standalone proportions, and floors and caps, all to the penny.

Partners are identified by their area code. Every step works on the partners sorted by code and
breaks penny ties by code, so the result does not depend on the order the partners were listed in.
Exact arithmetic throughout (Fraction); only the final step rounds, by largest remainder.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

# Basis -> what the page calls it. "equal" needs no data; the others read a partner's figure.
BASES = {
    "equal": "equal shares",
    "population": "population",
    "population_15_64": "population aged 15-64",
    "need": "need (OCU estimate)",
    "caseload": "caseload",
}


def method_proportions(values: Mapping[str, Mapping[str, Fraction]],
                       weights: Mapping[str, Decimal]) -> dict[str, Fraction]:
    """Each partner's proportion (adding up to exactly 1) under a weighted hybrid of bases.

    ``values[basis][code]`` is the partner's figure for that basis (ignored for "equal");
    ``weights[basis]`` is a percentage, and the weights add up to 100. A single method is a hybrid
    with one weight of 100. Each basis first becomes proportions of its own total, then the
    proportions are mixed by the weights: 25% need + 75% caseload gives
    0.25 × OCU share + 0.75 × caseload share.
    """
    codes = sorted(next(iter(values.values())))
    mixed = {code: Fraction(0) for code in codes}
    for basis, weight in weights.items():
        if not weight:
            continue
        figures = {code: Fraction(1) for code in codes} if basis == "equal" else values[basis]
        total = sum(figures.values(), Fraction(0))
        for code in codes:
            mixed[code] += Fraction(weight) / 100 * figures[code] / total
    return mixed


def phase_in_progress(year: int, phase_in_years: int) -> Fraction:
    """How far (0 to 1) year ``year`` has moved from standalone proportions to the method's shares.

    Over k years the method's shares carry weight y/k in year y (1 from year k on): with k = 4,
    year 1 is a quarter of the way, year 4 all the way. k = 0 or 1 means no phase-in.
    """
    if phase_in_years <= 1:
        return Fraction(1)
    return Fraction(min(year, phase_in_years), phase_in_years)


def blend(standalone: Mapping[str, int], method: Mapping[str, Fraction], progress: Fraction) -> dict[str, Fraction]:
    """Proportions part way from standalone-cost proportions to the method's: (1 − t)·s + t·m."""
    total = sum(standalone.values())
    return {
        code: (1 - progress) * (Fraction(standalone[code], total) if total else Fraction(0)) + progress * method[code]
        for code in sorted(method)
    }


def _clamp(value: Fraction, low: int, high: int | None) -> Fraction:
    value = max(value, Fraction(low))
    return value if high is None else min(value, Fraction(high))


def bounded_exact_shares(total_pence: int, proportions: Mapping[str, Fraction], floors: Mapping[str, int],
                         caps: Mapping[str, int | None], label: str = "the year") -> dict[str, Fraction]:
    """Exact shares of ``total_pence`` in proportion to ``proportions``, each kept between its floor
    and cap (pence; a cap of None is no cap).

    The shares are clamp(λ·p, floor, cap) with the one λ that makes them add up to the total: a
    partner held at its cap passes the excess to the others in proportion, and one lifted to its
    floor takes the shortfall from the others in proportion. Raises ValueError with the reason when
    the floors come to more than the total, or the caps to less.
    """
    codes = sorted(proportions)
    floor_sum = sum(floors[code] for code in codes)
    if floor_sum > total_pence:
        raise ValueError(f"In {label} the floors come to {_pounds(floor_sum)}, more than the joint cost of "
                         f"{_pounds(total_pence)}: lower a floor")
    for code in codes:
        cap = caps[code]
        if cap is not None and cap < floors[code]:
            raise ValueError(f"In {label} the cap for {code} ({_pounds(cap)}) is below its floor "
                             f"({_pounds(floors[code])})")

    def filled(scale: Fraction) -> Fraction:
        return sum((_clamp(scale * proportions[c], floors[c], caps[c]) for c in codes), Fraction(0))

    breakpoints = sorted({Fraction(0)}
                         | {Fraction(floors[c]) / proportions[c] for c in codes if proportions[c] > 0}
                         | {Fraction(cap) / proportions[c] for c in codes
                            if proportions[c] > 0 and (cap := caps[c]) is not None})
    previous, previous_fill = Fraction(0), filled(Fraction(0))
    scale = None
    for point in breakpoints:
        fill = filled(point)
        if fill >= total_pence:
            # filled() is linear between breakpoints, so interpolate
            scale = previous if fill == previous_fill else (
                previous + (total_pence - previous_fill) * (point - previous) / (fill - previous_fill))
            break
        previous, previous_fill = point, fill
    if scale is None:
        slope = sum((proportions[c] for c in codes if caps[c] is None and proportions[c] > 0), Fraction(0))
        if slope == 0:
            # past the last breakpoint every partner with a share is at its cap: the most they can pay
            raise ValueError(f"In {label} the caps come to {_pounds(math.floor(previous_fill))}, less than the "
                             f"joint cost of {_pounds(total_pence)}: raise a cap")
        scale = previous + (total_pence - previous_fill) / slope
    return {code: _clamp(scale * proportions[code], floors[code], caps[code]) for code in codes}


def to_pence(exact: Mapping[str, Fraction]) -> dict[str, int]:
    """Exact shares (adding up to whole pence) rounded to the penny by largest remainder.

    Each share is rounded down, and the pennies left over go one each to the largest remainders,
    ties to the earlier partner code. A share that is already whole pence never gets a penny, so
    rounding keeps every share within its floor and cap.
    """
    codes = sorted(exact)
    shares = {code: math.floor(exact[code]) for code in codes}
    left_over = int(sum(exact.values(), Fraction(0))) - sum(shares.values())
    for code in sorted(codes, key=lambda c: (-(exact[c] - shares[c]), c))[:left_over]:
        shares[code] += 1
    return shares


def split_year(total_pence: int, proportions: Mapping[str, Fraction], floors: Mapping[str, int],
               caps: Mapping[str, int | None], label: str = "the year") -> dict[str, int]:
    """A year's joint cost shared in pence: bounded exact shares, then largest remainder."""
    return to_pence(bounded_exact_shares(total_pence, proportions, floors, caps, label))


def bound_pence(total_pence: int, percent: Decimal | None, pence: int | None, *, is_cap: bool) -> int:
    """A floor or cap in pence for a year whose joint cost is ``total_pence``.

    A percentage is met to the penny: a floor is the percentage of the cost rounded down, a cap
    rounded up, so that floors of 20% for five partners (or caps of 50% for two) always fit.
    """
    if pence is not None:
        return pence
    if percent is None:
        raise TypeError("Give a floor or cap as a percentage or an amount in pence")
    exact = Fraction(total_pence) * Fraction(percent) / 100
    return math.ceil(exact) if is_cap else math.floor(exact)


def _pounds(pence: int) -> str:
    sign, pence = ("-", -pence) if pence < 0 else ("", pence)
    return f"{sign}£{pence // 100:,}.{pence % 100:02d}"
