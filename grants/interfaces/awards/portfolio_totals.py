"""The portfolio's totals kept as rows (grants.models.portfolio), worked out again in the transaction
of every change that moves them, so that the awards dashboard and plan delivery read a row per round
and financial year however many awards there are.

How they stay exact:

- **What moved.** After each flush the session notes the awards whose figures may have changed: an
  award added, changed or deleted (with the round and start date it had before, so the bucket it left
  is worked out too), an instalment, repayment or monitoring return of one, an application or one of
  its sections (its areas, approaches, strands and outcomes). Guarded writes with Core UPDATE
  statements (``grants.interfaces.writes.rows_changed``) return the award ids they touched. A change
  to the plan's reference lists (whose order shares out the odd pennies) moves every bucket. An
  ORM UPDATE or DELETE of those tables that says nothing of the rows it touched moves every bucket
  too, and is logged: slower, never wrong.
- **Worked out again, not adjusted.** Before the commit, each bucket moved (one round's awards
  starting in one financial year) is locked, then added up again from its awards with the dashboard's
  own SQL (``portfolio.money_query``, ``portfolio_shares.share_sums_query`` ...) and its rows replaced. A
  bucket's figures are therefore the same sum the dashboard used to do on every view; no running
  total can drift.
- **Concurrent writers.** The lock is the bucket's row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
  has one writer at a time). Each transaction takes the locks of all its buckets at once, at the
  commit, in one order (round, then year), so two transactions can never wait for each other in a
  circle. Under READ COMMITTED the sums are read by statements that start after the lock is held, so
  they see every change committed before it; a change not yet committed belongs to a transaction that
  will lock the same bucket and add it up again before it commits. Whatever the interleaving, the
  last commit to a bucket leaves it summed over every committed change.
- **Reading your own writes.** ``settle`` works out what the session has moved so far; the dashboard
  calls it first, so a page (or a test) that changes an award then reads the dashboard in the same
  transaction sees the change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import cast

from flask import has_app_context
from sqlalchemy import Connection, Engine, Select, Table, delete, event, func, insert, select, update
from sqlalchemy.orm import Session, attributes

from grants.extensions import db
from grants.interfaces import writes
from grants.models.answer_facts import application_adder_strands, application_outcomes, monitoring_return_people
from grants.models.applications import (
    Application,
    ApplicationSection,
    application_approaches,
    application_local_authorities,
)
from grants.models.awards import (
    COMMITTING,
    Award,
    Instalment,
    MonitoringReturn,
    Repayment,
    award_commitments,
)
from grants.models.portfolio import PortfolioBucket, PortfolioFigure, PortfolioToBuild
from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach, PlanCommitment
from grants.models.rounds import FundingRound
from grants.models.types import utcnow

log = logging.getLogger(__name__)

PENDING = "portfolio_totals_pending"
WORKING = "portfolio_totals_working"
Bucket = tuple[int, int]  # (round id, first calendar year of the financial year)
# The money columns of a bucket, in the order of the dashboard's Money after its count of awards.
MONEY = ("awarded", "offered", "committed", "paid", "remaining", "repaid", "underspend", "waived", "owed")
# The breakdowns' measures (portfolio_figures.measure).
SHARED = ("area", "approach", "strand", "outcome")
PEOPLE = "people"
COMMITMENT = "commitment"
DELIVERY = "delivery"  # an approach's awards, each once however many of its commitments it serves
# Reference lists whose order or codes decide how money is shared out.
REFERENCE = (LocalAuthority, PlanApproach, AdderStrand, DrugsOutcome, PlanCommitment)


def year_starting(day: date) -> int:
    """The first calendar year of ``day``'s financial year (April to March)."""
    return day.year if day.month >= 4 else day.year - 1


@dataclass
class Moved:
    """What a transaction has changed that may move the totals, noted after each flush."""

    awards: set[int] = field(default_factory=set)
    applications: set[int] = field(default_factory=set)
    buckets: set[Bucket] = field(default_factory=set)
    everything: bool = False

    def __bool__(self) -> bool:
        return bool(self.awards or self.applications or self.buckets or self.everything)


def _moved(session: Session) -> Moved:
    """What the session's transaction has moved, kept with its database connection: a page and a test
    that share one connection (the tests' sessions do) share it too. Forgotten when the connection's
    transaction commits or rolls back (``_forget``)."""
    return session.connection().info.setdefault(PENDING, Moved())


