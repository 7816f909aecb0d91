"""The portfolio of awards in figures: money by round and financial year, where and on what it is
spent, people reached, overdue returns; the plan's commitments and the awards that serve them.

Definitions (the dashboard page says them too):

- an award belongs to the financial year (April to March) of its **start date**;
- *awarded*: the awards that hold money from a round's budget (offered, accepted or closed);
  *awaiting acceptance*: the offered ones; *committed*: the accepted and closed ones;
- *paid*: the awards' paid instalments; *remaining*: what is still to pay on running (accepted)
  awards, that is the award less its paid instalments (a closed award has nothing left to pay);
- *headroom*: a round's budget less its awarded money (of every year), as the award checks use;
- an award that serves several local authority areas (or approaches, ADDER strands, outcomes) is
  shared out equally between them to the penny, the odd pennies going to the ones first in the
  plan's order, so that each breakdown adds up to the money awarded.

Every function runs a fixed number of queries, however many awards there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, extract, func, select
from sqlalchemy.orm import contains_eager, joinedload, lazyload, selectinload

from grants.application_form.forms import BENEFICIARY_GROUPS
from grants.extensions import db
from grants.formatting import LONDON
from grants.modelling.apportionment import apportion
from grants.modelling.calendar import financial_year, financial_year_bounds
from grants.models.applications import Application, ApplicationSection, application_approaches, application_local_authorities
from grants.models.awards import (
    COMMITTING,
    Award,
    AwardStatus,
    Instalment,
    InstalmentStatus,
    MonitoringReturn,
    ReturnStatus,
)
from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach, PlanCommitment
from grants.models.rounds import FundingRound
from grants.models.types import utcnow
from grants.return_form.plan import ALL_PEOPLE

ZERO = Decimal("0.00")
PENNY = Decimal("0.01")
COMMITTED_STATUSES = frozenset({AwardStatus.ACCEPTED, AwardStatus.CLOSED})
# Returns whose answers count, and which are no longer owed.
REPORTED = frozenset({ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED})
NOT_RECORDED = ""
NOT_RECORDED_NAME = "Not recorded"


@dataclass(frozen=True)
class PortfolioFilter:
    """Which awards to count: one round, one financial year ("2026-27"), or all (None)."""

    round_id: int | None = None
    year: str | None = None


# Money ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Money:
    awards: int = 0
    awarded: Decimal = ZERO
    offered: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    remaining: Decimal = ZERO

    def __add__(self, other: Money) -> Money:
        return Money(*(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__))


def paid(award: Award) -> Decimal:
    """The award's paid instalments."""
    return sum((i.amount for i in award.instalments if i.status is InstalmentStatus.PAID), ZERO)


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


# Breakdowns -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Share:
    """A row of a breakdown: how many awards name it and the money shared out to it."""

    code: str
    name: str
    awards: int
    amount: Decimal


def equal_split(pence: int, shares: int) -> list[int]:
    """``pence`` in ``shares`` equal parts to the penny, the odd pennies to the first parts."""
    return apportion(pence, [1] * shares)


def share_out(entries: Iterable[tuple[Decimal, Sequence[str]]], catalogue: Sequence[tuple[str, str]]) -> list[Share]:
    """Each (amount, codes) shared equally between its codes to the penny, added up by code.

    ``catalogue`` gives the codes' (code, name) in the plan's order, which is also the order the
    odd pennies go in. Codes not in it are ignored; an entry with no known code counts as "Not
    recorded" (a row shown only when there is one). Rows come in catalogue order, zeros kept.
    """
    position = {code: index for index, (code, _name) in enumerate(catalogue)}
    pence: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    for amount, codes in entries:
        known = sorted({code for code in codes if code in position}, key=position.__getitem__) or [NOT_RECORDED]
        for code, share in zip(known, equal_split(int(amount * 100), len(known)), strict=True):
            pence[code] += share
            counts[code] += 1
    rows = [Share(code, name, counts[code], Decimal(pence[code]) / 100) for code, name in catalogue]
    if counts[NOT_RECORDED]:
        rows.append(Share(NOT_RECORDED, NOT_RECORDED_NAME, counts[NOT_RECORDED], Decimal(pence[NOT_RECORDED]) / 100))
    return [Share(row.code, row.name, row.awards, row.amount.quantize(PENNY)) for row in rows]


