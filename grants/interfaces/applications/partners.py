"""Partner organisations on a bid (a consortium bid): naming them, inviting their contacts, and who
may then open the application.

The lead organisation (the application's own) makes the bid and stays accountable for the grant: its
members alone manage the partners, submit and withdraw. A partner's contact, once they accept the
emailed invitation, may open that one application to read it and contribute to its answers and
documents; nothing else of the lead organisation's becomes theirs.

Invitations work as an organisation's do (``organisations.membership``): the token goes in the emailed
link and only its hash is stored; it expires; inviting again replaces the earlier link (one open
invitation per partner); accepting needs a signed-in applicant's account, which someone without one
creates from the sign-in page the link sends them to.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import lazyload, selectinload

from grants import audit
from grants.extensions import db
from grants.formatting import long_date, money
from grants.interfaces.auth.accounts import normalise_email
from grants.models.accounts import User
from grants.models.applications import Application, ApplicationPartner
from grants.models.organisations import hash_token
from grants.models.types import utcnow

# A partner's invitation lasts longer than a member's (7 days): a partner organisation's contact is
# often found through someone else, and the link may be passed on before it reaches them.
INVITE_MAX_AGE = timedelta(days=14)
# The role on the project: a short description, not a second application.
ROLE_MAX_WORDS = 150
# More would make the bid a federation rather than a lead with partners; a limit keeps pages readable.
MAX_PARTNERS = 20

# The fields a lead's member types in (the form's ``partner_values``).
FIELDS = ("name", "charity_number", "company_number", "role", "budget_share", "contact_name", "contact_email")


class PartnersLocked(ValueError):
    """The application is no longer a draft: its partners cannot change. The message is for the user."""


class InvitationProblem(ValueError):
    """An invitation cannot be sent or accepted; the message is for the user."""


NOT_A_DRAFT = "This application has been submitted: its partner organisations can no longer be changed"


def _check_draft(application: Application) -> None:
    if not application.is_editable:
        raise PartnersLocked(NOT_A_DRAFT)


# Who may open what ------------------------------------------------------------------------------

def is_lead_member(user: User, application: Application) -> bool:
    """Whether ``user`` belongs to the lead organisation, which is accountable for the bid."""
    return user.organisation_id is not None and user.organisation_id == application.organisation_id


def is_partner_contact(user: User, application: Application) -> bool:
    """Whether ``user`` is the accepted contact of one of the bid's partner organisations."""
    return db.session.scalar(
        select(ApplicationPartner.id).where(
            ApplicationPartner.application_id == application.id,
            ApplicationPartner.user_id == user.id,
            ApplicationPartner.accepted_at.is_not(None),
        ).limit(1)
    ) is not None


def partner_for(application: Application, partner_id: int) -> ApplicationPartner:
    """One of the application's partners; 404 for another application's (or none)."""
    partner = db.session.get(ApplicationPartner, partner_id)
    if partner is None or partner.application_id != application.id:
        abort(404)
    return partner


def partner_applications(user: User) -> list[Application]:
    """The bids ``user`` has accepted an invitation to as a partner's contact, newest first (their own
    organisation's applications aside: those are theirs already)."""
    # IN, not a join and DISTINCT: PostgreSQL cannot compare the application's JSON columns.
    query = select(Application).where(Application.id.in_(
        select(ApplicationPartner.application_id)
        .where(ApplicationPartner.user_id == user.id, ApplicationPartner.accepted_at.is_not(None))
    ))
    if user.organisation_id is not None:
        query = query.where(Application.organisation_id != user.organisation_id)
    return list(
        db.session.scalars(
            query.options(
                lazyload("*"),
                selectinload(Application.funding_round).lazyload("*"),
                selectinload(Application.organisation).lazyload("*"),
            )
            .order_by(Application.created_at.desc(), Application.id.desc())
        )
    )


# Shares ------------------------------------------------------------------------------------------

def shares_total(application: Application) -> Decimal:
    return sum((partner.budget_share for partner in application.partners), Decimal("0.00"))


def share_of_request(partner: ApplicationPartner) -> Decimal | None:
    """The partner's share as a percentage of the amount asked, to one decimal place; None while no
    amount is asked."""
    asked = partner.application.amount_requested
    if not asked:
        return None
    return (partner.budget_share * 100 / asked).quantize(Decimal("0.1"))


def shares_problem(application: Application) -> str | None:
    """Why the partners' shares cannot stand: together they may not be more than the amount asked
    (the lead spends the rest). None when they fit, or when there are no partners."""
    if not application.partners or application.amount_requested is None:
        return None
    total = shares_total(application)
    if total > application.amount_requested:
        return (f"Partners' shares ({money(total)}) are more than the "
                f"{money(application.amount_requested)} you are asking for")
    return None


# Changes -----------------------------------------------------------------------------------------

def _clean(values: dict) -> dict:
    cleaned = {field: values.get(field) for field in FIELDS}
    for field in ("charity_number", "company_number", "contact_name", "contact_email"):
        cleaned[field] = cleaned[field] or None
    if cleaned["contact_email"]:
        cleaned["contact_email"] = normalise_email(cleaned["contact_email"])
    return cleaned


