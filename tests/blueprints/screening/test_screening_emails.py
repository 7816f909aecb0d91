"""The applicant is told the screening result: passed to the panel, or not eligible and why."""

from __future__ import annotations

from sqlalchemy import select

from grants.models.applications import ApplicationStatus
from grants.models.mail import OutboxMessage
from tests.helpers import error_messages, link_in, page, post


def _screen(client, application, **data):
    return post(client, f"/screening/applications/{application.id}/screen", data)


def _outbox(db) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_passing_tells_the_applicant_it_has_gone_to_the_panel(db, officer, make_application, users, as_role):
    application = make_application(organisation=users["org_a"], project_title="Harbour Recovery Café")
    assert _screen(officer, application, decision="pass").status_code == 302

    [message] = _outbox(db)
    assert message.recipient == users["org_a"].contact_email
    assert message.subject == (f"Your application {application.reference} is eligible and has gone to the "
                               "assessment panel")
    body = message.body
    assert body.startswith(f"Hello {users['org_a'].contact_name},\n")
    assert (f"We have checked your application {application.reference} (Harbour Recovery Café) against the "
            "round's eligibility rules, and it is eligible. It has now gone to the assessment panel") in body
    assert "You do not need to do anything now." in body
    link = f"http://localhost/applications/{application.id}"
    assert f"\n{link}\n" in body
    # The link works for the organisation's applicant and shows where the application is.
    shown = as_role("applicant").get(link_in([body], "/applications/"))
    assert shown.status_code == 200
    assert "Under assessment" in page(shown).get_text(" ")
    flashed = page(officer.get(f"/screening/applications/{application.id}")).get_text(" ")
    assert "has been emailed that it is eligible" in " ".join(flashed.split())


def test_a_refused_decision_tells_nobody_and_a_second_screening_tells_nobody_again(db, officer, make_application):
    application = make_application()
    refused = _screen(officer, application)  # no decision chosen
    assert error_messages(refused) == ["Select whether the application is eligible"]
    assert _outbox(db) == []

    assert _screen(officer, application, decision="pass").status_code == 302
    assert len(_outbox(db)) == 1
    # A second officer's (or a second click's) decision changes nothing and sends nothing.
    assert _screen(officer, application, decision="fail", reason="Too late").status_code == 302
    db.session.refresh(application)
    assert application.status is ApplicationStatus.UNDER_ASSESSMENT
    [message] = _outbox(db)
    assert "is eligible" in message.subject

