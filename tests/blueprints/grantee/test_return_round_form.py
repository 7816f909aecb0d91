"""A return asks its round's own monitoring form: here one that adds "How many sessions did you run?"
to the activities and drops the stories. The grantee sees and answers it, check answers and the
officer's review show it, and a return keeps the version it was first saved against."""

from __future__ import annotations

from dataclasses import replace

import pytest

from grants.form_definitions import Kind, Option, Question, QuestionType, dump, standard
from grants.interfaces.awards import monitoring
from grants.models.round_forms import RoundForm
from tests.blueprints.grantee.test_returns import RETURN_ANSWERS, return_url, running_award, save
from tests.helpers import error_messages, page, post

SESSIONS = Question("sessions", QuestionType.WHOLE_NUMBER, "How many sessions did you run?",
                    hint="Count each session once.", name_for_errors="Number of sessions", limits={"min": 0})

HELP = Question("help_needed", QuestionType.SEVERAL_CHOICES, "What help would you like from us?", required=False,
                options=(Option("training", "Training"), Option("money", "Advice on money"), Option("other", "Other")))


def _own_form():
    """The standard monitoring form with the sessions question after the milestones, and no stories."""
    form = standard(Kind.MONITORING)
    sections = []
    for section in form.sections:
        if section.id == "stories":
            continue
        if section.id == "activities":
            section = replace(section, questions=(*section.questions, SESSIONS))
        if section.id == "problems":  # no longer the standard section: asked through the definition
            section = replace(section, questions=(*section.questions, HELP))
        sections.append(section)
    return replace(form, sections=tuple(sections))


def _store(db, funding_round, definition, version: int) -> RoundForm:
    row = RoundForm(round_id=funding_round.id, kind=Kind.MONITORING, version=version, definition=dump(definition))
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def award(db, users):
    award = running_award(users["org_a"])
    _store(db, award.funding_round, _own_form(), 1)
    return award


@pytest.fixture
def first_return(award):
    return award.returns[0]


@pytest.fixture
def applicant(as_role):
    return as_role("applicant")


def _rows(html) -> dict[str, str]:
    """The summary cards' rows: question and answer."""
    return {row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(strip=True)
            for row in html.select(".govuk-summary-list__row")}


# The round's problems section is its own (it adds a question), so its answer is kept by the question's
# id, not by today's field name "problems". (Not "None": the pages are checked for a Python None shown.)
ANSWERS = {**{key: answers for key, answers in RETURN_ANSWERS.items() if key != "stories"},
           "problems": {"problems_and_risks": ["Nothing has gone wrong."]}}
STANDARD_PROBLEMS = {"problems": ["Nothing has gone wrong."]}
ACTIVITIES = {**ANSWERS["activities"], "sessions": ["12"]}


def test_the_task_list_has_the_rounds_sections(applicant, first_return):
    html = page(applicant.get(return_url(first_return)))
    titles = [a.get_text(strip=True) for a in html.select(".govuk-task-list__link")]
    assert titles == ["Activities and milestones", "People reached", "Spend to date", "Progress against outcomes",
                      "Problems and risks"]
    assert applicant.get(return_url(first_return, "/sections/stories")).status_code == 404


def test_the_grantee_is_asked_the_rounds_own_question(applicant, first_return, db):
    html = page(applicant.get(return_url(first_return, "/sections/activities")))
    assert html.find("input", {"name": "sessions"}) is not None
    label = html.find("label", {"for": "sessions"})
    assert label is not None and label.get_text(strip=True) == "How many sessions did you run?"
    assert "Count each session once." in html.get_text()
    assert "Milestone 1: Café opens" in html.get_text()  # the milestones are still asked
    response = save(applicant, first_return, "activities", {**ANSWERS["activities"], "sessions": [""]})
    assert response.status_code == 200
    assert error_messages(response) == ["Enter number of sessions"]
    response = save(applicant, first_return, "activities", {**ACTIVITIES, "sessions": ["-1"]})
    assert error_messages(response) == ["Number of sessions must be a whole number, like 40"]
    response = save(applicant, first_return, "activities", ACTIVITIES)
    assert response.status_code == 302 and response.headers["Location"].endswith("/sections/people")
    db.session.refresh(first_return)
    assert first_return.answers["activities"]["sessions"] == ["12"]


def test_the_answer_is_checked_submitted_and_shown_to_the_officer(applicant, first_return, as_role, db):
    problems = {"problems_and_risks": ["Nothing has gone wrong."], "help_needed": ["training", "money"]}
    for key, answers in {**ANSWERS, "activities": ACTIVITIES, "problems": problems}.items():
        response = save(applicant, first_return, key, answers)
        assert response.status_code == 302, error_messages(response)
    html = page(applicant.get(return_url(first_return, "/check")))
    assert _rows(html)["How many sessions did you run?"] == "12"
    assert "Stories and case studies" not in html.get_text()
    assert post(applicant, return_url(first_return, "/submit")).status_code == 302
    db.session.refresh(first_return)
    assert first_return.status.value == "submitted"
    officer = as_role("grants_officer")
    review = page(officer.get(f"/awards/{first_return.award_id}/returns/{first_return.id}"))
    rows = _rows(review)
    assert rows["How many sessions did you run?"] == "12"
    assert rows["What help would you like from us? (optional)"] == "TrainingAdvice on money"
    assert rows["Problems and risks"] == "Nothing has gone wrong."
    assert rows["Total spend to date"] == "£1,500.50"
    assert "Stories and case studies" not in review.get_text()


def test_a_return_cannot_be_submitted_without_the_rounds_question(applicant, first_return, db):
    for key, answers in ANSWERS.items():
        save(applicant, first_return, key, answers)
    response = post(applicant, return_url(first_return, "/submit"))
    assert response.status_code == 200
    assert "Check your answers in ‘Activities and milestones’" in page(response).get_text()


def test_a_return_keeps_the_version_it_was_first_saved_against(applicant, award, first_return, db):
    second = award.returns[1]
    assert first_return.form is None  # not started: it asks the round's current form
    assert save(applicant, first_return, "problems", ANSWERS["problems"]).status_code == 302
    db.session.refresh(first_return)
    pinned = first_return.form
    assert pinned is not None and pinned.version == 1
    # The round's form changes: the sessions question is dropped, the stories come back.
    _store(db, award.funding_round, standard(Kind.MONITORING), 2)
    db.session.expire_all()
    asked = page(applicant.get(return_url(first_return, "/sections/activities")))
    assert asked.find("input", {"name": "sessions"}) is not None
    assert [section.key for section in monitoring.sections(first_return)] == [
        "activities", "people", "spend", "outcomes", "problems"]
    # A return not yet started asks the new version, and keeps it once saved.
    assert page(applicant.get(return_url(second, "/sections/activities"))).find("input", {"name": "sessions"}) is None
    assert [section.key for section in monitoring.sections(second)][4] == "stories"
    assert save(applicant, second, "problems", STANDARD_PROBLEMS).status_code == 302
    db.session.refresh(second)
    assert second.form is not None and second.form.version == 2


def test_a_return_of_a_round_without_its_own_form_pins_the_standard_form(as_role, users, db):
    award = running_award(users["org_a"])
    monitoring_return = award.returns[0]
    assert save(as_role("applicant"), monitoring_return, "problems", STANDARD_PROBLEMS).status_code == 302
    db.session.refresh(monitoring_return)
    assert monitoring_return.form is not None and monitoring_return.form.version == 1
    assert monitoring_return.form.definition == dump(standard(Kind.MONITORING))
