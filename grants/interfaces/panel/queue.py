"""A panel member's queue: the rounds they sit on that are being scored, in full (a page of bids
per round, with where the member is with each), and the decided rounds they sat on, in brief.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from flask import abort
from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import joinedload, lazyload, load_only

from grants.extensions import db
from grants.interfaces.paging import Page, paginate
from grants.interfaces.panel.assignment import scored_by_panel
from grants.models.accounts import User
from grants.models.applications import Application
from grants.models.organisations import Organisation
from grants.models.panel import ConflictDeclaration, PanelMember, ScoreSheet, ScoringAssignment, SheetStatus
from grants.models.rounds import FundingRound

# A member's view ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueItem:
    """One bid in a member's round, and where the member is with it."""

    application: Application
    assigned: bool
    declaration: ConflictDeclaration | None
    sheet: ScoreSheet | None

    @property
    def conflicted(self) -> bool:
        return self.declaration is not None and self.declaration.conflicted

    @property
    def state(self) -> str:
        """"conflict", "declare", "not_started", "draft", "submitted" or "not_assigned"."""
        if self.conflicted:
            return "conflict"
        if not self.assigned:
            return "not_assigned"
        if self.declaration is None:
            return "declare"
        if self.sheet is None:
            return "not_started"
        return self.sheet.status.value


QUEUE_PAGE_SIZE = 50  # bids of a round on one page of a member's queue
# The columns of a bid that the queue (panel/member_queue.html) shows or groups by.
QUEUE_COLUMNS = (Application.round_id, Application.reference, Application.stage, Application.project_title,
                 Application.amount_requested, Application.organisation_id)


