"""Sharing a sum of money out in proportion to weights, so that the shares add up to the penny.

Largest remainder (Hamilton's method): each share is first rounded down to the penny, then the
pennies left over go one each to the shares with the largest remainders (ties to the earlier
share). The result always sums exactly to the total, each share is within a penny of its exact
value, and equal weights get shares at most a penny apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction


def apportion(total_pence: int, weights: Sequence[Decimal | int | Fraction]) -> list[int]:
    """``total_pence`` split in proportion to ``weights`` (each 0 or more, not all 0), in pence.

    Raises ValueError for a negative total, a negative weight, or weights that are all zero.
    """
    if not isinstance(total_pence, int) or isinstance(total_pence, bool):
        raise TypeError("The total must be whole pence (an int)")
    if total_pence < 0:
        raise ValueError("The total must not be negative")
    # In whole numbers: weights over a common denominator become integers in the same proportions,
    # and a share's exact value total × w / Σw is then a floor and a remainder over Σw (the same
    # answer as with fractions, several times faster: pages share out thousands of amounts).
    whole = [weight for weight in weights if type(weight) is int]  # noqa: E721 (bool is not a weight)
    if len(whole) == len(weights):
        scaled = whole
    else:
        exact = [Fraction(weight) for weight in weights]
        common = math.lcm(*(weight.denominator for weight in exact)) if exact else 1
        scaled = [weight.numerator * (common // weight.denominator) for weight in exact]
    if not scaled:
        raise ValueError("There must be at least one share")
    if any(weight < 0 for weight in scaled):
        raise ValueError("Weights must not be negative")
    scaled_sum = sum(scaled)
    if scaled_sum == 0:
        raise ValueError("At least one weight must be more than 0")
    if all(weight == scaled[0] for weight in scaled):
        # Equal weights (a dashboard splits thousands of amounts so): every remainder ties, so the
        # odd pennies go to the first shares in order.
        base, odd = divmod(total_pence, len(scaled))
        return [base + 1 if index < odd else base for index in range(len(scaled))]
    parts = [divmod(total_pence * weight, scaled_sum) for weight in scaled]
    shares = [share for share, _ in parts]
    remainders = [remainder for _, remainder in parts]
    left_over = total_pence - sum(shares)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-remainders[i], i))
    for index in by_remainder[:left_over]:
        shares[index] += 1
    return shares


def split_by_percentages(total_pence: int, percentages: Sequence[Decimal]) -> list[int]:
    """``total_pence`` split by ``percentages`` that add up to exactly 100; the parts sum to the total.

    Raises ValueError when the percentages do not add up to 100 or one is negative.
    """
    if sum(percentages, Decimal(0)) != 100:
        raise ValueError(f"Percentages must add up to 100%; they add up to {sum(percentages, Decimal(0))}%")
    return apportion(total_pence, list(percentages))
