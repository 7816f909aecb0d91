from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.modelling.apportionment import apportion, split_by_percentages


def test_pennies_left_over_go_to_the_largest_remainders_then_the_earlier_share():
    assert apportion(100, [1, 1, 1]) == [34, 33, 33]
    assert apportion(10, [Decimal("0.5"), Decimal("0.3"), Decimal("0.2")]) == [5, 3, 2]
    assert apportion(1, [1, 3]) == [0, 1]


def test_half_and_half_of_an_odd_amount():
    assert split_by_percentages(500_001, [Decimal(50), Decimal(50)]) == [250_001, 250_000]


@pytest.mark.parametrize("total, weights, message", [
    (-1, [1], "^The total must not be negative$"),
    (100, [], "^There must be at least one share$"),
    (100, [1, -1], "^Weights must not be negative$"),
    (100, [Decimal(1), Decimal(-1)], "^Weights must not be negative$"),
    (100, [0, 0], "^At least one weight must be more than 0$"),
])
def test_bad_input(total, weights, message):
    with pytest.raises(ValueError, match=message):
        apportion(total, weights)


def test_the_total_must_be_pence():
    with pytest.raises(TypeError, match=r"^The total must be whole pence \(an int\)$"):
        apportion(Decimal("1.50"), [1])
    with pytest.raises(TypeError, match="whole pence"):
        apportion(True, [1])  # a bool is not a number of pence


def test_percentages_must_add_up_to_100():
    with pytest.raises(ValueError, match="they add up to 90%"):
        split_by_percentages(100, [Decimal(50), Decimal(40)])


weights = st.lists(st.decimals(min_value=0, max_value=10_000, places=2), min_size=1, max_size=12).filter(
    lambda ws: sum(ws) > 0
)


@given(st.integers(min_value=0, max_value=10**12), weights)
def test_shares_add_up_to_the_penny_and_are_within_a_penny_of_exact(total, ws):
    shares = apportion(total, ws)
    assert sum(shares) == total
    assert all(share >= 0 for share in shares)
    weight_sum = sum(Fraction(w) for w in ws)
    for share, weight in zip(shares, ws, strict=True):
        assert abs(share - total * Fraction(weight) / weight_sum) < 1


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=20))
def test_equal_weights_get_shares_at_most_a_penny_apart(total, count):
    shares = apportion(total, [1] * count)
    assert max(shares) - min(shares) <= 1


def _largest_remainder(total: int, ws) -> list[int]:
    """Hamilton's method written the plain way, with fractions: the reference for ``apportion``."""
    exact = [total * Fraction(w) / sum(Fraction(v) for v in ws) for w in ws]
    shares = [int(value) for value in exact]
    for index in sorted(range(len(ws)), key=lambda i: (-(exact[i] - shares[i]), i))[:total - sum(shares)]:
        shares[index] += 1
    return shares


mixed_weights = st.lists(
    st.one_of(st.integers(min_value=0, max_value=10**6), st.decimals(min_value=0, max_value=10_000, places=3),
              st.fractions(min_value=0, max_value=1_000, max_denominator=97)),
    min_size=1, max_size=12,
).filter(lambda ws: sum(Fraction(w) for w in ws) > 0)


@given(st.integers(min_value=0, max_value=10**12), mixed_weights)
def test_the_same_shares_as_largest_remainder_worked_in_fractions(total, ws):
    """Whole-number arithmetic over a common denominator gives exactly the fractions' answer,
    ties included (the earlier share gets the penny)."""
    assert apportion(total, ws) == _largest_remainder(total, ws)


def test_ties_in_remainder_go_to_the_earlier_share_whatever_the_weights_type():
    assert apportion(5, [Fraction(1, 3), Decimal("0.5"), 1, Fraction(1, 3)]) == _largest_remainder(
        5, [Fraction(1, 3), Decimal("0.5"), 1, Fraction(1, 3)])
    assert apportion(2, [2, 1, 1]) == [1, 1, 0]