def _old_values(instance, name: str) -> list:
    return [value for value in attributes.get_history(instance, name).deleted if value is not None]


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context) -> None:
    if session.info.get(WORKING):
        return
    moved = _moved(session)
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Award):
            if instance.id is not None:
                moved.awards.add(instance.id)
            rounds = _old_values(instance, "round_id") or [instance.round_id]
            starts = _old_values(instance, "start_date") or [instance.start_date]
            moved.buckets.update((round_id, year_starting(start)) for round_id in rounds for start in starts
                                 if round_id is not None and start is not None)
        elif isinstance(instance, (Instalment, Repayment, MonitoringReturn)):
            moved.awards.update(award_id for award_id in [instance.award_id, *_old_values(instance, "award_id")]
                                if award_id is not None)
        elif isinstance(instance, Application):
            if instance.id is not None:
                moved.applications.add(instance.id)
        elif isinstance(instance, ApplicationSection):
            if instance.application_id is not None:
                moved.applications.add(instance.application_id)
        elif isinstance(instance, REFERENCE):
            moved.everything = True


def _note_rows(award_ids: Iterable[int]) -> None:
    _moved(db.session()).awards.update(award_ids)


# A guarded UPDATE of these tables (writes.rows_changed) returns the award ids of the rows it changed.
for _table, _column in ((Award.__table__, Award.__table__.c.id),
                        (Instalment.__table__, Instalment.__table__.c.award_id),
                        (Repayment.__table__, Repayment.__table__.c.award_id),
                        (MonitoringReturn.__table__, MonitoringReturn.__table__.c.award_id)):
    writes.watch(_table, _column, _note_rows)  # type: ignore[arg-type]

_WATCHED_TABLES: frozenset[Table] = frozenset(
    cast(Table, model.__table__) for model in (Award, Instalment, Repayment, MonitoringReturn))


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_write(state) -> None:
    """An ORM UPDATE or DELETE of the awards' tables that did not say which rows it changed moves
    every bucket (logged: it should go through writes.rows_changed)."""
    if not (state.is_update or state.is_delete) or state.execution_options.get(writes.WATCHED_OPTION):
        return
    table = getattr(state.statement, "table", None)
    if table in _WATCHED_TABLES:
        log.warning("portfolio totals: %s of %s without its rows: every bucket will be worked out again",
                    "UPDATE" if state.is_update else "DELETE", table.name)
        _moved(state.session).everything = True


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if has_app_context() and session is db.session():
        settle()


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _forget(connection: Connection) -> None:
    connection.info.pop(PENDING, None)


# Working buckets out --------------------------------------------------------------------------

def settle() -> None:
    """Work out again every bucket the session's changes so far have moved (flushing them first)."""
    session = db.session()
    if session.info.get(WORKING):
        return
    session.flush()
    moved = session.connection().info.pop(PENDING, None)
    if not moved:
        return
    session.info[WORKING] = True
    try:
        for bucket in sorted(_buckets(moved)):
            _work_out(bucket)
    finally:
        session.info.pop(WORKING, None)


def _buckets(moved: Moved) -> set[Bucket]:
    found = set(moved.buckets)
    query = select(Award.round_id, Award.start_date)
    if moved.everything:
        rows = db.session.execute(query).all()
        found.update((round_id, year) for round_id, year in db.session.execute(
            select(PortfolioBucket.round_id, PortfolioBucket.year_starting)))
    else:
        rows = []
        if moved.awards:
            rows += db.session.execute(query.where(Award.id.in_(sorted(moved.awards)))).all()
        if moved.applications:
            rows += db.session.execute(query.where(Award.application_id.in_(sorted(moved.applications)))).all()
    found.update((round_id, year_starting(start)) for round_id, start in rows)
    return found


def _lock(bucket: Bucket) -> None:
    """Take the bucket's row lock (making its row first if it has none)."""
    round_id, year = bucket
    writes.lock_row(PortfolioBucket, dict(round_id=round_id, year_starting=year, awards=0, worked_out_at=utcnow(),
                                          **dict.fromkeys(MONEY, 0)),
                    PortfolioBucket.round_id == round_id, PortfolioBucket.year_starting == year)


@dataclass(frozen=True)
class _BucketStatements:
    """The statements that add a bucket up, its round and year bound when they run (``BoundBucket``)."""

    money: Select  # portfolio.money_query
    shares: tuple[tuple[str, Select], ...]  # (measure, share_sums_query) of each shared-out breakdown
    people: Select  # (field, people reached)
    by_commitment: Select  # (commitment id, awards, amount, paid)
    by_approach: Select  # (approach id, awards, amount, paid): plan delivery


