"""Personal data held about one applicant: everything in one export (a subject access request), and
erasure once the retention period is over (UK GDPR articles 15 and 17).

Erasure anonymises the person, it deletes no record: applications, awards and payments are the
OPCC's record of public money and stay, under the organisation; the person's name, email address
and phone number are replaced wherever they are stored, their messages are deleted and they can
no longer sign in. Published 360Giving data holds nothing about a person, so it is unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, or_, select

from grants import audit
from grants.extensions import db
from grants.formatting import london_today
from grants.models.accounts import Role, User, new_session_token
from grants.models.applications import Application, ApplicationDocument, ApplicationPartner
from grants.models.audit import AuditEvent
from grants.models.awards import Award, ReturnDocument
from grants.models.mail import OutboxMessage
from grants.models.organisations import OrganisationInvite
from grants.models.sign_in import UserSession
from grants.models.types import utcnow

ERASED_NAME = "Erased user"
ERASED_DOMAIN = "erased.invalid"  # .invalid is reserved (RFC 2606): nothing is ever delivered there
RETENTION_RULE = (
    "Personal data is kept for {years} after the later of the person's last sign-in and the end of "
    "the last grant to an organisation they belong to (or applied for), then erased on request."
)


class PersonalDataError(ValueError):
    """The erasure is refused; the message says why."""


def retention_days() -> int:
    return int(current_app.config["PERSONAL_DATA_RETENTION_DAYS"])


def retention_rule() -> str:
    days = retention_days()
    years = f"{days // 365} years" if days % 365 in (0, 1, 2) and days >= 365 else f"{days} days"
    return RETENTION_RULE.format(years=years)


def applicant_or_none(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def _applications(user: User) -> list[Application]:
    return list(db.session.scalars(
        select(Application).where(Application.created_by_id == user.id).order_by(Application.id)))


def _awards(user: User) -> list[Award]:
    conditions = [Award.application_id.in_(select(Application.id).where(Application.created_by_id == user.id)),
                  Award.accepted_by_id == user.id]
    if user.organisation_id is not None:
        conditions.append(Award.organisation_id == user.organisation_id)
    return list(db.session.scalars(select(Award).where(or_(*conditions)).order_by(Award.id)))


def _day(moment: datetime | date | None) -> date | None:
    if moment is None:
        return None
    return moment.date() if isinstance(moment, datetime) else moment


@dataclass(frozen=True)
class Retention:
    last_activity: date  # the later of the last sign-in (or sign-up) and the last grant's end
    ends_on: date  # the first day on which the person may be erased

    def over(self, today: date) -> bool:
        return today >= self.ends_on


def retention(user: User) -> Retention:
    """When the person's data may be erased: see ``RETENTION_RULE``."""
    moments = [_day(user.last_login_at or user.created_at)]
    for application in _applications(user):
        moments.append(_day(application.updated_at))
    for award in _awards(user):
        moments.append(_day(award.closed_at or award.withdrawn_at) or award.end_date)
    last = max(moment for moment in moments if moment is not None)
    return Retention(last, last + timedelta(days=retention_days()))


def _plain(value: Any) -> Any:
    return audit._plain(value)  # the audit log's JSON-safe values: enums, money, dates


def _row(obj: Any, *names: str) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


def _messages(user: User) -> list[OutboxMessage]:
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == user.email).order_by(OutboxMessage.id)))


def _partner_contacts(user: User) -> list[ApplicationPartner]:
    return list(db.session.scalars(select(ApplicationPartner).where(or_(
        ApplicationPartner.contact_email == user.email.lower(), ApplicationPartner.user_id == user.id))
        .order_by(ApplicationPartner.id)))


def _audit_events(user: User) -> list[AuditEvent]:
    about = (AuditEvent.entity_type == "User") & (AuditEvent.entity_id == str(user.id))
    return list(db.session.scalars(
        select(AuditEvent).where(or_(AuditEvent.actor_id == user.id, about)).order_by(AuditEvent.id)))


