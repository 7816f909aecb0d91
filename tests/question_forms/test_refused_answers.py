"""Refused answers (``refuse``): an answer the question does not take is told the definition's message,
on that question, only once answered, and — with ``when`` — only while the other answer (this
section's as posted, an earlier section's as kept, none for a hidden question) is one it names."""

from __future__ import annotations

from grants.question_forms import kept_answers
from tests.form_definitions.builders import choice, question, section
from tests.question_forms.helpers import ask, build, definition_of

EOI = "expression_of_interest"  # a form that needs no roles; refusals are the same on every kind but eligibility
NO_POLICY = "You must have a safeguarding policy to apply. Upload it with your documents"
NO_DBS = "People working with children or adults at risk must have DBS checks"
POLICY = question("policy", "yes_no", "Do you have a safeguarding policy?", refuse={"equals": "no",
                                                                                    "message": NO_POLICY})
AT_RISK = question("vulnerable", "yes_no", "Will you work with children or adults at risk?")
DBS = {**choice("dbs", "yes", "no", "not_needed"), "label": "Will they have DBS checks?",
       "refuse": {"equals": "no", "when": {"question": "vulnerable", "equals": "yes"}, "message": NO_DBS}}


def test_a_refused_answer_is_told_the_message_on_its_question():
    assert ask(POLICY, data={"policy": "no"}, kind=EOI) == (False, {"policy": [NO_POLICY]})
    assert ask(POLICY, data={"policy": "yes"}, kind=EOI) == (True, {})


def test_an_unanswered_question_is_asked_for_its_answer_not_refused():
    assert ask(POLICY, data={}, kind=EOI) == (
        False, {"policy": ["Select an answer to ‘Do you have a safeguarding policy?’"]})
    optional = {**POLICY, "required": False}
    assert ask(optional, data={}, kind=EOI) == (True, {})
    assert ask(optional, data={"policy": "no"}, kind=EOI) == (False, {"policy": [NO_POLICY]})


def test_a_refusal_with_a_condition_refuses_only_while_it_holds_on_the_same_page():
    assert ask(AT_RISK, DBS, data={"vulnerable": "yes", "dbs": "no"}, kind="monitoring") == (False, {"dbs": [NO_DBS]})
    assert ask(AT_RISK, DBS, data={"vulnerable": "no", "dbs": "no"}, kind="monitoring") == (True, {})
    assert ask(AT_RISK, DBS, data={"vulnerable": "yes", "dbs": "not_needed"}, kind="monitoring") == (True, {})
    # The other question unanswered: it is asked for, and this answer is not refused on a guess.
    assert ask(AT_RISK, DBS, data={"dbs": "no"}, kind="monitoring") == (
        False, {"vulnerable": ["Select an answer to ‘Will you work with children or adults at risk?’"]})


def test_a_refusal_with_a_condition_reads_an_earlier_sections_kept_answer():
    definition = definition_of(section(AT_RISK, id="first"), section(DBS, id="second"), kind=EOI)
    refused = build(definition, "second", data={"dbs": "no"}, answers={"vulnerable": "yes"})
    assert not refused.validate() and refused.errors == {"dbs": [NO_DBS]}
    taken = build(definition, "second", data={"dbs": "no"}, answers={"vulnerable": "no"})
    assert taken.validate() and kept_answers(taken) == {"dbs": "no"}
    assert build(definition, "second", data={"dbs": "no"}, answers={}).validate()


def test_a_hidden_questions_answer_does_not_make_a_refusal_hold():
    shown_if_adults = {**AT_RISK, "show_if": {"question": "adults", "equals": "yes"}}
    definition = definition_of(section(question("adults", "yes_no", "Adults?"), shown_if_adults, id="first"),
                               section(DBS, id="second"), kind=EOI)
    # vulnerable was answered "yes", then hidden by adults = "no": its kept answer is not used.
    form = build(definition, "second", data={"dbs": "no"}, answers={"adults": "no", "vulnerable": "yes"})
    assert form.validate()
    form = build(definition, "second", data={"dbs": "no"}, answers={"adults": "yes", "vulnerable": "yes"})
    assert not form.validate() and form.errors == {"dbs": [NO_DBS]}


def test_a_hidden_question_is_not_refused():
    hidden = {**POLICY, "show_if": {"question": "vulnerable", "equals": "yes"}}
    assert ask(AT_RISK, hidden, data={"vulnerable": "no", "policy": "no"}, kind=EOI) == (True, {})
    assert ask(AT_RISK, hidden, data={"vulnerable": "yes", "policy": "no"}, kind=EOI) == (
        False, {"policy": [NO_POLICY]})


def test_several_choices_are_refused_when_any_chosen_one_is():
    groups = {**choice("groups", "children", "adults", "families", type="several_choices"), "label": "Who?",
              "refuse": {"any_of": ["children", "families"], "message": "This round is for adults only"}}
    refused = {"groups": ["This round is for adults only"]}
    assert ask(groups, data=[("groups", "adults"), ("groups", "families")], kind="monitoring") == (False, refused)
    assert ask(groups, data=[("groups", "children")], kind="monitoring") == (False, refused)
    assert ask(groups, data=[("groups", "adults")], kind="monitoring") == (True, {})


def test_a_tampered_answer_is_told_so_and_not_refused():
    assert ask(AT_RISK, DBS, data={"vulnerable": "yes", "dbs": "maybe"}, kind="monitoring") == (
        False, {"dbs": ["Select from the options shown"]})
