"""Shortlisting a two-stage round's expressions of interest: grants officers list the submitted ones,
read each, and shortlist it (inviting its organisation to the full application) or not, with a
reason the applicant sees.

An expression of interest's decision is its status: successful when shortlisted, unsuccessful when
not (shown as "Shortlisted" and "Not shortlisted"). It can be changed until the organisation starts
its full application; after that the full application stands on its own. Every decision is audited
and emailed to the organisation's members. Nothing here commits.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import abort
from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager, lazyload

import scoring
from grants import audit
from grants.extensions import db
from grants.interfaces.applications.stages import EOI, full_application_of
from grants.interfaces.organisations.membership import members_of
from grants.interfaces.screening import emails as screening_emails
from grants.interfaces.writes import rows_changed
from grants.models.accounts import User
from grants.models.applications import Application, ApplicationStatus
from grants.models.organisations import Organisation
from grants.models.panel import ScoreSheet, SheetStatus
from grants.models.rounds import FundingRound
from grants.models.types import utcnow

# An expression of interest officers can see and decide: sent, shortlisted or not.
DECIDABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.SUCCESSFUL, ApplicationStatus.UNSUCCESSFUL)
# Expressions of interest officers list: the decidable ones and those withdrawn after sending.
LISTED = (*DECIDABLE, ApplicationStatus.WITHDRAWN)
REASON_MAX_CHARACTERS = 2_000


class ShortlistConflict(Exception):
    """The decision can no longer be made or changed; the message is for the officer."""


def eoi_round(round_id: int) -> FundingRound:
    """A published round with an expression-of-interest stage; any other is "not found"."""
    funding_round = db.session.get(FundingRound, round_id)
    if funding_round is None or funding_round.published_at is None or not funding_round.has_eoi_stage:
        abort(404)
    return funding_round


def eoi_rounds() -> list[FundingRound]:
    """Published two-stage rounds, latest closing first (for the screening index)."""
    return list(db.session.scalars(
        select(FundingRound)
        .where(FundingRound.published_at.is_not(None), FundingRound.eoi_closes_at.is_not(None))
        .order_by(FundingRound.closes_at.desc(), FundingRound.id.desc())
    ))


def round_eois(funding_round: FundingRound) -> list[Application]:
    """The round's sent expressions of interest, by reference, with their organisations (two queries
    whatever their number: the answers are not loaded)."""
    return list(db.session.scalars(
        select(Application)
        .join(Application.organisation)
        .options(contains_eager(Application.organisation), lazyload(Application.sections))
        .where(Application.round_id == funding_round.id, Application.stage == EOI,
               Application.status.in_(LISTED))
        .order_by(Application.reference, Application.id)
    ))


def eoi_for_round(funding_round: FundingRound, application_id: int) -> Application:
    """One of the round's sent expressions of interest; anything else (a draft, a full application,
    another round's) is "not found"."""
    application = db.session.get(Application, application_id)
    if (application is None or application.round_id != funding_round.id or application.stage is not EOI
            or application.status not in LISTED):
        abort(404)
    return application


def started_full_applications(eois: list[Application]) -> set[int]:
    """The ids of those expressions of interest whose full application has started."""
    ids = [eoi.id for eoi in eois]
    if not ids:
        return set()
    return set(db.session.scalars(
        select(Application.expression_of_interest_id).where(Application.expression_of_interest_id.in_(ids))
    ))


def panel_scores(funding_round: FundingRound, eois: list[Application]) -> dict[int, Decimal]:
    """When the panel scores expressions of interest: each one's mean weighted total of its submitted
    score sheets, to one decimal place (none until a member has submitted)."""
    if not funding_round.panel_scores_eoi or funding_round.rubric is None or not eois:
        return {}
    from grants.interfaces.panel.assignment import scoring_rubric

    rubric = scoring_rubric(funding_round.rubric)
    keys = set(rubric.keys)
    ids = {eoi.id for eoi in eois}
    totals: dict[int, list[Decimal]] = defaultdict(list)
    for sheet in db.session.scalars(
        select(ScoreSheet).where(ScoreSheet.round_id == funding_round.id, ScoreSheet.status == SheetStatus.SUBMITTED,
                                 ScoreSheet.application_id.in_(ids))
    ):
        if set(sheet.values) == keys:
            values = {key: int(value) for key, value in sheet.values.items()}
            totals[sheet.application_id].append(scoring.weighted_total(rubric, values))
    return {
        application_id: (sum(found, Decimal(0)) / len(found)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        for application_id, found in totals.items()
    }


def decide(eoi: Application, shortlisted: bool, reason: str | None, officer: User,
           now: datetime | None = None) -> bool:
    """Shortlist the expression of interest, or not with a reason; email its organisation's members.

    Returns False when nothing changed (the same decision and reason again). Raises
    ``ShortlistConflict`` once its full application has started, or when it was withdrawn. One
    conditional UPDATE, so that a decision is never made on a row that changed meanwhile."""
    reason = (reason or "").strip() or None
    if not shortlisted and reason is None:
        raise ValueError("A reason is needed when an expression of interest is not shortlisted")
    if eoi.status not in DECIDABLE:
        raise ShortlistConflict(f"{eoi.reference} was {eoi.status.label.lower()}, so it cannot be shortlisted")
    if full_application_of(eoi) is not None:
        raise ShortlistConflict(f"{eoi.organisation.name} has started its full application, so the decision on "
                                f"{eoi.reference} can no longer be changed. Nothing was changed")
    status = ApplicationStatus.SUCCESSFUL if shortlisted else ApplicationStatus.UNSUCCESSFUL
    if eoi.status is status and eoi.shortlist_reason == reason:
        return False
    now = now or utcnow()
    after = {"status": status, "shortlist_reason": reason, "shortlisted_at": now, "shortlisted_by_id": officer.id}
    before = {field: getattr(eoi, field) for field in after}
    changed = rows_changed(
        update(Application)
        .where(Application.id == eoi.id, Application.version == eoi.version, Application.status.in_(DECIDABLE),
               ~select(Application.id).where(Application.expression_of_interest_id == eoi.id).exists())
        .values(**after, version=Application.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(eoi)
    if changed != 1:
        raise ShortlistConflict(f"{eoi.reference} was changed by someone else while you were deciding. "
                                "Nothing was changed: check it and decide again")
    audit.record(
        "application.shortlisted" if shortlisted else "application.not_shortlisted",
        eoi,
        f"Expression of interest {eoi.reference} {'shortlisted' if shortlisted else 'not shortlisted'}"
        + (" (decision changed)" if before["status"] is not ApplicationStatus.SUBMITTED else ""),
        changes=audit.diff(before, after),
        actor=officer,
    )
    _tell_organisation(eoi, shortlisted)
    return True


def recipients(organisation: Organisation) -> list[str]:
    """The organisation's active members' addresses, and its contact's if not among them."""
    emails = [member.email for member in members_of(organisation) if member.active]
    if organisation.contact_email and organisation.contact_email.lower() not in {e.lower() for e in emails}:
        emails.append(organisation.contact_email)
    return emails


def _tell_organisation(eoi: Application, shortlisted: bool) -> None:
    screening_emails.tell_of_shortlisting(eoi, shortlisted, recipients(eoi.organisation))
