"""The portfolio of awards in figures: money by round and financial year, where and on what it is
spent, people reached, overdue returns; the plan's commitments and the awards that serve them.

Definitions (the dashboard page says them too):

- an award belongs to the financial year (April to March) of its **start date**;
- *awarded*: the awards that hold money from a round's budget (offered, accepted or closed);
  *awaiting acceptance*: the offered ones; *committed*: the accepted and closed ones;
- *paid*: the awards' paid instalments; *remaining*: what is still to pay on running (accepted)
  awards, that is the award less its paid instalments (a closed award has nothing left to pay);
- *repaid*: repayments received back from grantees (clawback, for example an underspend at closure);
  *net paid*: paid less repaid; *underspend*: what closed awards did not spend of their committed
  money, as recorded at closure; *waived*: repayments the office decided not to recover; *owed*:
  repayments due and not yet received. Each counts in the financial year of its award's start date,
  as the rest of the award's money does;
- *headroom*: a round's budget less its awarded money (of every year), as the award checks use;
- an award that serves several local authority areas (or approaches, ADDER strands, outcomes) is
  shared out equally between them to the penny, the odd pennies going to the ones first in the
  plan's order, so that each breakdown adds up to the money awarded.

Every function runs a fixed number of queries, however many awards there are, and adds up in SQL:
the dashboard reads a row per round and year, per code of each breakdown and per group of people,
never a row per award or return. The breakdowns and people reached are in ``portfolio_shares``;
the awards as objects (plan delivery, open data) in ``portfolio_awards``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache

from sqlalchemy import Date, Select, bindparam, case, extract, func, select
from sqlalchemy.orm import joinedload, lazyload

from grants.database import written_in
from grants.extensions import db
from grants.formatting import LONDON
from grants.interfaces.awards import portfolio_totals
from grants.interfaces.awards.portfolio_shares import (  # noqa: F401  names the dashboard's callers read here
    NOT_RECORDED,
    NOT_RECORDED_NAME,
    PENNY,
    PEOPLE_GROUPS,
    PEOPLE_SECTION,
    REPORTED,
    ZERO,
    Share,
    catalogues,
    equal_split,
    linked_codes,
    listed_in,
    people_counts,
    people_field,
    people_groups,
    people_in_sql,
    people_reached,
    share_out,
    shares_from,
    shares_in_sql,
)
from grants.modelling.calendar import financial_year, financial_year_bounds
from grants.models.awards import (
    COMMITTING,
    Award,
    AwardStatus,
    Instalment,
    InstalmentStatus,
    MonitoringReturn,
    Repayment,
    RepaymentStatus,
)
from grants.models.portfolio import PortfolioBucket, PortfolioFigure
from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach
from grants.models.rounds import FundingRound
from grants.models.types import utcnow

COMMITTED_STATUSES = frozenset({AwardStatus.ACCEPTED, AwardStatus.CLOSED})


@dataclass(frozen=True)
class PortfolioFilter:
    """Which awards to count: one round, one financial year ("2026-27"), or all (None)."""

    round_id: int | None = None
    year: str | None = None


@dataclass(frozen=True)
class PortfolioRound:
    """A round as the filter and the dashboard show it: its name, when it opens (their order) and its
    budget; read as plain columns, not as a FundingRound with thirty more (36 rounds a view)."""

    id: int
    name: str
    opens_at: datetime
    total_budget: Decimal


ROUND_COLUMNS = (FundingRound.id, FundingRound.name, FundingRound.opens_at, FundingRound.total_budget)


# Money ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Money:
    awards: int = 0
    awarded: Decimal = ZERO
    offered: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    remaining: Decimal = ZERO
    # Money back (see the module's definitions).
    repaid: Decimal = ZERO
    underspend: Decimal = ZERO
    waived: Decimal = ZERO
    owed: Decimal = ZERO

    def __add__(self, other: Money) -> Money:
        # Field by field, written out: a loop over the fields through getattr cost more than the sums.
        return Money(self.awards + other.awards, self.awarded + other.awarded, self.offered + other.offered,
                     self.committed + other.committed, self.paid + other.paid, self.remaining + other.remaining,
                     self.repaid + other.repaid, self.underspend + other.underspend, self.waived + other.waived,
                     self.owed + other.owed)

    @property
    def net_paid(self) -> Decimal:
        return self.paid - self.repaid


def paid(award: Award) -> Decimal:
    """The award's paid instalments."""
    return sum((i.amount for i in award.instalments if i.status is InstalmentStatus.PAID), ZERO)


