"""Applications: who may see them, drafts, answers, submission and withdrawal."""

from __future__ import annotations

from datetime import datetime

from flask import abort
from sqlalchemy import select, update

from grants import audit
from grants.extensions import db
from grants.models.accounts import Role, User
from grants.models.applications import Application, ApplicationStatus, ReferenceCounter
from grants.models.rounds import FundingRound
from grants.models.types import utcnow

# Staff roles that work with every application.
APPLICATION_STAFF = (Role.GRANTS_OFFICER, Role.ADMIN)


def application_for_member(user: User, application_id: int) -> Application:
    """The application if ``user`` belongs to the organisation that made it; 404 otherwise."""
    application = db.session.get(Application, application_id)
    if application is None or user.organisation_id is None or application.organisation_id != user.organisation_id:
        abort(404)
    return application


def application_for_staff(application_id: int) -> Application:
    """Any application, for grants officers and admins (the view checks the role)."""
    return db.session.get(Application, application_id) or abort(404)


def application_for(user: User, application_id: int) -> Application:
    """Members of the organisation and application staff may see it; anyone else gets 404."""
    if user.has_role(*APPLICATION_STAFF):
        return application_for_staff(application_id)
    return application_for_member(user, application_id)


def next_reference(series: str, prefix: str) -> str:
    """The next reference in ``series``, for example ``CGS-2026-0042``; numbers are never reused.

    The increment is one UPDATE, so two submissions at the same moment cannot get one number.
    """
    bumped = db.session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.series == series)
        .values(value=ReferenceCounter.value + 1)
        .returning(ReferenceCounter.value)
    ).scalar_one_or_none()
    if bumped is None:
        db.session.add(ReferenceCounter(series=series, value=1))
        db.session.flush()
        bumped = 1
    return f"{prefix}-{bumped:04d}"


def organisation_applications(organisation_id: int) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.organisation_id == organisation_id)
            .order_by(Application.created_at.desc(), Application.id.desc())
        )
    )


def active_application(organisation_id: int, round_id: int) -> Application | None:
    """The organisation's application to a round that has not been withdrawn, if any."""
    return db.session.scalar(
        select(Application).where(
            Application.organisation_id == organisation_id,
            Application.round_id == round_id,
            Application.status != ApplicationStatus.WITHDRAWN,
        )
    )


def start_application(funding_round: FundingRound, user: User, now: datetime | None = None) -> Application:
    """A new draft for the user's organisation, or the one it already has for this round."""
    existing = active_application(user.organisation_id, funding_round.id)
    if existing is not None:
        return existing
    application = Application(
        funding_round=funding_round,
        organisation_id=user.organisation_id,
        created_by_id=user.id,
        status=ApplicationStatus.DRAFT,
        created_at=now or utcnow(),
    )
    db.session.add(application)
    db.session.flush()
    audit.record(
        "application.started",
        application,
        f"Application to {funding_round.name} started by {user.email}",
    )
    return application