@cache
def _statements() -> _BucketStatements:
    """Built once per process: building these statements (their subqueries' columns, their keys in
    SQLAlchemy's cache of compiled statements) cost three times as much as running them, in the
    transaction of every change to an award."""
    from grants.interfaces.awards.portfolio import (
        BUCKET,
        _picked,
        _reported_returns,
        filtered,
        money_query,
        paid_by_award,
    )
    from grants.interfaces.awards.portfolio_shares import linked_codes, listed_in, share_sums_query

    picked = _picked(BUCKET)
    codes = {
        "area": linked_codes(application_local_authorities.c.local_authority_id, LocalAuthority),
        "approach": linked_codes(application_approaches.c.approach_id, PlanApproach),
        "strand": listed_in(application_adder_strands, AdderStrand),
        "outcome": listed_in(application_outcomes, DrugsOutcome),
    }
    people = monitoring_return_people.c
    paid = paid_by_award()
    chosen = filtered(select(Award.id, Award.amount, func.coalesce(paid.c.paid, 0).label("paid"))
                      .outerjoin(paid, paid.c.award_id == Award.id)
                      .where(Award.status.in_(sorted(COMMITTING))), BUCKET).subquery()
    serving = award_commitments.c
    approaches = (select(serving.award_id, PlanCommitment.approach_id)
                  .join(PlanCommitment, PlanCommitment.id == serving.commitment_id).distinct().subquery())
    return _BucketStatements(
        money=money_query(BUCKET),
        shares=tuple((measure, share_sums_query(picked, codes[measure])) for measure in SHARED),
        people=(select(people.field, func.sum(people.number))
                .where(people.return_id.in_(_reported_returns(BUCKET))).group_by(people.field)),
        by_commitment=(select(serving.commitment_id, func.count(), func.sum(chosen.c.amount), func.sum(chosen.c.paid))
                       .join(chosen, chosen.c.id == serving.award_id).group_by(serving.commitment_id)),
        by_approach=(select(approaches.c.approach_id, func.count(), func.sum(chosen.c.amount),
                            func.sum(chosen.c.paid))
                     .join(chosen, chosen.c.id == approaches.c.award_id).group_by(approaches.c.approach_id)),
    )


def _work_out(bucket: Bucket) -> None:
    """Lock the bucket, add it up again from its awards and replace its rows."""
    from grants.interfaces.awards.portfolio import BoundBucket, money_from

    round_id, year = bucket
    if db.session.scalar(select(FundingRound.id).where(FundingRound.id == round_id)) is None:
        return  # a round deleted in this transaction takes its buckets with it
    _lock(bucket)
    statements, values = _statements(), BoundBucket.values(round_id, year)
    money = money_from(db.session.execute(statements.money, values))
    where = (PortfolioFigure.round_id == round_id, PortfolioFigure.year_starting == year)
    db.session.execute(delete(PortfolioFigure).where(*where))
    if not money:
        db.session.execute(delete(PortfolioBucket).where(
            PortfolioBucket.round_id == round_id, PortfolioBucket.year_starting == year))
        return
    (_round, _year, figures), = money
    db.session.execute(
        update(PortfolioBucket).where(PortfolioBucket.round_id == round_id, PortfolioBucket.year_starting == year)
        .values(awards=figures.awards, worked_out_at=utcnow(), **{name: getattr(figures, name) for name in MONEY}))
    rows = [dict(round_id=round_id, year_starting=year, measure=measure, code=code, awards=awards, amount=amount,
                 paid=paid) for measure, code, awards, amount, paid in _figures(statements, values)]
    if rows:
        db.session.execute(insert(PortfolioFigure), rows)


def _figures(statements: _BucketStatements,
             values: dict[str, object]) -> Iterable[tuple[str, str, int, Decimal, Decimal]]:
    """(measure, code, awards, amount, paid) of every breakdown of the bucket's awards."""
    from grants.interfaces.awards.portfolio_shares import PENNY, sums_from

    for measure, statement in statements.shares:
        for code, (count, pence) in sums_from(db.session.execute(statement, values)).items():
            yield measure, code, count, (Decimal(pence) / 100).quantize(PENNY), Decimal(0)
    for name, number in db.session.execute(statements.people, values):
        yield PEOPLE, name, 0, Decimal(int(number)), Decimal(0)
    for commitment_id, count, amount, paid_total in db.session.execute(statements.by_commitment, values):
        yield COMMITMENT, str(commitment_id), int(count), _pence(amount), _pence(paid_total)
    for approach_id, count, amount, paid_total in db.session.execute(statements.by_approach, values):
        yield DELIVERY, str(approach_id), int(count), _pence(amount), _pence(paid_total)


def _pence(value) -> Decimal:
    # SQLite sums NUMERIC as floating point: back to pence.
    return Decimal(value or 0).quantize(Decimal("0.01"))


# Building them from scratch -------------------------------------------------------------------

def rebuild() -> int:
    """Work out every bucket again from every award (a database upgraded from before the totals, or
    rows written with Core statements, such as the benchmark's); mark them built. Returns how many."""
    session = db.session()
    session.flush()
    buckets = _buckets(Moved(everything=True))
    session.info[WORKING] = True
    try:
        for bucket in sorted(buckets):
            _work_out(bucket)
    finally:
        session.info.pop(WORKING, None)
    session.execute(delete(PortfolioToBuild))
    return len(buckets)


def ready() -> None:
    """Make sure the totals are built and hold the session's own changes: the readers call this first."""
    settle()
    if db.session.get(PortfolioToBuild, 1) is not None:
        rebuild()

