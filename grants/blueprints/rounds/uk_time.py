"""Dates and times typed in UK time (Europe/London), as people write them, and kept in UTC.

A time the clocks skip or repeat on the Sundays they change is refused with a message, rather than
guessed, so that no round opens or closes an hour away from what was meant.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from wtforms import StringField, ValidationError
from wtforms.validators import StopValidation

from grants.field_components import TextInput
from grants.formatting import LONDON, clock_time
from grants.forms import DateInputField

# "9am", "9:30am", "9.30 pm", "17:00", "0930"
_TWELVE_HOUR = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\.?$")
_TWENTY_FOUR_HOUR = re.compile(r"^(\d{1,2})[:.]?(\d{2})$")
_WORDS = {
    "midday": time(12, 0),
    "noon": time(12, 0),
    "12 noon": time(12, 0),
    "midnight": time(0, 0),
}


def parse_uk_time(text: str) -> time:
    """A time of day as people write it: "9am", "9:00am", "5pm", "17:00", "midday".

    Raises ``ValueError`` for anything else.
    """
    text = " ".join(text.strip().lower().split())
    if text in _WORDS:
        return _WORDS[text]
    if match := _TWELVE_HOUR.match(text):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise ValueError(text)
        hour = hour % 12 + (12 if match.group(3) == "p" else 0)
        return time(hour, minute)
    if match := _TWENTY_FOUR_HOUR.match(text):
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            raise ValueError(text)
        return time(hour, minute)
    raise ValueError(text)


def format_uk_time(value: time) -> str:
    """9am, midday, 5:30pm: how the form shows a time it was given, as pages show times (and as
    ``parse_uk_time`` reads them back)."""
    return clock_time(value)


class ClockChange(ValueError):
    """A UK wall-clock time that does not exist, or happens twice, on the day the clocks change."""


def uk_moment(day: date, at: time) -> datetime:
    """The UTC moment of ``at`` on ``day`` in UK time.

    Raises ``ClockChange`` for a time the clocks skip or repeat (between 1am and 2am on the
    Sundays they change), so that no one is silently an hour out.
    """
    first, second = (datetime.combine(day, at, tzinfo=LONDON).replace(fold=fold) for fold in (0, 1))
    moment = first.astimezone(UTC)
    if moment.astimezone(LONDON).replace(tzinfo=None) != first.replace(tzinfo=None):
        raise ClockChange("skipped")
    if first.utcoffset() != second.utcoffset():
        raise ClockChange("repeated")
    return moment


def uk_parts(moment: datetime) -> tuple[date, str]:
    """The UK date and the typed time of a UTC moment, to fill a form."""
    local = moment.astimezone(LONDON)
    return local.date(), format_uk_time(local.time())


class TimeField(StringField):
    """A time of day typed as text: ``data`` is the text, ``time`` the parsed value or ``None``."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, name_for_errors: str = "Time", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.name_for_errors = name_for_errors
        self.time: time | None = None

    def pre_validate(self, form):
        self.time = None
        if self.data:
            try:
                self.time = parse_uk_time(self.data)
            except ValueError:
                raise ValidationError(
                    f"{self.name_for_errors} must be a real time, like 9am, 5:30pm or 17:00"
                ) from None


def moment_from_fields(
    date_field: DateInputField, time_field: TimeField, what: str
) -> datetime | None:
    """Combine a date and a time field, putting a clock-change problem on the time field."""
    if date_field.errors or time_field.errors or date_field.data is None or time_field.time is None:
        return None
    try:
        return uk_moment(date_field.data, time_field.time)
    except ClockChange as change:
        day = f"{date_field.data.day} {date_field.data:%B %Y}"
        if str(change) == "skipped":
            problem = f"does not exist on {day}: the clocks go forward from 1am to 2am"
        else:
            problem = f"happens twice on {day}: the clocks go back from 2am to 1am"
        time_field.errors = [*time_field.errors, f"{what} {problem}. Enter 2am or later"]
        return None


class DateRequired:
    """An empty date is refused; a part-filled one keeps its own message ("must include a day"),
    which ``InputRequired`` would replace, since it looks only at the day box."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if field.data is None and not field.errors:
            raise StopValidation(self.message)
