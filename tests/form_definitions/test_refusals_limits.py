"""Refusals of limits that cannot be met, of eligibility rules and declarations, and of questions
that need another (docs/form-definitions.md, "What import refuses"), with their exact words."""

from __future__ import annotations

import pytest

from grants.form_definitions import FormDefinitionError, load
from tests.form_definitions.builders import (
    application,
    choice,
    form,
    problems,
    question,
    role_questions,
    section,
)

Q = "sections[0].questions[0]"


# Limits that cannot be met -----------------------------------------------------------------------------

@pytest.mark.parametrize(("type", "least", "most"), [
    ("whole_number", 10, 5),
    ("people_reached", 100, 99),
    ("money", "5000.01", "5000"),
    ("percentage", "50", "12.5"),
])
def test_a_min_above_its_max_is_refused(type, least, most):
    document = form(question("q1", type, limits={"min": least, "max": most}))
    assert problems(document) == [f"q1: its min ({least}) is above its max ({most}), so no answer can meet both"]


def test_a_min_equal_to_its_max_can_be_met():
    assert problems(form(question("q1", "money", limits={"min": "10", "max": "10.00"}))) == []


def test_money_limits_that_name_the_round_are_not_compared():
    document = form(question("q1", "money", limits={"min": "round_min_award", "max": "round_max_award"}))
    assert problems(document) == []


def test_min_selected_above_the_number_of_options_is_refused():
    document = form(choice("q1", "a", "b", "c", type="several_choices", limits={"min_selected": 4}))
    assert problems(document) == ["q1: its min_selected (4) is more than its 3 options, so no answer can meet it"]


def test_min_selected_above_max_selected_is_refused():
    document = form(choice("q1", "a", "b", "c", type="several_choices",
                           limits={"min_selected": 3, "max_selected": 2}))
    assert problems(document) == [
        "q1: its min_selected (3) is above its max_selected (2), so no answer can meet both"]


def test_max_words_of_0_is_refused():
    assert problems(form(question("q1", "long_text", limits={"max_words": 0}))) == [
        f"{Q}.limits.max_words: max_words of question q1 must be 1 or more, not 0"]


def test_a_long_text_question_needs_max_words():
    assert problems(form(question("q1", "long_text"))) == [
        f"{Q}: question q1 has no limits: a long_text question needs max_words in its limits"]


def test_a_date_whose_not_before_is_after_its_not_after_is_refused():
    document = form(question("q1", "date", limits={"not_before": "2026-04-01", "not_after": "2026-03-31"}))
    assert problems(document) == [
        "q1: its not_before (2026-04-01) is after its not_after (2026-03-31), so no date can meet both"]


def test_a_date_limit_that_is_not_a_real_date_is_refused():
    document = form(question("q1", "date", limits={"not_before": "2025-02-29", "not_after": "2025-13-01"}))
    assert problems(document) == ["q1: its not_before (2025-02-29) is not a real date",
                                  "q1: its not_after (2025-13-01) is not a real date"]


def test_min_rows_above_max_rows_is_refused():
    document = application(question("lines", "budget_lines", limits={"min_rows": 5, "max_rows": 2}))
    assert problems(document) == ["lines: its min_rows (5) is above its max_rows (2), so no answer can meet both"]


def test_a_limit_of_another_type_is_refused_with_the_types_own_limits():
    assert problems(form(question("q1", "short_text", limits={"max_words": 100}))) == [
        f"{Q}.limits: max_words is not a limit of a short_text question: its limits are max_length"]


def test_a_limit_on_a_type_without_limits_is_refused():
    assert problems(form(question("q1", "email", limits={"max_length": 100}))) == [
        f"{Q}.limits: question q1 is an email question, which has no limits"]


