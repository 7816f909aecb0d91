"""The grants officer who asked a question is told when the applicant answers it (or, when they can
no longer screen, every active grants officer is)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.models.accounts import Role
from grants.models.applications import ApplicationStatus, Clarification
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, UserFactory
from tests.helpers import emailed_link, error_messages, link_in, page, post

ANSWER = "Two sessions a week, on Tuesday and Thursday evenings."


@pytest.fixture
def submitted(db, users, open_round):
    """Organisation A's submitted application."""
    return ApplicationFactory(
        funding_round=open_round, organisation=users["org_a"], status=ApplicationStatus.SUBMITTED,
        reference="CGS-2026-0001", project_title="Harbour Recovery Café", amount_requested=Decimal("4000.00"),
        submitted_at=utcnow(),
    )


def _ask(officer_client, application, question="How many sessions a week will you run?"):
    response = post(officer_client, f"/screening/applications/{application.id}/clarifications", {"question": question})
    assert response.status_code == 302, error_messages(response)
    return response


def _answer_link(application) -> str:
    """The link in the question's email, as the applicant follows it."""
    return emailed_link(application.organisation.contact_email, f"/applications/{application.id}/clarifications/")


def _told(db, recipient=None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.subject.contains("has answered a question"))
    if recipient is not None:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def test_the_officer_who_asked_is_told_of_the_answer(db, submitted, users, as_role, applicant):
    officer = as_role("grants_officer")
    _ask(officer, submitted)
    assert post(applicant, _answer_link(submitted), {"answer": ANSWER}).status_code == 302

    [message] = _told(db)
    assert message.recipient == users["grants_officer"].email
    assert message.subject == "Organisation A has answered a question about CGS-2026-0001"
    assert message.body.startswith(f"Hello {users['grants_officer'].full_name},\n")
    assert ("Organisation A has answered your question about application CGS-2026-0001 (Harbour Recovery Café) "
            "to Community Safety Fund 2026.") in message.body
    link = f"http://localhost/screening/applications/{submitted.id}#clarifications"
    assert f"sign in and follow this link:\n{link}\n" in message.body
    # The link opens the application, with the answer beside the question.
    shown = officer.get(link_in([message.body], "/screening/applications/").split("#")[0])
    assert shown.status_code == 200
    assert ANSWER in page(shown).select_one("#clarifications").find_parent().get_text(" ")


def test_an_empty_answer_tells_nobody_and_a_second_answer_tells_nobody_again(db, submitted, users, as_role, applicant):
    _ask(as_role("grants_officer"), submitted)
    url = _answer_link(submitted)
    refused = post(applicant, url, {"answer": "   "})
    assert error_messages(refused) == ["Enter your answer"]
    assert _told(db) == []

    assert post(applicant, url, {"answer": ANSWER}).status_code == 302
    assert post(applicant, url, {"answer": "Changed my mind"}).status_code == 302  # already answered
    [message] = _told(db)
    assert message.recipient == users["grants_officer"].email


def test_when_the_asker_has_been_deactivated_the_active_grants_officers_are_told(db, submitted, users, as_role,
                                                                                  as_user, applicant):
    asker = UserFactory(full_name="Ada Asker", roles=[Role.GRANTS_OFFICER])
    other = UserFactory(full_name="Bea Officer", roles=[Role.GRANTS_OFFICER])
    retired = UserFactory(full_name="Cy Retired", roles=[Role.GRANTS_OFFICER])
    _ask(as_user(asker), submitted)
    for person in (asker, retired):  # the administrator deactivates their accounts
        response = post(as_role("admin"), f"/admin/users/{person.id}/active", {"active": "0"})
        assert response.status_code == 302
    assert post(applicant, _answer_link(submitted), {"answer": ANSWER}).status_code == 302

    told = _told(db)
    assert {m.recipient for m in told} == {users["grants_officer"].email, other.email}
    assert asker.email not in {m.recipient for m in told} and retired.email not in {m.recipient for m in told}
    to_other = _told(db, other.email)[0]
    assert to_other.body.startswith("Hello Bea Officer,\n")
    assert "has answered the question Ada Asker asked about application CGS-2026-0001" in to_other.body


def test_a_question_asked_by_an_administrator_is_answered_to_them(db, submitted, users, as_role, applicant):
    question = Clarification(application=submitted, question="Who runs the sessions?",
                             asked_by_id=users["admin"].id, asked_at=utcnow())
    db.session.add(question)
    db.session.flush()
    url = f"/applications/{submitted.id}/clarifications/{question.id}"
    assert post(applicant, url, {"answer": "Two trained volunteers."}).status_code == 302
    [message] = _told(db)
    assert message.recipient == users["admin"].email
    assert "has answered your question" in message.body