def subject_access(user: User) -> dict[str, Any]:
    """Everything held about ``user``, as plain JSON-ready values."""
    applications = _applications(user)
    documents = list(db.session.scalars(select(ApplicationDocument).where(or_(
        ApplicationDocument.uploaded_by_id == user.id,
        ApplicationDocument.application_id.in_([a.id for a in applications]))).order_by(ApplicationDocument.id)))
    organisation = user.organisation
    return {
        "exported_at": _plain(utcnow()),
        "account": {
            **_row(user, "id", "email", "full_name", "active", "created_at", "password_changed_at", "last_login_at"),
            "roles": sorted(role.value for role in user.roles),
        },
        "organisation_memberships": [] if organisation is None else [{
            **_row(organisation, "id", "name", "contact_name", "contact_email", "contact_phone"),
            "member": True,
        }],
        "invitations": [
            _row(invite, "id", "organisation_id", "email", "created_at", "accepted_at")
            for invite in db.session.scalars(select(OrganisationInvite).where(or_(
                OrganisationInvite.email == user.email, OrganisationInvite.accepted_by_id == user.id)))
        ],
        "applications": [{
            **_row(application, "id", "reference", "status", "project_title", "amount_requested", "created_at",
                   "submitted_at", "withdrawn_at", "organisation_snapshot"),
            "organisation": application.organisation.name,
            "answers": {section.key: section.answers for section in application.sections},
            # The partner organisations they named, with the contacts they gave (as typed, like the answers).
            "partners": [_row(partner, "id", "name", "charity_number", "company_number", "role", "budget_share",
                              "contact_name", "contact_email", "invited_at", "accepted_at")
                         for partner in application.partners],
        } for application in applications],
        # Bids they were named on as a partner organisation's contact.
        "partner_contact": [
            _row(partner, "id", "application_id", "name", "contact_name", "contact_email", "invited_at",
                 "accepted_at") for partner in _partner_contacts(user)
        ],
        "documents": [
            _row(document, "id", "application_id", "kind", "original_filename", "content_type", "size_bytes",
                 "uploaded_at") for document in documents
        ],
        # Files they uploaded in answer to a monitoring return's file questions.
        "return_documents": [
            _row(document, "id", "return_id", "question_id", "original_filename", "content_type", "size_bytes",
                 "uploaded_at")
            for document in db.session.scalars(select(ReturnDocument).where(ReturnDocument.uploaded_by_id == user.id)
                                               .order_by(ReturnDocument.id))
        ],
        "awards_accepted": [
            _row(award, "id", "application_id", "amount", "accepted_at", "accepted_name", "accepted_position")
            for award in _awards(user) if award.accepted_by_id == user.id
        ],
        "sign_in": {
            # What is held about how they sign in: never a secret, a code or a key.
            "sessions": [_row(held, "created_at", "ended_at", "user_agent", "second_factor")
                         for held in db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                                        .order_by(UserSession.id))],
            "passkeys": [_row(passkey, "name", "created_at", "last_used_at") for passkey in user.passkeys],
            "authenticator_app_added_at": _plain(user.totp_added_at),
            "recovery_codes_unused": sum(1 for code in user.recovery_codes if code.used_at is None),
        },
        "messages": [_row(message, "id", "created_at", "subject", "body", "status") for message in _messages(user)],
        "audit_entries": [
            _row(event, "id", "occurred_at", "action", "entity_type", "entity_id", "summary", "actor_label",
                 "ip_address") for event in _audit_events(user)
        ],
    }


def subject_access_json(user: User) -> str:
    return json.dumps(subject_access(user), indent=2, ensure_ascii=False, default=str)


def record_export(user: User, actor: User) -> None:
    audit.record("user.personal_data_exported", user, f"Personal data of user {user.id} exported", actor=actor)