@pytest.mark.parametrize(("type", "limits", "message"), [
    ("money", {"min": 5}, 'min of question q1 must be text in quotes: pounds with up to 2 decimal places, such '
                          'as "0.01", or round_min_award'),
    ("money", {"max": "round_min_award"}, 'max of question q1 must be pounds with up to 2 decimal places, such '
                                          'as "5000", or round_max_award, not round_min_award'),
    ("percentage", {"max": "100.5"}, 'max of question q1 must be a percentage from "0" to "100" with up to 2 '
                                     'decimal places, such as "12.5", not 100.5'),
    ("date", {"not_after": "31/03/2026"}, 'not_after of question q1 must be a date written as "2025-04-01", or '
                                          'project_start or project_end, not 31/03/2026'),
    ("short_text", {"max_length": 1001}, "max_length of question q1 must be 1000 or less, not 1001"),
    ("file", {"max_mb": 11}, "max_mb of question q1 must be 10 or less, not 11"),
    ("whole_number", {"min": "1"}, "min of question q1 must be a whole number"),
])
def test_a_limit_written_wrongly_is_refused_with_what_it_should_be(type, limits, message):
    [key] = limits
    assert problems(form(question("q1", type, limits=limits))) == [f"{Q}.limits.{key}: {message}"]


def test_an_unknown_file_type_is_refused():
    assert problems(form(question("q1", "file", limits={"file_types": ["pdf", "exe"]}))) == [
        f"{Q}.limits.file_types[1]: question q1 accepts exe, which is not a file type: use pdf, docx, xlsx, odt, "
        "jpg or png"]


# Eligibility rules and declarations ------------------------------------------------------------------

def ineligible_if(test: dict, reason: str = "You cannot apply") -> dict:
    return {"ineligible_if": test, "reason": reason}


def test_an_eligibility_rule_on_a_form_that_is_not_an_eligibility_form_is_refused():
    document = application(question("in_area", "yes_no", eligibility=ineligible_if({"equals": "no"})))
    assert problems(document) == [
        "in_area: has an eligibility rule, but only eligibility forms have them; this is an application form"]


def test_an_eligibility_rule_must_name_the_questions_answers():
    document = form(choice("legal_type", "charity", "cic", eligibility=ineligible_if({"any_of": ["cic", "plc"]})))
    assert problems(document) == [
        "legal_type: is ineligible if its answer is plc, which is not one of its answers (charity or cic)"]


def test_an_eligibility_rule_of_answers_needs_a_question_with_a_list_of_answers():
    document = form(question("name", eligibility=ineligible_if({"equals": "Bob"})))
    assert problems(document) == [
        "name: is ineligible if its answer is Bob, but a short_text answer is not one of a list; equals and "
        "any_of are for yes_no, one_choice and several_choices questions"]


def test_an_eligibility_threshold_needs_a_number_question():
    document = form(question("in_area", "yes_no", eligibility=ineligible_if({"less_than": 5})))
    assert problems(document) == [
        "in_area: is ineligible if its answer is less than 5, but a yes_no answer is not a number; less_than and "
        "more_than are for whole_number, money, percentage and people_reached questions"]


@pytest.mark.parametrize(("type", "test", "message"), [
    ("whole_number", {"more_than": "10"}, 'its eligibility test more_than must be a whole number such as 5, '
                                          'not "10"'),
    ("money", {"more_than": 5000}, 'its eligibility test more_than must be written as text, such as "5000", '
                                   'for a money question'),
    ("percentage", {"less_than": "round_min_award"}, "its eligibility test less_than is round_min_award, which "
                                                     "only a money question can use"),
])
def test_an_eligibility_threshold_is_written_as_the_questions_limits_are(type, test, message):
    assert problems(form(question("q1", type, eligibility=ineligible_if(test)))) == [f"q1: {message}"]


