"""Checking a document against the published JSON Schema (schema.json, Draft 2020-12), and saying
what is wrong in plain words: each Problem's ``where`` is the JSON path of the part at fault, and its
message names the section or question by id wherever the document gives a usable one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.protocols import Validator

from grants.form_definitions.model import FORMAT, Problem, a_or_an

ID_PATTERN = "^[a-z][a-z0-9_]{0,39}$"
# What each pattern of the schema asks for, in words; a new pattern in schema.json gets a line here.
PATTERN_WORDS = {
    ID_PATTERN: "an id: 1 to 40 lower-case letters, digits and underscores, starting with a letter",
    r"^((0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?|round_min_award)$":
        'pounds with up to 2 decimal places, such as "0.01", or round_min_award',
    r"^((0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?|round_max_award)$":
        'pounds with up to 2 decimal places, such as "5000", or round_max_award',
    r"^((0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?|round_min_award|round_max_award)$":
        'a number with up to 2 decimal places, such as "5000" or "12.5", or round_min_award or round_max_award',
    r"^(100(\.00?)?|[1-9]?[0-9](\.[0-9]{1,2})?)$":
        'a percentage from "0" to "100" with up to 2 decimal places, such as "12.5"',
    "^([0-9]{4}-[0-9]{2}-[0-9]{2}|project_start|project_end)$":
        'a date written as "2025-04-01", or project_start or project_end',
}
JSON_TYPE_WORDS = {"string": "text", "integer": "a whole number", "boolean": "true or false",
                   "array": "a list", "object": "an object"}
LIST_NOUNS = {"sections": "sections", "questions": "questions", "options": "options", "any_of": "values",
              "file_types": "file types"}
ENUM_NAMES = {"type": "question type", "kind": "kind of form", "role": "role"}


@cache
def schema() -> Mapping[str, Any]:
    """The published JSON Schema of the format (grants/form_definitions/schema.json)."""
    loaded = json.loads(files("grants.form_definitions").joinpath("schema.json").read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise TypeError("schema.json is not a JSON object")
    return loaded


def _ecma_pattern(validator: Validator, pattern: str, instance: object, _: object) -> Iterator[ValidationError]:
    """``pattern`` as JSON Schema means it (ECMA-262): ``$`` is the end of the text, where Python's
    ``re`` would also let "abc\\n" end there."""
    if isinstance(instance, str) and not re.search(pattern.removesuffix("$") + r"\Z", instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _validator() -> Validator:
    """Draft 2020-12 as it stands, but for ``pattern`` (see ``_ecma_pattern``)."""
    draft = Draft202012Validator
    checker = validators.create(draft.META_SCHEMA, {**draft.VALIDATORS, "pattern": _ecma_pattern},
                                type_checker=draft.TYPE_CHECKER, format_checker=draft.FORMAT_CHECKER)
    return checker(schema())


def schema_problems(document: Any) -> list[Problem]:
    """Every way ``document`` breaks the schema, in document order; empty if it follows it."""
    problems: list[Problem] = []
    for error in sorted(_validator().iter_errors(document), key=_document_order):
        problem = _problem(document, error)
        if problem not in problems:
            problems.append(problem)
    return problems


def _document_order(error: ValidationError) -> list[tuple[int, int, str]]:
    return [(0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in error.absolute_path]


def path_text(path: Sequence[object]) -> str:
    """``sections[0].questions[2].limits``; "form" for the document itself."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "form"


