"""The dashboard adds money up in SQL; these tests hold it to the figures of every award loaded
into memory and added up in Python, the way the dashboard used to work, on a portfolio varied in
every dimension that is grouped or shared out: rounds, statuses, financial years, areas,
approaches, ADDER priorities, paid instalments, money back (repayments received, waived and owed,
underspends at closure), and returns reported, owed and overdue."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.extensions import db as _db
from grants.form_definitions import QuestionType
from grants.interfaces.applications import questions
from grants.interfaces.awards import portfolio, portfolio_awards, portfolio_shares
from grants.modelling.calendar import financial_year
from grants.models.answer_facts import listed_codes
from grants.models.applications import Application, ApplicationSection, ApplicationStatus
from grants.models.awards import Award, AwardStatus, InstalmentStatus, Repayment, RepaymentStatus, ReturnStatus
from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach
from tests.factories import ApplicationFactory, AwardFactory, FundingRoundFactory
from tests.helpers import page

TODAY = date(2026, 11, 28)
STATUSES = [AwardStatus.ACCEPTED, AwardStatus.OFFERED, AwardStatus.CLOSED, AwardStatus.ACCEPTED,
            AwardStatus.WITHDRAWN, AwardStatus.LAPSED, AwardStatus.ACCEPTED]


def _codes(model) -> list[str]:
    return list(_db.session.scalars(select(model.code).order_by(model.position)))


@pytest.fixture
def varied(db):
    """Forty awards over three rounds, five financial years and every status."""
    areas = list(_db.session.scalars(select(LocalAuthority).order_by(LocalAuthority.position)))
    approaches = list(_db.session.scalars(select(PlanApproach).order_by(PlanApproach.position)))
    strands, outcomes = _codes(AdderStrand), _codes(DrugsOutcome)
    rounds = [FundingRoundFactory(name=f"Round {n}", total_budget=Decimal("90000.00")) for n in range(3)]
    for number in range(40):
        start = date(2022, 4, 1) + timedelta(days=47 * number)  # 2022-23 to 2027-28, some on 1 April
        amount = Decimal(1000 + 337 * (number % 11)) + Decimal("0.01") * (number % 7)  # odd pennies to share
        application = ApplicationFactory(
            funding_round=rounds[number % 3], status=ApplicationStatus.SUCCESSFUL, amount_requested=amount,
            reference=f"CGS-2026-{7000 + number:04d}",
            local_authorities=[areas[(number + k) % len(areas)] for k in range(number % 4)],  # none to three
            approaches=[approaches[(number + k) % len(approaches)] for k in range(1 + number % 3)],
        )
        if number % 5:
            application.sections.append(ApplicationSection(key="priorities", complete=True, answers={
                "adder_strands": strands[number % 2: number % 2 + 1 + number % 3],
                "drug_outcomes": outcomes[: number % 4] + (["not-a-code"] if number % 6 == 0 else []),
            }))
        award = AwardFactory(application=application, status=STATUSES[number % len(STATUSES)], amount=amount,
                             start_date=start, end_date=start + timedelta(days=364))
        first, second = award.instalments  # to the penny (the factory halves the amount)
        first.amount = (amount / 2).quantize(Decimal("0.01"))
        second.amount = amount - first.amount
        for instalment in award.instalments[: number % 3]:
            instalment.status = InstalmentStatus.PAID
            instalment.paid_on = start
        if award.status is AwardStatus.CLOSED:
            award.underspend = Decimal(number) + Decimal("0.37")
        # Money back: none, one or several repayments of each status (several on one award would
        # double a total joined row by row).
        for k in range(number % 4):
            award.repayments.append(Repayment(
                amount=Decimal(10 * (k + 1)) + Decimal("0.01") * number, reason="Underspend", due_date=start,
                status=[RepaymentStatus.RECEIVED, RepaymentStatus.WAIVED, RepaymentStatus.DUE][(number + k) % 3]))
        for position, monitoring_return in enumerate(award.returns):
            monitoring_return.status = [ReturnStatus.ACCEPTED, ReturnStatus.SUBMITTED, ReturnStatus.DRAFT,
                                        ReturnStatus.NOT_STARTED][(number + position) % 4]
            monitoring_return.answers = {"people": {"people_families": [str(number)],
                                                    "people_all": [f"{1000 + position:,}"]}}
    _db.session.flush()
    return rounds


def _python_dashboard(criteria: portfolio.PortfolioFilter, on: date) -> dict:
    """The figures from every award loaded with its rows and added up in Python."""
    awards = portfolio_awards.portfolio_awards(
        criteria, award_options=[selectinload(Award.returns)],
        application_options=[selectinload(Application.local_authorities), selectinload(Application.approaches)])

    def total(group):
        return sum((portfolio.award_money(award) for award in group), portfolio.Money())

    rounds, years = defaultdict(list), defaultdict(list)
    for award in awards:
        rounds[award.round_id].append(award)
        years[financial_year(award.start_date)].append(award)
    people = defaultdict(int)
    for award in awards:
        for code, number in portfolio.people_reached(award).items():
            people[code] += number

    def listed(question_type):
        """Each award's codes: the answer to its application form's question of that type, as typed."""
        entries = []
        for award in awards:
            form = questions.definition(award.application)
            question = next(q for q in form.questions() if q.type is question_type)
            section = award.application.section(form.section_of(question.id).id)
            entries.append((award.amount, listed_codes(section.answers if section else None, question.id)))
        return entries

    return {
        "total": total(awards),
        "by_round": sorted((group[0].funding_round.id, total(group)) for group in rounds.values()),
        "by_year": [(year, total(years[year])) for year in sorted(years)],
        "by_area": portfolio.share_out([(a.amount, [x.code for x in a.application.local_authorities]) for a in awards],
                                       portfolio_shares.catalogue(LocalAuthority)),
        "by_approach": portfolio.share_out([(a.amount, [x.code for x in a.application.approaches]) for a in awards],
                                           portfolio_shares.catalogue(PlanApproach)),
        "by_strand": portfolio.share_out(listed(QuestionType.ADDER_STRANDS), portfolio_shares.catalogue(AdderStrand)),
        "by_outcome": portfolio.share_out(listed(QuestionType.DRUG_OUTCOMES), portfolio_shares.catalogue(DrugsOutcome)),
        "people": [(label, people.get(code, 0)) for code, label in portfolio.PEOPLE_GROUPS],
        # The most overdue first (by due date, award and number): the dashboard lists the first few, and counts all.
        "overdue": [(a.id, r.number, (on - r.due_date).days) for _due, a, r in sorted(
            ((r.due_date, a, r) for a in awards if a.status is AwardStatus.ACCEPTED for r in a.returns
             if r.due_date < on and r.status not in portfolio.REPORTED), key=lambda e: (e[0], e[1].id, e[2].number))],
    }


def _sql_dashboard(criteria: portfolio.PortfolioFilter, on: date) -> dict:
    result = portfolio.dashboard(criteria, on=on)
    return {
        "total": result.total,
        "by_round": sorted((funding_round.id, money) for funding_round, money in result.by_round),
        "by_year": result.by_year,
        "by_area": result.by_area, "by_approach": result.by_approach,
        "by_strand": result.by_strand, "by_outcome": result.by_outcome,
        "people": result.people,
        "overdue": [(row.award.id, row.number, row.days_overdue) for row in result.overdue],
        "overdue_count": result.overdue_count,
    }


@pytest.mark.parametrize("which", ["all", "a round", "a year", "a round in a year", "a year with nothing"])
def test_the_sql_totals_equal_the_python_totals(varied, which):
    criteria = {
        "all": portfolio.PortfolioFilter(),
        "a round": portfolio.PortfolioFilter(round_id=varied[1].id),
        "a year": portfolio.PortfolioFilter(year="2024-25"),
        "a round in a year": portfolio.PortfolioFilter(round_id=varied[2].id, year="2025-26"),
        "a year with nothing": portfolio.PortfolioFilter(year="2031-32"),
    }[which]
    _db.session.expire_all()
    expected = _python_dashboard(criteria, TODAY)
    _db.session.expire_all()
    found = _sql_dashboard(criteria, TODAY)
    assert found.pop("overdue_count") == len(expected["overdue"])
    expected["overdue"] = expected["overdue"][:portfolio.OVERDUE_SHOWN]
    assert found == expected


def test_the_varied_portfolio_has_something_in_every_figure(varied):
    """A check on the fixture: every figure compared above is non-trivial."""
    result = portfolio.dashboard(portfolio.PortfolioFilter(), on=TODAY)
    money = result.total
    assert money.awards > 20 and min(money.offered, money.committed, money.paid, money.remaining) > 0
    assert min(money.repaid, money.underspend, money.waived, money.owed) > 0
    assert money.net_paid == money.paid - money.repaid
    assert len(result.by_round) == 3 and len(result.by_year) >= 5
    assert all(row.amount for row in result.by_area if row.code == portfolio.NOT_RECORDED)
    assert result.people_total > 0 and result.overdue
    assert money.awarded != money.awarded.quantize(Decimal("1"))  # pennies, shared out


def test_an_equal_split_is_the_apportionment_of_equal_weights():
    from grants.modelling.apportionment import apportion

    for pence in [*range(0, 40), 400000, 400001, 133333, 99999999]:
        for shares in range(1, 8):
            assert portfolio.equal_split(pence, shares) == apportion(pence, [1] * shares), (pence, shares)


def test_the_dashboard_lists_the_most_overdue_and_counts_the_rest(varied, as_role, monkeypatch):
    every = portfolio.dashboard(portfolio.PortfolioFilter(), on=TODAY)
    assert every.overdue_count > 2
    monkeypatch.setattr(portfolio, "OVERDUE_SHOWN", 2)
    result = portfolio.dashboard(portfolio.PortfolioFilter(), on=TODAY)
    assert result.overdue_count == every.overdue_count
    assert [(row.award.id, row.number) for row in result.overdue] == [
        (row.award.id, row.number) for row in every.overdue[:2]]
    today = portfolio.dashboard(portfolio.PortfolioFilter())  # the page's own day
    assert today.overdue_count > 2
    soup = page(as_role("grants_officer").get("/awards/dashboard"))
    text = soup.find(id="overdue").find_next("p").get_text(" ", strip=True)
    assert text == (f"{today.overdue_count} monitoring returns are past the due date and not submitted, on running "
                    "awards. The 2 most overdue are listed here: see every overdue return .")
    assert len(soup.find(id="overdue").find_next("table").select("tbody tr")) == 2
