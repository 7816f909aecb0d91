"""The panel's scoring deadline (issue 23): who still has bids to score, who is late, setting the
deadline, and the reminders the daily job sends before it and on its day.

A bid counts as unscored for a member while they are assigned to it, have not declared a conflict
of interest with it, and have not submitted their score sheet (a draft is still unscored). Only bids
the panel scores count (a withdrawn bid does not).

Reminders: "before" when the deadline is 48 hours away or less (and not yet its day), "on" on the
deadline's day in UK time, before its hour; each to members with unscored bids only, and each at most
once per (round, member, kind, deadline): ``PanelReminder``'s unique row says it was sent, so running
the daily job twice sends nothing twice, and moving the deadline makes reminders due again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from grants import audit
from grants.email_templates import send_template
from grants.extensions import db
from grants.formatting import london_datetime, london_today
from grants.interfaces.panel.assignment import PanelError, scored_by_panel
from grants.links import public_url
from grants.models.accounts import User
from grants.models.applications import Application
from grants.models.panel import ConflictDeclaration, PanelReminder, ScoreSheet, ScoringAssignment, SheetStatus
from grants.models.rounds import FundingRound, RoundState
from grants.models.types import utcnow

BEFORE, ON = "before", "on"
# How long before the deadline the "before" reminder is due.
REMINDER_WINDOW = timedelta(hours=48)
# The email template of each kind of reminder (grants/data/emails/panel.toml).
TEMPLATE_KEYS = {BEFORE: "panel_deadline_reminder", ON: "panel_deadline_today"}


def bids_phrase(count: int) -> str:
    """1 bid, 3 bids."""
    return f"{count} bid{'' if count == 1 else 's'}"


def sheets_phrase(count: int) -> str:
    """1 score sheet, 3 score sheets."""
    return f"{count} score sheet{'' if count == 1 else 's'}"


# Who has bids left to score ----------------------------------------------------------------------

def _owed(funding_round: FundingRound, *columns):
    """``columns`` of the round's assignments a member owes a sheet for: bids the panel scores, no
    declared conflict. An assignment's bid is always in the assignment's round; saying so lets
    PostgreSQL start from the round's bids rather than read every application (0.3 ms, not 20, at
    20,000 applications)."""
    conflicted = (
        select(ConflictDeclaration.id)
        .where(ConflictDeclaration.application_id == ScoringAssignment.application_id,
               ConflictDeclaration.user_id == ScoringAssignment.user_id,
               ConflictDeclaration.conflicted.is_(True))
        .exists()
    )
    return (
        select(*columns)
        .select_from(ScoringAssignment)
        .join(Application, Application.id == ScoringAssignment.application_id)
        .where(ScoringAssignment.round_id == funding_round.id, Application.round_id == funding_round.id,
               scored_by_panel(), ~conflicted)
    )


@dataclass(frozen=True)
class SheetsIn:
    """Score sheets owed (assigned, not conflicted) and how many of them are submitted: the round's,
    or one member's."""

    owed: int
    submitted: int

    @property
    def missing(self) -> int:
        return self.owed - self.submitted


def sheets_by_member(funding_round: FundingRound) -> dict[int, SheetsIn]:
    """Each member's (user id) owed and submitted score sheets in the round; members who owe none
    are left out. One query, from which the counts below are all made."""
    owed = _owed(funding_round, ScoringAssignment.user_id, func.count(), func.count(ScoreSheet.id)).outerjoin(
        ScoreSheet, and_(ScoreSheet.application_id == ScoringAssignment.application_id,
                         ScoreSheet.user_id == ScoringAssignment.user_id,
                         ScoreSheet.status == SheetStatus.SUBMITTED))
    return {user_id: SheetsIn(owed=total, submitted=submitted)
            for user_id, total, submitted in db.session.execute(owed.group_by(ScoringAssignment.user_id))}


def unscored_counts(funding_round: FundingRound) -> dict[int, int]:
    """Bids each member (user id) still has to score in the round; members with none are left out. One query."""
    return _unscored(sheets_by_member(funding_round))


def _unscored(by_member: dict[int, SheetsIn]) -> dict[int, int]:
    return {user_id: sheets.missing for user_id, sheets in by_member.items() if sheets.missing}


def sheets_in(funding_round: FundingRound) -> SheetsIn:
    """How many of the round's owed score sheets are in (one query)."""
    return _total(sheets_by_member(funding_round))


