"""Invitations to an organisation: the emailed link works once, for its address, in time."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from grants.models.accounts import Role, User
from grants.models.audit import AuditEvent
from grants.models.mail import OutboxMessage
from grants.models.organisations import OrganisationInvite, hash_token
from grants.models.types import utcnow
from tests.factories import UserFactory
from tests.helpers import error_messages, page, post, register


def _invite(client, organisation, email: str):
    return post(client, f"/organisations/{organisation.id}/invites", {"email": email})


def _invite_link(db, email: str) -> str:
    """The path of the link in the newest invitation email to ``email``."""
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no email to {email}"
    match = re.search(r"http://localhost(/invites/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def _invitation(db, email: str) -> OrganisationInvite:
    return db.session.scalars(
        select(OrganisationInvite)
        .where(OrganisationInvite.email == email)
        .order_by(OrganisationInvite.id.desc())
    ).first()


def _events(db, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def invited(as_role, users, db):
    """Organisation A has invited new.applicant@example.org, an applicant with no organisation."""
    response = _invite(as_role("applicant"), users["org_a"], "new.applicant@example.org")
    assert response.status_code == 302, error_messages(response)
    return _invite_link(db, "new.applicant@example.org")


def test_a_member_invites_someone_by_email(as_role, users, db):
    client = as_role("applicant")
    response = _invite(client, users["org_a"], "  Someone.New@Example.org ")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/organisations/{users['org_a'].id}"
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == "Someone.New@Example.org")
    )
    assert message.subject == "You've been invited to join Organisation A on Commissioners Grants"
    assert f"{users['applicant'].full_name} has invited you to join Organisation A" in message.body
    assert "follow this link within 7 days:\n" in message.body
    token = _invite_link(db, "Someone.New@Example.org").removeprefix("/invites/")
    invitation = _invitation(db, "someone.new@example.org")
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash
    assert invitation.invited_by_id == users["applicant"].id
    assert (
        timedelta(days=7) - timedelta(minutes=1)
        < invitation.expires_at - utcnow()
        <= timedelta(days=7)
    )
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invitation sent to Someone.New@Example.org" in shown
    assert "someone.new@example.org, sent" in shown


def test_the_invitation_lasts_as_long_as_configured_and_the_email_says_so(
    app, as_role, users, db, monkeypatch
):
    monkeypatch.setitem(app.config, "INVITE_MAX_AGE", timedelta(days=3))
    _invite(as_role("applicant"), users["org_a"], "someone.new@example.org")
    message = db.session.scalar(select(OutboxMessage))
    assert "follow this link within 3 days:\n" in message.body
    lasts = _invitation(db, "someone.new@example.org").expires_at - utcnow()
    assert timedelta(days=3) - timedelta(minutes=1) < lasts <= timedelta(days=3)


def test_an_invitation_is_audited_without_its_token(as_role, users, db):
    _invite(as_role("applicant"), users["org_a"], "someone.new@example.org")
    [event] = _events(db, "organisation.member_invited")
    invitation = _invitation(db, "someone.new@example.org")
    assert (event.entity_type, event.entity_id) == ("OrganisationInvite", str(invitation.id))
    assert event.actor_id == users["applicant"].id
    assert event.changes["email"] == {"before": None, "after": "someone.new@example.org"}
    assert event.changes["organisation_id"] == {"before": None, "after": users["org_a"].id}
    assert "token_hash" not in event.changes
    assert invitation.token_hash not in str(event.changes)


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter the email address of the person to invite"),
        ("not-an-email", "Enter an email address in the correct format, like name@example.com"),
        (
            "Applicant.A@example.org",
            "applicant.a@example.org is already a member of Organisation A",
        ),
        ("grants.officer@example.org", "Staff accounts cannot join an applicant organisation"),
    ],
)
def test_an_invitation_that_cannot_be_sent_says_why(as_role, users, db, email, message):
    response = _invite(as_role("applicant"), users["org_a"], email)
    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert page(response).select_one(".govuk-error-summary a")["href"] == "#email"
    assert page(response).title.get_text().startswith("Error: Organisation A")
    assert page(response).select_one("#email")["value"] == email
    assert db.session.scalars(select(OrganisationInvite)).all() == []
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_the_invited_person_sees_who_invited_them_and_joins(as_user, users, db, invited):
    person = users["applicant_no_org"]
    client = as_user(person)
    response = client.get(invited)
    assert response.status_code == 200
    assert page(response).h1.get_text(strip=True) == "Join Organisation A"
    assert users["applicant"].full_name in response.get_data(as_text=True)
    response = post(client, invited)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/organisations/{users['org_a'].id}"
    db.session.refresh(person)
    assert person.organisation_id == users["org_a"].id
    invitation = _invitation(db, person.email)
    assert invitation.accepted_by_id == person.id and invitation.accepted_at is not None
    [event] = _events(db, "organisation.member_joined")
    assert (event.entity_type, event.entity_id, event.actor_id) == (
        "User",
        str(person.id),
        person.id,
    )
    assert event.changes == {"organisation_id": {"before": None, "after": users["org_a"].id}}
    # As a member they now see the organisation and its other members.
    shown = client.get(f"/organisations/{users['org_a'].id}")
    assert shown.status_code == 200 and "applicant.a@example.org" in shown.get_data(as_text=True)


def test_an_invitation_works_once(as_user, users, db, invited):
    client = as_user(users["applicant_no_org"])
    assert post(client, invited).status_code == 302
    again = post(client, invited)
    assert error_messages(again) == ["This invitation has already been used"]
    assert len(_events(db, "organisation.member_joined")) == 1


def test_an_expired_invitation_does_not_work(as_user, users, db, invited):
    invitation = _invitation(db, "new.applicant@example.org")
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    response = post(as_user(users["applicant_no_org"]), invited)
    assert error_messages(response) == [
        "This invitation has expired. Ask your organisation to invite you again"
    ]
    db.session.refresh(users["applicant_no_org"])
    assert users["applicant_no_org"].organisation_id is None
    assert _events(db, "organisation.member_joined") == []


def test_an_invitation_is_for_the_address_it_was_sent_to(as_role, users, db, invited):
    response = post(as_role("applicant_b"), invited)
    assert error_messages(response) == [
        "This invitation was sent to a different email address. Sign in with that address to accept it"
    ]
    db.session.refresh(users["applicant_b"])
    assert users["applicant_b"].organisation_id == users["org_b"].id
    assert _invitation(db, "new.applicant@example.org").accepted_at is None


def _join_button(response):
    return page(response).find("button", string=lambda text: text and "Join" in text)


def test_a_link_that_cannot_be_used_says_so_before_anything_is_pressed(as_role, users, db, invited):
    assert _join_button(as_role("applicant_no_org").get(invited)) is not None
    assert error_messages(as_role("applicant_no_org").get(invited)) == []
    wrong_person = as_role("applicant_b").get(invited)
    assert error_messages(wrong_person)[0].startswith("This invitation was sent to a different email")
    assert _join_button(wrong_person) is None
    _invitation(db, "new.applicant@example.org").expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    expired = as_role("applicant_no_org").get(invited)
    assert error_messages(expired)[0].startswith("This invitation has expired")
    assert _join_button(expired) is None


def test_someone_in_another_organisation_cannot_join_a_second(as_role, users, db):
    _invite(as_role("applicant"), users["org_a"], "applicant.b@example.org")
    response = post(as_role("applicant_b"), _invite_link(db, "applicant.b@example.org"))
    assert error_messages(response) == ["You already belong to another organisation"]
    db.session.refresh(users["applicant_b"])
    assert users["applicant_b"].organisation_id == users["org_b"].id


def test_an_account_made_staff_after_the_invitation_cannot_accept_it(as_role, users, db, as_user):
    _invite(as_role("applicant"), users["org_a"], "later.staff@example.org")
    staff = UserFactory(email="later.staff@example.org", roles=[Role.FINANCE_OFFICER])
    response = post(as_user(staff), _invite_link(db, "later.staff@example.org"))
    assert error_messages(response) == ["Staff accounts cannot join an applicant organisation"]
    db.session.refresh(staff)
    assert staff.organisation_id is None


def test_an_unknown_token_is_not_found(as_role):
    assert as_role("applicant_no_org").get("/invites/not-a-real-token").status_code == 404
    assert post(as_role("applicant_no_org"), "/invites/not-a-real-token").status_code == 404


def test_a_visitor_following_the_link_is_asked_to_sign_in_first(client, invited):
    response = client.get(invited)
    location = urlsplit(response.headers["Location"])
    assert response.status_code == 302 and location.path == "/sign-in"
    assert urlsplit(parse_qs(location.query)["next"][0]).path == invited


def test_someone_new_registers_from_the_link_and_then_joins(client, as_role, users, db):
    _invite(as_role("applicant"), users["org_a"], "brand.new@example.org")
    link = _invite_link(db, "brand.new@example.org")
    response = register(client, "Brand New", "Brand.New@example.org", "quiet-harbour-lantern-42", next_path=link)
    assert response.status_code == 302, error_messages(response)
    assert response.headers["Location"] == link
    assert post(client, link).status_code == 302
    person = db.session.scalar(select(User).where(User.email == "brand.new@example.org"))
    assert person.organisation_id == users["org_a"].id
    assert _invitation(db, "brand.new@example.org").accepted_by_id == person.id


def test_inviting_someone_again_replaces_the_earlier_link(as_role, users, db, invited):
    client = as_role("applicant")
    assert _invite(client, users["org_a"], "NEW.applicant@example.org").status_code == 302
    newer = _invite_link(db, "NEW.applicant@example.org")
    assert newer != invited
    refused = post(as_role("applicant_no_org"), invited)
    assert error_messages(refused) == [
        "This invitation has been withdrawn. Ask your organisation to invite you again"
    ]
    shown = client.get(f"/organisations/{users['org_a'].id}").get_data(as_text=True)
    assert shown.count("new.applicant@example.org, sent") == 1
    assert len(_events(db, "organisation.invite_revoked")) == 1
    assert post(as_role("applicant_no_org"), newer).status_code == 302


# Withdrawing an invitation ---------------------------------------------------------------------


def _revoke_path(organisation, invitation) -> str:
    return f"/organisations/{organisation.id}/invites/{invitation.id}/revoke"


def test_a_member_withdraws_an_invitation_and_it_stops_working(as_role, users, db, invited):
    invitation = _invitation(db, "new.applicant@example.org")
    client = as_role("applicant")
    response = post(client, _revoke_path(users["org_a"], invitation))
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invitation to new.applicant@example.org withdrawn" in shown
    assert "new.applicant@example.org, sent" not in shown
    db.session.refresh(invitation)
    assert invitation.revoked_at is not None
    [event] = _events(db, "organisation.invite_revoked")
    assert event.entity_id == str(invitation.id)
    assert event.changes["revoked_at"]["before"] is None and event.changes["revoked_at"]["after"]
    refused = post(as_role("applicant_no_org"), invited)
    assert error_messages(refused) == [
        "This invitation has been withdrawn. Ask your organisation to invite you again"
    ]


def test_withdrawing_twice_or_after_acceptance_changes_nothing(as_role, users, db, invited):
    invitation = _invitation(db, "new.applicant@example.org")
    post(as_role("applicant_no_org"), invited)  # accepted
    client = as_role("applicant")
    response = post(client, _revoke_path(users["org_a"], invitation))
    assert response.status_code == 302
    assert "was already accepted or withdrawn" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    db.session.refresh(invitation)
    assert invitation.revoked_at is None and invitation.accepted_at is not None
    assert _events(db, "organisation.invite_revoked") == []


def test_only_the_inviting_organisation_withdraws_its_invitations(as_role, users, db, invited):
    invitation = _invitation(db, "new.applicant@example.org")
    # Organisation B's member, through their own organisation's address or A's.
    assert post(as_role("applicant_b"), _revoke_path(users["org_b"], invitation)).status_code == 404
    assert post(as_role("applicant_b"), _revoke_path(users["org_a"], invitation)).status_code == 404
    assert (
        post(as_role("grants_officer"), _revoke_path(users["org_a"], invitation)).status_code == 403
    )
    db.session.refresh(invitation)
    assert invitation.revoked_at is None


def test_an_invitation_cannot_be_withdrawn_without_the_forms_token(as_role, users, db, invited):
    invitation = _invitation(db, "new.applicant@example.org")
    response = as_role("applicant").post(_revoke_path(users["org_a"], invitation))
    assert response.status_code == 400
    db.session.refresh(invitation)
    assert invitation.revoked_at is None
