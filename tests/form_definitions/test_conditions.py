"""What a form asks given the answers so far (``show_if``), and what rules a group out of a round."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grants.form_definitions import is_ineligible, load, visible_questions
from tests.form_definitions.builders import choice, form, question, section


@pytest.fixture
def safeguarding():
    return load(form(
        section(
            question("vulnerable_people", "yes_no"),
            choice("dbs_checks", "yes", "no", "applied", show_if={"question": "vulnerable_people", "equals": "yes"}),
            question("why_not", "long_text", limits={"max_words": 100},
                     show_if={"question": "dbs_checks", "any_of": ["no", "applied"]}),
            id="safeguarding",
        ),
        section(
            choice("groups", "children", "adults", "families", type="several_choices"),
            question("school", show_if={"question": "groups", "any_of": ["children", "families"]}),
            question("contact", "email"),
            id="people",
        ),
    ))


def shown(definition, **answers) -> list[str]:
    return [question.id for question in visible_questions(definition, answers)]


def test_with_no_answers_only_unconditional_questions_are_shown(safeguarding):
    assert shown(safeguarding) == ["vulnerable_people", "groups", "contact"]


def test_equals_shows_a_question_when_the_answer_is_that_value(safeguarding):
    assert shown(safeguarding, vulnerable_people="yes") == [
        "vulnerable_people", "dbs_checks", "groups", "contact"]
    assert shown(safeguarding, vulnerable_people="no") == ["vulnerable_people", "groups", "contact"]


def test_any_of_shows_a_question_for_each_of_its_values(safeguarding):
    for answer in ("no", "applied"):
        assert "why_not" in shown(safeguarding, vulnerable_people="yes", dbs_checks=answer)
    assert "why_not" not in shown(safeguarding, vulnerable_people="yes", dbs_checks="yes")


def test_several_choices_match_when_any_chosen_value_does(safeguarding):
    assert "school" in shown(safeguarding, groups=["adults", "families"])
    assert "school" in shown(safeguarding, groups=("children",))
    assert "school" not in shown(safeguarding, groups=["adults"])
    assert "school" not in shown(safeguarding, groups=[])


def test_a_question_shown_only_by_a_hidden_one_is_hidden_too(safeguarding):
    """An answer kept from before (dbs_checks = no) does not show why_not once dbs_checks is hidden."""
    assert shown(safeguarding, vulnerable_people="no", dbs_checks="no") == ["vulnerable_people", "groups", "contact"]
    assert "why_not" not in shown(safeguarding, dbs_checks="no")


def test_answers_to_questions_the_form_does_not_have_are_ignored(safeguarding):
    assert shown(safeguarding, nowhere="yes", vulnerable_people="yes", school="x") == [
        "vulnerable_people", "dbs_checks", "groups", "contact"]


@pytest.mark.parametrize("answer", [None, True, 1, {"yes": 1}, ["yes"], "Yes", " yes"])
def test_only_the_exact_value_matches(safeguarding, answer):
    matched = shown(safeguarding, vulnerable_people=answer)
    assert ("dbs_checks" in matched) is (answer == ["yes"])


# Eligibility -------------------------------------------------------------------------------------------

@pytest.fixture
def check():
    def rule(test: dict) -> dict:
        return {"ineligible_if": test, "reason": f"Because {sorted(test)[0]}"}
    return load(form(
        question("in_area", "yes_no", eligibility=rule({"equals": "no"})),
        choice("legal_type", "charity", "cic", "plc", eligibility=rule({"any_of": ["cic", "plc"]})),
        choice("work", "drugs", "youth", "other", type="several_choices", eligibility=rule({"equals": "other"})),
        question("amount", "money", eligibility=rule({"more_than": "round_max_award"})),
        question("income", "money", eligibility=rule({"more_than": "250000"})),
        question("people", "people_reached", eligibility=rule({"less_than": 10})),
        question("contact", "email"),
    ))


@pytest.mark.parametrize(("question_id", "answer", "reason"), [
    ("in_area", "no", "Because equals"),
    ("in_area", "yes", None),
    ("legal_type", "plc", "Because any_of"),
    ("legal_type", "charity", None),
    ("work", ["drugs", "other"], "Because equals"),
    ("work", ["drugs"], None),
    ("income", Decimal("250000.01"), "Because more_than"),
    ("income", "250000", None),
    ("income", "not a number", None),
    ("income", "NaN", None),
    ("people", 9, "Because less_than"),
    ("people", 10, None),
    ("people", True, None),
    ("people", None, None),
    ("contact", "someone@example.org", None),
])
def test_an_answer_that_meets_the_rule_gives_its_reason(check, question_id, answer, reason):
    assert is_ineligible(check.question(question_id), answer) == reason


def test_a_rule_can_compare_with_the_rounds_amounts(check):
    amount = check.question("amount")
    limits = {"round_max_award": Decimal("25000")}
    assert is_ineligible(amount, Decimal("25000.01"), round_values=limits) == "Because more_than"
    assert is_ineligible(amount, "25000", round_values=limits) is None


def test_a_rule_naming_a_round_amount_needs_it(check):
    with pytest.raises(ValueError, match="the eligibility rule of amount compares the answer with round_max_award"):
        is_ineligible(check.question("amount"), Decimal("1"))
