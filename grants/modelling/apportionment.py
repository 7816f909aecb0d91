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
    exact_weights = [Fraction(weight) for weight in weights]
    if not exact_weights:
        raise ValueError("There must be at least one share")
    if any(weight < 0 for weight in exact_weights):
        raise ValueError("Weights must not be negative")
    weight_sum = sum(exact_weights, Fraction(0))
    if weight_sum == 0:
        raise ValueError("At least one weight must be more than 0")
    if all(weight == exact_weights[0] for weight in exact_weights):
        # Equal weights (a dashboard splits thousands of amounts so): every remainder ties, so the
        # odd pennies go to the first shares in order; the same answer without the fractions.
        base, odd = divmod(total_pence, len(exact_weights))
        return [base + 1 if index < odd else base for index in range(len(exact_weights))]
    # In whole numbers: over a common denominator each weight is an integer, and a share's exact
    # value total × w / Σw is its floor plus remainder / Σw (the same answer as with fractions,
    # several times faster, which matters on pages that share out thousands of amounts).
    common = math.lcm(*(weight.denominator for weight in exact_weights))
    scaled = [weight.numerator * (common // weight.denominator) for weight in exact_weights]
    scaled_sum = sum(scaled)
    shares, remainders = zip(*(divmod(total_pence * weight, scaled_sum) for weight in scaled), strict=True)
    shares = list(shares)
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
