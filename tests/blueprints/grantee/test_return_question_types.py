"""A return asks every question type the form builder lets a monitoring form have: here a round's form
whose activities ask whether the project moved, and whose last section asks the new address (only
when it moved: a ``show_if`` on an earlier section's answer), the next steps as repeating rows (with
"Add another"), and the new budget as budget lines. Each is asked, kept as typed, checked, shown on
check answers and to the officer, and left out everywhere when the condition does not hold."""

from __future__ import annotations

from dataclasses import replace

import pytest

from grants.form_definitions import Condition, Kind, Question, QuestionType, Section, standard
from tests.blueprints.grantee.test_return_round_form import _rows, _store
from tests.blueprints.grantee.test_returns import RETURN_ANSWERS, return_url, running_award, save
from tests.helpers import error_messages, page, post

MOVED = Question("moved", QuestionType.YES_NO, "Has the project moved to a new venue?")
NEW_VENUE = Question("new_venue", QuestionType.UK_ADDRESS, "What is the new venue's address?",
                     name_for_errors="The new venue's address", show_if=Condition("moved", ("yes",)))
NEXT_STEPS = Question("next_steps", QuestionType.OUTCOME_MEASURES, "What will you achieve next?",
                      hint="One outcome a row.")
NEW_BUDGET = Question("new_budget", QuestionType.BUDGET_LINES, "How will you spend the rest of the grant?",
                      required=False)
CHANGES = Section("changes", "Changes to the project", questions=(NEW_VENUE, NEXT_STEPS, NEW_BUDGET))


def _form():
    """The standard monitoring form, the move asked with the activities, the changes section last."""
    form = standard(Kind.MONITORING)
    sections = [replace(section, questions=(*section.questions, MOVED)) if section.id == "activities" else section
                for section in form.sections]
    return replace(form, sections=(*sections, CHANGES))


@pytest.fixture
def first_return(db, users):
    award = running_award(users["org_a"])
    _store(db, award.funding_round, _form(), 1)
    return award.returns[0]


@pytest.fixture
def applicant(as_role):
    return as_role("applicant")


ACTIVITIES_MOVED = {**RETURN_ANSWERS["activities"], "moved": ["yes"]}
ACTIVITIES_STAYED = {**RETURN_ANSWERS["activities"], "moved": ["no"]}
ADDRESS = {"new_venue-line_1": ["4 Fore Street"], "new_venue-town": ["Liskeard"], "new_venue-postcode": ["pl14 3ab"]}
STEPS = {"next_steps-0-outcome": ["Open on Saturdays"], "next_steps-0-measure": ["Saturday attendance"]}
BUDGET = {"new_budget-0-category": ["venue"], "new_budget-0-description": ["Saturday hire"],
          "new_budget-0-amount": ["250"]}


def _answer_the_rest(applicant, first_return, activities) -> None:
    problems = {"problems": ["Nothing has gone wrong."]}
    for key, answers in {**RETURN_ANSWERS, "activities": activities, "problems": problems}.items():
        response = save(applicant, first_return, key, answers)
        assert response.status_code == 302, error_messages(response)


def _changes_page(applicant, first_return):
    return page(applicant.get(return_url(first_return, "/sections/changes")))


def test_the_address_is_asked_only_after_a_move(applicant, first_return):
    _answer_the_rest(applicant, first_return, ACTIVITIES_STAYED)
    text = _changes_page(applicant, first_return).get_text()
    assert "What is the new venue's address?" not in text
    assert "What will you achieve next?" in text
    save(applicant, first_return, "activities", ACTIVITIES_MOVED)
    html = _changes_page(applicant, first_return)
    assert "What is the new venue's address?" in html.get_text()
    assert html.find("input", {"name": "new_venue-line_1"}) is not None


def test_the_address_is_required_after_a_move_and_kept_as_typed(applicant, first_return, db):
    _answer_the_rest(applicant, first_return, ACTIVITIES_MOVED)
    response = save(applicant, first_return, "changes", STEPS)
    assert response.status_code == 200
    assert error_messages(response) == ["Enter address line 1, typically the building and street",
                                        "Enter town or city", "Enter postcode"]
    response = save(applicant, first_return, "changes", {**ADDRESS, **STEPS, "new_venue-postcode": ["nowhere"]})
    assert response.status_code == 200
    assert "nowhere" in [field["value"] for field in page(response).select("input[name=new_venue-postcode]")]
    db.session.refresh(first_return)
    assert first_return.answers["changes"]["new_venue-postcode"] == ["nowhere"]
    response = post(applicant, return_url(first_return, "/submit"))
    assert "Check your answers in ‘Changes to the project’" in page(response).get_text()