class _Place:
    """Where an error is: its owner ("question dbs_checks", "section 2", "the form"), the owner's
    question type if it is a question, and the path from the owner to the part at fault."""

    def __init__(self, document: object, path: Sequence[object]) -> None:
        self.owner, self.question_type, rest = "the form", "", list(path)
        section = _item(document, "sections", rest)
        if section is not None:
            self.owner = _named("section", section, rest[1])
            rest = rest[2:]
            question = _item(section, "questions", rest)
            if question is not None:
                self.owner = _named("question", question, rest[1], of=self.owner)
                self.question_type = str(question.get("type", ""))
                rest = rest[2:]
        self.rest = rest
        self.field = path_text(rest[1:]) if rest[:1] == ["limits"] and len(rest) > 1 else path_text(rest)
        self.key = next((str(part) for part in reversed(rest) if isinstance(part, str)), "")

    def of_owner(self, words: str = "") -> str:
        """'limits of question q' (or just 'question q' when the error is about the owner itself)."""
        subject = words or self.field
        return self.owner if not self.rest else f"{subject} of {self.owner}"


def _item(container: object, key: str, rest: Sequence[object]) -> Mapping[str, object] | None:
    if len(rest) < 2 or rest[0] != key or not isinstance(rest[1], int) or not isinstance(container, Mapping):
        return None
    items = container.get(key)
    if isinstance(items, list) and rest[1] < len(items) and isinstance(items[rest[1]], Mapping):
        item: Mapping[str, object] = items[rest[1]]
        return item
    return None


def _named(noun: str, item: Mapping[str, object], index: object, of: str = "") -> str:
    given = item.get("id")
    if isinstance(given, str) and re.fullmatch(ID_PATTERN, given):
        return f"{noun} {given}"
    number = index + 1 if isinstance(index, int) else index
    return f"{noun} {number} of {of}" if of else f"{noun} {number}"


def _joined(words: Sequence[object], conjunction: str = "or") -> str:
    texts = [str(word) for word in words]
    return texts[0] if len(texts) == 1 else f"{', '.join(texts[:-1])} {conjunction} {texts[-1]}"


def _problem(document: object, error: ValidationError) -> Problem:
    place = _Place(document, list(error.absolute_path))
    where = path_text(list(error.absolute_path))
    check = MESSAGES.get(str(error.validator))
    message = check(place, error) if check is not None else None
    return Problem(where, message or f"{place.of_owner()}: {error.message}")


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _required(place: _Place, error: ValidationError) -> str:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    missing = [str(key) for key in _listed(error.validator_value) if key not in instance]
    if place.question_type and not place.rest and missing in (["options"], ["limits"]):
        needs = "at least 2 options" if missing == ["options"] else "max_words in its limits"
        return f"{place.owner} has no {missing[0]}: {a_or_an(place.question_type)} question needs {needs}"
    return f"{place.of_owner()} has no {_joined(missing, 'and')}"


def _additional_properties(place: _Place, error: ValidationError) -> str:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    known = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
    extras = [str(key) for key in instance if key not in known]
    if place.rest == ["limits"]:
        return (f"{_joined(extras, 'and')} {'is not a limit' if len(extras) == 1 else 'are not limits'} of "
                f"{a_or_an(place.question_type)} question: its limits are {_joined(list(known), 'and')}")
    keys = "a key" if len(extras) == 1 else "keys"
    return f"{place.of_owner()} has {keys} the format does not have: {_joined(extras, 'and')}"


def _properties_count(place: _Place, error: ValidationError) -> str | None:
    if place.rest == ["limits"]:
        return f"{place.owner} is {a_or_an(place.question_type)} question, which has no limits"
    too_many = error.validator == "maxProperties"
    if place.key in ("show_if", "when"):
        return f"{place.field} of {place.owner} needs {'only one of' if too_many else 'either'} equals or any_of"
    if place.key == "ineligible_if":
        wanted = "only one of" if too_many else "one of"
        return f"ineligible_if of {place.owner} needs {wanted} equals, any_of, less_than or more_than"
    return None


