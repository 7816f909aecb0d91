"""The officers' application list's counts, kept as rows: how many of a round's full applications are at
each status, in each area and in all (``application_list_counts``), so that the list's total, its status
counts and the rounds page read a row per status, never a row per application.

A round's counts are worked out again from its applications, in SQL, in the same transaction as any
change that moves them, never adjusted: after each flush the session notes the rounds whose applications
changed status, stage, round or areas, or were added or deleted, and the guarded UPDATEs of
``grants.interfaces.writes.rows_changed`` say the rounds of the rows they changed. Before the commit each
noted round's row in ``application_list_rounds`` is locked (rounds in order, so that two transactions
never wait on each other in a cycle) and its counts replaced. Under READ COMMITTED the counting
statements start after the lock, so they see every transaction that committed before it; one still
running has noted its round and will lock and count it again after this one.

A round without a row in ``application_list_rounds`` (made since, with no listed application yet) is
counted from its applications on each view: right, only not kept.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from flask import has_app_context
from sqlalchemy import (
    Connection,
    Engine,
    Insert,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    event,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, attributes

from grants.extensions import db
from grants.interfaces import writes
from grants.models.applications import (
    Application,
    ApplicationListCount,
    ApplicationListRound,
    ApplicationStage,
    ApplicationStatus,
    application_local_authorities,
)
from grants.models.reference import LocalAuthority
from grants.models.rounds import FundingRound
from grants.models.types import utcnow

log = logging.getLogger(__name__)

ALL_AREAS = 0  # the local_authority_id of a status's count over every area
PENDING = "application_list_counts_pending"  # connection.info: the rounds the transaction has moved
WORKING = "application_list_counts_working"  # session.info: counts being worked out (writes not noted)
EVERY_ROUND = 0  # in the pending set: every kept round (a write that did not say its rows)
# The changes of an application that move its round's counts.
COUNTED = ("status", "stage", "round_id", "local_authorities")


def listed():
    """The applications the officers' list shows: full applications past their draft."""
    return and_(Application.stage == ApplicationStage.FULL, Application.status != ApplicationStatus.DRAFT)


# Noting what moved ---------------------------------------------------------------------------------

def _pending(session: Session) -> set[int]:
    """The rounds the session's transaction has moved, kept with its database connection (a page and a
    test that share one connection share it too), forgotten when that transaction ends (``_forget``)."""
    return session.connection().info.setdefault(PENDING, set())


def _values(instance, name: str) -> set:
    history = attributes.get_history(instance, name)
    return {value for value in (*history.deleted, getattr(instance, name)) if value is not None}


def _may_be_listed(instance: Application) -> bool:
    """Whether the application is listed, or was before this flush (a draft's changes move no count)."""
    return (any(status is not ApplicationStatus.DRAFT for status in _values(instance, "status"))
            and ApplicationStage.FULL in _values(instance, "stage"))


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context) -> None:
    if session.info.get(WORKING):
        return
    moved: set[int] = set()
    for instance in (*session.new, *session.deleted):
        if isinstance(instance, Application) and _may_be_listed(instance):
            moved |= _values(instance, "round_id")
        elif isinstance(instance, LocalAuthority) and instance in session.deleted:
            moved.add(EVERY_ROUND)
    for instance in session.dirty:
        if isinstance(instance, Application) and _may_be_listed(instance) and any(
                attributes.get_history(instance, name).has_changes() for name in COUNTED):
            moved |= _values(instance, "round_id")
    if moved:
        _pending(session).update(moved)


def _note_rows(round_ids: Iterable[int]) -> None:
    _pending(db.session()).update(round_ids)


# A guarded UPDATE of applications (writes.rows_changed) returns the rounds of the rows it changed.
writes.watch(Application.__table__, Application.__table__.c.round_id, _note_rows)  # type: ignore[arg-type]

_WATCHED_TABLES: frozenset[Table] = frozenset({Application.__table__, application_local_authorities})  # type: ignore[arg-type]


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_write(state) -> None:
    """An ORM UPDATE or DELETE of applications or their areas that did not say which rows it changed
    moves every kept round (logged: it should go through writes.rows_changed)."""
    if not (state.is_update or state.is_delete) or state.execution_options.get(writes.WATCHED_OPTION):
        return
    if getattr(state.statement, "table", None) in _WATCHED_TABLES:
        log.warning("application list counts: %s without its rows: every round will be counted again",
                    "UPDATE" if state.is_update else "DELETE")
        _pending(state.session).add(EVERY_ROUND)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if has_app_context() and session is db.session():
        settle()


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _forget(connection: Connection) -> None:
    connection.info.pop(PENDING, None)


# Working counts out --------------------------------------------------------------------------------

def settle() -> None:
    """Count again every round the session's changes so far have moved (flushing them first)."""
    session = db.session()
    if session.info.get(WORKING):
        return
    session.flush()
    moved = session.connection().info.pop(PENDING, None)
    if not moved:
        return
    if EVERY_ROUND in moved:
        moved = (moved - {EVERY_ROUND}) | set(session.scalars(select(ApplicationListRound.round_id)))
    _work_out_rounds(sorted(moved))


def rebuild() -> int:
    """Count every round again from its applications (rows written with Core statements, such as the
    benchmark's). Returns how many rounds."""
    db.session.flush()
    rounds = sorted(db.session.scalars(select(FundingRound.id)))
    _work_out_rounds(rounds)
    return len(rounds)


def _work_out_rounds(round_ids: list[int]) -> None:
    session = db.session()
    session.info[WORKING] = True
    try:
        for round_id in round_ids:
            _work_out(round_id)
    finally:
        session.info.pop(WORKING, None)


