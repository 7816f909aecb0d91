from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.modelling.calendar import (
    RETURN_DAYS_AFTER_PERIOD,
    add_months,
    financial_year,
    financial_year_bounds,
    reporting_periods,
)


@pytest.mark.parametrize("day, label", [
    (date(2027, 3, 31), "2026-27"), (date(2027, 4, 1), "2027-28"), (date(1999, 6, 1), "1999-00"),
])
def test_financial_years_run_april_to_march(day, label):
    assert financial_year(day) == label
    first, last = financial_year_bounds(label)
    assert first <= day <= last and first.month == 4 and first.day == 1 and last == date(first.year + 1, 3, 31)


@pytest.mark.parametrize("label", ["2026-28", "2026", "26-27", "abcd-ef", "2026-2027"])
def test_bad_financial_years(label):
    with pytest.raises(ValueError, match="not a financial year"):
        financial_year_bounds(label)


def test_months_are_held_at_the_end_of_a_short_month():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_quarterly_periods_of_a_year():
    periods = reporting_periods(date(2027, 4, 1), date(2028, 3, 31), "quarterly")
    assert [(p.start, p.end) for p in periods] == [
        (date(2027, 4, 1), date(2027, 6, 30)), (date(2027, 7, 1), date(2027, 9, 30)),
        (date(2027, 10, 1), date(2027, 12, 31)), (date(2028, 1, 1), date(2028, 3, 31)),
    ]
    assert [p.final for p in periods] == [False, False, False, True]
    assert periods[0].due == date(2027, 7, 30)


def test_midpoint_and_end():
    periods = reporting_periods(date(2027, 1, 1), date(2027, 12, 31), "midpoint_and_end")
    assert [(p.start, p.end, p.final) for p in periods] == [
        (date(2027, 1, 1), date(2027, 7, 2), False), (date(2027, 7, 3), date(2027, 12, 31), True),
    ]


def test_a_one_day_grant_has_one_final_period():
    assert [p.final for p in reporting_periods(date(2027, 1, 1), date(2027, 1, 1), "midpoint_and_end")] == [True]


def test_bad_periods():
    with pytest.raises(ValueError, match="before the start"):
        reporting_periods(date(2027, 2, 1), date(2027, 1, 1), "quarterly")
    with pytest.raises(ValueError, match="Unknown monitoring frequency"):
        reporting_periods(date(2027, 1, 1), date(2027, 2, 1), "monthly")


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(min_value=0, max_value=1500),
       st.sampled_from(["quarterly", "midpoint_and_end"]))
def test_periods_cover_the_grant_exactly_once(start, length, frequency):
    end = start + timedelta(days=length)
    periods = reporting_periods(start, end, frequency)
    assert periods[0].start == start and periods[-1].end == end
    for before, after in zip(periods, periods[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
    assert all(p.start <= p.end and p.due == p.end + timedelta(days=RETURN_DAYS_AFTER_PERIOD) for p in periods)
    assert [p.final for p in periods] == [False] * (len(periods) - 1) + [True]


def test_periods_need_an_end_on_or_after_the_start():
    with pytest.raises(ValueError) as raised:
        reporting_periods(date(2026, 4, 2), date(2026, 4, 1), "quarterly")
    assert str(raised.value) == "The end date must not be before the start date"
