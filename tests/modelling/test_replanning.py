"""Re-planning instalments and reporting periods after a variation (pure, no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from grants.modelling.calendar import reporting_periods
from grants.modelling.replanning import ReplanError, replan_instalments, replan_periods


def test_an_increase_is_shared_over_the_open_instalments_in_proportion():
    # £1,000 paid stays; £3,000 more shared 1:2 over £1,000 and £2,000 open.
    assert replan_instalments([100_000, 100_000, 200_000], [False, True, True], 700_000) == [100_000, 200_000, 400_000]


def test_a_decrease_comes_off_the_open_instalments_to_the_penny():
    assert replan_instalments([100_000, 100_000, 100_000], [False, True, True], 200_001) == [100_000, 50_001, 50_000]


def test_a_decrease_to_what_is_fixed_leaves_the_open_instalments_at_zero():
    assert replan_instalments([200_000, 200_000], [False, True], 200_000) == [200_000, 0]


def test_no_change_changes_nothing_even_with_nothing_open():
    assert replan_instalments([200_000, 200_000], [False, False], 400_000) == [200_000, 200_000]


def test_below_what_is_fixed_is_refused():
    with pytest.raises(ReplanError):
        replan_instalments([200_000, 200_000], [False, True], 199_999)


def test_a_change_with_nothing_open_is_refused():
    with pytest.raises(ReplanError):
        replan_instalments([200_000, 200_000], [False, False], 500_000)


def test_one_flag_per_instalment():
    with pytest.raises(ValueError, match="one open flag"):
        replan_instalments([1, 2], [True], 3)


schedules = st.lists(st.tuples(st.integers(min_value=1, max_value=10**9), st.booleans()), min_size=1, max_size=10)


@given(schedules, st.integers(min_value=0, max_value=10**10))
def test_the_schedule_adds_up_to_the_new_total_and_fixed_instalments_keep_their_amounts(schedule, new_total):
    amounts, open_ = [a for a, _ in schedule], [o for _, o in schedule]
    fixed = sum(a for a, o in schedule if not o)
    assume(new_total >= fixed and (any(open_) or new_total == sum(amounts)))
    shares = replan_instalments(amounts, open_, new_total)
    assert sum(shares) == new_total
    assert all(share >= 0 for share in shares)
    assert [s for s, o in zip(shares, open_, strict=True) if not o] == [a for a, o in schedule if not o]
    # Every open instalment moves the same way as the total, by within a penny of its fair share.
    difference = new_total - sum(amounts)
    open_total = sum(a for a, o in schedule if o)
    for share, amount, is_open in zip(shares, amounts, open_, strict=True):
        if is_open:
            assert abs((share - amount) - difference * amount / open_total) < 1


@given(schedules, st.integers(min_value=0, max_value=10**10))
def test_a_total_below_the_fixed_instalments_is_always_refused(schedule, new_total):
    fixed = sum(a for a, o in schedule if not o)
    assume(new_total < fixed)
    with pytest.raises(ReplanError):
        replan_instalments([a for a, _ in schedule], [o for _, o in schedule], new_total)


# Reporting periods -------------------------------------------------------------------------------

def test_with_nothing_reported_the_periods_are_the_awards():
    start, end = date(2026, 4, 1), date(2027, 3, 31)
    assert replan_periods(start, end, "quarterly", None) == reporting_periods(start, end, "quarterly")


def test_periods_start_the_day_after_the_last_one_reported():
    periods = replan_periods(date(2026, 4, 1), date(2027, 6, 30), "quarterly", date(2026, 6, 30))
    assert [(p.start, p.end) for p in periods] == [
        (date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 10, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 3, 31)), (date(2027, 4, 1), date(2027, 6, 30)),
    ]
    assert [p.final for p in periods] == [False, False, False, True]


def test_a_period_straddling_the_last_one_reported_is_cut_short():
    # The start moved earlier: the award's second quarter now ends after what was reported.
    periods = replan_periods(date(2026, 3, 1), date(2026, 12, 31), "quarterly", date(2026, 6, 15))
    assert (periods[0].start, periods[0].end) == (date(2026, 6, 16), date(2026, 8, 31))


def test_no_period_left_is_refused():
    with pytest.raises(ReplanError):
        replan_periods(date(2026, 4, 1), date(2026, 6, 30), "quarterly", date(2026, 6, 30))


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)), st.integers(min_value=1, max_value=1500),
       st.integers(min_value=0, max_value=1500), st.sampled_from(["quarterly", "midpoint_and_end"]))
def test_new_periods_follow_on_without_gaps_and_end_with_the_award(start, days, reported_days, frequency):
    end = start + timedelta(days=days)
    reported_until = start + timedelta(days=reported_days) if reported_days < days else None
    periods = replan_periods(start, end, frequency, reported_until)
    assert periods[0].start == (reported_until + timedelta(days=1) if reported_until else start)
    assert periods[-1].end == end and periods[-1].final
    assert not any(p.final for p in periods[:-1])
    for earlier, later in zip(periods, periods[1:], strict=False):
        assert later.start == earlier.end + timedelta(days=1)
    assert all(p.start <= p.end for p in periods)


# The edges of the rules, and the exact errors ---------------------------------------------------

def test_open_instalments_all_at_zero_share_the_change_equally():
    # £1 fixed; two open £0 instalments (a caller that keeps them). £2.01 more is shared 1:1, the odd
    # penny to the earlier one.
    assert replan_instalments([100, 0, 0], [False, True, True], 301) == [100, 101, 100]


def test_an_open_instalment_at_zero_stays_at_zero_while_another_has_an_amount():
    # The open ones are 0p and 1p: the 3p more all goes to the 1p instalment, in proportion 0 : 1.
    assert replan_instalments([100, 0, 1], [False, True, True], 104) == [100, 0, 4]


def test_instalments_of_zero_are_allowed_but_not_negative_ones():
    assert replan_instalments([0, 500], [True, True], 500) == [0, 500]
    with pytest.raises(ValueError) as raised:
        replan_instalments([100, -1], [True, True], 99)
    assert str(raised.value) == "Instalment amounts must not be negative"


def test_the_errors_say_which_rule_was_broken():
    with pytest.raises(ValueError) as raised:
        replan_instalments([1, 2], [True], 3)
    assert str(raised.value) == "Give one open flag per instalment"
    with pytest.raises(ReplanError) as raised:
        replan_instalments([200_000, 200_000], [False, True], 199_999)
    assert str(raised.value) == "below fixed"
    with pytest.raises(ReplanError) as raised:
        replan_instalments([200_000, 200_000], [False, False], 500_000)
    assert str(raised.value) == "no open instalments"
    with pytest.raises(ReplanError) as raised:
        replan_periods(date(2026, 4, 1), date(2026, 6, 30), "quarterly", date(2026, 6, 30))
    assert str(raised.value) == "no period left"
    with pytest.raises(ValueError) as raised:
        replan_periods(date(2026, 4, 2), date(2026, 4, 1), "quarterly", None)
    assert str(raised.value) == "The end date must not be before the start date"


def test_a_one_day_award_has_one_period_and_it_is_the_final_one():
    day = date(2026, 4, 1)
    (period,) = replan_periods(day, day, "quarterly", None)
    assert (period.start, period.end, period.due, period.final) == (day, day, date(2026, 5, 1), True)
    # Reported until the day before the award starts: the one day is still to plan.
    (period,) = replan_periods(day, day, "midpoint_and_end", date(2026, 3, 31))
    assert (period.start, period.end, period.final) == (day, day, True)