# People reached ---------------------------------------------------------------------------------

# A monitoring return keeps its "People reached" section as typed (grants.return_form):
#     answers["people"] = {"people_<group code, - as _>": ["12"], ...}
# one number per group of people the application named, or "people_all" when it named none. Each
# return counts the people reached in its own period, so an award's returns are added up.
PEOPLE_SECTION = "people"
PEOPLE_GROUPS = (*((str(choice.value), choice.label) for choice in BENEFICIARY_GROUPS),
                 (ALL_PEOPLE[0], "People not counted by group"))


def _people_field(code: str) -> str:
    return "people_" + code.replace("-", "_")


def _whole_number(value: Any) -> int | None:
    if isinstance(value, list):
        value = value[0] if len(value) == 1 else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        return int(text) if text.isascii() and text.isdigit() else None
    return None


def people_counts(answers: dict[str, Any] | None) -> dict[str, int]:
    """People reached by group code in one return's answers; what is not a whole number is left out."""
    people = (answers or {}).get(PEOPLE_SECTION)
    if not isinstance(people, dict):
        return {}
    counts = {}
    for code, _label in PEOPLE_GROUPS:
        number = _whole_number(people.get(_people_field(code)))
        if number is not None:
            counts[code] = number
    return counts


def people_reached(award: Award) -> dict[str, int]:
    """People reached by group, added up over the award's submitted and accepted returns."""
    totals: dict[str, int] = defaultdict(int)
    for monitoring_return in award.returns:
        if monitoring_return.status in REPORTED:
            for code, number in people_counts(monitoring_return.answers).items():
                totals[code] += number
    return dict(totals)


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
    overdue: list[OverdueReturn] = field(default_factory=list)

    @property
    def round_rows(self) -> list[tuple[str, Money]]:
        return [(funding_round.name, money) for funding_round, money in self.by_round]

    @property
    def people_total(self) -> int:
        return sum(number for _label, number in self.people)


def today() -> date:
    return utcnow().astimezone(LONDON).date()


def _filtered(query, criteria: PortfolioFilter):
    if criteria.round_id is not None:
        query = query.where(Award.round_id == criteria.round_id)
    if criteria.year is not None:
        first, last = financial_year_bounds(criteria.year)
        query = query.where(Award.start_date >= first, Award.start_date <= last)
    return query


def _loaded(query, award_options: Sequence = (), application_options: Sequence = ()):
    """Load each award's round, organisation, application (not its sections) and instalments."""
    return query.options(
        joinedload(Award.funding_round).lazyload("*"),  # a round's own lists are not needed here
        joinedload(Award.organisation),
        joinedload(Award.application).options(lazyload(Application.sections), *application_options),
        selectinload(Award.instalments),
        *award_options,
    )


def portfolio_awards(criteria: PortfolioFilter, award_options: Sequence = (),
                     application_options: Sequence = ()) -> list[Award]:
    """The awards holding money that the filter picks, with their round, application and organisation."""
    query = select(Award).where(Award.status.in_(sorted(COMMITTING))).order_by(Award.start_date, Award.id)
    return list(db.session.scalars(_loaded(_filtered(query, criteria), award_options, application_options)).unique())


def section_answers(awards: Sequence[Award], key: str) -> dict[int, dict[str, Any]]:
    """One section's answers ("priorities", "project", …) of the awards' applications, by
    application id, in one query."""
    rows = db.session.execute(
        select(ApplicationSection.application_id, ApplicationSection.answers).where(
            ApplicationSection.key == key,
            ApplicationSection.application_id.in_([award.application_id for award in awards]),
        )
    )
    return {application_id: answers or {} for application_id, answers in rows}


def _catalogue(model) -> list[tuple[str, str]]:
    return [(row.code, row.name) for row in db.session.scalars(select(model).order_by(model.position))]


