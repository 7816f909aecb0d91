"""Showing values the GOV.UK way."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from grants.formatting import duration, london_datetime, long_date, money


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
    assert london_datetime(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)) == "1 December 2026 at 12:00pm"
    assert long_date(datetime(2026, 3, 28, 23, 30, tzinfo=UTC)) == "28 March 2026"
    assert long_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"  # already July in London
    assert long_date(date(2026, 4, 1)) == "1 April 2026"


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
