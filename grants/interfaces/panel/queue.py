"""A panel member's queue: the rounds they sit on that are being scored, in full (a page of bids
per round, with where the member is with each), and the decided rounds they sat on, in brief.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache

from flask import abort
from sqlalchemy import Integer, Select, and_, bindparam, case, func, literal, select
from sqlalchemy.orm import lazyload

from grants.extensions import db
from grants.interfaces.paging import Page
from grants.interfaces.panel.assignment import scored_by_panel
from grants.models.accounts import User
from grants.models.applications import Application, ApplicationStage
from grants.models.organisations import Organisation
from grants.models.panel import ConflictDeclaration, PanelMember, ScoreSheet, ScoringAssignment, SheetStatus
from grants.models.rounds import FundingRound

# A member's view ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class QueueBid:
    """What the queue shows of a bid (panel/member_queue.html), read as plain columns: building a
    hundred mapped applications took longer than the rest of the page."""

    id: int
    round_id: int
    reference: str | None
    stage: ApplicationStage
    project_title: str | None
    amount_requested: Decimal | None
    organisation_name: str | None

    @property
    def is_expression_of_interest(self) -> bool:
        return self.stage is ApplicationStage.EXPRESSION_OF_INTEREST


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One bid in a member's round, and where the member is with it."""

    application: QueueBid
    assigned: bool
    declared: bool  # the member has made a declaration for the bid, with or without a conflict
    conflicted: bool
    sheet_status: SheetStatus | None  # the member's score sheet, None before they start one

    @property
    def state(self) -> str:
        """"conflict", "declare", "not_started", "draft", "submitted" or "not_assigned"."""
        if self.conflicted:
            return "conflict"
        if not self.assigned:
            return "not_assigned"
        if not self.declared:
            return "declare"
        if self.sheet_status is None:
            return "not_started"
        return self.sheet_status.value


QUEUE_PAGE_SIZE = 50  # bids of a round on one page of a member's queue


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


@dataclass(frozen=True, slots=True)
class PastRound:
    """A decided round the member sat on, in brief: their own assigned and submitted counts."""

    id: int
    name: str
    decided_at: datetime
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
    return MemberQueue(_member_rounds(user, current, round_id, page), _past_rounds(user, past_page))


