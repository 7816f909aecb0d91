"""An applicant's personal data: the export of everything held, and erasure after the retention period
that keeps awards and published 360Giving data whole."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants import open_data
from grants.extensions import db as _db
from grants.interfaces.admin import personal_data
from grants.interfaces.awards import portfolio_awards
from grants.mail import send_email
from grants.models.applications import ApplicationPartner
from grants.models.audit import AuditEvent
from grants.models.awards import AwardStatus
from grants.models.mail import OutboxMessage
from grants.models.sign_in import Passkey, UserSession
from grants.models.types import utcnow
from tests.factories import TEST_PASSWORD, UserFactory
from tests.helpers import error_messages, page, post
from tests.test_open_data import build, make_grant, validator  # noqa: F401


@pytest.fixture
def period_over(app, monkeypatch):
    """No retention period: everything held may be erased today."""
    monkeypatch.setitem(app.config, "PERSONAL_DATA_RETENTION_DAYS", 0)


@pytest.fixture
def grantee(db):
    """The signatory of an accepted grant: an applicant who started the application, accepted the
    offer, is the organisation's contact, and was sent a message."""
    award = make_grant(db, status=AwardStatus.CLOSED, closed_at=utcnow())
    person = award.accepted_by
    organisation = award.organisation
    organisation.contact_name, organisation.contact_email = person.full_name, person.email
    award.application.organisation_snapshot = {"contact_name": person.full_name, "contact_email": person.email,
                                                "contact_phone": "01752 555 0199", "name": organisation.name}
    section = award.application.sections[0]
    section.answers = {**section.answers, "summary": [f"Led by {person.full_name}."]}
    send_email(person.email, "Your grant", f"Dear {person.full_name}")
    from grants import audit

    audit.record("user.signed_in", person, f"{person.email} signed in", actor=person)
    from grants.interfaces.auth import sessions

    sessions.start(person, None)
    _db.session.flush()
    return person, award


def _url(person, action: str = "") -> str:
    return f"/admin/users/{person.id}/personal-data{action}"


def test_the_page_summarises_what_is_held_and_states_the_rule(as_role, grantee):
    person, _ = grantee
    response = as_role("admin").get(_url(person))
    assert response.status_code == 200
    soup = page(response)
    held = {row.dt.get_text(strip=True): row.dd.get_text(strip=True)
            for row in soup.select("#held .govuk-summary-list__row")}
    assert held["Applications they started"] == "1" and held["Offers they accepted"] == "1"
    assert held["Messages sent to them"] == "1"
    assert "6 years after the later of the person's last sign-in and the end of the last grant" in soup.select_one(
        "#rule").get_text()
    assert "must be kept until" in soup.select_one("#erasure-problem").get_text()  # inside the period
    user_page = page(as_role("admin").get(f"/admin/users/{person.id}"))
    assert user_page.select_one(f'a[href="{_url(person)}"]') is not None


def test_the_summary_counts_partner_organisations_and_bids_naming_them_as_a_partners_contact(as_role, grantee):
    person, award = grantee
    award.application.partners.append(ApplicationPartner(name="Friends of the Hoe", role="Volunteers",
                                                         contact_name="Ann Hoe", contact_email="ann@example.org"))
    other = make_grant(_db, status=AwardStatus.CLOSED, closed_at=utcnow()).application
    other.partners.append(ApplicationPartner(name=award.organisation.name, role="Peer mentors",
                                             contact_name=person.full_name, contact_email=person.email))
    _db.session.flush()

    rows = page(as_role("admin").get(_url(person))).select("#held .govuk-summary-list__row")
    held = {row.dt.get_text(strip=True): row.dd.get_text(strip=True) for row in rows}

    assert held["Partner organisations named on their applications"] == "1"
    assert held["Bids naming them as a partner organisation’s contact"] == "1"


def test_the_export_holds_everything_about_the_person(as_role, grantee):
    person, award = grantee
    person.passkeys.append(Passkey(credential_id=b"phone-credential", public_key=b"public", name="Phone"))
    _db.session.flush()
    response = post(as_role("admin"), _url(person, "/export"))
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f"attachment; filename=personal-data-user-{person.id}.json"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == person.email and data["account"]["roles"] == ["applicant"]
    assert data["organisation_memberships"][0]["name"] == award.organisation.name
    [application] = data["applications"]
    assert application["reference"] == award.application.reference
    assert application["answers"]["project"]["title"] == ["Harbour Recovery Café"]
    assert data["awards_accepted"][0]["accepted_name"] == award.accepted_name == "Kerensa Hosking"
    assert data["messages"][0]["subject"] == "Your grant"
    assert any(entry["action"] == "user.signed_in" for entry in data["audit_entries"])
    assert "password_hash" not in response.get_data(as_text=True) and "session_token" not in response.get_data(
        as_text=True)
    # How they sign in, without any secret: their sessions (the fixture signed them in), passkeys.
    assert len(data["sign_in"]["sessions"]) >= 1 and data["sign_in"]["passkeys"] == [{
        "name": "Phone", "created_at": data["sign_in"]["passkeys"][0]["created_at"], "last_used_at": None}]
    assert "totp_secret" not in response.get_data(as_text=True) and "key_hash" not in response.get_data(as_text=True)
    exported = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.personal_data_exported")).one()
    assert exported.entity_id == str(person.id)


