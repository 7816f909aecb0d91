"""Refusals of ``refuse`` rules (an answer a question does not take) and of the roles that name other
answers, with the exact words people read (docs/form-definitions.md, "What import refuses").

Each document is valid but for the one thing under test, so the whole list of problems is compared.
"""

from __future__ import annotations

import pytest

from grants.form_definitions import Condition, Refusal, Role, load
from tests.form_definitions.builders import application, choice, form, problems, question, section

MESSAGE = "You must have a safeguarding policy to apply"


def refuse(**test: object) -> dict[str, object]:
    return {**test, "message": MESSAGE}


AT_RISK = question("vulnerable", "yes_no", "At risk?")


# Well-formed refusals load ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["application", "monitoring", "expression_of_interest"])
def test_a_refusal_loads_on_each_type_that_has_a_list_of_answers_on_each_form_but_eligibility(kind):
    document = form(
        AT_RISK,
        question("policy", "yes_no", refuse=refuse(equals="no")),
        choice("dbs", "yes", "no", "not_needed", refuse=refuse(equals="no", when={"question": "vulnerable",
                                                                                   "equals": "yes"})),
        choice("groups", "children", "adults", "families", type="several_choices",
               refuse=refuse(any_of=["children", "families"])),
        kind=kind,
    )
    if kind == "application":
        document = application(*document["sections"][0]["questions"])
    assert problems(document) == []
    definition = load(document)
    assert definition.question("policy").refuse == Refusal(MESSAGE, ("no",))
    assert definition.question("dbs").refuse == Refusal(MESSAGE, ("no",), Condition("vulnerable", ("yes",)))
    assert definition.question("groups").refuse == Refusal(MESSAGE, ("children", "families"))
    assert definition.question("vulnerable").refuse is None


def test_a_refusal_may_refuse_every_answer_while_a_condition_holds():
    document = application(AT_RISK, question("policy", "yes_no", refuse=refuse(
        any_of=["yes", "no"], when={"question": "vulnerable", "equals": "yes"})))
    assert problems(document) == []


def test_a_refusal_may_depend_on_a_question_in_an_earlier_section():
    document = application(choice("dbs", "yes", "no", refuse=refuse(
        equals="no", when={"question": "title", "equals": "x"})))
    document["sections"][0]["questions"].append(AT_RISK)
    document["sections"][1]["questions"][0]["refuse"]["when"] = {"question": "vulnerable", "any_of": ["yes"]}
    assert problems(document) == []
    assert load(document).question("dbs").refuse == Refusal(MESSAGE, ("no",), Condition("vulnerable", ("yes",)))


# Where a refusal cannot be -----------------------------------------------------------------------------

@pytest.mark.parametrize("type", ["short_text", "long_text", "money", "date", "declaration", "areas_served"])
def test_a_refusal_on_a_question_without_a_list_of_answers_is_refused(type):
    limits = {"limits": {"max_words": 10}} if type == "long_text" else {}
    document = application(question("q1", type, refuse=refuse(equals="no"), **limits))
    assert problems(document) == [
        f"q1: has a refuse rule, but {'an' if type == 'areas_served' else 'a'} {type} answer is not one of a list; "
        "refuse is for yes_no, one_choice and several_choices questions"]


def test_a_refusal_on_an_eligibility_form_is_refused():
    document = form(question("in_area", "yes_no", refuse=refuse(equals="no")), kind="eligibility")
    assert problems(document) == [
        "in_area: has a refuse rule, which an eligibility form does not have: an eligibility form rules a group out "
        "with an eligibility rule (ineligible_if) instead"]


# What a refusal names ----------------------------------------------------------------------------------

def test_a_refusal_of_an_answer_a_yes_no_question_cannot_have_is_refused():
    document = application(question("policy", "yes_no", refuse=refuse(equals="No")))
    assert problems(document) == ["policy: its refuse rule names No, which is not one of its answers (yes or no)"]


def test_a_refusal_of_values_that_are_not_options_is_refused_for_each():
    document = application(choice("colour", "red", "blue", "green", type="several_choices",
                                  refuse=refuse(any_of=["red", "pink", "teal"])))
    assert problems(document) == [
        "colour: its refuse rule names pink, which is not one of its answers (red, blue or green)",
        "colour: its refuse rule names teal, which is not one of its answers (red, blue or green)",
    ]


