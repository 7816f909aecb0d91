"""Eligibility screening: pass to the panel, or fail with a reason the applicant is emailed."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from grants.extensions import db as _db
from grants.interfaces.screening import applications as screening
from grants.models.applications import Application, ApplicationStatus
from grants.models.audit import AuditEvent
from grants.models.mail import OutboxMessage
from tests.factories import OrganisationFactory
from tests.helpers import error_messages, page, post

S = ApplicationStatus


def _screen(client, application, **data):
    return post(client, f"/screening/applications/{application.id}/screen", data)


def _events(db, application) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "application.screened", AuditEvent.entity_id == str(application.id))
    ))


def _outbox(db) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _flash(response) -> str:
    banner = page(response).select_one(".govuk-notification-banner")
    return " ".join(banner.get_text(" ").split()) if banner else ""


def test_passing_sends_the_application_to_the_panel(db, officer, make_application, users):
    application = make_application()
    response = _screen(officer, application, decision="pass", reason="ignored when passing")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/screening/applications/{application.id}"
    db.session.refresh(application)
    assert application.status is S.UNDER_ASSESSMENT
    assert application.screening_reason is None
    assert application.screened_by_id == users["grants_officer"].id
    assert application.screened_at is not None
    [message] = _outbox(db)  # the applicant is told (tests/blueprints/screening/test_screening_emails.py)
    assert message.recipient == application.organisation.contact_email and "eligible" in message.subject
    [event] = _events(db, application)
    assert event.actor_id == users["grants_officer"].id
    assert event.changes["status"] == {"before": "submitted", "after": "under_assessment"}
    assert event.changes["screened_by_id"] == {"before": None, "after": users["grants_officer"].id}
    assert "passed" in _flash(officer.get(response.headers["Location"]))


def test_failing_needs_a_reason_and_emails_it_to_the_organisations_contact(db, as_role, make_application, users):
    application = make_application(organisation=OrganisationFactory(contact_email="main.contact@example.org"))
    response = _screen(as_role("admin"), application, decision="fail",
                       reason="  Your income is over the round's limit  ")
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status is S.INELIGIBLE
    assert application.screening_reason == "Your income is over the round's limit"
    assert application.screened_by_id == users["admin"].id
    [message] = _outbox(db)
    assert message.recipient == "main.contact@example.org"
    assert application.reference in message.subject
    assert "Your income is over the round's limit" in message.body
    [event] = _events(db, application)
    assert event.changes["status"] == {"before": "submitted", "after": "ineligible"}
    assert event.changes["screening_reason"] == {"before": None, "after": "Your income is over the round's limit"}


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_failing_without_a_reason_is_refused(db, officer, make_application, reason):
    application = make_application()
    response = _screen(officer, application, decision="fail", reason=reason)
    assert response.status_code == 200
    assert error_messages(response) == ["Enter why the application is not eligible"]
    assert page(response).title.get_text().startswith("Error:")
    db.session.refresh(application)
    assert application.status is S.SUBMITTED and application.screened_at is None
    assert _outbox(db) == [] and _events(db, application) == []


@pytest.mark.parametrize("decision", [None, "", "maybe", "pass' OR '1'='1"])
def test_a_missing_or_unknown_decision_is_refused(db, officer, make_application, decision):
    application = make_application()
    data = {} if decision is None else {"decision": decision}
    response = _screen(officer, application, **data)
    assert response.status_code == 200
    assert error_messages(response) == ["Select whether the application is eligible"]
    db.session.refresh(application)
    assert application.status is S.SUBMITTED


def test_a_reason_over_2000_characters_is_refused(db, officer, make_application):
    application = make_application()
    response = _screen(officer, application, decision="fail", reason="x" * 2001)
    assert error_messages(response) == ["Reason must be 2,000 characters or fewer"]
    db.session.refresh(application)
    assert application.status is S.SUBMITTED


def test_a_draft_cannot_be_screened(db, officer, make_application):
    draft = make_application(status=S.DRAFT)
    assert _screen(officer, draft, decision="pass").status_code == 404
    db.session.refresh(draft)
    assert draft.status is S.DRAFT and draft.screened_at is None


@pytest.mark.parametrize("status", [S.UNDER_ASSESSMENT, S.INELIGIBLE, S.WITHDRAWN, S.SUCCESSFUL])
def test_an_application_that_is_not_waiting_for_screening_is_left_alone(db, officer, make_application, status):
    application = make_application(status=status)
    response = _screen(officer, application, decision="fail", reason="Too late")
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status is status and application.screening_reason is None
    assert _outbox(db) == [] and _events(db, application) == []
    assert "has already been screened" in _flash(officer.get(response.headers["Location"]))


def _other_officer_screens_first(application_id: int) -> None:
    """Another officer's decision, committed after this request loaded the application."""
    _db.session.execute(
        update(Application)
        .where(Application.id == application_id)
        .values(status=S.UNDER_ASSESSMENT, version=Application.version + 1)
        .execution_options(synchronize_session=False)
    )


def test_two_officers_screening_at_once_cannot_both_succeed(db, officer, make_application, monkeypatch):
    application = make_application()
    load = screening.submitted_application

    def load_then_lose_the_race(application_id):
        loaded = load(application_id)
        assert loaded.status is S.SUBMITTED  # what this officer's request saw
        _other_officer_screens_first(application_id)
        _db.session.commit()  # the other officer's transaction ends first
        set_committed_value(loaded, "status", S.SUBMITTED)  # this request still has what it loaded
        return loaded

    monkeypatch.setattr(screening, "submitted_application", load_then_lose_the_race)
    response = _screen(officer, application, decision="fail", reason="Not eligible")
    monkeypatch.undo()

    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status is S.UNDER_ASSESSMENT  # the first decision stands
    assert application.screening_reason is None
    assert _outbox(db) == [] and _events(db, application) == []
    assert "already been screened: it is now under assessment" in _flash(officer.get(response.headers["Location"]))


def test_screen_refuses_a_stale_application_object(db, make_application, users):
    application = make_application()
    screening.screen(application, True, None, users["grants_officer"])
    stale = make_application()
    _other_officer_screens_first(stale.id)  # the object in the session still says "submitted"
    assert stale.status is S.SUBMITTED
    with pytest.raises(screening.ScreeningConflict):
        screening.screen(stale, False, "Reason", users["admin"])
    assert stale.status is S.UNDER_ASSESSMENT  # refreshed: the officer is told what it is now


def test_screen_refuses_a_failure_without_a_reason(make_application, users):
    with pytest.raises(ValueError):
        screening.screen(make_application(), False, "  ", users["grants_officer"])


def test_screening_needs_a_csrf_token(officer, make_application):
    application = make_application()
    response = officer.post(f"/screening/applications/{application.id}/screen", data={"decision": "pass"})
    assert response.status_code == 400


def test_nul_characters_are_dropped_from_a_reason(db, officer, make_application):
    application = make_application()
    assert _screen(officer, application, decision="fail", reason="Over\u0000 the limit").status_code == 302
    db.session.refresh(application)
    assert application.screening_reason == "Over the limit"