def _repayments(award: Award, status: RepaymentStatus) -> Decimal:
    return sum((r.amount for r in award.repayments if r.status is status), ZERO)


def award_money(award: Award) -> Money:
    """One awarding award's figures (see the module's definitions)."""
    paid_so_far = paid(award)
    return Money(
        awards=1,
        awarded=award.amount,
        offered=award.amount if award.status is AwardStatus.OFFERED else ZERO,
        committed=award.amount if award.status in COMMITTED_STATUSES else ZERO,
        paid=paid_so_far,
        remaining=award.amount - paid_so_far if award.status is AwardStatus.ACCEPTED else ZERO,
        repaid=_repayments(award, RepaymentStatus.RECEIVED),
        underspend=(award.underspend or ZERO) if award.status is AwardStatus.CLOSED else ZERO,
        waived=_repayments(award, RepaymentStatus.WAIVED),
        owed=_repayments(award, RepaymentStatus.DUE),
    )


def _total(awards: Iterable[Award]) -> Money:
    return sum((award_money(award) for award in awards), Money())


@dataclass(frozen=True)
class RoundBudget:
    funding_round: PortfolioRound
    budget: Decimal
    awarded: Decimal  # every year's awards that hold money

    @property
    def headroom(self) -> Decimal:
        return self.budget - self.awarded


# The dashboard ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class OverdueReturn:
    award: Award
    number: int
    period_start: date
    period_end: date
    due_date: date
    days_overdue: int


@dataclass
class Dashboard:
    criteria: PortfolioFilter
    total: Money
    by_round: list[tuple[PortfolioRound, Money]]
    by_year: list[tuple[str, Money]]
    budgets: list[RoundBudget]
    by_area: list[Share]
    by_approach: list[Share]
    by_strand: list[Share]
    by_outcome: list[Share]
    people: list[tuple[str, int]]
    overdue: list[OverdueReturn] = field(default_factory=list)  # the most overdue (OVERDUE_SHOWN at most)
    overdue_count: int = 0  # every overdue return the filter picks

    @property
    def round_rows(self) -> list[tuple[str, Money]]:
        return [(funding_round.name, money) for funding_round, money in self.by_round]

    @property
    def people_total(self) -> int:
        return sum(number for _label, number in self.people)


def today() -> date:
    return utcnow().astimezone(LONDON).date()


@dataclass(frozen=True)
class BoundBucket:
    """The awards of one round and financial year, given only when the statement runs (``values``):
    the filter of the kept totals' statements (grants.interfaces.awards.portfolio_totals), built once
    for every bucket (building them cost three times as much as running them)."""

    @staticmethod
    def values(round_id: int, year_starting: int) -> dict[str, object]:
        return {"bucket_round": round_id, "bucket_first": date(year_starting, 4, 1),
                "bucket_last": date(year_starting + 1, 3, 31)}


BUCKET = BoundBucket()


def filtered(query, criteria: PortfolioFilter | BoundBucket):
    if isinstance(criteria, BoundBucket):
        return query.where(Award.round_id == bindparam("bucket_round"), Award.start_date >= bindparam("bucket_first"),
                           Award.start_date <= bindparam("bucket_last"))
    if criteria.round_id is not None:
        query = query.where(Award.round_id == criteria.round_id)
    if criteria.year is not None:
        first, last = financial_year_bounds(criteria.year)
        query = query.where(Award.start_date >= first, Award.start_date <= last)
    return query


def paid_by_award():
    """A subquery of (award_id, paid): each award's paid instalments added up (awards with none absent)."""
    return (
        select(Instalment.award_id, func.sum(Instalment.amount).label("paid"))
        .where(Instalment.status == InstalmentStatus.PAID)
        .group_by(Instalment.award_id)
        .subquery()
    )


def _money_rows(criteria: PortfolioFilter | BoundBucket,
                values: dict[str, object] | None = None) -> list[tuple[int, int, Money]]:
    """(round id, first calendar year of the financial year, Money) for the awards the filter
    picks, added up in SQL: one row per round and financial year, however many awards. ``values``
    are the bound bucket's (``BoundBucket.values``)."""
    return money_from(db.session.execute(money_query(criteria), values))