def _codes(answers: dict[str, Any] | None, name: str) -> list[str]:
    values = (answers or {}).get(name) or []
    return [value for value in values if isinstance(value, str)] if isinstance(values, list) else []


def round_budgets(round_id: int | None = None) -> list[RoundBudget]:
    """Each round with awards (or the one asked for): its budget, awarded money and headroom."""
    awarded = (
        select(Award.round_id, func.sum(Award.amount).label("awarded"))
        .where(Award.status.in_(sorted(COMMITTING)))
        .group_by(Award.round_id)
        .subquery()
    )
    query = (
        select(FundingRound, awarded.c.awarded)
        .options(lazyload("*"))
        .join(awarded, awarded.c.round_id == FundingRound.id, isouter=round_id is not None)
        .order_by(FundingRound.opens_at, FundingRound.id)
    )
    if round_id is not None:
        query = query.where(FundingRound.id == round_id)
    return [
        RoundBudget(funding_round, funding_round.total_budget, Decimal(total or 0).quantize(PENNY))
        for funding_round, total in db.session.execute(query)
    ]


def _money_rows(criteria: PortfolioFilter) -> list[tuple[int, int, Money]]:
    """(round id, first calendar year of the financial year, Money) for the awards the filter
    picks, added up in SQL: one row per round and financial year, however many awards."""
    paid_so_far = (
        select(Instalment.award_id, func.sum(Instalment.amount).label("paid"))
        .where(Instalment.status == InstalmentStatus.PAID)
        .group_by(Instalment.award_id)
        .subquery()
    )
    paid_amount = func.coalesce(paid_so_far.c.paid, 0)
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
        )
        .outerjoin(paid_so_far, paid_so_far.c.award_id == Award.id)
        .where(Award.status.in_(sorted(COMMITTING)))
        .group_by(Award.round_id, year_starting)
    )
    # SQLite sums NUMERIC as floating point: back to pence.
    return [
        (round_id, int(year_start), Money(int(count), *(Decimal(value or 0).quantize(PENNY) for value in sums)))
        for round_id, year_start, count, *sums in db.session.execute(_filtered(query, criteria))
    ]


def _award_codes(criteria: PortfolioFilter, link, model) -> list[tuple[Decimal, list[str]]]:
    """(amount, codes) of each award the filter picks, the codes of ``model`` (its areas or
    approaches) through the application's ``link`` column, in one query of plain values."""
    query = (
        select(Award.id, Award.amount, model.code)
        .outerjoin(link.table, link.table.c.application_id == Award.application_id)
        .outerjoin(model, model.id == link)
        .where(Award.status.in_(sorted(COMMITTING)))
    )
    amounts: dict[int, Decimal] = {}
    codes: dict[int, list[str]] = defaultdict(list)
    for award_id, amount, code in db.session.execute(_filtered(query, criteria)):
        amounts[award_id] = amount
        if code is not None:
            codes[award_id].append(code)
    return [(Decimal(amount).quantize(PENNY), codes[award_id]) for award_id, amount in amounts.items()]


def _priorities(criteria: PortfolioFilter) -> list[tuple[Decimal, dict[str, Any]]]:
    """(amount, "priorities" section answers) of each award the filter picks, in one query."""
    query = (
        select(Award.amount, ApplicationSection.answers)
        .outerjoin(ApplicationSection, and_(ApplicationSection.application_id == Award.application_id,
                                            ApplicationSection.key == "priorities"))
        .where(Award.status.in_(sorted(COMMITTING)))
    )
    return [(Decimal(amount).quantize(PENNY), answers or {})
            for amount, answers in db.session.execute(_filtered(query, criteria))]


def _people(criteria: PortfolioFilter) -> dict[str, int]:
    """People reached by group over the submitted and accepted returns of the awards the filter
    picks (as ``people_reached``), from the returns' answers alone."""
    query = (
        select(MonitoringReturn.answers)
        .join(Award, Award.id == MonitoringReturn.award_id)
        .where(Award.status.in_(sorted(COMMITTING)), MonitoringReturn.status.in_(sorted(REPORTED)))
    )
    people: dict[str, int] = defaultdict(int)
    for answers in db.session.scalars(_filtered(query, criteria)):
        for code, number in people_counts(answers).items():
            people[code] += number
    return people


