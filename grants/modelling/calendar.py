"""Financial years and reporting periods. Dates are calendar dates in the UK; the public sector's
financial year runs from 1 April to 31 March and is written "2026-27"."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

# Grantees have this long after a period ends to send its monitoring return.
RETURN_DAYS_AFTER_PERIOD = 30


def financial_year_start(day: date) -> int:
    """The calendar year in which ``day``'s financial year starts (1 April)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year: int) -> str:
    """The financial year starting in April of ``start_year``, as written: 2026 → "2026-27"."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def financial_year(day: date) -> str:
    """``day``'s financial year as written in the UK public sector, such as "2026-27"."""
    return financial_year_label(financial_year_start(day))


def financial_year_bounds(label: str) -> tuple[date, date]:
    """The first and last day of a financial year written like "2026-27"; ValueError otherwise."""
    try:
        first, second = label.split("-")
        start = int(first)
        if len(first) != 4 or len(second) != 2 or int(second) != (start + 1) % 100:
            raise ValueError
    except ValueError:
        raise ValueError(f"{label!r} is not a financial year like 2026-27") from None
    return date(start, 4, 1), date(start + 1, 3, 31)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, held at the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    """A reporting period of an award, the date its return is due, and whether it is the last."""

    start: date
    end: date
    due: date
    final: bool


def reporting_periods(start: date, end: date, frequency: str) -> list[Period]:
    """The monitoring periods of a grant running from ``start`` to ``end`` (inclusive).

    "quarterly": three-month periods from the start date, the last cut short at the end date;
    "midpoint_and_end": two periods split at the middle day. Each return is due
    RETURN_DAYS_AFTER_PERIOD days after its period ends; the last period's return is the final one.
    """
    if end < start:
        raise ValueError("The end date must not be before the start date")
    if frequency == "quarterly":
        periods = []
        period_start = start
        months = 3
        while period_start <= end:
            period_end = min(add_months(start, months) - timedelta(days=1), end)
            periods.append((period_start, period_end))
            period_start, months = period_end + timedelta(days=1), months + 3
    elif frequency == "midpoint_and_end":
        middle = start + (end - start) // 2
        periods = [(start, middle), (middle + timedelta(days=1), end)] if middle < end else [(start, end)]
    else:
        raise ValueError(f"Unknown monitoring frequency {frequency!r}")
    return [
        Period(first, last, last + timedelta(days=RETURN_DAYS_AFTER_PERIOD), final=index == len(periods) - 1)
        for index, (first, last) in enumerate(periods)
    ]
