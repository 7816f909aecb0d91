"""The limit boxes of the question page: what each is called, which types use it (from the JSON Schema,
through ``describe``), reading what was typed into the format's values, and writing a saved limit
back into its box.

Every box is on the page whatever the type, as the page works without JavaScript; only the limits
the chosen type takes are read, and the others are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from grants.form_definitions import QuestionType
from grants.form_definitions.model import LimitValue
from grants.forms import date_parts, month_number
from grants.interfaces.round_forms.describe import (
    FILE_TYPE_WORDS,
    joined,
    limit_bounds,
    limit_names,
    required_limits,
    type_name,
    types_with_limit,
)

# No limit is typed with more digits than this: Python refuses to read very long numbers, and no
# limit of a form comes near a trillion.
MOST_DIGITS = 12
DATE_ROLES = {"project start": "project_start", "project end": "project_end"}
MONEY_NAMES = {"min": "round_min_award", "max": "round_max_award"}


@dataclass(frozen=True)
class LimitBox:
    """One limit's box: its label, an example to put in messages, and what it holds."""

    name: str
    label: str
    example: str
    holds: str  # "count", "number" (min and max: read by the type), "date" or "file_types"
    extra_hint: str = ""


BOXES = (
    LimitBox("max_length", "Most characters", "200", "count", "If left empty, 200."),
    LimitBox("max_words", "Most words", "250", "count"),
    LimitBox("min", "Smallest answer allowed", "1", "number",
             "Money in pounds, like 0.01, or round_min_award for the round's smallest award; a percentage like 12.5."),
    LimitBox("max", "Largest answer allowed", "100", "number",
             "Money in pounds, like 5000, or round_max_award for the round's largest award; a percentage like 80."),
    LimitBox("not_before", "Earliest date allowed", "1 April 2026", "date",
             "A date like 1 April 2026, or project start or project end."),
    LimitBox("not_after", "Latest date allowed", "31 March 2027", "date",
             "A date like 31 March 2027, or project start or project end."),
    LimitBox("min_selected", "Fewest choices", "1", "count"),
    LimitBox("max_selected", "Most choices", "3", "count"),
    LimitBox("file_types", "File types accepted", "", "file_types", "Leave them all unticked to accept any of them."),
    LimitBox("max_mb", "Largest file, in MB", "10", "count"),
    LimitBox("min_rows", "Fewest rows", "1", "count"),
    LimitBox("max_rows", "Most rows", "20", "count"),
)
BY_NAME = {box.name: box for box in BOXES}
LABELS = {box.name: box.label for box in BOXES}
REQUIRED_MESSAGES = {"max_words": "Enter the most words an answer may have"}
# Limits that bound from below and from above: the first must not be above the second.
ORDERED = (("min", "max"), ("not_before", "not_after"), ("min_selected", "max_selected"), ("min_rows", "max_rows"))
# What a limit may name instead of a value.
NAMED = {*MONEY_NAMES.values(), *DATE_ROLES.values()}


def hint(box: LimitBox, monitoring: bool) -> str:
    """Which types use the box, and how to fill it in: 'For long text (needed) and …. A whole number
    from 1 to 5,000.'"""
    types = types_with_limit(box.name, monitoring)
    names = [type_name(kind).lower() + (" (needed)" if box.name in required_limits(kind) else "") for kind in types]
    words = [f"For {joined(names, 'and')}."]
    if box.holds == "count" and types:
        words.append(_bounds_words(types[0], box.name))
    if box.extra_hint:
        words.append(box.extra_hint)
    return " ".join(word for word in words if word)


def _bounds_words(question_type: QuestionType, name: str) -> str:
    low, high = limit_bounds(question_type, name)
    if low is not None and high is not None:
        return f"A whole number from {low:,} to {high:,}."
    if low is not None:
        return f"A whole number, {low:,} or more."
    return "A whole number."


