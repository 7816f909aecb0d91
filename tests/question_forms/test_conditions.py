"""Conditions (``show_if``): a question hidden by the answers so far — this section's as posted, earlier
sections' as kept — is not checked, and its answer is not kept."""

from __future__ import annotations

from grants.question_forms import hidden_questions, kept_answers, without_hidden
from tests.form_definitions.builders import YES_NO_OPTIONS, choice, question, section
from tests.question_forms.helpers import ask, build, definition_of, words

VULNERABLE = question("vulnerable", "yes_no", "Will you work with children or adults at risk?")
DBS = {**choice("dbs", "yes", "no"), "label": "Will they have DBS checks?",
       "show_if": {"question": "vulnerable", "equals": "yes"}}
WHY = question("why", "long_text", "Why not?", limits={"max_words": 5}, show_if={"question": "dbs", "equals": "no"})


def test_a_question_shown_by_an_answer_on_the_same_page_is_checked():
    assert ask(VULNERABLE, DBS, data={"vulnerable": "yes"}) == (
        False, {"dbs": ["Select an answer to ‘Will they have DBS checks?’"]})


def test_a_hidden_question_is_not_checked_and_its_answer_not_kept():
    definition = definition_of(VULNERABLE, DBS, WHY)
    form = build(definition, data={"vulnerable": "no", "dbs": "no", "why": words(50)})
    assert form.validate()
    assert (form.dbs.errors, form.why.errors) == ((), ())
    assert hidden_questions(form) == ["dbs", "why"]
    assert kept_answers(form) == {"vulnerable": "no"}


def test_a_question_shown_only_by_a_hidden_one_is_hidden_too():
    definition = definition_of(VULNERABLE, DBS, WHY)
    form = build(definition, data={"vulnerable": "yes", "dbs": "no", "why": words(6)})
    assert not form.validate()
    assert form.errors == {"why": ["Why not? must be 5 words or fewer"]}
    # Unanswered, vulnerable shows neither dbs nor (through dbs, answered "no") why.
    form = build(definition, data={"vulnerable": "", "dbs": "no", "why": words(6)})
    assert not form.validate()
    assert form.errors == {"vulnerable": ["Select an answer to ‘Will you work with children or adults at risk?’"]}
    assert hidden_questions(form) == ["dbs", "why"]


def test_a_tampered_answer_shows_nothing():
    form = build(definition_of(VULNERABLE, DBS), data={"vulnerable": "maybe"})
    assert not form.validate()
    assert hidden_questions(form) == ["dbs"]
    assert form.errors == {"vulnerable": ["Select from the options shown"]}


def test_an_answer_kept_from_an_earlier_section_shows_a_question():
    definition = definition_of(section(VULNERABLE, id="first"), section(DBS, id="second"))
    assert hidden_questions(build(definition, "second", data={}, answers={"vulnerable": "yes"})) == []
    assert hidden_questions(build(definition, "second", data={}, answers={"vulnerable": "no"})) == ["dbs"]
    assert hidden_questions(build(definition, "second", data={}, answers={})) == ["dbs"]
    shown = build(definition, "second", data={}, answers={"vulnerable": "yes"})
    assert not shown.validate() and shown.errors == {"dbs": ["Select an answer to ‘Will they have DBS checks?’"]}


def test_a_stale_answer_to_a_question_now_hidden_shows_nothing():
    # vulnerable was changed to "no" after dbs was answered "no" in its own section: why stays hidden.
    definition = definition_of(section(VULNERABLE, id="first"), section(DBS, id="second"), section(WHY, id="third"))
    form = build(definition, "third", data={"why": words(50)}, answers={"vulnerable": "no", "dbs": "no"})
    assert form.validate() and hidden_questions(form) == ["why"] and kept_answers(form) == {}


def test_any_of_several_choices_shows_a_question():
    support = {**choice("support", "housing", "work", "health", type="several_choices"), "label": "Which support?"}
    which = question("landlord", "short_text", "Who is the landlord?",
                     show_if={"question": "support", "any_of": ["housing", "health"]})
    definition = definition_of(support, which)
    assert hidden_questions(build(definition, data=[("support", "work"), ("support", "health")])) == []
    assert hidden_questions(build(definition, data=[("support", "work")])) == ["landlord"]


def test_the_text_kept_leaves_out_hidden_questions_and_their_rows_and_parts():
    office = {**question("office", "uk_address", "Where is the office?"),
              "show_if": {"question": "has_office", "equals": "yes"}}
    has_office = {**question("has_office", "one_choice", "Do you have an office?"), "options": YES_NO_OPTIONS}
    definition = definition_of(has_office, office, question("office_hours", "short_text", "When are you open?"))
    form = build(definition, data={"has_office": "no", "office-line_1": "1 High Street"})
    raw = {"has_office": ["no"], "office-line_1": ["1 High Street"], "office-town": ["Truro"],
           "office_hours": ["9 to 5"]}
    assert without_hidden(form, raw) == {"has_office": ["no"], "office_hours": ["9 to 5"]}