def money_from(rows: Iterable[Sequence]) -> list[tuple[int, int, Money]]:
    """``money_query``'s rows as (round id, year starting, Money)."""
    # SQLite sums NUMERIC as floating point: back to pence.
    return [
        (round_id, int(year_start), Money(int(count), *(Decimal(value or 0).quantize(PENNY) for value in sums)))
        for round_id, year_start, count, *sums in rows
    ]


def money_query(criteria: PortfolioFilter | BoundBucket) -> Select:
    """``_money_rows``'s statement."""
    paid_so_far = paid_by_award()
    paid_amount = func.coalesce(paid_so_far.c.paid, 0)

    def repayments(status: RepaymentStatus):
        return func.coalesce(func.sum(case((Repayment.status == status, Repayment.amount), else_=0)), 0)

    back = (
        select(Repayment.award_id, repayments(RepaymentStatus.RECEIVED).label("repaid"),
               repayments(RepaymentStatus.WAIVED).label("waived"), repayments(RepaymentStatus.DUE).label("owed"))
        .group_by(Repayment.award_id)
        .subquery()
    )
    year, month = extract("year", Award.start_date), extract("month", Award.start_date)
    year_starting = case((month >= 4, year), else_=year - 1).label("year_starting")  # April to March

    def amount_if(condition, amount=Award.amount):
        return func.coalesce(func.sum(case((condition, amount), else_=0)), 0)

    query = (
        select(
            Award.round_id, year_starting, func.count(Award.id), func.sum(Award.amount),
            amount_if(Award.status == AwardStatus.OFFERED),
            amount_if(Award.status.in_(sorted(COMMITTED_STATUSES))),
            func.sum(paid_amount),
            amount_if(Award.status == AwardStatus.ACCEPTED, Award.amount - paid_amount),
            func.coalesce(func.sum(back.c.repaid), 0),
            amount_if(Award.status == AwardStatus.CLOSED, func.coalesce(Award.underspend, 0)),
            func.coalesce(func.sum(back.c.waived), 0),
            func.coalesce(func.sum(back.c.owed), 0),
        )
        .outerjoin(paid_so_far, paid_so_far.c.award_id == Award.id)
        .outerjoin(back, back.c.award_id == Award.id)
        .where(Award.status.in_(sorted(COMMITTING)))
        .group_by(Award.round_id, year_starting)
    )
    return filtered(query, criteria)


OVERDUE_SHOWN = 20  # the dashboard lists the most overdue returns; the overdue returns page lists them all


def _owed_returns(criteria: PortfolioFilter):
    """Returns past due (before the day bound as ``on``) and not submitted on running awards (a partial
    index holds the returns not in)."""
    # The statuses are written into the statement, not bound: once psycopg prepares the statement,
    # PostgreSQL's generic plan cannot match bound statuses to the partial index's, and reads every
    # return due by the date instead (20 ms on 16,000 returns, against 0.1 ms).
    query = (select(MonitoringReturn)
             .join(MonitoringReturn.award)
             .where(Award.status == AwardStatus.ACCEPTED, MonitoringReturn.due_date < bindparam("on", type_=Date),
                    written_in(MonitoringReturn.status, REPORTED, negate=True)))
    return filtered(query, criteria)


# The statements a filter's view runs, built once per filter, not on every view: building an ORM
# query with its loader options, and working out its key in SQLAlchemy's cache of compiled
# statements, cost more than running it (a statement keeps its key once worked out).
STATEMENTS_KEPT = 64  # filters: rounds with awards times their financial years, and more


@lru_cache(maxsize=STATEMENTS_KEPT)
def _overdue_query(criteria: PortfolioFilter, shown: int) -> Select:
    """(award id, number, period start and end, due date, how many are overdue in all) of the ``shown``
    most overdue returns; the day bound as ``on``. Two tables, not the four the awards' application and
    organisation join: PostgreSQL took longer to plan that join than to run it (1 ms against 0.1 ms)."""
    returned = MonitoringReturn
    return (_owed_returns(criteria)
            .with_only_columns(returned.award_id, returned.number, returned.period_start, returned.period_end,
                               returned.due_date, func.count().over())
            .order_by(returned.due_date, Award.id, returned.number)
            .limit(shown))


# The awards of the overdue returns shown, with the application and organisation the table names.
OVERDUE_AWARDS = select(Award).options(lazyload("*"), joinedload(Award.organisation).lazyload("*"),
                                       joinedload(Award.application).lazyload("*"))


