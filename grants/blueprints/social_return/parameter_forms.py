"""The form for changing a draft parameter set: one group of inputs per parameter, drawn by the page.

This module reads what was typed (numbers, percentages for rates); the rules (low ≤ value ≤ high, a
source unless the value is an assumption) are grants.interfaces.social_return.parameters's.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from wtforms import HiddenField

from grants.forms import GovForm, submit
from grants.interfaces.social_return.parameters import SOURCE_FIELDS
from grants.modelling.sroi_parameters import RATE_KEYS, ParameterSet, parameter_label

NUMBER_PARTS = ("value", "low", "high")
HUNDRED = Decimal(100)


class ParameterSetForm(GovForm):
    lock_version = HiddenField()
    submit = submit("Save changes")

    def seen_lock_version(self) -> int | None:
        if self.lock_version.data is None:
            return None
        try:
            return int(self.lock_version.data)
        except ValueError:
            return None


def input_id(key: str, part: str) -> str:
    """The id (and name) of one input: "crime.opiate", "low" → "crime-opiate-low"."""
    return f"{key.replace('.', '-')}-{part}"


def field_input_id(field: str | None) -> str | None:
    """An interface's field ("crime.opiate-low") as the input's id."""
    return field.replace(".", "-") if field else None


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def shown_number(key: str, number: Decimal) -> str:
    """A stored number as typed into the form: rates as percentages."""
    return _plain(number * HUNDRED) if key in RATE_KEYS else _plain(number)


def saved_inputs(parameters: ParameterSet) -> dict[str, str]:
    """Every input's text for the saved set."""
    shown: dict[str, str] = {}
    for key, item in parameters.values.items():
        for part in NUMBER_PARTS:
            shown[input_id(key, part)] = shown_number(key, getattr(item, part))
        if item.assumption:
            shown[input_id(key, "assumption")] = "yes"
        shown[input_id(key, "note")] = item.note
        shown[input_id(key, "price_year")] = item.price_year or ""
        for name in SOURCE_FIELDS:
            shown[input_id(key, name)] = getattr(item.source, name) if item.source else ""
    return shown


def _number(text: str | None, key: str, what: str) -> Decimal | None:
    text = (text or "").strip().replace(",", "").lstrip("£").rstrip("%").strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        example = "10" if key in RATE_KEYS else "8691"
        raise ValueError(f"{what} must be a number, like {example}") from None
    if not number.is_finite():
        raise ValueError(f"{what} must be a number")
    return number / HUNDRED if key in RATE_KEYS else number


def read_changes(parameters: ParameterSet, formdata) -> tuple[dict[str, dict], list[tuple[str, str]]]:
    """The changes typed for every parameter, and (message, input id) for each number not understood."""
    changes: dict[str, dict] = {}
    problems: list[tuple[str, str]] = []
    for key in parameters.values:
        label = parameter_label(key)
        entry: dict = {"assumption": bool(formdata.get(input_id(key, "assumption"))),
                       "note": formdata.get(input_id(key, "note"), ""),
                       "price_year": formdata.get(input_id(key, "price_year"), "")}
        for name in SOURCE_FIELDS:
            entry[name] = formdata.get(input_id(key, name), "")
        for part in NUMBER_PARTS:
            what = label if part == "value" else f"{label} ({part})"
            try:
                entry[part] = _number(formdata.get(input_id(key, part)), key, what)
            except ValueError as problem:
                problems.append((str(problem), input_id(key, part)))
        changes[key] = entry
    return changes, problems