def _lock(round_id: int) -> None:
    """Take the round's row lock (making its row first if it has none)."""
    writes.lock_row(ApplicationListRound, dict(round_id=round_id, worked_out_at=utcnow()),
                    ApplicationListRound.round_id == round_id)


@cache
def _count_statements() -> tuple[Insert, Insert]:
    """The two statements that count a round's listed applications again (by status, and by status and
    area), the round bound as ``count_round``: built once per process, not in every transaction that
    moves a round (building them cost more than running them)."""
    columns = ["round_id", "status", "local_authority_id", "applications"]
    mine = and_(Application.round_id == bindparam("count_round"), listed())
    areas = application_local_authorities.c
    # "raw": the round is a value of the statement's own, not a row to insert (the ORM's bulk INSERT)
    return (
        insert(ApplicationListCount).from_select(columns, (
            select(Application.round_id, Application.status, literal(ALL_AREAS), func.count())
            .where(mine).group_by(Application.round_id, Application.status))).execution_options(dml_strategy="raw"),
        insert(ApplicationListCount).from_select(columns, (
            select(Application.round_id, Application.status, areas.local_authority_id, func.count())
            .join(application_local_authorities, areas.application_id == Application.id)
            .where(mine).group_by(Application.round_id, Application.status, areas.local_authority_id)))
        .execution_options(dml_strategy="raw"),
    )


def _work_out(round_id: int) -> None:
    """Lock the round, count its listed applications again by status, and by status and area, and
    replace its rows."""
    if db.session.scalar(select(FundingRound.id).where(FundingRound.id == round_id)) is None:
        return  # a round deleted in this transaction takes its counts with it
    _lock(round_id)
    db.session.execute(delete(ApplicationListCount).where(ApplicationListCount.round_id == round_id))
    for statement in _count_statements():
        db.session.execute(statement, {"count_round": round_id})
    db.session.execute(update(ApplicationListRound).where(ApplicationListRound.round_id == round_id)
                       .values(worked_out_at=utcnow()))


# Reading ------------------------------------------------------------------------------------------

def _live(round_ids: list[int]) -> dict[int, dict[ApplicationStatus, int]]:
    counted: dict[int, dict[ApplicationStatus, int]] = defaultdict(dict)
    if round_ids:
        for round_id, status, count in db.session.execute(
                select(Application.round_id, Application.status, func.count())
                .where(Application.round_id.in_(round_ids), listed())
                .group_by(Application.round_id, Application.status)):
            counted[round_id][status] = count
    return counted


def status_counts(round_ids: list[int]) -> dict[int, dict[ApplicationStatus, int]]:
    """Each round's listed applications by status (statuses with none left out): read from the kept rows,
    or counted for a round whose counts are not kept."""
    settle()
    counted: dict[int, dict[ApplicationStatus, int]] = defaultdict(dict)
    if not round_ids:
        return counted
    kept = set(db.session.scalars(select(ApplicationListRound.round_id)
                                  .where(ApplicationListRound.round_id.in_(round_ids))))
    for round_id, status, count in db.session.execute(
            select(ApplicationListCount.round_id, ApplicationListCount.status, ApplicationListCount.applications)
            .where(ApplicationListCount.round_id.in_(sorted(kept)),
                   ApplicationListCount.local_authority_id == ALL_AREAS)):
        counted[round_id][ApplicationStatus(status)] = count
    counted.update(_live([round_id for round_id in round_ids if round_id not in kept]))
    return counted


@dataclass(frozen=True)
class ListCounts:
    """A round's listed applications by status (statuses with none left out) in every area, and, when the
    round's counts are kept, in the area its list is filtered by (the same, when it is not filtered by
    area); None when they are not kept (the list counts its rows)."""

    by_status: dict[ApplicationStatus, int]
    in_area: dict[ApplicationStatus, int] | None

    def total(self, status: ApplicationStatus | None) -> int | None:
        """How many are listed at ``status`` (any when None) in the area; None when not kept."""
        if self.in_area is None:
            return None
        return self.in_area.get(status, 0) if status is not None else sum(self.in_area.values())


def list_counts(round_id: int, area_code: str | None) -> ListCounts:
    """The officers' list's counts for one round, filtered by the area with ``area_code`` or not (None):
    its status counts and its total in one short statement (the round's kept rows in every area and in
    that one), or, for a round whose counts are not kept, its applications counted by status."""
    settle()
    by_status: dict[ApplicationStatus, int] = {}
    in_area: dict[ApplicationStatus, int] = {}
    kept = False
    for area_id, status, count in db.session.execute(_list_counts_statement(),
                                                     {"round_id": round_id, "area_code": area_code}):
        kept = True  # the round's row, with its counts beside it (none when nothing is listed)
        if status is None:
            continue
        if area_id == ALL_AREAS:
            by_status[ApplicationStatus(status)] = count
        else:
            in_area[ApplicationStatus(status)] = count
    if not kept:
        return ListCounts(_live([round_id]).get(round_id, {}), None)
    return ListCounts(by_status, in_area if area_code else by_status)


@cache
def _list_counts_statement() -> Select:
    """``list_counts``' statement, built once, for the parameters ``round_id`` and ``area_code``: the
    round's row in ``application_list_rounds`` (none when its counts are not kept) with its counts in
    every area and in the area with that code (no area when None)."""
    counts = ApplicationListCount
    area = select(LocalAuthority.id).where(LocalAuthority.code == bindparam("area_code")).scalar_subquery()
    return (
        select(counts.local_authority_id, counts.status, counts.applications)
        .select_from(ApplicationListRound)
        .outerjoin(counts, and_(counts.round_id == ApplicationListRound.round_id,
                                or_(counts.local_authority_id == ALL_AREAS, counts.local_authority_id == area)))
        .where(ApplicationListRound.round_id == bindparam("round_id"))
    )
