"""The eligibility roles (organisation_type, in_area, annual_income, amount_sought): the answers the
eligibility check compares with the round's own settings. Only an eligibility form has them, each once,
on a question of its type; a form may leave any of them out. The builder describes each in words."""

from __future__ import annotations

import pytest

from grants.form_definitions import ELIGIBILITY_ROLES, ROLE_TYPES, Kind, QuestionType, Role, load, standard
from grants.interfaces.round_forms.describe import ROLE_WORDS, question_summary
from tests.form_definitions.builders import application, choice, form, problems, question

ROLE_QUESTIONS = {
    "organisation_type": choice("kind", "registered_charity", "cic", role="organisation_type"),
    "in_area": question("here", "yes_no", role="in_area"),
    "annual_income": question("income", "money", role="annual_income"),
    "amount_sought": question("amount", "money", role="amount_sought"),
}


def test_the_eligibility_roles_and_their_types():
    assert {role: ROLE_TYPES[role] for role in ELIGIBILITY_ROLES} == {
        Role.ORGANISATION_TYPE: QuestionType.ONE_CHOICE, Role.IN_AREA: QuestionType.YES_NO,
        Role.ANNUAL_INCOME: QuestionType.MONEY, Role.AMOUNT_SOUGHT: QuestionType.MONEY}


def test_an_eligibility_form_may_give_each_of_them_or_none():
    definition = load(form(*ROLE_QUESTIONS.values()))
    assert {role: definition.by_role(Role(role)).id for role in ROLE_QUESTIONS} == {
        "organisation_type": "kind", "in_area": "here", "annual_income": "income", "amount_sought": "amount"}
    assert problems(form(question("lead", "yes_no"))) == []


@pytest.mark.parametrize("kind", ["expression_of_interest", "monitoring"])
@pytest.mark.parametrize("role", list(ROLE_QUESTIONS))
def test_only_an_eligibility_form_has_them(kind, role):
    document = form(ROLE_QUESTIONS[role], kind=kind)
    sentence = "an expression of interest form" if kind == "expression_of_interest" else "a monitoring form"
    question_id = ROLE_QUESTIONS[role]["id"]
    assert problems(document) == [
        f"{question_id}: has the role {role}, which only an eligibility form can have; this is {sentence}"]


def test_on_an_application_form_too():
    assert problems(application(question("income", "money", role="annual_income"))) == [
        "income: has the role annual_income, which only an eligibility form can have; this is an application form"]


@pytest.mark.parametrize(("role", "wrong", "needed", "given"), [
    ("organisation_type", question("kind", "short_text", role="organisation_type"), "one_choice", "a short_text"),
    ("organisation_type", choice("kind", "a", "b", type="several_choices", role="organisation_type"), "one_choice",
     "a several_choices"),
    ("in_area", choice("here", "yes", "no", role="in_area"), "yes_no", "a one_choice"),
    ("annual_income", question("income", "whole_number", role="annual_income"), "money", "a whole_number"),
    ("amount_sought", question("amount", "percentage", role="amount_sought"), "money", "a percentage"),
])
def test_each_needs_its_type(role, wrong, needed, given):
    assert problems(form(wrong)) == [
        f"{wrong['id']}: has the role {role}, which needs a {needed} question, not {given} one"]


def test_each_is_used_once():
    assert problems(form(question("income", "money", role="annual_income"),
                         question("turnover", "money", role="annual_income"))) == [
        "turnover: has the role annual_income, which income has already; a role can be used once in a form"]


def test_every_role_has_words_for_the_builder():
    assert set(ROLE_WORDS) == set(Role)
    assert all(words and words[0].islower() for words in ROLE_WORDS.values())


def test_the_builder_says_what_the_service_reads_the_standard_eligibility_questions_as():
    definition = standard(Kind.ELIGIBILITY)
    lines = {question.id: question_summary(definition, question)[-1] for question in definition.questions()}
    assert lines == {
        "legal_type": "Read by the service as the type of organisation, checked against the types the round funds",
        "in_area": "Read by the service as whether the work is in the round's area",
        "annual_income": "Read by the service as the organisation's annual income, checked against the round's "
                         "income limit",
        "amount": "Read by the service as the amount to ask for, checked against the round's smallest and largest "
                  "award",
    }
