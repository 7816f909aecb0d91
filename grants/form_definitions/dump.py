"""Writing a form definition as JSON: keys in the spec's order, defaults left out, so that an export
reads like the documentation and ``load(dump(definition)) == definition``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from grants.form_definitions.model import (
    FORMAT,
    LIMIT_NAMES,
    MESSAGE_KEYS,
    Condition,
    EligibilityRule,
    FormDefinition,
    LimitValue,
    Option,
    Question,
    Refusal,
    Section,
)

T = TypeVar("T")


def dump(definition: FormDefinition) -> dict[str, Any]:
    """The definition as a JSON document (plain dicts, lists, strings and numbers)."""
    return {
        "format": FORMAT,
        "kind": definition.kind.value,
        "title": definition.title,
        "sections": [_section(section) for section in definition.sections],
    }


def dumps(definition: FormDefinition) -> str:
    """The definition as JSON text, indented by 2, ending in a newline."""
    return json.dumps(dump(definition), indent=2, ensure_ascii=False) + "\n"


def _section(section: Section) -> dict[str, Any]:
    data: dict[str, Any] = {"id": section.id, "title": section.title}
    if section.description:
        data["description"] = section.description
    data["questions"] = [_question(question) for question in section.questions]
    return data


def _question(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {"id": question.id, "type": question.type.value, "label": question.label}
    optional: dict[str, Any] = {
        "hint": question.hint,
        "guidance": question.guidance,
        "required": None if question.required else False,
        "name_for_errors": question.name_for_errors,
        "messages": _in_order(question.messages, MESSAGE_KEYS),
        "limits": {key: _limit(value) for key, value in _in_order(question.limits, LIMIT_NAMES).items()},
        "options": [_option(option) for option in question.options],
        "show_if": None if question.show_if is None else _condition(question.show_if),
        "role": None if question.role is None else question.role.value,
        "refuse": None if question.refuse is None else _refusal(question.refuse),
        "eligibility": None if question.eligibility is None else _eligibility(question.eligibility),
    }
    data.update((key, value) for key, value in optional.items() if value not in (None, "", {}, []))
    return data


def _in_order(values: Mapping[str, T], order: tuple[str, ...]) -> dict[str, T]:
    """``values`` with the keys the format knows first, in its order, then any others as given."""
    known = {key: values[key] for key in order if key in values}
    return known | {key: value for key, value in values.items() if key not in known}


def _limit(value: LimitValue) -> int | str | list[str]:
    return list(value) if isinstance(value, tuple) else value


def _option(option: Option) -> dict[str, str]:
    data = {"value": option.value, "label": option.label}
    if option.hint:
        data["hint"] = option.hint
    return data


def _condition(condition: Condition) -> dict[str, Any]:
    return {"question": condition.question, **_values(condition.values)}


def _values(values: tuple[str, ...]) -> dict[str, Any]:
    """One value as ``equals``, several as ``any_of`` (``any_of`` of one value reads back as ``equals``)."""
    return {"equals": values[0]} if len(values) == 1 else {"any_of": list(values)}


def _refusal(refusal: Refusal) -> dict[str, Any]:
    data = _values(refusal.values)
    if refusal.when is not None:
        data["when"] = _condition(refusal.when)
    data["message"] = refusal.message
    return data


def _eligibility(rule: EligibilityRule) -> dict[str, Any]:
    test: dict[str, Any] = _values(rule.values) if rule.values else {}
    if rule.less_than is not None:
        test["less_than"] = rule.less_than
    if rule.more_than is not None:
        test["more_than"] = rule.more_than
    return {"ineligible_if": test, "reason": rule.reason}
