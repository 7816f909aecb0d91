"""Validators that look at one answer alone: answered at all, readable, within its limits. Those that
compare an answer with another (budget lines and the amount asked, dates and the project's dates)
are in ``checks``."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from wtforms import ValidationError
from wtforms.validators import StopValidation

from grants.application_form.fields import WordLimit

# Separators people type in a phone number; "+44" and "0044" stand for the leading 0.
_PHONE_SEPARATORS = re.compile(r"[\s().\-]+")
# 11 digits, or 10 for some 01 area codes and 0800 numbers (Ofcom's numbering plan).
_UK_PHONE = re.compile(r"0(?:[1-9][0-9]{9}|[18][0-9]{8})")


class Answered:
    """Required, for a number typed in a text box (a count, an amount, a percentage): a box left
    empty or holding only spaces is unanswered. (InputRequired takes "  " as an answer, which such a
    field then reads as no number at all.)"""

    field_flags = {"required": True}

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        raw = field.raw_data
        if raw and str(raw[0]).strip():
            return
        field.errors[:] = []
        raise StopValidation(self.message)


class InvalidAnswer:
    """The definition's ``invalid`` message in place of the field's own words, for an answer the field
    could not read (not a number, not a real date)."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if field.process_errors:
            field.errors[:] = []
            raise StopValidation(self.message)


class WordsAtMost(WordLimit):
    """The house word limit (counted as GOV.UK's character count counts), with the definition's message."""

    def __init__(self, words: int, name: str, message: str) -> None:
        super().__init__(words, name)
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        try:
            super().__call__(form, field)
        except ValidationError:
            raise ValidationError(self.message) from None


class NumberLimits:
    """A number (whole, money or percentage) at least ``minimum`` and at most ``maximum``; nothing
    else is checked once a limit is not met."""

    def __init__(self, minimum: Decimal | None, maximum: Decimal | None, min_message: str, max_message: str) -> None:
        self.minimum, self.maximum = minimum, maximum
        self.min_message, self.max_message = min_message, max_message

    def __call__(self, form: Any, field: Any) -> None:
        value = field.data
        if value is None:
            return
        if self.minimum is not None and value < self.minimum:
            raise StopValidation(self.min_message)
        if self.maximum is not None and value > self.maximum:
            raise StopValidation(self.max_message)


class SelectedCount:
    """At least ``minimum`` and at most ``maximum`` options ticked, once any are."""

    def __init__(self, minimum: int | None, maximum: int | None, min_message: str, max_message: str) -> None:
        self.minimum, self.maximum = minimum, maximum
        self.min_message, self.max_message = min_message, max_message

    def __call__(self, form: Any, field: Any) -> None:
        chosen = len(field.data or ())
        if not chosen:
            return
        if self.minimum is not None and chosen < self.minimum:
            raise ValidationError(self.min_message)
        if self.maximum is not None and chosen > self.maximum:
            raise ValidationError(self.max_message)


def uk_phone(text: str) -> str | None:
    """The digits of a UK phone number as dialled from the UK ("01632960001"), from the ways people
    write one ("01632 960 001", "(01632) 960001", "+44 7700 900 982", "+44 (0)20 7946 0000"); None if
    ``text`` is not one."""
    digits = _PHONE_SEPARATORS.sub("", text)
    for international in ("+440", "+44", "00440", "0044"):
        if digits.startswith(international):
            digits = "0" + digits.removeprefix(international)
            break
    return digits if _UK_PHONE.fullmatch(digits) else None


class UkPhone:
    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if field.data and uk_phone(field.data) is None:
            raise ValidationError(self.message)