def _total(by_member: dict[int, SheetsIn]) -> SheetsIn:
    return SheetsIn(owed=sum(sheets.owed for sheets in by_member.values()),
                    submitted=sum(sheets.submitted for sheets in by_member.values()))


def is_past(funding_round: FundingRound, now: datetime | None = None) -> bool:
    """Whether the round has a scoring deadline and it has passed."""
    deadline = funding_round.scoring_deadline
    return deadline is not None and (now or utcnow()) >= deadline


@dataclass(frozen=True)
class LateMember:
    user: User
    unscored: int
    last_reminded: datetime | None  # the latest deadline reminder sent to them in this round


def late_members(funding_round: FundingRound, now: datetime | None = None) -> list[LateMember]:
    """Members with bids still unscored once the deadline has passed, by name; none before it (or with no
    deadline). Three queries."""
    if not is_past(funding_round, now):
        return []
    return _late(funding_round, unscored_counts(funding_round))


def _late(funding_round: FundingRound, counts: dict[int, int]) -> list[LateMember]:
    """The members in ``counts`` (unscored bids by user id), by name, with their last reminder."""
    if not counts:
        return []
    reminded = dict(db.session.execute(
        select(PanelReminder.user_id, func.max(PanelReminder.sent_at))
        .where(PanelReminder.round_id == funding_round.id, PanelReminder.user_id.in_(list(counts)))
        .group_by(PanelReminder.user_id)
    ).all())
    users = db.session.scalars(select(User).where(User.id.in_(list(counts))).options(lazyload(User.role_grants))
                              .order_by(User.full_name, User.id))
    return [LateMember(user, counts[user.id], reminded.get(user.id)) for user in users]


@dataclass(frozen=True)
class DeadlineProgress:
    """What the officer's round page shows under the scoring deadline."""

    sheets_in: SheetsIn | None  # None when the round has no deadline
    late: list[LateMember]  # none before the deadline


def deadline_progress(funding_round: FundingRound, now: datetime | None = None) -> DeadlineProgress:
    """``sheets_in`` and ``late_members`` from one count per member: no query without a deadline,
    one before it or when no one is late, three when someone is."""
    if funding_round.scoring_deadline is None:
        return DeadlineProgress(None, [])
    by_member = sheets_by_member(funding_round)
    late = _late(funding_round, _unscored(by_member)) if is_past(funding_round, now) else []
    return DeadlineProgress(_total(by_member), late)


# Setting the deadline ----------------------------------------------------------------------------