def read_limits(question_type: QuestionType, typed: Mapping[str, object]) -> tuple[dict[str, object], dict[str, str]]:
    """The limits of a ``question_type`` question from what was typed in each box (by limit name):
    the limits as the JSON document writes them, and a message for each box that cannot be read."""
    limits: dict[str, object] = {}
    problems: dict[str, str] = {}
    for name in limit_names(question_type):
        box = BY_NAME[name]
        value = typed.get(name)
        if box.holds == "file_types":
            chosen = [str(item) for item in value] if isinstance(value, list) else []
            known = [kind for kind in FILE_TYPE_WORDS if kind in chosen]
            if chosen:
                limits[name] = known + [kind for kind in chosen if kind not in known]
            continue
        text = str(value or "").strip()
        if not text:
            if name in required_limits(question_type):
                problems[name] = REQUIRED_MESSAGES.get(name, f"Enter the {box.label[0].lower()}{box.label[1:]}")
            continue
        try:
            limits[name] = _read(box, question_type, text)
        except ValueError as problem:
            problems[name] = str(problem)
    for low, high in ORDERED:
        if _above(limits.get(low), limits.get(high)):
            later = "after" if BY_NAME[low].holds == "date" else "more than"
            problems.setdefault(low, f"{BY_NAME[low].label} must not be {later} the {BY_NAME[high].label.lower()}")
    return limits, problems


def _above(low: object, high: object) -> bool:
    """Whether the lower limit is above the higher, both being values (not names like project_end)."""
    if isinstance(low, int) and isinstance(high, int):
        return low > high
    if isinstance(low, str) and isinstance(high, str) and low not in NAMED and high not in NAMED:
        if "-" in low:  # ISO dates compare as text
            return low > high
        return Decimal(low) > Decimal(high)
    return False


def _read(box: LimitBox, question_type: QuestionType, text: str) -> object:
    if box.holds == "count":
        return _count(box, question_type, text)
    if box.holds == "date":
        return _date(box, text)
    if question_type in (QuestionType.WHOLE_NUMBER, QuestionType.PEOPLE_REACHED):
        return _whole(box, text, negative=question_type is QuestionType.WHOLE_NUMBER)
    if question_type is QuestionType.MONEY:
        return _money(box, text)
    return _percentage(box, text)


def _count(box: LimitBox, question_type: QuestionType, text: str) -> int:
    number = _whole(box, text, negative=False)
    low, high = limit_bounds(question_type, box.name)
    if low is not None and high is not None and not low <= number <= high:
        raise ValueError(f"{box.label} must be a whole number from {low:,} to {high:,}")
    if low is not None and number < low:
        raise ValueError(f"{box.label} must be {low:,} or more")
    return number


def _whole(box: LimitBox, text: str, negative: bool) -> int:
    digits = text.replace(",", "").replace(" ", "")
    pattern = rf"-?[0-9]{{1,{MOST_DIGITS}}}" if negative else rf"[0-9]{{1,{MOST_DIGITS}}}"
    if not re.fullmatch(pattern, digits):
        raise ValueError(f"{box.label} must be a whole number, like {box.example}")
    return int(digits)


def _money(box: LimitBox, text: str) -> str:
    words = re.sub(r"[\s_]+", "_", text.lower())
    if words in MONEY_NAMES.values():
        return words
    amount = text.replace("£", "").replace(",", "").replace(" ", "")
    if not re.fullmatch(r"[0-9]{1,10}(\.[0-9]{1,2})?", amount):
        raise ValueError(f"{box.label} must be an amount in pounds, like {'5000' if box.name == 'max' else '0.01'}, "
                         f"or {MONEY_NAMES[box.name]}")
    return str(Decimal(amount))


def _percentage(box: LimitBox, text: str) -> str:
    amount = text.removesuffix("%").strip()
    number = Decimal(amount) if re.fullmatch(r"[0-9]{1,3}(\.[0-9]{1,2})?", amount) else None
    if number is None or number > 100:
        raise ValueError(f"{box.label} must be a percentage from 0 to 100, like 12.5")
    return str(number)


def _date(box: LimitBox, text: str) -> str:
    words = re.sub(r"[\s_]+", " ", text.lower()).strip()
    if words in DATE_ROLES:
        return DATE_ROLES[words]
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    day, month, year = date_parts(text, "", "")
    number = month_number(month)
    if number is not None and day.isdigit() and len(day) <= 2 and year.isdigit() and len(year) == 4:
        try:
            return date(int(year), number, int(day)).isoformat()
        except ValueError:
            pass
    raise ValueError(f"{box.label} must be a real date, like {box.example}, or project start or project end")


def shown(name: str, value: LimitValue) -> str | list[str]:
    """A saved limit as its box shows it: '1 April 2026', 'project start', '250'."""
    if isinstance(value, tuple):
        return list(value)
    text = str(value)
    if BY_NAME[name].holds == "date":
        if text in DATE_ROLES.values():
            return text.replace("_", " ")
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return text
        return f"{day.day} {day:%B %Y}"
    return text