def _overdue(criteria: PortfolioFilter, on: date) -> tuple[list[OverdueReturn], int]:
    """The ``OVERDUE_SHOWN`` most overdue returns, with each award's application and organisation,
    and how many are overdue in all: one query, and one for the awards when any are overdue."""
    rows = db.session.execute(_overdue_query(criteria, OVERDUE_SHOWN), {"on": on}).all()
    if not rows:
        return [], 0
    awards = {award.id: award for award in db.session.scalars(
        OVERDUE_AWARDS.where(Award.id.in_(sorted({award_id for award_id, *_rest in rows})))).unique()}
    shown = [OverdueReturn(awards[award_id], number, period_start, period_end, due_date, (on - due_date).days)
             for award_id, number, period_start, period_end, due_date, _count in rows]
    return shown, int(rows[0][-1])


def _money_of(rows: Sequence[tuple]) -> Money:
    """The figures of ``rows`` (a bucket's count of awards and money, in Money's order) added up,
    column by column; none make zeros."""
    if len(rows) < 2:
        return Money(*rows[0]) if rows else Money()
    awards, *money = zip(*rows, strict=True)
    return Money(sum(awards), *(sum(column, ZERO) for column in money))


def _picked(criteria: PortfolioFilter | BoundBucket):
    """(id, application id, amount) of the awards holding money that the filter picks."""
    query = select(Award.id, Award.application_id, Award.amount).where(Award.status.in_(sorted(COMMITTING)))
    return filtered(query, criteria)


def _reported_returns(criteria: PortfolioFilter | BoundBucket):
    """The ids of the submitted and accepted returns of the awards the filter picks."""
    query = (select(MonitoringReturn.id).join(Award, Award.id == MonitoringReturn.award_id)
             .where(Award.status.in_(sorted(COMMITTING)), MonitoringReturn.status.in_(sorted(REPORTED))))
    return filtered(query, criteria)


def in_scope(query, model, criteria: PortfolioFilter):
    """``query`` of the kept totals (``model``: buckets or figures) narrowed to the filter's round and year."""
    if criteria.round_id is not None:
        query = query.where(model.round_id == criteria.round_id)
    if criteria.year is not None:
        query = query.where(model.year_starting == financial_year_bounds(criteria.year)[0].year)
    return query


# Every bucket's round, year, count of awards and money (portfolio_totals.MONEY), as plain rows.
BUCKETS = select(PortfolioBucket.round_id, PortfolioBucket.year_starting, PortfolioBucket.awards,
                 *(getattr(PortfolioBucket, name) for name in portfolio_totals.MONEY))


@lru_cache(maxsize=STATEMENTS_KEPT)
def _figure_queries(criteria: PortfolioFilter) -> tuple[Select, Select]:
    """(measure, code, awards, amount) of the breakdowns and people reached, added up over the
    buckets in the filter's scope; and those buckets' rounds."""
    figure = PortfolioFigure
    sums = in_scope(select(figure.measure, figure.code, func.sum(figure.awards), func.sum(figure.amount))
                    .where(figure.measure.in_([*portfolio_totals.SHARED, portfolio_totals.PEOPLE]))
                    .group_by(figure.measure, figure.code), figure, criteria)
    return sums, in_scope(select(PortfolioBucket.round_id), PortfolioBucket, criteria)


