"""Each refusal in docs/form-definitions.md ("What import refuses"), with the exact words people read.

Each test's document is valid but for the one thing under test, so the whole list of problems is
compared: a rule that named too much would fail as surely as one that named nothing.
"""

from __future__ import annotations

import pytest

from grants.form_definitions import FormDefinitionError, Problem, loads
from tests.form_definitions.builders import (
    YES_NO_OPTIONS,
    application,
    choice,
    form,
    problems,
    question,
    section,
)

Q = "sections[0].questions[0]"


def test_a_valid_form_loads():
    assert problems(application(choice("colour", "red", "blue"))) == []


# The document is not JSON, or not this format ---------------------------------------------------

def test_text_that_is_not_json_is_refused_with_its_line_and_column():
    with pytest.raises(FormDefinitionError) as refused:
        loads('{\n  "format": "pcc-grants-form/1",\n  "kind" "application"\n}')
    assert refused.value.problems == [
        Problem("form", "the file is not JSON: Expecting ':' delimiter (line 3, column 10)")]


@pytest.mark.parametrize(("text", "message"), [
    (b'{"title": "\xff"}', "the file is not JSON: it is not text in UTF-8"),
    ('{"title": "A", "title": "B"}', "the file is not JSON: the key title is given twice in one object"),
    ('{"max_words": NaN}', "the file is not JSON: NaN is not a JSON value"),
    ("", "the file is not JSON: Expecting value (line 1, column 1)"),
])
def test_json_that_python_would_bend_is_refused(text, message):
    with pytest.raises(FormDefinitionError) as refused:
        loads(text)
    assert refused.value.problems == [Problem("form", message)]


def test_a_document_that_is_not_an_object_is_refused():
    assert problems(["a", "list"]) == ["form: the form must be a JSON object"]


def test_another_format_is_refused_by_the_schema_with_its_path():
    document = form(question())
    document["format"] = "pcc-grants-form/2"
    assert problems(document) == ["format: the format must be pcc-grants-form/1, not pcc-grants-form/2"]


def test_missing_and_unknown_keys_are_named_where_they_are():
    document = form(question(colour="red"), {"id": "q2", "label": "No type"})
    del document["title"]
    assert problems(document) == [
        "form: the form has no title",
        f"{Q}: question q1 has a key the format does not have: colour",
        "sections[0].questions[1]: question q2 has no type",
    ]


def test_a_question_without_a_usable_id_is_named_by_its_place():
    document = form(section(question(), {"type": "yes_no", "label": "Who am I?"}, id="about"))
    assert problems(document) == ["sections[0].questions[1]: question 2 of section about has no id"]


# An id used twice, or not of the id form ---------------------------------------------------------

def test_a_question_id_used_twice_is_refused():
    document = form(section(question("name"), id="one"), section(question("name"), id="two"))
    assert problems(document) == ["name: 2 questions have this id; give each section and question its own id"]


def test_a_section_id_used_twice_is_refused():
    document = form(section(question("a"), id="about"), section(question("b"), id="about"))
    assert problems(document) == ["about: 2 sections have this id; give each section and question its own id"]


def test_a_section_and_a_question_cannot_share_an_id():
    document = form(section(question("budget"), id="budget"))
    assert problems(document) == [
        "budget: a section and a question have this id; give each section and question its own id"]


@pytest.mark.parametrize("bad", ["Name", "1st", "_name", "name-2", "", "a" * 41])
def test_an_id_not_of_the_id_form_is_refused(bad):
    assert problems(form(question(bad))) == [
        f"{Q}.id: id of question 1 of section main must be an id: 1 to 40 lower-case letters, digits and "
        f"underscores, starting with a letter, not {bad}"]


def test_a_section_id_and_a_condition_not_of_the_id_form_are_refused():
    document = form(section(question("q1", show_if={"question": "Q0", "equals": "yes"}), id="Part 1"))
    words = "must be an id: 1 to 40 lower-case letters, digits and underscores, starting with a letter"
    assert problems(document) == [
        f"sections[0].id: id of section 1 {words}, not Part 1",
        f"{Q}.show_if.question: show_if.question of question q1 {words}, not Q0",
    ]


