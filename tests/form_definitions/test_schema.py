"""The published JSON Schema (grants/form_definitions/schema.json): valid Draft 2020-12, documented
throughout, and in step with the engine's own lists of kinds, types, roles and limits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from grants.form_definitions import FORMAT, Kind, QuestionType, Role, schema
from grants.form_definitions.model import LIMIT_NAMES, MESSAGE_KEYS
from grants.form_definitions.schema_problems import PATTERN_WORDS
from tests.form_definitions.builders import form, problems, question

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "grants" / "form_definitions" / "schema.json"
PROPERTIES = schema()["$defs"]["question"]["properties"]


def test_the_schema_is_a_valid_draft_2020_12_schema_with_an_id():
    Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema()["$id"] == "https://github.com/opcc/pcc-grants/form-definition.schema.json"
    assert schema() == json.loads(SCHEMA_FILE.read_text())


def _subschemas(node: object, path: str = "#") -> Iterator[tuple[str, dict]]:
    """Every schema that documents a part of the format: properties, $defs and the root."""
    if not isinstance(node, dict):
        return
    yield path, node
    for keyword in ("properties", "$defs"):
        for name, child in node.get(keyword, {}).items():
            yield from _subschemas(child, f"{path}/{keyword}/{name}")


def test_every_part_of_the_format_has_a_title_and_a_description():
    undocumented = [path for path, node in _subschemas(schema())
                    if "$ref" not in node and not (node.get("title") and node.get("description"))]
    assert undocumented == []


def test_every_object_refuses_keys_it_does_not_describe():
    open_objects = [path for path, node in _subschemas(schema())
                    if "properties" in node and node.get("additionalProperties") is not False]
    assert open_objects == []


def test_the_schemas_lists_are_the_engines():
    assert schema()["properties"]["format"]["const"] == FORMAT
    assert schema()["properties"]["kind"]["enum"] == [kind.value for kind in Kind]
    assert PROPERTIES["type"]["enum"] == [kind.value for kind in QuestionType]
    assert PROPERTIES["role"]["enum"] == [role.value for role in Role]
    assert PROPERTIES["messages"]["propertyNames"]["enum"] == list(MESSAGE_KEYS)
    limits = {name for key, node in schema()["$defs"].items() if key.startswith("limits_")
              for name in node.get("properties", {})}
    assert limits == set(LIMIT_NAMES)


def test_every_pattern_of_the_schema_is_explained_in_words():
    patterns = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                patterns.add(node["pattern"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(schema())
    assert patterns == set(PATTERN_WORDS)


@pytest.mark.parametrize("type", [kind.value for kind in QuestionType])
def test_every_type_checks_its_limits(type):
    """A limit no type has is refused on every type: each has its own limits, or none."""
    options = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
    extra = {"options": options} if type in ("one_choice", "several_choices") else {}
    refused = problems(form(question("q1", type, limits={"max_words": 10, "colour": 1}, **extra),
                            kind="monitoring"))
    assert len(refused) == 1
    assert refused[0].startswith("sections[0].questions[0].limits: ")