def add_partner(application: Application, values: dict, user: User) -> ApplicationPartner:
    _check_draft(application)
    if len(application.partners) >= MAX_PARTNERS:
        raise PartnersLocked(f"A bid can name at most {MAX_PARTNERS} partner organisations")
    position = max((partner.position for partner in application.partners), default=-1) + 1
    partner = ApplicationPartner(position=position, **_clean(values))
    application.partners.append(partner)
    db.session.flush()
    audit.record(
        "application.partner_added",
        partner,
        f"{partner.name} named as a partner on application {application.id} by {user.email}",
        changes=audit.diff({}, audit.snapshot(partner)),
    )
    return partner


def update_partner(partner: ApplicationPartner, values: dict, user: User) -> bool:
    """Apply ``values``; returns whether anything changed. A new contact email address ends the
    earlier contact's invitation and access: the link and the account were for someone else."""
    _check_draft(partner.application)
    cleaned = _clean(values)
    if cleaned["contact_email"] != partner.contact_email:
        _forget_contact(partner)
    for field, value in cleaned.items():
        setattr(partner, field, value)
    changes = audit.pending_changes(partner)
    if changes:
        audit.record("application.partner_changed", partner,
                     f"Partner {partner.name} on application {partner.application_id} changed by {user.email}",
                     changes=changes)
    return bool(changes)


def _forget_contact(partner: ApplicationPartner) -> None:
    partner.token_hash = None
    partner.invited_at = None
    partner.invite_expires_at = None
    partner.invited_by_id = None
    partner.user_id = None
    partner.accepted_at = None


def remove_partner(partner: ApplicationPartner, user: User) -> None:
    """Remove the partner, and with it its contact's access to the application."""
    application = partner.application
    _check_draft(application)
    audit.record(
        "application.partner_removed",
        partner,
        f"{partner.name} removed as a partner on application {application.id} by {user.email}",
        changes=audit.diff(audit.snapshot(partner), {}),
    )
    application.partners.remove(partner)
    db.session.flush()


# Invitations -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InvitationState:
    """What the lead sees of a partner's invitation."""

    label: str
    detail: str = ""


def invite_contact(partner: ApplicationPartner, inviter: User) -> str:
    """Create (or replace) the partner's invitation and return its token, for the emailed link."""
    _check_draft(partner.application)
    if not partner.contact_email:
        raise InvitationProblem(f"Add the email address of a contact at {partner.name} before you invite them")
    if partner.accepted_at is not None:
        raise InvitationProblem(f"{partner.contact_name or partner.contact_email} has already accepted")
    contact = db.session.scalar(select(User).where(User.email == partner.contact_email))
    if contact is not None and contact.is_staff:
        raise InvitationProblem("Staff accounts cannot be a partner's contact")
    token = secrets.token_urlsafe(32)
    before = {"invited_at": partner.invited_at, "invite_expires_at": partner.invite_expires_at}
    partner.token_hash = hash_token(token)  # the earlier link, if any, no longer matches
    partner.invited_at = utcnow()
    partner.invite_expires_at = partner.invited_at + INVITE_MAX_AGE
    partner.invited_by_id = inviter.id
    audit.record(
        "application.partner_invited",
        partner,
        f"{partner.contact_email} invited to contribute to application {partner.application_id} "
        f"for {partner.name}",
        changes=audit.diff(before, {"invited_at": partner.invited_at,
                                    "invite_expires_at": partner.invite_expires_at}),
    )
    return token


def find_invitation(token: str) -> ApplicationPartner | None:
    return db.session.scalar(select(ApplicationPartner).where(ApplicationPartner.token_hash == hash_token(token)))


def invitation_problem(partner: ApplicationPartner, user: User) -> str | None:
    """Why ``user`` cannot accept the partner's invitation, in words for them; None if they can."""
    if partner.accepted_at is not None:
        return "This invitation has already been used"
    if partner.invite_expires_at is None or partner.invite_expires_at <= utcnow():
        return f"This invitation has expired. Ask {partner.application.organisation.name} to invite you again"
    if not partner.application.is_editable:
        return "This application has been submitted: partners can no longer join it"
    if normalise_email(user.email) != partner.contact_email:
        return "This invitation was sent to a different email address. Sign in with that address to accept it"
    if user.is_staff:
        return "Staff accounts cannot be a partner's contact"
    if is_lead_member(user, partner.application):
        return f"You are already a member of {partner.application.organisation.name}, which leads this bid"
    return None


def accept_invitation(partner: ApplicationPartner, user: User) -> None:
    problem = invitation_problem(partner, user)
    if problem is not None:
        raise InvitationProblem(problem)
    partner.user_id = user.id
    partner.accepted_at = utcnow()
    # The hash stays: the link, opened again, says it has been used (accepted_at) rather than nothing.
    audit.record(
        "application.partner_accepted",
        partner,
        f"{user.email} accepted the invitation to contribute to application {partner.application_id} "
        f"for {partner.name}",
        changes=audit.diff({"user_id": None, "accepted_at": None},
                           {"user_id": user.id, "accepted_at": partner.accepted_at}),
    )


def invitation_state(partner: ApplicationPartner) -> InvitationState:
    if partner.accepted_at is not None:
        who = partner.user.full_name if partner.user is not None else partner.contact_name or "their contact"
        return InvitationState("Accepted", f"Accepted by {who} on {long_date(partner.accepted_at)}")
    if partner.invited_at is not None and partner.invite_expires_at is not None:
        if partner.invite_expires_at <= utcnow():
            return InvitationState("Invitation expired",
                                   f"Invited on {long_date(partner.invited_at)}; the link has expired")
        return InvitationState("Invited", f"Invited on {long_date(partner.invited_at)}")
    return InvitationState("Not invited")