@pytest.mark.parametrize(("question_", "answers"), [
    (question("policy", "yes_no", refuse=refuse(any_of=["no", "yes"])), "yes and no"),
    (choice("colour", "red", "blue", refuse=refuse(any_of=["blue", "red"])), "red and blue"),
    (choice("colour", "red", "blue", type="several_choices", refuse=refuse(any_of=["blue", "red"])), "red and blue"),
])
def test_a_refusal_of_every_answer_with_no_condition_is_refused(question_, answers):
    assert problems(application(question_)) == [
        f"{question_['id']}: its refuse rule refuses every one of its answers ({answers}), so no answer can be given"]


# Its condition (``when``): the rules of show_if ----------------------------------------------------------

def test_a_refusal_that_depends_on_a_later_question_is_refused():
    document = application(choice("dbs", "yes", "no", refuse=refuse(
        equals="no", when={"question": "vulnerable", "equals": "yes"})), AT_RISK)
    assert problems(document) == ["dbs: its refuse rule applies only if vulnerable, which comes after it"]


def test_a_refusal_that_depends_on_a_question_in_a_later_section_is_refused():
    document = application(choice("dbs", "yes", "no", refuse=refuse(
        equals="no", when={"question": "vulnerable", "equals": "yes"})))
    document["sections"].append(section(AT_RISK, id="later"))
    assert problems(document) == ["dbs: its refuse rule applies only if vulnerable, which comes after it"]


def test_a_refusal_that_depends_on_the_question_itself_is_refused():
    document = application(choice("dbs", "yes", "no", "applied", refuse=refuse(
        equals="no", when={"question": "dbs", "equals": "applied"})))
    assert problems(document) == [
        "dbs: its refuse rule applies only if dbs, which is this question itself; a refuse rule can depend only on "
        "an earlier question"]


def test_a_refusal_that_depends_on_a_missing_question_is_refused():
    document = application(choice("dbs", "yes", "no", refuse=refuse(
        equals="no", when={"question": "nowhere", "equals": "yes"})))
    assert problems(document) == ["dbs: its refuse rule applies only if nowhere, which is not a question in this form"]


def test_a_refusal_that_depends_on_an_answer_the_question_cannot_have_is_refused():
    document = application(AT_RISK, choice("dbs", "yes", "no", refuse=refuse(
        equals="no", when={"question": "vulnerable", "any_of": ["Yes", "no", "maybe"]})))
    assert problems(document) == [
        "dbs: its refuse rule applies only if vulnerable is Yes, which is not one of its answers (yes or no)",
        "dbs: its refuse rule applies only if vulnerable is maybe, which is not one of its answers (yes or no)",
    ]


def test_a_refusal_that_depends_on_a_question_without_a_list_of_answers_is_refused():
    document = application(choice("dbs", "yes", "no", refuse=refuse(
        equals="no", when={"question": "title", "equals": "Café"})))
    assert problems(document) == [
        "dbs: its refuse rule applies only if title, a short_text question; a refuse rule can depend only on a "
        "yes_no, one_choice or several_choices question"]


# Its shape (the schema) --------------------------------------------------------------------------------

Q = "sections[1].questions[0]"


