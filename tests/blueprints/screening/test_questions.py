"""Officers ask the applicant a question; the organisation's contact is emailed a link to answer."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from grants.models.applications import ApplicationStatus, Clarification
from grants.models.audit import AuditEvent
from grants.models.mail import OutboxMessage
from tests.factories import OrganisationFactory
from tests.helpers import error_messages, post

S = ApplicationStatus


def _ask(client, application, question):
    return post(client, f"/screening/applications/{application.id}/clarifications", {"question": question})


def _questions(db, application) -> list[Clarification]:
    return list(db.session.scalars(select(Clarification).where(Clarification.application_id == application.id)))


@pytest.mark.parametrize("status", [S.SUBMITTED, S.UNDER_ASSESSMENT])
def test_a_question_is_kept_audited_and_emailed_as_a_link(db, officer, make_application, users, status):
    application = make_application(status=status, organisation=OrganisationFactory(contact_email="lead@example.org"))
    response = _ask(officer, application, "  How many sessions a week will you run?  ")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/screening/applications/{application.id}#clarifications"
    [question] = _questions(db, application)
    assert question.question == "How many sessions a week will you run?"
    assert question.asked_by_id == users["grants_officer"].id and question.answer is None
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.recipient == "lead@example.org"
    assert application.reference in message.subject
    link = f"http://localhost/applications/{application.id}/clarifications/{question.id}"
    assert link in message.body
    assert "How many sessions" not in message.body  # the question is read after signing in
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "clarification.asked")).all()
    assert (event.entity_type, event.entity_id) == ("Clarification", str(question.id))
    assert event.changes["question"]["after"] == "How many sessions a week will you run?"


@pytest.mark.parametrize(
    "question, message",
    [
        ("", "Enter your question"),
        ("   ", "Enter your question"),
        ("x" * 2001, "Question must be 2,000 characters or fewer"),
    ],
)
def test_a_question_must_be_given_and_not_too_long(db, officer, make_application, question, message):
    application = make_application()
    response = _ask(officer, application, question)
    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert _questions(db, application) == []
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_a_question_of_exactly_2000_characters_is_accepted(db, officer, make_application):
    application = make_application()
    assert _ask(officer, application, "x" * 2000).status_code == 302
    assert len(_questions(db, application)) == 1


@pytest.mark.parametrize("status", [S.INELIGIBLE, S.WITHDRAWN, S.SUCCESSFUL, S.UNSUCCESSFUL])
def test_no_questions_once_screening_and_assessment_are_over(db, officer, make_application, status):
    application = make_application(status=status)
    response = _ask(officer, application, "Anything?")
    assert response.status_code == 302
    assert _questions(db, application) == []
    assert "Questions cannot be asked" in officer.get(response.headers["Location"]).get_data(as_text=True)


def test_no_questions_about_a_draft(db, officer, make_application):
    draft = make_application(status=S.DRAFT)
    assert _ask(officer, draft, "Anything?").status_code == 404
    assert _questions(db, draft) == []


@pytest.mark.visible_text(allow=["<script>alert('q')</script>"])  # the question as typed
def test_a_question_with_html_is_shown_as_text(officer, make_application):
    application = make_application()
    _ask(officer, application, "<script>alert('q')</script>")
    html = officer.get(f"/screening/applications/{application.id}").get_data(as_text=True)
    assert "<script>alert('q')</script>" not in html
    assert re.search(r"&lt;script&gt;alert\(&#39;q&#39;\)&lt;/script&gt;", html)


def test_nul_characters_are_dropped_from_a_question(db, officer, make_application):
    application = make_application()
    assert _ask(officer, application, "How\u0000 many?").status_code == 302
    assert [q.question for q in _questions(db, application)] == ["How many?"]
