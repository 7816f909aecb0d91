"""Applicants answer grants officers' questions about their application; answers are final."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.interfaces.screening import applications as screening
from grants.models.applications import ApplicationStatus, Clarification
from grants.models.audit import AuditEvent
from grants.models.types import utcnow
from tests.factories import ApplicationFactory
from tests.helpers import error_messages, page, post

QUESTION = "How many <b>sessions</b> a week?"  # typed by the officer with markup, which must show as typed
pytestmark = pytest.mark.visible_text(allow=[QUESTION])


@pytest.fixture
def submitted(db, users, open_round):
    """Organisation A's submitted application."""
    return ApplicationFactory(
        funding_round=open_round, organisation=users["org_a"], status=ApplicationStatus.SUBMITTED,
        reference="CGS-2026-0001", amount_requested=Decimal("4000.00"), submitted_at=utcnow(),
    )


@pytest.fixture
def question(db, submitted, users):
    clarification = Clarification(
        application=submitted, question=QUESTION, asked_by_id=users["grants_officer"].id
    )
    db.session.add(clarification)
    db.session.flush()
    return clarification


def _url(clarification) -> str:
    return f"/applications/{clarification.application_id}/clarifications/{clarification.id}"


def test_the_applicant_sees_the_question_as_text(applicant, question):
    response = applicant.get(_url(question))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "How many &lt;b&gt;sessions&lt;/b&gt; a week?" in html
    assert page(response).select_one("textarea#answer") is not None


def test_an_answer_is_kept_with_the_application_and_audited(db, applicant, question, users, as_role):
    response = post(applicant, _url(question), {"answer": "  Two: Tuesday and Thursday evenings.  "})
    assert response.status_code == 302 and response.headers["Location"] == _url(question)
    db.session.refresh(question)
    assert question.answer == "Two: Tuesday and Thursday evenings."
    assert question.answered_by_id == users["applicant"].id and question.answered_at is not None
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "clarification.answered")).all()
    assert event.entity_id == str(question.id) and event.actor_id == users["applicant"].id
    assert event.changes["answer"] == {"before": None, "after": "Two: Tuesday and Thursday evenings."}
    officer_page = as_role("grants_officer").get(f"/screening/applications/{question.application_id}")
    assert "Two: Tuesday and Thursday evenings." in officer_page.get_data(as_text=True)


@pytest.mark.parametrize(
    "answer, message",
    [
        ("", "Enter your answer"),
        ("  \n ", "Enter your answer"),
        ("x" * 5001, "Answer must be 5,000 characters or fewer"),
    ],
)
def test_an_answer_must_be_given_and_not_too_long(db, applicant, question, answer, message):
    response = post(applicant, _url(question), {"answer": answer})
    assert response.status_code == 200
    assert error_messages(response) == [message]
    db.session.refresh(question)
    assert question.answer is None and question.answered_at is None


def test_an_answered_question_is_read_only(db, applicant, question):
    post(applicant, _url(question), {"answer": "Two a week"})
    response = applicant.get(_url(question))
    assert page(response).select_one("textarea") is None
    assert "Two a week" in response.get_data(as_text=True)
    again = post(applicant, _url(question), {"answer": "Changed my mind"})
    assert again.status_code == 302
    db.session.refresh(question)
    assert question.answer == "Two a week"
    assert "already been answered" in applicant.get(_url(question)).get_data(as_text=True)


def test_a_second_answer_at_the_same_moment_changes_nothing(db, question, users):
    assert screening.answer_clarification(question, "First", users["applicant"]) is True
    assert screening.answer_clarification(question, "Second", users["applicant"]) is False
    assert question.answer == "First"


@pytest.mark.parametrize("status", [ApplicationStatus.INELIGIBLE, ApplicationStatus.WITHDRAWN])
def test_no_answer_once_the_application_has_left_screening(db, applicant, question, submitted, status):
    submitted.status = status
    db.session.flush()
    response = applicant.get(_url(question))
    assert page(response).select_one("textarea") is None
    assert "can no longer be" in response.get_data(as_text=True)
    assert post(applicant, _url(question), {"answer": "Late"}).status_code == 302
    db.session.refresh(question)
    assert question.answer is None


def test_another_organisations_applicant_gets_not_found(db, as_role, question):
    other = as_role("applicant_b")
    assert other.get(_url(question)).status_code == 404
    assert post(other, _url(question), {"answer": "Sneaky"}).status_code == 404
    db.session.refresh(question)
    assert question.answer is None


def test_a_question_about_another_application_is_not_found(db, applicant, question, users, open_round):
    other_application = ApplicationFactory(funding_round=open_round, organisation=users["org_a"])
    url = f"/applications/{other_application.id}/clarifications/{question.id}"
    assert applicant.get(url).status_code == 404
    assert post(applicant, url, {"answer": "Mixed up"}).status_code == 404


def test_unknown_ids_are_not_found(applicant, question):
    assert applicant.get(f"/applications/{question.application_id}/clarifications/999999").status_code == 404
    assert applicant.get(f"/applications/999999/clarifications/{question.id}").status_code == 404


@pytest.mark.parametrize("role", ["grants_officer", "admin", "panel_member"])
def test_staff_do_not_answer_for_the_applicant(as_role, question, role):
    assert as_role(role).get(_url(question)).status_code == 403


def test_nul_characters_are_dropped_from_an_answer(db, applicant, question):
    assert post(applicant, _url(question), {"answer": "Two\u0000 a week"}).status_code == 302
    db.session.refresh(question)
    assert question.answer == "Two a week"
