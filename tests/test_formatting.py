"""Showing values the GOV.UK way."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from grants.blueprints.rounds.uk_time import parse_uk_time
from grants.formatting import clock_time, duration, london_datetime, long_date, money


@pytest.mark.parametrize(
    "value, pence, expected",
    [
        (Decimal("1234.5"), True, "£1,234.50"),
        (Decimal("1234.5"), False, "£1,234"),
        (Decimal("-20"), True, "-£20.00"),
        (0, True, "£0.00"),
        (None, True, ""),
    ],
)
def test_money(value, pence, expected):
    assert money(value, pence=pence) == expected


def test_times_are_shown_in_uk_time_across_the_clock_change():
    assert london_datetime(datetime(2026, 7, 1, 8, 5, tzinfo=UTC)) == "1 July 2026 at 9:05am"
    assert london_datetime(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)) == "1 December 2026 at midday"
    assert long_date(datetime(2026, 3, 28, 23, 30, tzinfo=UTC)) == "28 March 2026"
    assert long_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"  # already July in London
    assert long_date(date(2026, 4, 1)) == "1 April 2026"


@pytest.mark.parametrize(
    "value, expected",
    [
        (time(17, 0), "5pm"),  # GOV.UK style: no ":00"
        (time(17, 30), "5:30pm"),
        (time(9, 5), "9:05am"),
        (time(0, 30), "12:30am"),
        (time(12, 45), "12:45pm"),
        (time(12, 0), "midday"),
        (time(0, 0), "midnight"),
        (time(23, 59), "11:59pm"),
    ],
)
def test_clock_times_read_the_gov_uk_way(value, expected):
    assert clock_time(value) == expected


def test_every_clock_time_shown_is_read_back_as_the_same_time():
    for minutes in range(24 * 60):
        value = time(minutes // 60, minutes % 60)
        assert parse_uk_time(clock_time(value)) == value


@pytest.mark.parametrize(
    "value, expected",
    [
        (timedelta(hours=1), "1 hour"),
        (timedelta(days=7), "7 days"),
        (timedelta(minutes=90), "90 minutes"),
        (timedelta(hours=48), "2 days"),
        (timedelta(seconds=5), "5 seconds"),
    ],
)
def test_duration(value, expected):
    assert duration(value) == expected
