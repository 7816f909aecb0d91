"""The ways of sharing a co-commissioned cost (grants/modelling/cocommissioning_methods.py), called
directly with exact fractions: hybrids, phase-in, floors and caps at their edges, and the messages."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction as F

import pytest

from grants.modelling.cocommissioning_methods import (
    _pounds,
    blend,
    bound_pence,
    bounded_exact_shares,
    method_proportions,
    phase_in_progress,
    split_year,
    to_pence,
)

HALVES = {"a": F(1, 2), "b": F(1, 2)}
NO_FLOORS = {"a": 0, "b": 0}
NO_CAPS = {"a": None, "b": None}


def test_equal_shares_need_no_figures():
    # Only population figures are given; "equal" reads none. 50% equal + 50% population (1 : 3):
    # A = ½ × ½ + ½ × ¼ = ⅜.
    values = {"population": {"a": F(1), "b": F(3)}}
    assert method_proportions(values, {"equal": D(100)}) == HALVES
    assert method_proportions(values, {"equal": D(50), "population": D(50)}) == {"a": F(3, 8), "b": F(5, 8)}


def test_phase_in_moves_a_step_a_year():
    assert [phase_in_progress(year, 4) for year in (1, 2, 4, 5)] == [F(1, 4), F(1, 2), F(1), F(1)]
    assert phase_in_progress(1, 1) == phase_in_progress(1, 0) == 1


def test_blending_from_standalone_costs_of_nothing_starts_from_nothing():
    # No standalone costs to be proportional to: the standalone part is 0, so halfway is half the method's.
    assert blend({"a": 0, "b": 0}, {"a": F(1, 4), "b": F(3, 4)}, F(1, 2)) == {"a": F(1, 8), "b": F(3, 8)}
    assert blend({"a": 100, "b": 300}, {"a": F(1, 2), "b": F(1, 2)}, F(1, 2)) == {"a": F(3, 8), "b": F(5, 8)}


def test_a_partner_with_no_share_pays_nothing_even_with_a_cap():
    shares = bounded_exact_shares(100, {"a": F(0), "b": F(1)}, NO_FLOORS, {"a": 50, "b": None})
    assert shares == {"a": 0, "b": 100}


def test_caps_that_add_up_to_exactly_the_cost_are_met():
    # Caps of 40p and 60p on a 100p cost: both partners pay their cap.
    assert bounded_exact_shares(100, HALVES, NO_FLOORS, {"a": 40, "b": 60}) == {"a": 40, "b": 60}
    assert split_year(100, HALVES, NO_FLOORS, {"a": 40, "b": 60}) == {"a": 40, "b": 60}


def test_a_cap_equal_to_its_floor_fixes_the_share():
    assert bounded_exact_shares(100, HALVES, {"a": 70, "b": 0}, {"a": 70, "b": None}) == {"a": 70, "b": 30}


def test_the_messages_name_the_year_and_the_amounts():
    with pytest.raises(ValueError) as raised:
        bounded_exact_shares(100, HALVES, {"a": 60, "b": 0}, {"a": 50, "b": None})
    assert str(raised.value) == "In the year the cap for a (£0.50) is below its floor (£0.60)"
    with pytest.raises(ValueError) as raised:
        split_year(100, HALVES, {"a": 60, "b": 50}, NO_CAPS)
    assert str(raised.value) == "In the year the floors come to £1.10, more than the joint cost of £1.00: lower a floor"
    with pytest.raises(ValueError) as raised:
        split_year(100, HALVES, NO_FLOORS, {"a": 0, "b": 0}, "year 2")
    assert str(raised.value) == "In year 2 the caps come to £0.00, less than the joint cost of £1.00: raise a cap"


def test_a_floor_rounds_down_and_a_cap_rounds_up():
    assert bound_pence(100_001, D(50), None, is_cap=False) == 50_000
    assert bound_pence(100_001, D(50), None, is_cap=True) == 50_001
    assert bound_pence(100_001, None, 7, is_cap=True) == 7
    with pytest.raises(TypeError, match="^Give a floor or cap as a percentage or an amount in pence$"):
        bound_pence(100, None, None, is_cap=False)


def test_the_odd_pennies_go_to_the_largest_remainders():
    assert to_pence({"a": F(32, 10), "b": F(37, 10), "c": F(31, 10)}) == {"a": 3, "b": 4, "c": 3}
    assert to_pence({"b": F(5, 2), "a": F(5, 2)}) == {"a": 3, "b": 2}  # ties to the earlier code


@pytest.mark.parametrize("pence, shown", [(0, "£0.00"), (5, "£0.05"), (123_456, "£1,234.56"), (-123, "-£1.23")])
def test_amounts_in_the_messages(pence, shown):
    assert _pounds(pence) == shown