@dataclass(frozen=True)
class MemberRound:
    """A round the member sits on: one page of its bids, and the member's progress over all of them."""

    funding_round: FundingRound
    items: list[QueueItem]
    bids: int = 0  # in the whole round, not just this page
    assigned: int = 0
    submitted: int = 0
    conflicted: int = 0  # assigned, with a conflict declared
    page: int = 1
    per_page: int = QUEUE_PAGE_SIZE

    @property
    def to_do(self) -> int:
        """Assigned bids still to declare, score or finish (in the queue's states: "declare",
        "not_started" or "draft")."""
        return self.assigned - self.conflicted - self.submitted

    @property
    def total(self) -> int:  # as paging.Page, for the pagination macro
        return self.bids

    @property
    def pages(self) -> int:
        return max(1, -(-self.bids // self.per_page))


PAST_ROUNDS_PAGE_SIZE = 10  # decided rounds listed on one page of a member's queue


@dataclass(frozen=True)
class PastRound:
    """A decided round the member sat on, in brief: their own assigned and submitted counts."""

    funding_round: FundingRound
    assigned: int
    submitted: int


@dataclass(frozen=True)
class MemberQueue:
    """What a member's queue shows: the rounds not yet decided in full (a page of bids each), the
    decided rounds in brief (a page of them), or one round asked for by id (``focus``, a decided
    round's page of bids, shown on its own)."""

    current: list[MemberRound]
    past: Page  # of PastRound, newest decision first
    focus: MemberRound | None = None

    @property
    def empty(self) -> bool:
        return not self.current and not self.past.total and self.focus is None


def member_queue(user: User, round_id: int | None = None, page: int = 1, past_page: int = 1) -> MemberQueue:
    """The rounds the user sits on: those not yet decided newest first, each with a page of its
    bids (the first, or ``page`` of round ``round_id``) and the member's progress; and the decided
    ones in brief, a page at a time (``past_page``). When ``round_id`` is a decided round, that
    round's page of bids alone. A fixed number of queries however many rounds, bids and years of
    history there are. A round the user does not sit on, or a page past the last, is "not found"."""
    seated = select(PanelMember.round_id).where(PanelMember.user_id == user.id)
    current = sorted(
        db.session.scalars(
            select(FundingRound)
            .where(FundingRound.id.in_(seated), FundingRound.decided_at.is_(None))
            .options(lazyload("*"))  # the round's own lists (areas, rubric criteria …) are not shown
        ),
        key=lambda r: (r.closes_at, r.id), reverse=True,
    )
    current_ids = [r.id for r in current]
    if round_id is not None and round_id not in current_ids:
        funding_round = db.session.scalar(
            select(FundingRound).where(FundingRound.id == round_id, FundingRound.id.in_(seated),
                                       FundingRound.decided_at.is_not(None)).options(lazyload("*"))
        )
        if funding_round is None:
            abort(404)
        [focus] = _member_rounds(user, [funding_round], round_id, page)
        return MemberQueue([], Page([], 1, PAST_ROUNDS_PAGE_SIZE, 0), focus)
    return MemberQueue(_member_rounds(user, current, round_id, page), _past_rounds(user, seated, past_page))


def _member_rounds(user: User, rounds: list[FundingRound], round_id: int | None, page: int) -> list[MemberRound]:
    """Each round with a page of its bids (the first, or ``page`` of ``round_id``) and the member's
    progress (five queries)."""
    round_ids = [r.id for r in rounds]
    if not round_ids:
        return []
    counts = _queue_counts(user, round_ids)
    if round_id is not None and not 1 <= page <= max(1, -(-counts[round_id][0] // QUEUE_PAGE_SIZE)):
        abort(404)
    bids = _queue_page(round_ids, {round_id: page} if round_id is not None else {})
    bid_ids = [application.id for application in bids]
    assigned = set(db.session.scalars(
        select(ScoringAssignment.application_id).where(ScoringAssignment.user_id == user.id,
                                                       ScoringAssignment.application_id.in_(bid_ids))
    )) if bid_ids else set()
    declared = {
        row.application_id: row for row in db.session.scalars(
            select(ConflictDeclaration).options(lazyload("*"))
            .where(ConflictDeclaration.user_id == user.id, ConflictDeclaration.application_id.in_(bid_ids))
        )
    } if bid_ids else {}
    sheets = {
        row.application_id: row for row in db.session.scalars(
            select(ScoreSheet).options(lazyload("*"))
            .where(ScoreSheet.user_id == user.id, ScoreSheet.application_id.in_(bid_ids))
        )
    } if bid_ids else {}
    by_round: dict[int, list[QueueItem]] = defaultdict(list)
    for application in bids:
        by_round[application.round_id].append(
            QueueItem(application, application.id in assigned, declared.get(application.id), sheets.get(application.id))
        )
    return [
        MemberRound(r, by_round.get(r.id, []), *counts[r.id], page=page if r.id == round_id else 1)
        for r in rounds
    ]


def _past_rounds(user: User, seated, page: int) -> Page:
    """A page of the decided rounds the user sat on, newest decision first, with the user's
    assigned and submitted counts in each, as recorded on their seat when the round was decided
    (``decisions.record_member_counts``; three queries, none of which counts)."""
    result = paginate(
        select(FundingRound)
        .where(FundingRound.id.in_(seated), FundingRound.decided_at.is_not(None))
        .options(lazyload("*"))
        .order_by(FundingRound.decided_at.desc(), FundingRound.id.desc()),
        page, PAST_ROUNDS_PAGE_SIZE,
    )
    ids = [funding_round.id for funding_round in result.items]
    if not ids:
        return result
    counts = {row.round_id: (row.assigned or 0, row.submitted or 0) for row in db.session.execute(
        select(PanelMember.round_id, PanelMember.assigned, PanelMember.submitted)
        .where(PanelMember.user_id == user.id, PanelMember.round_id.in_(ids))
    )}
    result.items = [PastRound(r, *counts.get(r.id, (0, 0))) for r in result.items]
    return result


def _queue_counts(user: User, round_ids: list[int]) -> dict[int, tuple[int, int, int, int]]:
    """(bids, assigned to the user, submitted by the user, assigned but conflicted) per round,
    counted in SQL as the queue shows them: submitted is assigned, declared without a conflict and
    the sheet submitted. Two statements: the bids per round (from the round's index), and the
    member's own counts from their assignments, so that the cost follows the member's own work,
    not the size of the rounds."""
    bids = dict(db.session.execute(
        select(Application.round_id, func.count(Application.id))
        .where(Application.round_id.in_(round_ids), scored_by_panel())
        .group_by(Application.round_id)
    ).all())
    submitted = and_(ConflictDeclaration.conflicted.is_(False), ScoreSheet.status == SheetStatus.SUBMITTED)
    rows = db.session.execute(
        select(
            Application.round_id,
            func.count(ScoringAssignment.application_id),
            func.coalesce(func.sum(case((submitted, 1), else_=0)), 0),
            func.coalesce(func.sum(case((ConflictDeclaration.conflicted.is_(True), 1), else_=0)), 0),
        )
        .select_from(ScoringAssignment)
        .join(Application, Application.id == ScoringAssignment.application_id)
        .outerjoin(ConflictDeclaration, and_(ConflictDeclaration.application_id == ScoringAssignment.application_id,
                                             ConflictDeclaration.user_id == user.id))
        .outerjoin(ScoreSheet, and_(ScoreSheet.application_id == ScoringAssignment.application_id,
                                    ScoreSheet.user_id == user.id, ScoreSheet.round_id == Application.round_id))
        .where(ScoringAssignment.user_id == user.id, Application.round_id.in_(round_ids),
               scored_by_panel())
        .group_by(Application.round_id)
    )
    own = {round_id: (int(assigned), int(scored), int(conflicted)) for round_id, assigned, scored, conflicted in rows}
    return {round_id: (int(bids.get(round_id, 0)), *own.get(round_id, (0, 0, 0))) for round_id in round_ids}


def _queue_page(round_ids: list[int], pages: Mapping[int, int]) -> list[Application]:
    """One page of bids of each round (by reference; the first page unless ``pages`` says), in one
    query: each bid's position in its round is numbered in SQL."""
    position = func.row_number().over(partition_by=Application.round_id,
                                      order_by=(Application.reference, Application.id))
    numbered = (
        select(Application.id, Application.round_id, position.label("position"))
        .where(Application.round_id.in_(round_ids), scored_by_panel())
        .subquery()
    )
    skipped = (case({round_id: (page - 1) * QUEUE_PAGE_SIZE for round_id, page in pages.items()},
                    value=numbered.c.round_id, else_=0) if pages else literal(0))
    return list(db.session.scalars(
        select(Application)
        .join(numbered, numbered.c.id == Application.id)
        .where(numbered.c.position > skipped, numbered.c.position <= skipped + QUEUE_PAGE_SIZE)
        # Only what the queue shows of a bid: loading 100 whole rows (77 columns each) took more time
        # than anything else on the page.
        .options(lazyload("*"), load_only(*QUEUE_COLUMNS),
                 joinedload(Application.organisation).load_only(Organisation.name).lazyload("*"))
        .order_by(Application.reference, Application.id)
    ).unique())