# An unknown type, role or kind; roles -------------------------------------------------------------

def test_an_unknown_type_is_refused():
    [problem] = problems(form(question(type="postcode")))
    assert problem.startswith(f"{Q}.type: question q1 has the type postcode, which is not a question type: "
                              "use short_text, long_text, whole_number,")
    assert problem.endswith("spend_by_budget_line or outcome_progress")


def test_an_unknown_role_is_refused():
    assert problems(form(question(role="project_name"))) == [
        f"{Q}.role: question q1 has the role project_name, which is not a role: use project_title, "
        "project_summary, amount_requested, project_cost, project_start, project_end, other_funding, match_funding, "
        "beneficiary_groups, organisation_type, in_area, annual_income or amount_sought"]


def test_an_unknown_kind_is_refused():
    assert problems(form(question(), kind="survey")) == [
        "kind: the form has the kind survey, which is not a kind of form: use application, eligibility, "
        "monitoring or expression_of_interest"]


def test_a_role_used_twice_is_refused_on_the_later_question():
    document = application(question("working_title", role="project_title"))
    assert problems(document) == [
        "working_title: has the role project_title, which title has already; a role can be used once in a form"]


def test_a_role_on_the_wrong_type_is_refused():
    document = form(question("summary", "short_text", role="project_summary"), kind="expression_of_interest")
    assert problems(document) == [
        "summary: has the role project_summary, which needs a long_text question, not a short_text one"]


def test_an_application_form_without_its_roles_is_refused_once_for_each():
    document = form(question("title", role="project_title"), kind="application")
    assert problems(document) == [
        "form: an application form needs a money question with the role amount_requested",
        "form: an application form needs a date question with the role project_start",
        "form: an application form needs a date question with the role project_end",
    ]


def test_other_forms_need_no_roles():
    for kind in ("eligibility", "monitoring", "expression_of_interest"):
        assert problems(form(question(), kind=kind)) == []


# Choice questions -----------------------------------------------------------------------------------

def test_a_choice_question_with_one_option_is_refused():
    assert problems(form(choice("q1", "only", type="several_choices"))) == [
        f"{Q}.options: question q1 needs at least 2 options; it has 1"]


def test_a_choice_question_without_options_is_refused():
    assert problems(form(question(type="one_choice"))) == [
        f"{Q}: question q1 has no options: a one_choice question needs at least 2 options"]


def test_an_option_value_used_twice_is_refused():
    assert problems(form(choice("q1", "red", "blue", "red"))) == [
        "q1: has the option value red more than once; give each option its own value"]


def test_options_on_a_question_that_is_not_a_choice_are_refused():
    assert problems(form(question(type="yes_no", options=YES_NO_OPTIONS))) == [
        f"{Q}: question q1 has options, but only one_choice and several_choices questions have them"]


# Conditions ------------------------------------------------------------------------------------------

def test_a_condition_on_a_missing_question_is_refused():
    document = form(question("q1", show_if={"question": "nowhere", "equals": "yes"}))
    assert problems(document) == ["q1: shown only if nowhere, which is not a question in this form"]


def test_a_condition_on_a_later_question_is_refused():
    document = form(
        section(question("dbs_checks", show_if={"question": "vulnerable_people", "equals": "yes"}), id="checks"),
        section(question("vulnerable_people", "yes_no"), id="people"),
    )
    assert problems(document) == ["dbs_checks: shown only if vulnerable_people, which comes after it"]


def test_a_condition_on_the_question_itself_is_refused():
    document = form(question("q1", "yes_no", show_if={"question": "q1", "equals": "yes"}))
    assert problems(document) == [
        "q1: shown only if q1, which is this question itself; a question can depend only on an earlier one"]


def test_a_condition_on_an_answer_a_yes_no_question_cannot_have_is_refused():
    document = form(question("adults", "yes_no"), question("q2", show_if={"question": "adults", "equals": "Yes"}))
    assert problems(document) == ["q2: shown only if adults is Yes, which is not one of its answers (yes or no)"]