@pytest.mark.parametrize(("rule", "expected"), [
    ({"equals": "no"}, f"{Q}.refuse: refuse of question policy has no message"),
    ({"equals": "no", "message": ""}, f"{Q}.refuse.message: refuse.message of question policy must not be empty"),
    ({"equals": "no", "message": "x" * 301},
     f"{Q}.refuse.message: refuse.message of question policy must be 300 characters or fewer; it has 301"),
    ({"message": MESSAGE}, f"{Q}.refuse: refuse of question policy needs either equals or any_of"),
    ({"equals": "no", "any_of": ["yes"], "message": MESSAGE},
     f"{Q}.refuse: refuse of question policy needs only one of equals or any_of"),
    ({"any_of": [], "message": MESSAGE},
     f"{Q}.refuse.any_of: refuse.any_of of question policy needs at least 1 value; it has 0"),
    ({"equals": "no", "message": MESSAGE, "reason": "Why"},
     f"{Q}.refuse: refuse of question policy has a key the format does not have: reason"),
    ({"equals": "no", "message": MESSAGE, "when": {"question": "title"}},
     f"{Q}.refuse.when: refuse.when of question policy needs either equals or any_of"),
    ({"equals": "no", "message": MESSAGE, "when": {"question": "title", "equals": "a", "any_of": ["b"]}},
     f"{Q}.refuse.when: refuse.when of question policy needs only one of equals or any_of"),
    ({"equals": "no", "message": MESSAGE, "when": {"equals": "yes", "any_of": ["no"]}},
     f"{Q}.refuse.when: refuse.when of question policy has no question"),
    ("no", f"{Q}.refuse: refuse of question policy must be an object"),
])
def test_a_refusal_not_in_the_format_is_refused_in_words(rule, expected):
    assert problems(application(question("policy", "yes_no", refuse=rule))) == [expected]


def test_a_message_of_300_characters_is_taken():
    longest = {"equals": "no", "message": "x" * 300}
    assert problems(application(question("policy", "yes_no", refuse=longest))) == []


def test_every_problem_of_refusals_is_named_at_once_in_the_forms_order():
    document = application(
        question("name", refuse=refuse(equals="x")),
        question("policy", "yes_no", refuse=refuse(equals="No", when={"question": "later", "equals": "yes"})),
        question("later", "yes_no"),
    )
    assert problems(document) == [
        "name: has a refuse rule, but a short_text answer is not one of a list; refuse is for yes_no, one_choice "
        "and several_choices questions",
        "policy: its refuse rule names No, which is not one of its answers (yes or no)",
        "policy: its refuse rule applies only if later, which comes after it",
    ]


# The roles that name other answers: the funding besides ours, the groups of people --------------------

@pytest.mark.parametrize(("role", "type", "needed"), [
    ("other_funding", "whole_number", "money"),
    ("match_funding", "percentage", "money"),
    ("beneficiary_groups", "one_choice", "several_choices"),
    ("beneficiary_groups", "short_text", "several_choices"),
])
def test_a_role_on_the_wrong_type_is_refused(role, type, needed):
    extra = {"options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]} if type == "one_choice" else {}
    document = application(question("q1", type, role=role, **extra))
    assert problems(document) == [f"q1: has the role {role}, which needs a {needed} question, not a {type} one"]


@pytest.mark.parametrize(("role", "first", "second"), [
    ("other_funding", question("grants", "money", role="other_funding"),
     question("loans", "money", role="other_funding")),
    ("match_funding", question("own", "money", role="match_funding"),
     question("in_kind", "money", role="match_funding")),
    ("beneficiary_groups", choice("groups", "a", "b", type="several_choices", role="beneficiary_groups"),
     choice("more_groups", "c", "d", type="several_choices", role="beneficiary_groups")),
])
def test_a_role_used_twice_is_refused_on_the_later_question(role, first, second):
    twice = [f"{second['id']}: has the role {role}, which {first['id']} has already; a role can be used once in a form"]
    assert problems(application(first, second)) == twice
    in_two_sections = application(first)
    in_two_sections["sections"].append(section(second, id="later"))
    assert problems(in_two_sections) == twice


def test_the_roles_that_name_other_answers_are_read_by_role_and_not_needed():
    """(An application form with the four roles it needs and no others loads: test_refusals_limits.py.)"""
    definition = load(application(
        question("grants", "money", role="other_funding"), question("own", "money", role="match_funding"),
        choice("groups", "a", "b", type="several_choices", role="beneficiary_groups"),
    ))
    assert definition.by_role(Role.OTHER_FUNDING).id == "grants"
    assert definition.by_role(Role.MATCH_FUNDING).id == "own"
    assert definition.by_role(Role.BENEFICIARY_GROUPS).id == "groups"


@pytest.mark.parametrize("kind", ["monitoring", "expression_of_interest", "eligibility"])
def test_the_roles_that_name_other_answers_may_be_on_any_form(kind):
    document = form(question("grants", "money", role="other_funding"),
                    choice("groups", "a", "b", type="several_choices", role="beneficiary_groups"), kind=kind)
    assert problems(document) == []
