"""Deadlines: the dates grants staff and grantees work to — funding rounds closing, offers to accept,
instalments due and monitoring returns due — listed by date, and the secret calendar feed of them.

Staff see every organisation's deadlines; a grantee only their own organisation's. Dates are UK
calendar dates (an offer that must be accepted by 00:30 BST on 1 April is a 1 April deadline). What
is still outstanding after its date (an unpaid instalment, a return not yet sent) stays on the list
until it is done; an offer past its deadline has lapsed and a closed round is over, so they go.

A calendar app cannot sign in, so the feed's address carries a random token (``feed_url``). Only its
SHA-256 digest is kept (grants.models.calendar_feeds); a new address replaces the old one, which
then opens nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import groupby

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import joinedload

from grants import audit
from grants.extensions import db
from grants.formatting import london_datetime, london_today, money
from grants.interfaces.writes import rows_changed
from grants.models.accounts import Role, User
from grants.models.applications import Application, ApplicationStage, ApplicationStatus
from grants.models.awards import (
    Award,
    AwardStatus,
    Instalment,
    InstalmentStatus,
    InstalmentTrigger,
    MonitoringReturn,
    ReturnStatus,
)
from grants.models.calendar_feeds import CalendarFeed
from grants.models.organisations import hash_token
from grants.models.rounds import FundingRound

# Who has a deadlines page: staff who run grants and pay them, and grantees.
DEADLINE_STAFF = (Role.GRANTS_OFFICER, Role.FINANCE_OFFICER, Role.COMMISSIONER, Role.ADMIN)
DEADLINE_USERS = (Role.APPLICANT, *DEADLINE_STAFF)

HORIZON_DAYS = 366  # how far ahead the page and the feed look: a year of instalments and returns
OUTSTANDING_RETURN = (ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT, ReturnStatus.MORE_INFORMATION)


@dataclass(frozen=True)
class Deadline:
    """One date someone must act by. ``key`` is stable for as long as the record exists (it is the
    calendar event's UID); ``endpoint`` and ``values`` are the page to act on."""

    key: str
    kind: str  # "round", "eoi" (a two-stage round's expressions of interest), "offer", "instalment" or "return"
    on: date
    title: str
    detail: str
    organisation: str | None
    endpoint: str
    values: dict = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return {"round": "Round closes", "eoi": "Expressions of interest close", "offer": "Offer to accept",
                "instalment": "Instalment due", "return": "Return due"}[self.kind]


@dataclass(frozen=True)
class DeadlineGroup:
    heading: str  # "Outstanding from before today" or a month, "March 2027"
    key: str  # an id for the page: "outstanding" or "2027-03"
    deadlines: list[Deadline]


def may_see_all(user: User) -> bool:
    return user.has_role(*DEADLINE_STAFF)


def deadlines_for(user: User, now: datetime | None = None) -> list[Deadline]:
    """The deadlines ``user`` may see: every organisation's for staff, their organisation's for a
    grantee (none for a grantee without an organisation), by date."""
    if may_see_all(user):
        return collect(None, staff=True, now=now)
    if user.has_role(Role.APPLICANT) and user.organisation_id is not None:
        return collect(user.organisation_id, staff=False, now=now)
    return []


def collect(organisation_id: int | None, staff: bool, now: datetime | None = None) -> list[Deadline]:
    """Every deadline from what is outstanding to HORIZON_DAYS ahead, of one organisation (or all
    when ``organisation_id`` is None), linked to staff pages or to the grantee's, by date."""
    now = now or datetime.now(UTC)
    today = london_today(now)
    until = today + timedelta(days=HORIZON_DAYS)
    found = [
        *_rounds(organisation_id, staff, now, until),
        *_offers(organisation_id, staff, now, until),
        *_instalments(organisation_id, staff, until),
        *_returns(organisation_id, staff, until),
    ]
    order = {"eoi": 0, "round": 0, "offer": 1, "return": 2, "instalment": 3}
    return sorted(found, key=lambda d: (d.on, order[d.kind], d.organisation or "", d.key))


def grouped(deadlines: Iterable[Deadline], today: date | None = None) -> list[DeadlineGroup]:
    """What is outstanding from before today first, then a group for each month, in date order."""
    today = today or london_today()
    groups = []
    deadlines = list(deadlines)
    outstanding = [d for d in deadlines if d.on < today]
    if outstanding:
        groups.append(DeadlineGroup("Outstanding from before today", "outstanding", outstanding))
    upcoming = [d for d in deadlines if d.on >= today]
    for (year, month), items in groupby(upcoming, key=lambda d: (d.on.year, d.on.month)):
        groups.append(DeadlineGroup(f"{date(year, month, 1):%B} {year}", f"{year}-{month:02d}", list(items)))
    return groups


def _uk_date(moment: datetime) -> date:
    return london_today(moment)


def _rounds(organisation_id, staff, now, until) -> list[Deadline]:
    """Rounds closing: for staff each round's closing time, and a two-stage round's expressions of
    interest closing too; for a grantee the stage each of its drafts must be sent by, and the full
    application a shortlisted expression of interest is invited to."""
    query = (select(FundingRound)
             .where(FundingRound.published_at.is_not(None), FundingRound.closes_at >= now)
             .order_by(FundingRound.closes_at, FundingRound.id))
    if organisation_id is not None:
        return _organisation_rounds(organisation_id, query, now, until)
    found = []
    for funding_round in db.session.scalars(query):
        if funding_round.eoi_closes_at is not None and funding_round.eoi_closes_at >= now:
            on = _uk_date(funding_round.eoi_closes_at)
            if on <= until:
                found.append(Deadline(
                    f"round-{funding_round.id}-eoi", "eoi", on,
                    f"{funding_round.name}: expressions of interest close",
                    f"Expressions of interest close at {london_datetime(funding_round.eoi_closes_at)} (UK time).",
                    None, "rounds.manage_round", {"round_id": funding_round.id}))
        on = _uk_date(funding_round.closes_at)
        if on > until:
            continue
        closes = f"{_closing_words(funding_round)} close at {london_datetime(funding_round.closes_at)} (UK time)"
        found.append(Deadline(f"round-{funding_round.id}", "round", on, f"{funding_round.name} closes",
                              f"{closes}.", None, "rounds.manage_round", {"round_id": funding_round.id}))
    return found


def _closing_words(funding_round: FundingRound) -> str:
    return "Full applications" if funding_round.has_eoi_stage else "Applications"


def _organisation_rounds(organisation_id: int, query, now: datetime, until: date) -> list[Deadline]:
    applications = db.session.scalars(
        select(Application).where(
            Application.organisation_id == organisation_id,
            or_(Application.status == ApplicationStatus.DRAFT,
                and_(Application.stage == ApplicationStage.EXPRESSION_OF_INTEREST,
                     Application.status == ApplicationStatus.SUCCESSFUL)))).all()
    started = set(db.session.scalars(select(Application.expression_of_interest_id).where(
        Application.organisation_id == organisation_id, Application.expression_of_interest_id.is_not(None))))
    by_round: dict[int, list[Application]] = {}
    for application in applications:
        if application.status is ApplicationStatus.SUCCESSFUL and application.id in started:
            continue  # its full application has started: that draft's deadline is the one to show
        by_round.setdefault(application.round_id, []).append(application)
    found = []
    for funding_round in db.session.scalars(query.where(FundingRound.id.in_(by_round.keys()))):
        for application in sorted(by_round[funding_round.id], key=lambda a: a.id):
            eoi_draft = application.is_expression_of_interest and application.status is ApplicationStatus.DRAFT
            closing = funding_round.closes_at
            if eoi_draft and funding_round.eoi_closes_at is not None:
                closing = funding_round.eoi_closes_at
            on = _uk_date(closing)
            if on > until or closing < now:
                continue
            if eoi_draft:
                title = f"Send your expression of interest in {funding_round.name}"
                detail = (f"Expressions of interest close at {london_datetime(closing)} (UK time). "
                          "Yours has not been sent yet.")
            elif application.is_expression_of_interest:  # shortlisted, full application not started
                title = f"Send your full application to {funding_round.name}"
                detail = (f"Full applications close at {london_datetime(closing)} (UK time). Your expression of "
                          f"interest {application.reference} was shortlisted: start your full application.")
            else:
                title = f"Send your application to {funding_round.name}"
                detail = (f"{_closing_words(funding_round)} close at {london_datetime(closing)} (UK time). "
                          "Your application has not been sent yet.")
            found.append(Deadline(f"round-{funding_round.id}-application-{application.id}", "round", on, title,
                                  detail, None, "applications.task_list", {"application_id": application.id}))
    return found


def _awards(query, organisation_id):
    if organisation_id is not None:
        query = query.where(Award.organisation_id == organisation_id)
    return query


def _offers(organisation_id, staff, now, until) -> list[Deadline]:
    query = _awards(
        select(Award).where(Award.status == AwardStatus.OFFERED, Award.offer_deadline >= now)
        .options(joinedload(Award.application), joinedload(Award.organisation)), organisation_id)
    found = []
    for award in db.session.scalars(query).unique():
        on = _uk_date(award.offer_deadline)
        if on > until:
            continue
        reference = award.application.reference
        by = f"Accept by {london_datetime(award.offer_deadline)} (UK time), or the offer lapses"
        if staff:
            found.append(Deadline(f"offer-{award.id}", "offer", on, f"Offer {reference} to be accepted",
                                  f"{money(award.amount)} offered. {by}.", award.organisation.name,
                                  "awards.show", {"award_id": award.id}))
        else:
            found.append(Deadline(f"offer-{award.id}", "offer", on, f"Accept the grant offer {reference}",
                                  f"{money(award.amount)} offered. {by}.", award.organisation.name,
                                  "grantee.offer", {"award_id": award.id}))
    return found


def _instalments(organisation_id, staff, until) -> list[Deadline]:
    query = _awards(
        select(Instalment).join(Award, Award.id == Instalment.award_id)
        .where(Instalment.status != InstalmentStatus.PAID, Award.status == AwardStatus.ACCEPTED,
               Instalment.due_date <= until)
        .options(joinedload(Instalment.award).joinedload(Award.application),
                 joinedload(Instalment.award).joinedload(Award.organisation)), organisation_id)
    found = []
    for instalment in db.session.scalars(query).unique():
        award = instalment.award
        reference = award.application.reference
        notes = [money(instalment.amount)]
        if instalment.status is InstalmentStatus.SCHEDULED and instalment.trigger is InstalmentTrigger.AFTER_RETURN:
            notes.append("paid after a satisfactory monitoring return")
        elif staff:
            notes.append({InstalmentStatus.SCHEDULED: "not due yet", InstalmentStatus.DUE: "waiting for approval",
                          InstalmentStatus.APPROVED: "approved, waiting for payment"}[instalment.status])
        if instalment.held:
            notes.append("on hold")
        title = f"Instalment {instalment.number} of {reference}"
        endpoint = "awards.show" if staff else "grantee.show"
        found.append(Deadline(f"instalment-{instalment.id}", "instalment", instalment.due_date,
                              title if staff else f"Instalment {instalment.number} of your grant {reference}",
                              ", ".join(notes),  # a phrase, not a sentence: no full stop
                              award.organisation.name, endpoint, {"award_id": award.id, "_anchor": "payments"}))
    return found


def _returns(organisation_id, staff, until) -> list[Deadline]:
    query = _awards(
        select(MonitoringReturn).join(Award, Award.id == MonitoringReturn.award_id)
        .where(MonitoringReturn.status.in_(OUTSTANDING_RETURN), Award.status == AwardStatus.ACCEPTED,
               MonitoringReturn.due_date <= until)
        .options(joinedload(MonitoringReturn.award).joinedload(Award.application),
                 joinedload(MonitoringReturn.award).joinedload(Award.organisation)), organisation_id)
    found = []
    for monitoring_return in db.session.scalars(query).unique():
        award = monitoring_return.award
        reference = award.application.reference
        name = "Final monitoring return" if monitoring_return.final else f"Monitoring return {monitoring_return.number}"
        detail = monitoring_return.status.label
        if staff:
            found.append(Deadline(f"return-{monitoring_return.id}", "return", monitoring_return.due_date,
                                  f"{name} of {reference}", detail, award.organisation.name,
                                  "awards.return_review", {"award_id": award.id, "return_id": monitoring_return.id}))
        else:
            found.append(Deadline(f"return-{monitoring_return.id}", "return", monitoring_return.due_date,
                                  f"{name} of your grant {reference}", detail, award.organisation.name,
                                  "grantee.return_task_list",
                                  {"award_id": award.id, "return_id": monitoring_return.id}))
    return found


# The secret feed ---------------------------------------------------------------------------------

def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def new_feed_token(user: User) -> str:
    """Make ``user`` a new feed address and return its token (shown once: only its digest is kept).
    Any earlier address stops working."""
    token = secrets.token_urlsafe(32)
    replaced = _remove_feed(user)
    db.session.add(CalendarFeed(user_id=user.id, token_hash=hash_token(token)))
    db.session.flush()
    audit.record("calendar_feed.renewed" if replaced else "calendar_feed.created", user,
                 f"{user.full_name} made a new calendar feed address"
                 + (": the old address no longer works" if replaced else ""), actor=user)
    return token


def stop_feed(user: User) -> bool:
    """Stop ``user``'s feed: its address no longer works. False when there was none."""
    if not _remove_feed(user):
        return False
    audit.record("calendar_feed.stopped", user, f"{user.full_name} stopped their calendar feed: its address "
                 "no longer works", actor=user)
    return True


def _remove_feed(user: User) -> bool:
    removed = rows_changed(delete(CalendarFeed).where(CalendarFeed.user_id == user.id)
                           .execution_options(synchronize_session=False))
    db.session.flush()
    return removed > 0


def user_for_token(token: str | None) -> User | None:
    """The active person whose feed address carries ``token`` and who still has a deadlines page."""
    if not token or len(token) > 100:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == hash_token(token)))
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    if user is None or not user.active or not user.has_role(*DEADLINE_USERS):
        return None
    return user