def _overdue(criteria: PortfolioFilter, on: date) -> list[OverdueReturn]:
    """Returns past due and not submitted on running awards, most overdue first, with each award's
    application and organisation (one query)."""
    query = (
        select(MonitoringReturn)
        .join(MonitoringReturn.award)
        .where(Award.status == AwardStatus.ACCEPTED, MonitoringReturn.due_date < on,
               MonitoringReturn.status.not_in(sorted(REPORTED)))
        .options(lazyload("*"), contains_eager(MonitoringReturn.award).options(
            lazyload("*"), joinedload(Award.organisation).lazyload("*"),
            joinedload(Award.application).lazyload("*")))
        .order_by(MonitoringReturn.due_date, Award.id, MonitoringReturn.number)
    )
    return [
        OverdueReturn(r.award, r.number, r.period_start, r.period_end, r.due_date, (on - r.due_date).days)
        for r in db.session.scalars(_filtered(query, criteria)).unique()
    ]


def _sum_money(rows: Iterable[Money]) -> Money:
    return sum(rows, Money())


def dashboard(criteria: PortfolioFilter, on: date | None = None) -> Dashboard:
    """Every figure of the portfolio dashboard for the awards the filter picks: money added up in
    SQL by round and financial year, shares and people from plain values; a fixed number of
    queries however many awards, instalments and returns there are."""
    on = on or today()
    money = _money_rows(criteria)
    by_round_id: dict[int, list[Money]] = defaultdict(list)
    by_year: dict[int, list[Money]] = defaultdict(list)
    for round_id, year_start, figures in money:
        by_round_id[round_id].append(figures)
        by_year[year_start].append(figures)
    rounds = db.session.scalars(
        select(FundingRound).where(FundingRound.id.in_(list(by_round_id))).options(lazyload("*"))
    ) if by_round_id else []
    priorities = _priorities(criteria)
    people = _people(criteria)
    return Dashboard(
        criteria=criteria,
        total=_sum_money(figures for _round_id, _year, figures in money),
        by_round=sorted(((r, _sum_money(by_round_id[r.id])) for r in rounds), key=lambda item: (item[0].opens_at, item[0].id)),
        by_year=[(financial_year(date(year, 4, 1)), _sum_money(by_year[year])) for year in sorted(by_year)],
        budgets=round_budgets(criteria.round_id),
        by_area=share_out(_award_codes(criteria, application_local_authorities.c.local_authority_id, LocalAuthority),
                          _catalogue(LocalAuthority)),
        by_approach=share_out(_award_codes(criteria, application_approaches.c.approach_id, PlanApproach),
                              _catalogue(PlanApproach)),
        by_strand=share_out([(amount, _codes(answers, "adder_strands")) for amount, answers in priorities],
                            _catalogue(AdderStrand)),
        by_outcome=share_out([(amount, _codes(answers, "outcomes")) for amount, answers in priorities],
                             _catalogue(DrugsOutcome)),
        people=[(label, people.get(code, 0)) for code, label in PEOPLE_GROUPS],
        overdue=_overdue(criteria, on),
    )


# Filters ----------------------------------------------------------------------------------------

def rounds_with_awards() -> list[FundingRound]:
    return list(db.session.scalars(
        select(FundingRound).where(FundingRound.id.in_(select(Award.round_id)))
        .options(lazyload("*")).order_by(FundingRound.opens_at, FundingRound.id)
    ))


def award_years() -> list[str]:
    """The financial years from the earliest award's start to the latest's, newest first."""
    first, last = db.session.execute(select(func.min(Award.start_date), func.max(Award.start_date))).one()
    if first is None:
        return []
    start, end = (int(financial_year(day)[:4]) for day in (first, last))
    return [financial_year(date(year, 4, 1)) for year in range(end, start - 1, -1)]