def _minute(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(second=0, microsecond=0)


def set_scoring_deadline(funding_round: FundingRound, deadline: datetime | None, officer: User,
                         now: datetime | None = None) -> bool:
    """Set, move or clear (None) the round's scoring deadline, audited; whether it changed.

    A new or moved deadline must be in the future and after the round closes; an unchanged one is kept
    even once it has passed (saving the other panel settings does not trip over it). The caller commits.
    """
    now = now or utcnow()
    if _minute(deadline) == _minute(funding_round.scoring_deadline):  # the form gives whole minutes
        return False
    if funding_round.state(now) is RoundState.DECIDED:
        raise PanelError("The round has been decided: its scoring deadline can no longer change")
    if deadline is not None:
        if deadline <= now:
            raise PanelError("Scoring deadline must be in the future")
        if deadline <= funding_round.closes_at:
            raise PanelError("Scoring deadline must be after the round closes "
                             f"({london_datetime(funding_round.closes_at)})")
    before = funding_round.scoring_deadline
    funding_round.scoring_deadline = deadline
    if deadline is None:
        summary = f"Scoring deadline removed for {funding_round.name}"
    else:
        summary = f"Scoring deadline for {funding_round.name} set to {london_datetime(deadline)}"
    audit.record("panel.scoring_deadline_set", funding_round, summary,
                 changes=audit.diff({"scoring_deadline": before}, {"scoring_deadline": deadline}), actor=officer)
    return True


# Reminders ---------------------------------------------------------------------------------------

def due_kind(deadline: datetime, now: datetime) -> str | None:
    """Which reminder is due now for ``deadline``: "on" on its day (UK time) before its hour, "before" within
    48 hours of it on an earlier day, else None."""
    if now >= deadline:
        return None
    if london_today(now) == london_today(deadline):
        return ON
    if deadline - now <= REMINDER_WINDOW:
        return BEFORE
    return None


def _values(funding_round: FundingRound, user: User, unscored: int) -> dict[str, str | bool]:
    deadline = funding_round.scoring_deadline
    assert deadline is not None  # only rounds with a deadline are reminded
    return {
        "member name": user.full_name,
        "round name": funding_round.name,
        "bids": bids_phrase(unscored),
        "deadline": london_datetime(deadline),
        "link": public_url("panel.queue", _anchor=f"round-{funding_round.id}"),
    }


def _remind(funding_round: FundingRound, user: User, kind: str, unscored: int, now: datetime) -> PanelReminder | None:
    """Record and send one reminder, unless it has been sent already (the unique row): None then."""
    deadline = funding_round.scoring_deadline
    assert deadline is not None
    reminder = PanelReminder(round_id=funding_round.id, user_id=user.id, kind=kind, deadline=deadline,
                             unscored=unscored, sent_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(reminder)
            db.session.flush()
    except IntegrityError:  # sent already, by this job earlier or at the same moment by another
        return None
    send_template(TEMPLATE_KEYS[kind], user.email, _values(funding_round, user, unscored))
    return reminder


@dataclass(frozen=True)
class SentReminder:
    funding_round: FundingRound
    user: User
    kind: str
    unscored: int

    def describe(self) -> str:
        when = "deadline today" if self.kind == ON else "deadline within 2 days"
        return f"{self.funding_round.name}: {self.user.full_name}, {bids_phrase(self.unscored)} to score ({when})"


def send_reminders(now: datetime | None = None) -> list[SentReminder]:
    """Send the reminders due now in every undecided round with a scoring deadline; what was sent.
    Each is sent once (see the module's docstring). The caller commits."""
    now = now or utcnow()
    rounds = db.session.scalars(
        select(FundingRound)
        .where(FundingRound.scoring_deadline.is_not(None), FundingRound.scoring_deadline > now,
               FundingRound.decided_at.is_(None))
        .order_by(FundingRound.scoring_deadline, FundingRound.id)
    )
    sent = []
    for funding_round in rounds:
        assert funding_round.scoring_deadline is not None
        kind = due_kind(funding_round.scoring_deadline, now)
        if kind is None or funding_round.state(now) is RoundState.DECIDED:
            continue
        counts = unscored_counts(funding_round)
        if not counts:
            continue
        already = set(db.session.scalars(
            select(PanelReminder.user_id).where(
                PanelReminder.round_id == funding_round.id, PanelReminder.kind == kind,
                PanelReminder.deadline == funding_round.scoring_deadline)
        ))
        users = db.session.scalars(
            select(User).where(User.id.in_([user_id for user_id in counts if user_id not in already]),
                               User.active.is_(True))
            .order_by(User.full_name, User.id)
        )
        for user in users:
            if _remind(funding_round, user, kind, counts[user.id], now) is not None:
                sent.append(SentReminder(funding_round, user, kind, counts[user.id]))
    return sent


# Example values for the email templates' previews: from real data, never written -----------------

def _example_member() -> tuple[FundingRound, User, int] | None:
    """A round with assignments (one with a deadline first) and a member with bids left to score in it
    (or any member assigned there when all are scored), with how many."""
    funding_round = db.session.scalars(
        select(FundingRound)
        .where(FundingRound.id.in_(select(ScoringAssignment.round_id)))
        .order_by(FundingRound.scoring_deadline.is_(None), FundingRound.id.desc())
        .limit(1)
    ).first()
    if funding_round is None:
        return None
    counts = unscored_counts(funding_round)
    user_id = min(counts) if counts else db.session.scalar(
        select(func.min(ScoringAssignment.user_id)).where(ScoringAssignment.round_id == funding_round.id))
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None:
        return None
    return funding_round, user, counts.get(user.id, 1)


def _example_deadline_values() -> dict[str, str | bool] | None:
    found = _example_member()
    if found is None:
        return None
    funding_round, user, unscored = found
    values: dict[str, str | bool] = {
        "member name": user.full_name,
        "round name": funding_round.name,
        "bids": bids_phrase(unscored),
        "deadline": london_datetime(funding_round.scoring_deadline) if funding_round.scoring_deadline
        else "14 December 2026 at 11:59pm",
        "link": public_url("panel.queue", _anchor=f"round-{funding_round.id}"),
    }
    return values


def example_reminder() -> dict[str, str | bool] | None:
    """Values for the "before the deadline" reminder, from a real round and member."""
    return _example_deadline_values()


def example_today() -> dict[str, str | bool] | None:
    """Values for the "deadline today" reminder, from a real round and member."""
    return _example_deadline_values()