def test_erasure_is_refused_inside_the_retention_period(as_role, grantee):
    person, _ = grantee
    email = person.email
    response = post(as_role("admin"), _url(person, "/erase"), {"confirm": "y"})
    assert response.status_code == 200
    assert error_messages(response)[0].startswith("This person's data must be kept until")
    _db.session.refresh(person)
    assert person.email == email and person.active


def test_erasure_needs_the_confirmation(as_role, grantee, period_over):
    person, _ = grantee
    response = post(as_role("admin"), _url(person, "/erase"), {})
    assert error_messages(response) == ["Confirm that this person's personal data should be erased"]
    assert person.full_name != personal_data.ERASED_NAME


def test_erasure_anonymises_the_person_and_keeps_the_award_and_the_360giving_file(
        as_role, client, grantee, period_over, validator):  # noqa: F811
    person, award = grantee
    name, email = person.full_name, person.email
    before = open_data.to_json(build(portfolio_awards.publishable_awards()))
    response = post(as_role("admin"), _url(person, "/erase"), {"confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"] == _url(person)
    _db.session.expire_all()

    assert person.full_name == personal_data.ERASED_NAME and person.email == f"erased-{person.id}@erased.invalid"
    assert not person.active and person.organisation_id is None and not person.check_password(TEST_PASSWORD)
    assert award.status is AwardStatus.CLOSED and award.organisation.name and award.amount
    assert award.accepted_name == personal_data.ERASED_NAME
    assert award.organisation.contact_email == person.email and award.organisation.contact_phone is None
    assert name not in json.dumps(award.application.organisation_snapshot)
    assert award.application.organisation_snapshot["contact_phone"] is None
    assert award.application.sections[0].answers["summary"] == [f"Led by {personal_data.ERASED_NAME}."]
    assert _db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.recipient == email)) == 0
    assert _db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == person.id)) == 0
    assert person.totp_secret is None and not person.passkeys
    events = _db.session.scalars(select(AuditEvent)).all()
    assert not any(email in (event.summary + event.actor_label + json.dumps(event.changes)) for event in events)
    assert any(event.action == "user.erased" for event in events)

    after = open_data.to_json(build(portfolio_awards.publishable_awards()))
    document = json.loads(after)
    assert len(document["grants"]) == len(json.loads(before)["grants"]) >= 1
    assert list(validator.iter_errors(document)) == []
    assert name not in after and email not in after

    # Signing in is no longer possible, and a second erasure says it was done.
    assert post(client, "/sign-in", {"email": email, "password": TEST_PASSWORD}).status_code == 200
    assert personal_data.erasure_problem(person) == "This person's personal data has already been erased"


def test_staff_accounts_are_not_erased_here(db, as_role, users):
    staff = users["grants_officer"]
    assert personal_data.erasure_problem(staff, utcnow().date() + timedelta(days=8 * 365)).startswith(
        "Only applicant accounts")


def test_retention_runs_from_the_later_of_sign_in_and_the_grant_end(db, grantee):
    person, award = grantee
    person.last_login_at = utcnow() - timedelta(days=3000)
    person.created_at = award.application.updated_at = utcnow() - timedelta(days=3100)
    award.closed_at = utcnow() - timedelta(days=10)
    _db.session.flush()
    held = personal_data.retention(person)
    assert held.last_activity == utcnow().date() - timedelta(days=10)
    assert held.ends_on == held.last_activity + timedelta(days=6 * 365 + 1)


@pytest.mark.parametrize("role", ["applicant", "grants_officer", "finance_officer", "commissioner", "panel_member"])
def test_only_admins_see_or_change_personal_data(as_role, users, role):
    person = users["applicant"]
    client = as_role(role)
    assert client.get(_url(person)).status_code == 403
    assert post(client, _url(person, "/export")).status_code == 403
    assert post(client, _url(person, "/erase"), {"confirm": "y"}).status_code == 403


def test_an_unknown_user_is_not_found(as_role):
    admin = as_role("admin")
    assert admin.get("/admin/users/999999/personal-data").status_code == 404
    assert post(admin, "/admin/users/999999/personal-data/export").status_code == 404
    assert post(admin, "/admin/users/999999/personal-data/erase", {"confirm": "y"}).status_code == 404


def test_a_staff_members_data_can_be_exported_too(db, as_role):
    officer = UserFactory(roles=["grants_officer"])
    assert as_role("admin").get(_url(officer)).status_code == 200  # an export is every person's right
