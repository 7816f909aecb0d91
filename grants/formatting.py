"""Jinja filters for showing values the GOV.UK way: money, dates in Europe/London."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask

LONDON = ZoneInfo("Europe/London")


def london_today(now: datetime | None = None) -> date:
    """Today's date in the UK (at 00:30 BST it is already tomorrow there, not yet in UTC)."""
    return (now or datetime.now(UTC)).astimezone(LONDON).date()


def money(value: Decimal | int | None, pence: bool = True) -> str:
    """£1,234.50 (or £1,235 with ``pence=False``); an empty string for no value."""
    if value is None:
        return ""
    amount = Decimal(value)
    if pence:
        return f"£{amount:,.2f}" if amount >= 0 else f"-£{-amount:,.2f}"
    return f"£{amount:,.0f}" if amount >= 0 else f"-£{-amount:,.0f}"


def clock_time(value: time) -> str:
    """A time of day the GOV.UK way: 9:05am, 5pm (not 5:00pm), midday and midnight."""
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def london_datetime(value: datetime | None) -> str:
    """28 November 2026 at 9:05am (or at 5pm, at midday), in UK time."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%B %Y} at {clock_time(local.time())}"


def long_date(value: date | datetime | str | None) -> str:
    """28 November 2026; a string is read as an ISO date ("2026-11-28"), as JSON columns keep dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


def duration(value: timedelta) -> str:
    """A period in words, in its largest whole unit: "1 hour", "7 days", "90 minutes"."""
    seconds = int(value.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def init_app(app: Flask) -> None:
    app.add_template_filter(money, "money")
    app.add_template_filter(london_datetime, "london_datetime")
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(duration, "duration")

    from grants.markdown import render_markdown

    app.add_template_filter(render_markdown, "markdown")
