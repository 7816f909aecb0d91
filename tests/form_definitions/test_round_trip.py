"""Export then import gives the same definition, and exporting that again the same text: for every
valid definition Hypothesis makes, and for the standard forms that ship with the service."""

from __future__ import annotations

import json

import pytest
from hypothesis import given

from grants.form_definitions import (
    Condition,
    FormDefinition,
    Kind,
    Option,
    Question,
    QuestionType,
    Refusal,
    Role,
    Section,
    dump,
    dumps,
    load,
    loads,
    standard,
)
from tests.form_definitions.builders import choice, form, question
from tests.form_definitions.strategies import definitions


@given(definitions())
def test_export_then_import_gives_the_same_definition(definition):
    assert load(dump(definition)) == definition
    assert loads(dumps(definition)) == definition


@given(definitions())
def test_exporting_an_imported_export_gives_the_same_text(definition):
    text = dumps(definition)
    assert dumps(loads(text)) == text
    assert dumps(loads(text.encode("utf-8"))) == text


@pytest.mark.parametrize("kind", list(Kind))
def test_the_standard_forms_round_trip(kind):
    definition = standard(kind)
    assert definition.kind is kind
    assert load(dump(definition)) == definition
    assert dumps(loads(dumps(definition))) == dumps(definition)


def test_the_standard_forms_are_read_once():
    assert standard(Kind.APPLICATION) is standard(Kind.APPLICATION)


def test_an_export_writes_keys_in_the_specs_order_and_leaves_out_defaults():
    document = form(
        choice("dbs_checks", "yes", "no", label="DBS?", show_if={"question": "vulnerable", "any_of": ["yes"]},
               required=False, hint="", limits={}, messages={}),
        kind="monitoring",
    )
    document["sections"][0]["questions"].insert(0, question("vulnerable", "yes_no", "At risk?", required=True))
    document["sections"][0]["questions"].append(
        {"label": "Why?", "type": "long_text", "limits": {"max_words": 50}, "id": "why",
         "messages": {"max_words": "Use 50 words or fewer", "required": "Say why"}})
    assert json.loads(dumps(load(document))) == {
        "format": "pcc-grants-form/1",
        "kind": "monitoring",
        "title": "A form",
        "sections": [{"id": "main", "title": "Section", "questions": [
            {"id": "vulnerable", "type": "yes_no", "label": "At risk?"},
            {"id": "dbs_checks", "type": "one_choice", "label": "DBS?", "required": False,
             "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
             "show_if": {"question": "vulnerable", "equals": "yes"}},
            {"id": "why", "type": "long_text", "label": "Why?",
             "messages": {"required": "Say why", "max_words": "Use 50 words or fewer"},
             "limits": {"max_words": 50}},
        ]}],
    }
    text = dumps(load(document))
    assert list(json.loads(text)["sections"][0]["questions"][2]) == ["id", "type", "label", "messages", "limits"]
    assert list(json.loads(text)["sections"][0]["questions"][2]["messages"]) == ["required", "max_words"]
    assert text.startswith('{\n  "format": "pcc-grants-form/1",\n  "kind": "monitoring",')
    assert text.endswith("}\n")


def test_text_is_written_as_it_is():
    definition = load(form(question("q1", label="Cost in £ — “quoted”")))
    assert "Cost in £ — “quoted”" in dumps(definition)


def test_a_definition_built_in_code_exports_what_it_holds():
    definition = FormDefinition(Kind.ELIGIBILITY, "Check", (Section("s", "S", "", (
        Question("a", QuestionType.YES_NO, "A?"),
        Question("b", QuestionType.SHORT_TEXT, "B", show_if=Condition("a", ("yes", "no"))),
    )),))
    exported = dump(definition)
    assert exported["sections"][0]["questions"][1]["show_if"] == {"question": "a", "any_of": ["yes", "no"]}
    assert "description" not in exported["sections"][0]
    assert load(exported) == definition


def test_a_refusal_exports_after_the_role_with_its_keys_in_the_specs_order():
    document = form(
        question("vulnerable", "yes_no", "At risk?"),
        choice("dbs_checks", "yes", "no", "applied", label="DBS?", role="beneficiary_groups", type="several_choices",
               refuse={"message": "You need DBS checks", "when": {"any_of": ["yes"], "question": "vulnerable"},
                       "any_of": ["no"]}),
        kind="monitoring",
    )
    text = dumps(load(document))
    exported = json.loads(text)["sections"][0]["questions"][1]
    assert list(exported) == ["id", "type", "label", "options", "role", "refuse"]
    assert list(exported["refuse"]) == ["equals", "when", "message"]
    assert exported["refuse"] == {"equals": "no", "when": {"question": "vulnerable", "equals": "yes"},
                                  "message": "You need DBS checks"}
    assert dumps(loads(text)) == text


def test_a_refusal_built_in_code_exports_what_it_holds():
    definition = FormDefinition(Kind.APPLICATION, "Apply", (Section("s", "S", "", (
        Question("title", QuestionType.SHORT_TEXT, "Name", role=Role.PROJECT_TITLE),
        Question("amount", QuestionType.MONEY, "Amount", role=Role.AMOUNT_REQUESTED),
        Question("start", QuestionType.DATE, "Start", role=Role.PROJECT_START),
        Question("end", QuestionType.DATE, "End", role=Role.PROJECT_END),
        Question("policy", QuestionType.YES_NO, "Policy?", refuse=Refusal("You need one", ("no",))),
        Question("colour", QuestionType.ONE_CHOICE, "Colour", options=(Option("red", "Red"), Option("blue", "Blue")),
                 refuse=Refusal("Not that", ("red", "blue"), Condition("policy", ("yes",)))),
    )),))
    exported = dump(definition)["sections"][0]["questions"]
    assert exported[4]["refuse"] == {"equals": "no", "message": "You need one"}
    assert exported[5]["refuse"] == {"any_of": ["red", "blue"], "when": {"question": "policy", "equals": "yes"},
                                     "message": "Not that"}
    assert load(dump(definition)) == definition
