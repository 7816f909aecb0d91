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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import case, extract, func, select
from sqlalchemy.orm import contains_eager, defer, joinedload, lazyload

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


# A round as the portfolio pages show it: its name, dates and budget, none of its lists, and not its
# due-diligence checklist (JSON read for every round on every view otherwise).
ROUND_ONLY = (lazyload("*"), defer(FundingRound.due_diligence))


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
        return Money(*(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__))

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
    funding_round: FundingRound
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
    by_round: list[tuple[FundingRound, Money]]
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


def filtered(query, criteria: PortfolioFilter):
    if criteria.round_id is not None:
        query = query.where(Award.round_id == criteria.round_id)
    if criteria.year is not None:
        first, last = financial_year_bounds(criteria.year)
        query = query.where(Award.start_date >= first, Award.start_date <= last)
    return query


def round_budgets(round_id: int | None = None) -> list[RoundBudget]:
    """Each round with awards holding money (or the one asked for): its budget, awarded money and
    headroom, from the kept totals (a row per round and year)."""
    portfolio_totals.ready()
    return _round_budgets(round_id)


def _round_budgets(round_id: int | None) -> list[RoundBudget]:
    awarded = (
        select(PortfolioBucket.round_id, func.sum(PortfolioBucket.awarded).label("awarded"))
        .group_by(PortfolioBucket.round_id)
        .subquery()
    )
    query = (
        select(FundingRound, awarded.c.awarded)
        .options(*ROUND_ONLY)
        .join(awarded, awarded.c.round_id == FundingRound.id, isouter=round_id is not None)
        .order_by(FundingRound.opens_at, FundingRound.id)
    )
    if round_id is not None:
        query = query.where(FundingRound.id == round_id)
    return [
        RoundBudget(funding_round, funding_round.total_budget, Decimal(total or 0).quantize(PENNY))
        for funding_round, total in db.session.execute(query)
    ]


def paid_by_award():
    """A subquery of (award_id, paid): each award's paid instalments added up (awards with none absent)."""
    return (
        select(Instalment.award_id, func.sum(Instalment.amount).label("paid"))
        .where(Instalment.status == InstalmentStatus.PAID)
        .group_by(Instalment.award_id)
        .subquery()
    )


def _money_rows(criteria: PortfolioFilter) -> list[tuple[int, int, Money]]:
    """(round id, first calendar year of the financial year, Money) for the awards the filter
    picks, added up in SQL: one row per round and financial year, however many awards."""
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
    # SQLite sums NUMERIC as floating point: back to pence.
    return [
        (round_id, int(year_start), Money(int(count), *(Decimal(value or 0).quantize(PENNY) for value in sums)))
        for round_id, year_start, count, *sums in db.session.execute(filtered(query, criteria))
    ]


OVERDUE_SHOWN = 20  # the dashboard lists the most overdue returns; the overdue returns page lists them all


def _owed_returns(criteria: PortfolioFilter, on: date):
    """Returns past due and not submitted on running awards (a partial index holds the returns not in)."""
    query = (select(MonitoringReturn)
             .join(MonitoringReturn.award)
             .where(Award.status == AwardStatus.ACCEPTED, MonitoringReturn.due_date < on,
                    MonitoringReturn.status.not_in(sorted(REPORTED))))
    return filtered(query, criteria)


def _overdue(criteria: PortfolioFilter, on: date) -> tuple[list[OverdueReturn], int]:
    """The ``OVERDUE_SHOWN`` most overdue returns, with each award's application and organisation,
    and how many are overdue in all (two queries)."""
    query = (
        _owed_returns(criteria, on)
        .options(lazyload("*"), contains_eager(MonitoringReturn.award).options(
            lazyload("*"), joinedload(Award.organisation).lazyload("*"),
            joinedload(Award.application).lazyload("*")))
        .order_by(MonitoringReturn.due_date, Award.id, MonitoringReturn.number)
        .limit(OVERDUE_SHOWN)
    )
    shown = [
        OverdueReturn(r.award, r.number, r.period_start, r.period_end, r.due_date, (on - r.due_date).days)
        for r in db.session.scalars(query).unique()
    ]
    count = len(shown) if len(shown) < OVERDUE_SHOWN else db.session.scalar(
        _owed_returns(criteria, on).with_only_columns(func.count(MonitoringReturn.id)))
    return shown, int(count or 0)