def dashboard(criteria: PortfolioFilter, on: date | None = None,
              rounds: Iterable[PortfolioRound] = ()) -> Dashboard:
    """Every figure of the portfolio dashboard for the awards the filter picks, read from the totals
    kept a row per round and financial year (``portfolio_totals``): money by round and year, shares by
    code, people by group. A fixed number of queries and rows however many awards, instalments and
    returns there are (the overdue returns: the most overdue, and a count).

    Every bucket is read once, for the money in the filter's scope and for each round's budget (its
    awarded money of every year). ``rounds`` are rounds already read (the filter form's: every round
    with awards), used rather than read again; a round they lack is read."""
    on = on or today()
    portfolio_totals.ready()
    overdue, overdue_count = _overdue(criteria, on)
    scope_year = None if criteria.year is None else financial_year_bounds(criteria.year)[0].year
    scoped: list[tuple] = []
    by_round_id: dict[int, list[tuple]] = defaultdict(list)
    by_year: dict[int, list[tuple]] = defaultdict(list)
    awarded: dict[int, Decimal] = {}  # by round: its awarded money of every year, for its budget
    for round_id, year, awards, *money in db.session.execute(BUCKETS):
        # SQLite keeps NUMERIC as floating point: back to pence.
        figures = (awards, *(Decimal(value).quantize(PENNY) for value in money))
        awarded[round_id] = awarded.get(round_id, ZERO) + figures[1]
        if criteria.round_id in (None, round_id) and scope_year in (None, year):
            scoped.append(figures)
            by_round_id[round_id].append(figures)
            by_year[year].append(figures)
    budget_rounds = _rounds(set(awarded) if criteria.round_id is None else {criteria.round_id}, rounds)
    sums: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    figure_sums, rounds_in_scope = _figure_queries(criteria)
    for measure, code, awards, amount in db.session.execute(figure_sums):
        # SQLite sums NUMERIC as floating point: back to whole pence.
        sums[measure][code] = (int(awards), int((Decimal(amount) * 100).quantize(Decimal(1))))
    groups = people_groups(rounds_in_scope)
    reached = {name: pence // 100 for name, (_awards, pence) in sums[portfolio_totals.PEOPLE].items()}
    people = {code: reached[people_field(code)] for code, _label in groups if people_field(code) in reached}
    areas, approaches, strands, outcomes = catalogues(LocalAuthority, PlanApproach, AdderStrand, DrugsOutcome)
    return Dashboard(
        criteria=criteria,
        total=_money_of(scoped),
        by_round=[(r, _money_of(by_round_id[r.id])) for r in budget_rounds if r.id in by_round_id],
        by_year=[(financial_year(date(year, 4, 1)), _money_of(by_year[year])) for year in sorted(by_year)],
        budgets=[RoundBudget(r, r.total_budget, awarded.get(r.id, ZERO)) for r in budget_rounds],
        by_area=shares_from(sums["area"], LocalAuthority, areas),
        by_approach=shares_from(sums["approach"], PlanApproach, approaches),
        by_strand=shares_from(sums["strand"], AdderStrand, strands),
        by_outcome=shares_from(sums["outcome"], DrugsOutcome, outcomes),
        people=[(label, people.get(code, 0)) for code, label in groups
                if (code, label) in PEOPLE_GROUPS or people.get(code)],
        overdue=overdue,
        overdue_count=overdue_count,
    )


def _rounds(ids: set[int], known: Iterable[PortfolioRound]) -> list[PortfolioRound]:
    """The rounds of ``ids`` that exist, in the order they open: from ``known`` where it has them,
    the others read (one query, when any are missing)."""
    found = {funding_round.id: funding_round for funding_round in known if funding_round.id in ids}
    if missing := sorted(ids - found.keys()):
        found.update((row.id, PortfolioRound(*row)) for row in db.session.execute(
            select(*ROUND_COLUMNS).where(FundingRound.id.in_(missing))))
    return sorted(found.values(), key=lambda funding_round: (funding_round.opens_at, funding_round.id))


# Filters ----------------------------------------------------------------------------------------

def filter_choices() -> tuple[list[PortfolioRound], list[str]]:
    """The filter's choices, in one query: the rounds with awards (of any status) in the order they
    open, and the financial years of ``award_years``. The dashboard takes the rounds on from here."""
    rows = db.session.execute(_filter_choices_query()).all()
    # Every award has a round, so no round with awards means no awards, and no years.
    return [PortfolioRound(*row[:-2]) for row in rows], _years(*rows[0][-2:]) if rows else []


@cache
def _filter_choices_query() -> Select:
    first, last = (select(bound(Award.start_date)).scalar_subquery() for bound in (func.min, func.max))
    return (select(*ROUND_COLUMNS, first, last)
            .where(select(Award.id).where(Award.round_id == FundingRound.id).exists())
            .order_by(FundingRound.opens_at, FundingRound.id))


def award_years() -> list[str]:
    """The financial years from the earliest award's start to the latest's, newest first."""
    first, last = db.session.execute(select(func.min(Award.start_date), func.max(Award.start_date))).one()
    return [] if first is None else _years(first, last)


def _years(first: date, last: date) -> list[str]:
    start, end = (int(financial_year(day)[:4]) for day in (first, last))
    return [financial_year(date(year, 4, 1)) for year in range(end, start - 1, -1)]
