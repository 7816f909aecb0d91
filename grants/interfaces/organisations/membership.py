"""Organisations: who may see them, changes to them, and invitations to join them."""

from __future__ import annotations

import secrets

from flask import abort, current_app
from sqlalchemy import func, select

from grants import audit
from grants.extensions import db
from grants.interfaces.applications import stages
from grants.interfaces.auth.accounts import normalise_email
from grants.interfaces.paging import Page, contains, paginate
from grants.interfaces.rounds.funding_rounds import public_rounds
from grants.models.accounts import Role, User
from grants.models.applications import Application, ApplicationStatus
from grants.models.organisations import Organisation, OrganisationInvite, hash_token
from grants.models.rounds import FundingRound
from grants.models.types import utcnow

# Staff roles that work with organisations' records.
ORGANISATION_STAFF = (Role.GRANTS_OFFICER, Role.ADMIN)


def organisation_for(user: User, organisation_id: int) -> Organisation:
    """The organisation if ``user`` may see it; 404 otherwise, so that others' records stay unknown."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    if user.has_role(*ORGANISATION_STAFF) or user.organisation_id == organisation.id:
        return organisation
    abort(404)


def create_organisation(founder: User, values: dict) -> Organisation:
    organisation = Organisation(**values)
    db.session.add(organisation)
    db.session.flush()
    audit.record(
        "organisation.created",
        organisation,
        f"{organisation.name} registered by {founder.email}",
        changes=audit.diff({}, audit.snapshot(organisation)),
    )
    # The founder's account changes too: it is logged like any member joining.
    before = founder.organisation_id
    founder.organisation = organisation
    db.session.flush()  # the founder's organisation_id is read next (starting an application)
    audit.record(
        "organisation.member_joined",
        founder,
        f"{founder.email} joined {organisation.name} on setting it up",
        changes=audit.diff({"organisation_id": before}, {"organisation_id": organisation.id}),
    )
    return organisation


def rounds_to_apply_to(organisation_id: int) -> list[FundingRound]:
    """The rounds open now that the organisation has no application to (a withdrawn one aside),
    closing soonest first. A two-stage round is one only while it takes expressions of interest: after
    that, only the organisations it shortlisted may apply (their invitation is their next step)."""
    applied = set(db.session.scalars(
        select(Application.round_id).where(Application.organisation_id == organisation_id,
                                           Application.status != ApplicationStatus.WITHDRAWN)
    ))
    return [r for r in public_rounds()[0]
            if r.id not in applied and (not r.has_eoi_stage or stages.taking_eois(r))]


def update_organisation(organisation: Organisation, values: dict) -> bool:
    """Apply ``values``; records what changed and returns whether anything did."""
    for key, value in values.items():
        setattr(organisation, key, value)
    changes = audit.pending_changes(organisation)
    if changes:
        audit.record("organisation.updated", organisation, f"{organisation.name} details changed", changes=changes)
    return bool(changes)


def list_organisations(search: str = "", page: int = 1, per_page: int = 25) -> Page:
    query = select(Organisation)
    if search:
        query = query.where(Organisation.name.ilike(contains(search), escape="\\"))
    return paginate(query.order_by(func.lower(Organisation.name), Organisation.id), page, per_page)


def members_of(organisation: Organisation) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.organisation_id == organisation.id).order_by(User.full_name)
    ))


def recipients(organisation: Organisation) -> list[str]:
    """The organisation's contact and its active members: who is told of its grants, each address once."""
    seen, found = set(), []
    for address in [organisation.contact_email, *(member.email for member in organisation.members if member.active)]:
        if address and address.lower() not in seen:
            seen.add(address.lower())
            found.append(address)
    return found


def open_invites(organisation: Organisation) -> list[OrganisationInvite]:
    return list(
        db.session.scalars(
            select(OrganisationInvite)
            .where(
                OrganisationInvite.organisation_id == organisation.id,
                OrganisationInvite.accepted_at.is_(None),
                OrganisationInvite.revoked_at.is_(None),
                OrganisationInvite.expires_at > utcnow(),
            )
            .order_by(OrganisationInvite.created_at)
        )
    )


class InviteProblem(ValueError):
    """An invitation cannot be sent or accepted; the message is for the user."""


def invite_member(organisation: Organisation, email: str, inviter: User) -> str:
    """Create an invitation and return its token (sent by email; only its hash is stored)."""
    email = normalise_email(email)
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None and existing.organisation_id == organisation.id:
        raise InviteProblem(f"{email} is already a member of {organisation.name}")
    if existing is not None and existing.is_staff:
        raise InviteProblem("Staff accounts cannot join an applicant organisation")
    # Inviting again (the email was lost, say) replaces the earlier link: one open invitation per
    # address, so the list of invitations is not left with one that can no longer mean anything.
    for earlier in open_invites(organisation):
        if earlier.email == email:
            revoke_invite(earlier)
    token = secrets.token_urlsafe(32)
    invite = OrganisationInvite(
        organisation=organisation,
        email=email,
        token_hash=hash_token(token),
        invited_by_id=inviter.id,
        expires_at=utcnow() + current_app.config["INVITE_MAX_AGE"],
    )
    db.session.add(invite)
    db.session.flush()
    audit.record(
        "organisation.member_invited",
        invite,
        f"{email} invited to join {organisation.name}",
        changes=audit.diff({}, audit.snapshot(invite)),
    )
    return token


def find_invite(token: str) -> OrganisationInvite | None:
    return db.session.scalar(select(OrganisationInvite).where(OrganisationInvite.token_hash == hash_token(token)))


def invite_for(organisation: Organisation, invite_id: int) -> OrganisationInvite:
    invite = db.session.get(OrganisationInvite, invite_id)
    if invite is None or invite.organisation_id != organisation.id:
        abort(404)
    return invite


def revoke_invite(invite: OrganisationInvite) -> bool:
    """Withdraw the invitation; ``False`` (and nothing changed) if it was accepted or withdrawn already."""
    if invite.revoked_at is not None or invite.accepted_at is not None:
        return False
    invite.revoked_at = utcnow()
    audit.record(
        "organisation.invite_revoked",
        invite,
        f"Invitation to {invite.email} withdrawn",
        changes=audit.diff({"revoked_at": None}, {"revoked_at": invite.revoked_at}),
    )
    return True


def invite_problem(invite: OrganisationInvite, user: User) -> str | None:
    """Why ``user`` cannot accept ``invite``, in words for them; ``None`` if they can."""
    if invite.accepted_at is not None:
        return "This invitation has already been used"
    if invite.revoked_at is not None:
        return "This invitation has been withdrawn. Ask your organisation to invite you again"
    if invite.expires_at <= utcnow():
        return "This invitation has expired. Ask your organisation to invite you again"
    if normalise_email(user.email) != invite.email:
        return "This invitation was sent to a different email address. Sign in with that address to accept it"
    if user.is_staff:
        return "Staff accounts cannot join an applicant organisation"
    if user.organisation_id is not None and user.organisation_id != invite.organisation_id:
        return "You already belong to another organisation"
    return None


def accept_invite(invite: OrganisationInvite, user: User) -> None:
    problem = invite_problem(invite, user)
    if problem is not None:
        raise InviteProblem(problem)
    before = user.organisation_id
    user.organisation_id = invite.organisation_id
    invite.accepted_at = utcnow()
    invite.accepted_by_id = user.id
    audit.record(
        "organisation.member_joined",
        user,
        f"{user.email} joined {invite.organisation.name}",
        changes=audit.diff({"organisation_id": before}, {"organisation_id": invite.organisation_id}),
    )