def test_an_eligibility_rule_gives_exactly_one_test():
    document = form(question("q1", "money", eligibility=ineligible_if({"less_than": "1", "more_than": "9"})),
                    question("q2", "money", eligibility=ineligible_if({})))
    assert problems(document) == [
        f"{Q}.eligibility.ineligible_if: ineligible_if of question q1 needs only one of equals, any_of, less_than "
        "or more_than",
        "sections[0].questions[1].eligibility.ineligible_if: ineligible_if of question q2 needs one of equals, "
        "any_of, less_than or more_than",
    ]


def test_well_formed_eligibility_rules_load():
    document = form(question("in_area", "yes_no", eligibility=ineligible_if({"equals": "no"})),
                    question("amount", "money", eligibility=ineligible_if({"more_than": "round_max_award"})),
                    question("people", "people_reached", eligibility=ineligible_if({"less_than": 10})))
    assert problems(document) == []


def test_a_declaration_that_is_not_required_is_refused():
    document = application(question("accurate", "declaration", required=False))
    assert problems(document) == [
        "accurate: is a declaration, so it must be required: a declaration is a box the applicant must tick"]


# Types on the wrong form, and questions that need another -------------------------------------------

def test_a_monitoring_type_on_another_form_is_refused():
    document = application(question("progress", "milestone_progress"))
    assert problems(document) == [
        "progress: is a milestone_progress question, which only a monitoring form can have; this is an "
        "application form"]


def test_budget_lines_need_the_amount_asked_for():
    document = form(question("lines", "budget_lines"), kind="expression_of_interest")
    assert problems(document) == [
        "lines: its lines must add up to the amount asked for, but no question has the role amount_requested"]


def test_milestones_need_the_projects_dates():
    document = form(question("plan", "milestones"), kind="expression_of_interest")
    assert problems(document) == [
        "plan: its dates must fall within the project, but no question has the role project_start",
        "plan: its dates must fall within the project, but no question has the role project_end",
    ]


def test_a_date_limit_naming_a_role_needs_the_question_with_it():
    document = form(question("review", "date", limits={"not_after": "project_end"}), kind="expression_of_interest")
    assert problems(document) == ["review: its not_after is project_end, but no question has the role project_end"]


def test_a_monitoring_form_reads_the_projects_roles_from_the_application():
    document = form(question("plan", "milestones"), question("review", "date", limits={"not_before": "project_start"}),
                    question("progress", "milestone_progress"), kind="monitoring")
    assert problems(document) == []


# All at once ---------------------------------------------------------------------------------------------

def test_every_broken_rule_is_named_at_once_in_the_forms_order():
    document = form(
        section(question("intro", "yes_no", show_if={"question": "later", "equals": "yes"}), id="first"),
        section(question("later", "yes_no"), question("later", "declaration", required=False), id="second"),
        kind="application",
    )
    assert problems(document) == [
        "later: 2 questions have this id; give each section and question its own id",
        "intro: shown only if later, which comes after it",
        "later: is a declaration, so it must be required: a declaration is a box the applicant must tick",
        "form: an application form needs a short_text question with the role project_title",
        "form: an application form needs a money question with the role amount_requested",
        "form: an application form needs a date question with the role project_start",
        "form: an application form needs a date question with the role project_end",
    ]


def test_a_refusal_lists_every_problem_in_its_message():
    with pytest.raises(FormDefinitionError) as refused:
        load(form(question("q1", show_if={"question": "q0", "equals": "yes"}), question("q1")))
    assert isinstance(refused.value, ValueError)
    assert str(refused.value) == (
        "The form definition has 2 problems:\n"
        "- q1: 2 questions have this id; give each section and question its own id\n"
        "- q1: shown only if q0, which is not a question in this form")


def test_schema_problems_come_alone_so_that_rules_never_read_a_malformed_document():
    document = form(question("q1", "yes_no"), question("q1", "mystery"))
    assert problems(document)[0].startswith("sections[0].questions[1].type: question q1 has the type mystery")
    assert len(problems(document)) == 1


def test_role_questions_on_their_own_make_a_valid_application_form():
    assert problems(form(section(*role_questions()), kind="application")) == []