def test_without_a_move_the_address_is_neither_checked_nor_shown(applicant, first_return, as_role, db):
    _answer_the_rest(applicant, first_return, ACTIVITIES_STAYED)
    # An address typed earlier (before the answer changed) is not asked, so not checked nor shown.
    response = save(applicant, first_return, "changes", {**STEPS, "new_venue-postcode": ["nowhere"]})
    assert response.status_code == 302, error_messages(response)
    db.session.refresh(first_return)
    assert "new_venue-postcode" not in first_return.answers["changes"]  # not asked, so not kept
    check = page(applicant.get(return_url(first_return, "/check")))
    assert "What is the new venue's address?" not in check.get_text()
    assert "You cannot submit this return yet" not in check.get_text()
    assert post(applicant, return_url(first_return, "/submit")).status_code == 302
    review = page(as_role("grants_officer").get(f"/awards/{first_return.award_id}/returns/{first_return.id}"))
    assert "What is the new venue's address?" not in review.get_text()
    assert _rows(review)["What will you achieve next?"] == "Open on Saturdays – Saturday attendance"


def test_rows_and_address_are_shown_on_check_answers_and_to_the_officer(applicant, first_return, as_role, db):
    _answer_the_rest(applicant, first_return, ACTIVITIES_MOVED)
    response = save(applicant, first_return, "changes", {**ADDRESS, **STEPS, **BUDGET})
    assert response.status_code == 302, error_messages(response)
    expected = {"Has the project moved to a new venue?": "Yes",
                "What is the new venue's address?": "4 Fore StreetLiskeardPL14 3AB",
                "What will you achieve next?": "Open on Saturdays – Saturday attendance",
                "How will you spend the rest of the grant? (optional)": "Venue hire – Saturday hire – £250.00"}
    check = _rows(page(applicant.get(return_url(first_return, "/check"))))
    assert {question: check[question] for question in expected} == expected
    assert post(applicant, return_url(first_return, "/submit")).status_code == 302
    review = _rows(page(as_role("grants_officer").get(f"/awards/{first_return.award_id}/returns/{first_return.id}")))
    assert {question: review[question] for question in expected} == expected


def test_another_row_can_be_added_and_an_emptied_row_is_dropped(applicant, first_return, db):
    _answer_the_rest(applicant, first_return, ACTIVITIES_STAYED)
    html = _changes_page(applicant, first_return)
    assert len(html.select("input[name$=-outcome]")) == 3
    assert "Add another outcome" in html.get_text()
    response = post(applicant, return_url(first_return, "/sections/changes"),
                    {**STEPS, "next_steps-1-outcome": ["Train two more mentors"], "next_steps-1-measure": ["Mentors"],
                     "next_steps-2-outcome": ["Run a family day"], "next_steps-2-measure": ["Families"],
                     "action-add-next_steps": "1"})
    assert response.status_code == 200
    assert error_messages(response) == []
    html = page(response)
    assert len(html.select("input[name$=-outcome]")) == 4
    assert html.find("input", {"name": "next_steps-2-outcome"})["value"] == "Run a family day"
    db.session.refresh(first_return)
    assert first_return.answers["changes"]["next_steps-1-outcome"] == ["Train two more mentors"]
    # Emptying a row (its inputs posted blank, as a browser posts them) takes it out of the answer.
    response = save(applicant, first_return, "changes", {**STEPS, "next_steps-1-outcome": [""],
                                                         "next_steps-1-measure": [""],
                                                         "next_steps-2-outcome": ["Run a family day"],
                                                         "next_steps-2-measure": ["Families"]})
    assert response.status_code == 302, error_messages(response)
    check = _rows(page(applicant.get(return_url(first_return, "/check"))))
    assert check["What will you achieve next?"] == "Open on Saturdays – Saturday attendanceRun a family day – Families"


def test_a_row_with_a_problem_says_so(applicant, first_return):
    _answer_the_rest(applicant, first_return, ACTIVITIES_STAYED)
    response = save(applicant, first_return, "changes", {**STEPS, "new_budget-0-amount": ["lots"]})
    assert response.status_code == 200
    assert error_messages(response)  # the row's own message, as an application's budget shows it
    assert "lots" in [field["value"] for field in page(response).select("input[name=new_budget-0-amount]")]