def _type(place: _Place, error: ValidationError) -> str:
    expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    words = _joined([JSON_TYPE_WORDS.get(str(kind), str(kind)) for kind in expected])
    if not place.rest and place.owner == "the form":
        return "the form must be a JSON object"
    pattern = error.schema.get("pattern") if isinstance(error.schema, Mapping) else None
    if pattern in PATTERN_WORDS:
        return f"{place.of_owner()} must be {words} in quotes: {PATTERN_WORDS[pattern]}"
    return f"{place.of_owner()} must be {words}"


def _enum(place: _Place, error: ValidationError) -> str:
    allowed = _joined(_listed(error.validator_value))
    if place.key == "messages":
        return f"{place.owner} has a message for {error.instance}, which is not a kind of message: use {allowed}"
    if place.key == "file_types":
        return f"{place.owner} accepts {error.instance}, which is not a file type: use {allowed}"
    name = ENUM_NAMES.get(place.key)
    if name is None:
        return f"{place.of_owner()} must be {allowed}, not {error.instance}"
    subject = "the form" if place.key == "kind" else place.owner
    return f"{subject} has the {place.key} {error.instance}, which is not a {name}: use {allowed}"


def _const(place: _Place, error: ValidationError) -> str:
    if place.key == "format":
        return f"the format must be {FORMAT}, not {error.instance}"
    return f"{place.of_owner()} must be {error.validator_value}, not {error.instance}"


def _pattern(place: _Place, error: ValidationError) -> str:
    wanted = PATTERN_WORDS.get(str(error.validator_value), f"text matching {error.validator_value}")
    return f"{place.of_owner()} must be {wanted}, not {error.instance}"


def _length(place: _Place, error: ValidationError) -> str:
    if error.validator == "minLength":
        return f"{place.of_owner()} must not be empty"
    length = len(error.instance) if isinstance(error.instance, str) else 0
    return f"{place.of_owner()} must be {error.validator_value} characters or fewer; it has {length}"


def _min_items(place: _Place, error: ValidationError) -> str:
    count = len(error.instance) if isinstance(error.instance, list) else 0
    noun = LIST_NOUNS.get(place.key, "items")
    wanted = error.validator_value
    if wanted == 1:
        noun = noun.removesuffix("s")
    subject = place.owner if len(place.rest) == 1 else place.of_owner()
    return f"{subject} needs at least {wanted} {noun}; it has {count}"


def _bound(place: _Place, error: ValidationError) -> str:
    side = "or more" if error.validator == "minimum" else "or less"
    return f"{place.of_owner()} must be {error.validator_value} {side}, not {error.instance}"


def _unique(place: _Place, error: ValidationError) -> str:
    return f"{place.of_owner()} lists the same value more than once"


def _one_of(place: _Place, error: ValidationError) -> str:
    if not isinstance(error.instance, Mapping):
        # Not an object, so its tests cannot be told apart: the type's own problem, in the same words,
        # which are then given once.
        return f"{place.of_owner()} must be {JSON_TYPE_WORDS['object']}"
    if place.key == "refuse":
        both = "equals" in error.instance and "any_of" in error.instance
        return f"{place.of_owner()} needs {'only one of' if both else 'either'} equals or any_of"
    return f"{place.of_owner()}: {error.message}"


def _not(place: _Place, error: ValidationError) -> str:
    keys = error.validator_value.get("required", []) if isinstance(error.validator_value, Mapping) else []
    if keys == ["options"]:
        return f"{place.owner} has options, but only one_choice and several_choices questions have them"
    return f"{place.of_owner()}: {error.message}"


MESSAGES: Mapping[str, Callable[[_Place, ValidationError], str | None]] = {
    "required": _required,
    "additionalProperties": _additional_properties,
    "maxProperties": _properties_count,
    "minProperties": _properties_count,
    "type": _type,
    "enum": _enum,
    "const": _const,
    "pattern": _pattern,
    "minLength": _length,
    "maxLength": _length,
    "minItems": _min_items,
    "minimum": _bound,
    "maximum": _bound,
    "uniqueItems": _unique,
    "not": _not,
    "oneOf": _one_of,
}

