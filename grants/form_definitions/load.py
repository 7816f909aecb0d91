"""Reading a form definition: the JSON Schema first (the document's shape), then the format's rules
(its meaning). Every problem is found and reported at once, and nothing is built from a document that
has any.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from grants.form_definitions.model import (
    Condition,
    EligibilityRule,
    FormDefinition,
    FormDefinitionError,
    Kind,
    LimitValue,
    Option,
    Problem,
    Question,
    QuestionType,
    Refusal,
    Role,
    Section,
    Threshold,
)
from grants.form_definitions.rules import rule_problems
from grants.form_definitions.schema_problems import schema_problems


class _NotJson(ValueError):
    """JSON that Python's reader would take but the standard does not (NaN, a key given twice)."""


def load(data: Mapping[str, Any]) -> FormDefinition:
    """The definition that ``data`` (a parsed JSON document) describes.

    Raises FormDefinitionError with every problem: first the schema's (where the JSON path is at fault),
    then, if the shape is right, every rule of the format it breaks (by section or question id).
    """
    problems = schema_problems(data)
    if problems:
        raise FormDefinitionError(problems)
    definition = _definition(data)
    problems = rule_problems(definition)
    if problems:
        raise FormDefinitionError(problems)
    return definition


# Stored versions already read, by their document's JSON text: checking a document against the schema
# takes tens of milliseconds, more than the rest of a page that shows the form. A definition is frozen,
# so one object serves every request; keyed by content, not row id (a version is edited in place until
# its round opens, and a rolled-back row's id comes back).
_STORED: dict[str, FormDefinition] = {}
_STORED_KEPT = 64  # distinct documents held; the oldest read is dropped first
_STORED_LOCK = threading.Lock()


def load_stored(data: Mapping[str, Any]) -> FormDefinition:
    """``load`` for a stored version's document, read once a process for the same content (the same
    object each time). A document with problems raises every time: nothing is kept for it."""
    key = json.dumps(data, separators=(",", ":"))
    found = _STORED.get(key)
    if found is None:
        found = load(dict(data))
        with _STORED_LOCK:  # gthread workers: one thread at a time changes the dict
            while len(_STORED) >= _STORED_KEPT:
                _STORED.pop(next(iter(_STORED)))
            _STORED[key] = found
    return found


def loads(text: str | bytes) -> FormDefinition:
    """The definition in a JSON document's text (UTF-8 if bytes); see ``load``."""
    if isinstance(text, str):
        text = text.removeprefix("\ufeff")  # a byte order mark, as some Windows editors save
    try:
        data = json.loads(text, object_pairs_hook=_object, parse_constant=_constant)
    except json.JSONDecodeError as error:
        raise _refusal(f"the file is not JSON: {error.msg} (line {error.lineno}, column {error.colno})") from None
    except UnicodeDecodeError:
        raise _refusal("the file is not JSON: it is not text in UTF-8") from None
    except _NotJson as error:
        raise _refusal(f"the file is not JSON: {error}") from None
    return load(data)


def _refusal(message: str) -> FormDefinitionError:
    return FormDefinitionError([Problem("form", message)])


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    built: dict[str, Any] = {}
    for key, value in pairs:
        if key in built:
            raise _NotJson(f"the key {key} is given twice in one object")
        built[key] = value
    return built


def _constant(name: str) -> object:
    raise _NotJson(f"{name} is not a JSON value")


def _definition(data: Mapping[str, Any]) -> FormDefinition:
    return FormDefinition(
        kind=Kind(data["kind"]),
        title=str(data["title"]),
        sections=tuple(_section(section) for section in data["sections"]),
    )


def _section(data: Mapping[str, Any]) -> Section:
    return Section(
        id=str(data["id"]),
        title=str(data["title"]),
        description=str(data.get("description", "")),
        questions=tuple(_question(question) for question in data["questions"]),
    )


def _question(data: Mapping[str, Any]) -> Question:
    show_if, role, refuse, eligibility = (data.get(key) for key in ("show_if", "role", "refuse", "eligibility"))
    return Question(
        id=str(data["id"]),
        type=QuestionType(data["type"]),
        label=str(data["label"]),
        hint=str(data.get("hint", "")),
        guidance=str(data.get("guidance", "")),
        required=bool(data.get("required", True)),
        name_for_errors=str(data.get("name_for_errors", "")),
        messages=MappingProxyType({str(key): str(text) for key, text in data.get("messages", {}).items()}),
        limits=MappingProxyType({str(key): _limit(value) for key, value in data.get("limits", {}).items()}),
        options=tuple(Option(str(option["value"]), str(option["label"]), str(option.get("hint", "")))
                      for option in data.get("options", ())),
        show_if=None if show_if is None else _condition(show_if),
        role=None if role is None else Role(role),
        refuse=None if refuse is None else _refusal_rule(refuse),
        eligibility=None if eligibility is None else _eligibility(eligibility),
    )


def _condition(data: Mapping[str, Any]) -> Condition:
    return Condition(str(data["question"]), _values(data))


def _refusal_rule(data: Mapping[str, Any]) -> Refusal:
    when = data.get("when")
    return Refusal(message=str(data["message"]), values=_values(data),
                   when=None if when is None else _condition(when))


def _values(test: Mapping[str, Any]) -> tuple[str, ...]:
    """``equals`` as one value, ``any_of`` as its values, or none."""
    if "equals" in test:
        return (str(test["equals"]),)
    return tuple(str(value) for value in test.get("any_of", ()))


def _limit(value: object) -> LimitValue:
    if isinstance(value, list):
        return tuple(str(item) for item in value)
    return _threshold(value)


def _threshold(value: object) -> Threshold:
    # JSON Schema takes 5.0 as an integer; the model keeps it as one
    return int(value) if isinstance(value, int | float) else str(value)


def _eligibility(data: Mapping[str, Any]) -> EligibilityRule:
    test: Mapping[str, Any] = data["ineligible_if"]
    return EligibilityRule(
        reason=str(data["reason"]),
        values=_values(test),
        less_than=None if "less_than" not in test else _threshold(test["less_than"]),
        more_than=None if "more_than" not in test else _threshold(test["more_than"]),
    )