def test_a_condition_on_values_that_are_not_options_is_refused_for_each():
    document = form(choice("colour", "red", "blue", "green"),
                    question("q2", show_if={"question": "colour", "any_of": ["red", "pink", "teal"]}))
    assert problems(document) == [
        "q2: shown only if colour is pink, which is not one of its answers (red, blue or green)",
        "q2: shown only if colour is teal, which is not one of its answers (red, blue or green)",
    ]


def test_a_condition_on_a_question_without_a_list_of_answers_is_refused():
    document = form(question("name"), question("q2", show_if={"question": "name", "equals": "Bob"}))
    assert problems(document) == [
        "q2: shown only if name, a short_text question; a question can depend only on a yes_no, one_choice or "
        "several_choices question"]


def test_a_condition_must_give_one_test():
    document = form(question("a", "yes_no"), question("b", show_if={"question": "a"}),
                    question("c", show_if={"question": "a", "equals": "yes", "any_of": ["no"]}))
    assert problems(document) == [
        "sections[0].questions[1].show_if: show_if of question b needs either equals or any_of",
        "sections[0].questions[2].show_if: show_if of question c needs only one of equals or any_of",
    ]


def test_a_byte_order_mark_is_not_a_problem():
    text = '{"format": "pcc-grants-form/1", "kind": "monitoring", "title": "Return", "sections": [{"id": "s", ' \
           '"title": "S", "questions": [{"id": "q", "type": "email", "label": "Email"}]}]}'
    assert loads("\ufeff" + text).title == "Return"
    assert loads(b"\xef\xbb\xbf" + text.encode()).title == "Return"


@pytest.mark.parametrize(("document", "expected"), [
    (form(kind="monitoring"), "sections: the form needs at least 1 section; it has 0"),
    (form(section(id="empty"), kind="monitoring"), "sections[0].questions: section empty needs at least 1 "
                                                   "question; it has 0"),
    (form(question(label="x" * 301)), f"{Q}.label: label of question q1 must be 300 characters or fewer; it has 301"),
    (form(question(label="")), f"{Q}.label: label of question q1 must not be empty"),
    (form(question(required="yes")), f"{Q}.required: required of question q1 must be true or false"),
    (form(question(messages={"too_long": "Shorter"})),
     f"{Q}.messages: question q1 has a message for too_long, which is not a kind of message: use required, "
     "invalid, max_length, max_words, min, max, not_before, not_after, min_selected, max_selected, file_types, "
     "max_mb, min_rows or max_rows"),
    (form(question("q1", "file", limits={"file_types": ["pdf", "pdf"]})),
     f"{Q}.limits.file_types: file_types of question q1 lists the same value more than once"),
    (form(question("q1", "yes_no"), question("q2", show_if={"question": "q1", "any_of": []})),
     "sections[0].questions[1].show_if.any_of: show_if.any_of of question q2 needs at least 1 value; it has 0"),
])
def test_a_document_not_in_the_format_is_refused_in_words(document, expected):
    assert problems(document) == [expected]


@pytest.mark.parametrize(("limits", "key"), [({"min": "5000\n"}, "min"), ({"max": "round_max_award\n"}, "max")])
def test_a_pattern_must_match_to_the_very_end_of_the_text(limits, key):
    """JSON Schema's ``$`` is the end of the text (ECMA-262), not the end of a line as in Python's re."""
    [problem] = problems(form(question("q1", "money", limits=limits)))
    assert problem.startswith(f"{Q}.limits.{key}: {key} of question q1 must be pounds")


def test_an_id_with_a_newline_at_its_end_is_not_an_id():
    [problem] = problems(form(question("name\n")))
    assert problem.startswith(f"{Q}.id: id of question 1 of section main must be an id:")


@pytest.mark.parametrize("reserved", ["data", "errors", "validate", "csrf_token", "form_key", "action_save"])
def test_a_question_id_the_pages_use_for_themselves_is_refused(reserved):
    assert problems(application(question(reserved, "short_text", "Anything"))) == [
        f"{reserved}: {reserved} is a name the application's pages use for themselves; choose another id"]