# Plan delivery ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CommitmentDelivery:
    commitment: PlanCommitment
    awards: list[tuple[Award, Decimal]]  # (award, paid)

    @property
    def awarded(self) -> Decimal:
        return sum((award.amount for award, _paid in self.awards), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((paid_so_far for _award, paid_so_far in self.awards), ZERO)


@dataclass(frozen=True)
class ApproachDelivery:
    approach: PlanApproach
    commitments: list[CommitmentDelivery]

    def _distinct(self) -> dict[int, tuple[Award, Decimal]]:
        return {award.id: (award, paid_so_far) for c in self.commitments for award, paid_so_far in c.awards}

    @property
    def award_count(self) -> int:
        return len(self._distinct())

    @property
    def awarded(self) -> Decimal:
        return sum((award.amount for award, _paid in self._distinct().values()), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((paid_so_far for _award, paid_so_far in self._distinct().values()), ZERO)


def plan_delivery(criteria: PortfolioFilter) -> list[ApproachDelivery]:
    """For each approach of the plan and each of its commitments, the awards holding money that
    the officer said serve it, with the money awarded and paid."""
    awards = portfolio_awards(criteria, award_options=[selectinload(Award.commitments)])
    serving: dict[int, list[tuple[Award, Decimal]]] = defaultdict(list)
    for award in awards:
        for commitment in award.commitments:
            serving[commitment.id].append((award, paid(award)))
    approaches = db.session.scalars(
        select(PlanApproach).options(selectinload(PlanApproach.commitments)).order_by(PlanApproach.position)
    )
    return [
        ApproachDelivery(approach, [CommitmentDelivery(c, serving.get(c.id, [])) for c in approach.commitments])
        for approach in approaches
    ]


# Open data --------------------------------------------------------------------------------------

# Grants published as open data: the offers the grantee accepted (running or closed). Offers not
# yet accepted may still lapse or be withdrawn, so they are not grants made.
PUBLISHED = (AwardStatus.ACCEPTED, AwardStatus.CLOSED)


def publishable_awards() -> list[Award]:
    """Accepted and closed awards with everything the 360Giving export reads, oldest first."""
    return _publishable(select(Award).where(Award.status.in_(PUBLISHED)))


def publishable_batches(size: int = 500) -> Iterator[tuple[list[Award], dict[int, dict[str, Any]], dict[int, Decimal]]]:
    """``publishable_awards`` a batch of ``size`` at a time, each with its awards' project answers
    (as ``section_answers``) and paid amounts (as ``paid``, summed in SQL), for an export of any
    number of awards: a few queries a batch, and a batch is garbage once the next is asked for (the
    session holds clean objects weakly)."""
    ids = list(db.session.scalars(
        select(Award.id).where(Award.status.in_(PUBLISHED)).order_by(Award.offered_at, Award.id)
    ))
    for start in range(0, len(ids), size):
        chosen = ids[start:start + size]
        query = select(Award).where(Award.id.in_(chosen)).order_by(Award.offered_at, Award.id)
        awards = list(db.session.scalars(query.options(*_OPEN_DATA_ROWS)).unique())
        disbursed = dict(db.session.execute(
            select(Instalment.award_id, func.sum(Instalment.amount))
            .where(Instalment.award_id.in_(chosen), Instalment.status == InstalmentStatus.PAID)
            .group_by(Instalment.award_id)
        ).all())
        # SQLite sums NUMERIC as floating point: back to pence.
        yield awards, section_answers(awards, "project"), {
            award.id: Decimal(disbursed.get(award.id, ZERO)).quantize(PENNY) for award in awards}


# What a 360Giving grant is made of (grants.open_data.grant), and nothing else: the instalments
# are summed in SQL and the application's sections and questions are not read.
_OPEN_DATA_ROWS = (
    joinedload(Award.funding_round).lazyload("*"),
    joinedload(Award.organisation),
    joinedload(Award.application).options(
        lazyload(Application.sections), lazyload(Application.clarifications),
        selectinload(Application.local_authorities)),
    lazyload(Award.instalments),
)


def _publishable(query) -> list[Award]:
    query = query.order_by(Award.offered_at, Award.id)
    return list(db.session.scalars(
        _loaded(query, application_options=[selectinload(Application.local_authorities)])
    ).unique())

