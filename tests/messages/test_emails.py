"""The other side is emailed when a message arrives: who wrote, the reference and a link, never the text."""

from __future__ import annotations

from grants.extensions import db
from grants.models.accounts import Role
from grants.models.awards import AwardStatus
from grants.models.types import utcnow
from tests.factories import AwardFactory, UserFactory
from tests.helpers import link_in
from tests.messages.conftest import outbox, send, thread_url
from tests.test_uploads import pdf_bytes

SECRET = "Our bank sort code is 30-94-30 and our treasurer is Jo Bloggs"


def test_a_message_from_the_grants_team_emails_the_organisations_members(officer, application, users):
    colleague = UserFactory(email="colleague.a@example.org", full_name="Kim Colleague",
                            organisation=users["org_a"], roles=[Role.APPLICANT])
    UserFactory(email="left.a@example.org", organisation=users["org_a"], roles=[Role.APPLICANT], active=False)
    users["org_a"].contact_email = "typed.in.contact@example.net"
    db.session.flush()

    send(officer, application, SECRET)
    emails = outbox()
    assert sorted(e.recipient for e in emails) == ["applicant.a@example.org", colleague.email]
    email = next(e for e in emails if e.recipient == colleague.email)
    assert email.subject == "New message about CGS-2026-0101 from the grants team"
    assert email.body.startswith("Hello Kim Colleague,\n\nSam Officer from the grants team has sent you a message "
                                 "about CGS-2026-0101, Moorland Recovery Walks.")
    assert "Sign in to read it and reply:" in email.body
    assert link_in([email.body], "/messages/") == thread_url(application)
    assert "sort code" not in email.body and "30-94-30" not in email.body and "Jo Bloggs" not in email.body
    assert "files attached" not in email.body


def test_a_message_from_the_organisation_emails_every_grants_officer_until_one_has_written(
        member, officer, application, users):
    second = UserFactory(email="second.officer@example.org", full_name="Pat Second", roles=[Role.GRANTS_OFFICER])
    send(member, application, SECRET)
    first_round = outbox()
    assert sorted(e.recipient for e in first_round) == ["grants.officer@example.org", second.email]
    email = next(e for e in first_round if e.recipient == second.email)
    assert email.subject == "Organisation A has sent a message about CGS-2026-0101"
    assert ("Alex Member of Organisation A has sent a message about CGS-2026-0101, Moorland Recovery Walks."
            in email.body)
    assert "Hello Pat Second," in email.body
    assert SECRET not in email.body and "30-94-30" not in email.body
    assert link_in([email.body], "/messages/") == thread_url(application)

    # Once an officer has replied, the organisation's next message goes to that officer alone.
    send(officer, application, "Thank you, we will look")
    sent_before = len(outbox())
    send(member, application, "One more thing", files=[(pdf_bytes(), "plan.pdf")])
    [reply_email] = outbox()[sent_before:]
    assert reply_email.recipient == "grants.officer@example.org"
    assert "It has files attached." in reply_email.body


def test_a_grants_message_goes_to_the_officer_responsible(as_role, users):
    award_officer = UserFactory(email="award.officer@example.org", full_name="Morwenna Award",
                                roles=[Role.GRANTS_OFFICER])
    award = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED, accepted_at=utcnow(),
                         officer_id=award_officer.id)
    member = as_role("applicant")
    send(member, award.application, "A question about our second instalment")
    assert [e.recipient for e in outbox()] == ["award.officer@example.org"]


def test_the_email_templates_have_examples_from_real_messages(app, officer, member, application):
    from grants import email_templates

    assert email_templates.example_values("thread_message_to_organisation") is None  # no message yet
    send(officer, application, "Hello")
    send(member, application, "Hello back")
    to_organisation = email_templates.example_values("thread_message_to_organisation")
    to_staff = email_templates.example_values("thread_message_to_staff")
    assert to_organisation is not None and to_organisation["reference"] == "CGS-2026-0101"
    assert to_staff is not None and to_staff["organisation"] == "Organisation A"
    subject, body = email_templates.fill("thread_message_to_staff", to_staff)
    assert subject == "Organisation A has sent a message about CGS-2026-0101"
    assert "Hello back" not in body