def _member_rounds(user: User, rounds: list[FundingRound], round_id: int | None, page: int) -> list[MemberRound]:
    """Each round with a page of its bids (the first, or ``page`` of ``round_id``) and the member's
    progress (three queries)."""
    round_ids = [r.id for r in rounds]
    if not round_ids:
        return []
    counts = _queue_counts(user, round_ids)
    if round_id is not None and not 1 <= page <= max(1, -(-counts[round_id][0] // QUEUE_PAGE_SIZE)):
        abort(404)
    by_round: dict[int, list[QueueItem]] = defaultdict(list)
    for item in _queue_page(user, round_ids, {round_id: page} if round_id is not None else {}):
        by_round[item.application.round_id].append(item)
    return [
        MemberRound(r, by_round.get(r.id, []), *counts[r.id], page=page if r.id == round_id else 1)
        for r in rounds
    ]


def _past_rounds(user: User, page: int) -> Page:
    """A page of the decided rounds the user sat on, newest decision first, with the user's
    assigned and submitted counts in each, as recorded on their seat when the round was decided
    (``decisions.record_member_counts``; one query, which counts nothing but the rounds)."""
    if page < 1:
        abort(404)
    rows = db.session.execute(
        select(FundingRound.id, FundingRound.name, FundingRound.decided_at, PanelMember.assigned,
               PanelMember.submitted, func.count().over().label("paging_total"))
        .join(PanelMember, and_(PanelMember.round_id == FundingRound.id, PanelMember.user_id == user.id))
        .where(FundingRound.decided_at.is_not(None))
        .order_by(FundingRound.decided_at.desc(), FundingRound.id.desc())
        .limit(PAST_ROUNDS_PAGE_SIZE).offset((page - 1) * PAST_ROUNDS_PAGE_SIZE)
    ).all()
    if not rows:
        if page > 1:
            abort(404)
        return Page([], page, PAST_ROUNDS_PAGE_SIZE, 0)
    return Page([PastRound(row.id, row.name, row.decided_at, row.assigned or 0, row.submitted or 0) for row in rows],
                page, PAST_ROUNDS_PAGE_SIZE, rows[0].paging_total)


def _queue_counts(user: User, round_ids: list[int]) -> dict[int, tuple[int, int, int, int]]:
    """(bids, assigned to the user, submitted by the user, assigned but conflicted) per round,
    counted in SQL as the queue shows them: submitted is assigned, declared without a conflict and
    the sheet submitted. One statement of two counts side by side: the bids per round (from the
    round's index), and the member's own counts from their assignments, so that the cost follows
    the member's own work, not the size of the rounds."""
    rows = db.session.execute(_counts_statement(), {"user_id": user.id, "round_ids": round_ids})
    found = {round_id: (int(count), int(assigned or 0), int(scored or 0), int(conflicted or 0))
             for round_id, count, assigned, scored, conflicted in rows}
    return {round_id: found.get(round_id, (0, 0, 0, 0)) for round_id in round_ids}


@cache
def _counts_statement() -> Select:
    """``_queue_counts``' statement, built once (building it took longer than running it), for
    the parameters ``user_id`` and ``round_ids``."""
    user_id = bindparam("user_id", type_=Integer)
    round_ids = bindparam("round_ids", type_=Integer, expanding=True)
    bids = (
        select(Application.round_id.label("round_id"), func.count(Application.id).label("bids"))
        .where(Application.round_id.in_(round_ids), scored_by_panel())
        .group_by(Application.round_id)
        .subquery()
    )
    submitted = and_(ConflictDeclaration.conflicted.is_(False), ScoreSheet.status == SheetStatus.SUBMITTED)
    own = (
        select(
            Application.round_id.label("round_id"),
            func.count(ScoringAssignment.application_id).label("assigned"),
            func.coalesce(func.sum(case((submitted, 1), else_=0)), 0).label("submitted"),
            func.coalesce(func.sum(case((ConflictDeclaration.conflicted.is_(True), 1), else_=0)), 0)
            .label("conflicted"),
        )
        .select_from(ScoringAssignment)
        .join(Application, Application.id == ScoringAssignment.application_id)
        .outerjoin(ConflictDeclaration, and_(ConflictDeclaration.application_id == ScoringAssignment.application_id,
                                             ConflictDeclaration.user_id == user_id))
        .outerjoin(ScoreSheet, and_(ScoreSheet.application_id == ScoringAssignment.application_id,
                                    ScoreSheet.user_id == user_id, ScoreSheet.round_id == Application.round_id))
        .where(ScoringAssignment.user_id == user_id, Application.round_id.in_(round_ids), scored_by_panel())
        .group_by(Application.round_id)
        .subquery()
    )
    # Every round with an assigned bid has a bid, so the member's counts join the bids' counts.
    return (select(bids.c.round_id, bids.c.bids, own.c.assigned, own.c.submitted, own.c.conflicted)
            .select_from(bids).outerjoin(own, own.c.round_id == bids.c.round_id))


def _queue_page(user: User, round_ids: list[int], pages: Mapping[int, int]) -> list[QueueItem]:
    """One page of bids of each round (by reference; the first page unless ``pages`` says, of one
    round at most), each with where ``user`` is with it, in one query: each bid's position in its
    round is numbered in SQL, and the member's assignment, declaration and sheet (one of each at
    most) are joined."""
    [(focus, page)] = pages.items() if pages else [(None, 1)]
    rows = db.session.execute(_page_statement(focus is not None), {
        "user_id": user.id, "round_ids": round_ids, "focus_round": focus, "skipped": (page - 1) * QUEUE_PAGE_SIZE,
    }).all()
    return [
        QueueItem(QueueBid(bid_id, bid_round, reference, stage, title, amount, organisation),
                  assigned is not None, declaration is not None, bool(conflicted), status)
        for (bid_id, bid_round, reference, stage, title, amount, organisation, assigned, declaration, conflicted,
             status) in rows
    ]


@cache
def _page_statement(focused: bool) -> Select:
    """``_queue_page``'s statement, built once, for the parameters ``user_id``, ``round_ids`` and,
    when ``focused``, ``focus_round`` and ``skipped`` (the bids of that round before its page).
    Unfocused, every round's first page is a constant, so the database stops numbering each round
    at its 50th bid."""
    user_id = bindparam("user_id", type_=Integer)
    position = func.row_number().over(partition_by=Application.round_id,
                                      order_by=(Application.reference, Application.id))
    numbered = (
        select(Application.id, Application.round_id, position.label("position"))
        .where(Application.round_id.in_(bindparam("round_ids", expanding=True)), scored_by_panel())
        .subquery()
    )
    skipped = (case((numbered.c.round_id == bindparam("focus_round", type_=Integer),
                     bindparam("skipped", type_=Integer)), else_=0)
               if focused else literal(0))
    return (
        select(Application.id, Application.round_id, Application.reference, Application.stage,
               Application.project_title, Application.amount_requested, Organisation.name,
               ScoringAssignment.application_id, ConflictDeclaration.id, ConflictDeclaration.conflicted,
               ScoreSheet.status)
        .join(numbered, numbered.c.id == Application.id)
        .outerjoin(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(ScoringAssignment, and_(ScoringAssignment.application_id == Application.id,
                                           ScoringAssignment.user_id == user_id))
        .outerjoin(ConflictDeclaration, and_(ConflictDeclaration.application_id == Application.id,
                                             ConflictDeclaration.user_id == user_id))
        .outerjoin(ScoreSheet, and_(ScoreSheet.application_id == Application.id, ScoreSheet.user_id == user_id))
        .where(numbered.c.position > skipped, numbered.c.position <= skipped + QUEUE_PAGE_SIZE)
        .order_by(Application.reference, Application.id)
    )