def _sum_money(rows: Iterable[Money]) -> Money:
    return sum(rows, Money())


def _picked(criteria: PortfolioFilter):
    """(id, application id, amount) of the awards holding money that the filter picks."""
    query = select(Award.id, Award.application_id, Award.amount).where(Award.status.in_(sorted(COMMITTING)))
    return filtered(query, criteria)


def _reported_returns(criteria: PortfolioFilter):
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


def dashboard(criteria: PortfolioFilter, on: date | None = None) -> Dashboard:
    """Every figure of the portfolio dashboard for the awards the filter picks, read from the totals
    kept a row per round and financial year (``portfolio_totals``): money by round and year, shares by
    code, people by group. A fixed number of queries and rows however many awards, instalments and
    returns there are (the overdue returns: the most overdue, and a count)."""
    on = on or today()
    portfolio_totals.ready()
    overdue, overdue_count = _overdue(criteria, on)
    buckets = list(db.session.scalars(in_scope(select(PortfolioBucket), PortfolioBucket, criteria)))
    by_round_id: dict[int, list[Money]] = defaultdict(list)
    by_year: dict[int, list[Money]] = defaultdict(list)
    for bucket in buckets:
        figures = Money(bucket.awards, *(Decimal(getattr(bucket, name)).quantize(PENNY)
                                         for name in portfolio_totals.MONEY))
        by_round_id[bucket.round_id].append(figures)
        by_year[bucket.year_starting].append(figures)
    rounds: Iterable[FundingRound] = db.session.scalars(
        select(FundingRound).where(FundingRound.id.in_(list(by_round_id))).options(*ROUND_ONLY)
    ) if by_round_id else []
    sums: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    figure = PortfolioFigure
    for measure, code, awards, amount in db.session.execute(in_scope(
            select(figure.measure, figure.code, func.sum(figure.awards), func.sum(figure.amount))
            .where(figure.measure.in_([*portfolio_totals.SHARED, portfolio_totals.PEOPLE]))
            .group_by(figure.measure, figure.code), figure, criteria)):
        # SQLite sums NUMERIC as floating point: back to whole pence.
        sums[measure][code] = (int(awards), int((Decimal(amount) * 100).quantize(Decimal(1))))
    groups = people_groups(in_scope(select(PortfolioBucket.round_id), PortfolioBucket, criteria))
    reached = {name: pence // 100 for name, (_awards, pence) in sums[portfolio_totals.PEOPLE].items()}
    people = {code: reached[people_field(code)] for code, _label in groups if people_field(code) in reached}
    return Dashboard(
        criteria=criteria,
        total=_sum_money(figures for money in by_round_id.values() for figures in money),
        by_round=sorted(((r, _sum_money(by_round_id[r.id])) for r in rounds),
                        key=lambda item: (item[0].opens_at, item[0].id)),
        by_year=[(financial_year(date(year, 4, 1)), _sum_money(by_year[year])) for year in sorted(by_year)],
        budgets=_round_budgets(criteria.round_id),
        by_area=shares_from(sums["area"], LocalAuthority),
        by_approach=shares_from(sums["approach"], PlanApproach),
        by_strand=shares_from(sums["strand"], AdderStrand),
        by_outcome=shares_from(sums["outcome"], DrugsOutcome),
        people=[(label, people.get(code, 0)) for code, label in groups
                if (code, label) in PEOPLE_GROUPS or people.get(code)],
        overdue=overdue,
        overdue_count=overdue_count,
    )


# Filters ----------------------------------------------------------------------------------------

def rounds_with_awards() -> list[FundingRound]:
    return list(db.session.scalars(
        select(FundingRound).where(select(Award.id).where(Award.round_id == FundingRound.id).exists())
        .options(*ROUND_ONLY).order_by(FundingRound.opens_at, FundingRound.id)
    ))


def award_years() -> list[str]:
    """The financial years from the earliest award's start to the latest's, newest first."""
    first, last = db.session.execute(select(func.min(Award.start_date), func.max(Award.start_date))).one()
    if first is None:
        return []
    start, end = (int(financial_year(day)[:4]) for day in (first, last))
    return [financial_year(date(year, 4, 1)) for year in range(end, start - 1, -1)]