def erasure_problem(user: User, today: date | None = None) -> str | None:
    """Why ``user`` cannot be erased now, or None."""
    if user.email.endswith("@" + ERASED_DOMAIN):
        return "This person's personal data has already been erased"
    if user.roles != {Role.APPLICANT}:
        return "Only applicant accounts can be erased here. Remove a staff member's roles and deactivate them"
    held = retention(user)
    if not held.over(today or london_today()):
        return (f"This person's data must be kept until {held.ends_on:%-d %B %Y}: {retention_rule()}")
    return None


def _replace(value: Any, old: str, new: str) -> Any:
    """``value`` (text or JSON) with every ``old`` replaced by ``new``, case-insensitively for emails."""
    if isinstance(value, str):
        return value.replace(old, new)
    if value is None:
        return None
    return json.loads(json.dumps(value).replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1]))


def erase(user: User, actor: User, today: date | None = None) -> None:
    """Anonymise ``user`` in every record that names them; the caller commits. Refused with
    PersonalDataError inside the retention period."""
    problem = erasure_problem(user, today)
    if problem:
        raise PersonalDataError(problem)
    old_email, old_name = user.email, user.full_name
    new_email = f"erased-{user.id}@{ERASED_DOMAIN}"
    # The name on the account, and any name they signed an offer with ("Kerensa Hosking" for
    # "Dr Kerensa Hosking"), longest first so that a longer name is not half replaced.
    names = {old_name} | {award.accepted_name for award in _awards(user)
                          if award.accepted_by_id == user.id and award.accepted_name}
    pairs = [(old_email, new_email)] + [(name, ERASED_NAME) for name in sorted(names, key=len, reverse=True)
                                        if name and len(name) > 3]

    def scrub(value: Any) -> Any:
        for old, new in pairs:
            value = _replace(value, old, new)
        return value

    organisation = user.organisation
    if organisation is not None and organisation.contact_email.lower() == old_email:
        organisation.contact_name, organisation.contact_email, organisation.contact_phone = (
            ERASED_NAME, new_email, None)
    _scrub_applications(user, scrub, new_email)
    for award in _awards(user):
        if award.accepted_by_id == user.id:
            award.accepted_name = ERASED_NAME
    for invite in db.session.scalars(select(OrganisationInvite).where(OrganisationInvite.email == old_email)):
        invite.email = new_email
    for partner in _partner_contacts(user):  # named as a partner's contact: the name and address go
        partner.contact_name, partner.contact_email, partner.token_hash = ERASED_NAME, new_email, None
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient == old_email))
    for event in _audit_events(user) + list(db.session.scalars(
            select(AuditEvent).where(AuditEvent.summary.contains(old_email)))):
        event.summary, event.actor_label = scrub(event.summary)[:500], scrub(event.actor_label)[:300]
        event.changes, event.ip_address = scrub(event.changes), None

    user.email, user.full_name = new_email, ERASED_NAME
    user.password_hash = "!erased"  # matches no password: the hash has no method prefix
    user.session_token = new_session_token()
    # How they signed in goes too: sessions (with their browsers), passkeys, app and codes.
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    user.passkeys.clear()
    user.recovery_codes.clear()
    user.totp_secret = user.totp_last_step = user.totp_added_at = None
    user.active = False
    user.organisation_id = None
    db.session.flush()
    audit.record("user.erased", user, f"Personal data of user {user.id} erased", actor=actor,
                 changes={"erased": {"before": False, "after": True}})


def _scrub_applications(user: User, scrub: Callable[[Any], Any], new_email: str) -> None:
    """The user's applications with their name and email scrubbed from the answers and from the
    organisation as it was when submitted (its phone too, when they were its contact)."""
    for application in _applications(user):
        for section in application.sections:  # a name typed into an answer (a safeguarding lead, say)
            section.answers = scrub(section.answers)
        if application.organisation_snapshot:
            snapshot = dict(scrub(application.organisation_snapshot))
            if snapshot.get("contact_email") == new_email:
                snapshot["contact_phone"] = None
            application.organisation_snapshot = snapshot
