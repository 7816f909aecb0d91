"""How the dashboard reads what it shows, in few statements: the filter's rounds and years in one
query, those rounds taken on by the dashboard rather than read again, every bucket read once for the
money in scope and each round's budget, the four reference lists in one query, each stored form's
text once. Each is held to what it replaced (the rounds read again, the rounds' awards added up,
``catalogue``, a plain loop over the stored forms) so that the figures cannot change."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.form_definitions import Kind, Role, load
from grants.interfaces.awards import portfolio, portfolio_shares
from grants.interfaces.awards.portfolio_shares import ALL_PEOPLE_GROUP, PEOPLE_GROUPS, catalogue, catalogues
from grants.interfaces.round_forms import versions
from grants.models.awards import Award, AwardStatus
from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach, PlanCommitment
from grants.models.round_forms import RoundForm
from grants.models.rounds import FundingRound
from grants.models.types import utcnow
from tests import custom_application_form
from tests.blueprints.awards.test_portfolio import PORTFOLIO, Spec, awards_in_db, build_award
from tests.factories import FundingRoundFactory
from tests.helpers import counting_statements

TODAY = portfolio.today()


def _queries(statements: list[str]) -> list[str]:
    """The statements that read, not the tests' savepoints."""
    return [statement for statement in statements if not statement.startswith(("SAVEPOINT", "RELEASE"))]


@pytest.fixture
def rounds(db):
    """Rounds one and two with the test portfolio's awards, three with only a withdrawn award (a round
    to filter by, with no money), four with none; each opening a day after the one before."""
    opened = utcnow() - timedelta(days=30)
    made = {name: FundingRoundFactory(name=f"Round {name}", total_budget=Decimal(budget),
                                      opens_at=opened + timedelta(days=number))
            for number, (name, budget) in enumerate([("one", "20000.00"), ("two", "10000.00"),
                                                     ("three", "5000.00"), ("four", "1000.00")])}
    for number, spec in enumerate(PORTFOLIO, start=1):
        build_award(db, made[spec.round], spec, number)
    build_award(db, made["three"], Spec("three", AwardStatus.WITHDRAWN, "700.00", date(2024, 5, 1)), 20)
    db.session.commit()  # the totals are worked out as the awards are committed
    return made


def test_the_filters_choices_are_read_in_one_query(db, rounds):
    with counting_statements() as statements:
        chosen, years = portfolio.filter_choices()
    assert len(_queries(statements)) == 1
    with_awards = select(FundingRound).where(FundingRound.id.in_(select(Award.round_id)))
    assert chosen == [_shown(funding_round) for funding_round in db.session.scalars(
        with_awards.order_by(FundingRound.opens_at, FundingRound.id))]
    assert [funding_round.name for funding_round in chosen] == ["Round one", "Round two", "Round three"]
    assert years == portfolio.award_years() == ["2026-27", "2025-26", "2024-25"]


def _shown(funding_round: FundingRound) -> portfolio.PortfolioRound:
    return portfolio.PortfolioRound(funding_round.id, funding_round.name, funding_round.opens_at,
                                    funding_round.total_budget)


def _budgets(budgets: list[portfolio.RoundBudget]) -> list[tuple]:
    return [(budget.funding_round.id, budget.funding_round.name, budget.budget, budget.awarded, budget.headroom)
            for budget in budgets]


def _budgets_from_the_awards(db, round_id: int | None) -> list[tuple]:
    """The round asked for, or each round with awards holding money, in the order they open: its budget
    and the money its awards hold (of every year), added up from the awards."""
    query = select(FundingRound).order_by(FundingRound.opens_at, FundingRound.id)
    budgets = []
    for funding_round in db.session.scalars(query if round_id is None else query.where(FundingRound.id == round_id)):
        awarded = sum((award.amount for award in awards_in_db(db, funding_round.id)), Decimal("0.00"))
        if round_id is not None or awards_in_db(db, funding_round.id):
            budgets.append((funding_round.id, funding_round.name, funding_round.total_budget, awarded,
                            funding_round.total_budget - awarded))
    return budgets


def test_no_awards_no_choices(db):
    FundingRoundFactory()
    assert portfolio.filter_choices() == ([], [])


CRITERIA = {
    "everything": {},
    "a year": {"year": "2025-26"},
    "another year": {"year": "2026-27"},
    "a year of withdrawn awards only": {"year": "2024-25"},
    "a year with no awards": {"year": "2030-31"},
    "a round": {"round_id": "one"},
    "a round and year": {"round_id": "two", "year": "2025-26"},
    "a round of withdrawn awards only": {"round_id": "three"},
    "a round with no awards": {"round_id": "four"},
}


def _criteria(rounds, name: str) -> portfolio.PortfolioFilter:
    values = dict(CRITERIA[name])
    if "round_id" in values:
        values["round_id"] = rounds[values["round_id"]].id
    return portfolio.PortfolioFilter(**values)


def _figures(result: portfolio.Dashboard) -> tuple:
    return result.total, result.by_round, result.by_year, result.budgets


@pytest.mark.parametrize("name", CRITERIA)
def test_the_dashboard_takes_on_the_filters_rounds_and_its_figures_do_not_change(db, rounds, name):
    criteria = _criteria(rounds, name)
    chosen, _years = portfolio.filter_choices()
    taken_on = portfolio.dashboard(criteria, on=TODAY, rounds=chosen)
    assert _figures(portfolio.dashboard(criteria, on=TODAY)) == _figures(taken_on)  # read here
    assert _figures(portfolio.dashboard(criteria, on=TODAY, rounds=chosen[:1])) == _figures(taken_on)  # some read
    # Each round's budget, and its awards holding money in every year, whatever the year chosen.
    assert _budgets(taken_on.budgets) == _budgets_from_the_awards(db, criteria.round_id)
    assert taken_on.total == sum((money for _round, money in taken_on.by_round), portfolio.Money())
    assert taken_on.total == sum((money for _year, money in taken_on.by_year), portfolio.Money())


def test_a_round_of_withdrawn_awards_has_its_budget_and_no_money(db, rounds):
    result = portfolio.dashboard(_criteria(rounds, "a round of withdrawn awards only"), on=TODAY,
                                 rounds=portfolio.filter_choices()[0])
    assert result.budgets == [portfolio.RoundBudget(_shown(rounds["three"]), Decimal("5000.00"), Decimal("0.00"))]
    assert result.budgets[0].headroom == Decimal("5000.00")
    assert (result.by_round, result.by_year, result.total) == ([], [], portfolio.Money())


def test_every_round_with_money_has_its_budget_whatever_the_year(db, rounds):
    """A year's filter narrows the money, not the budgets: each round's awarded money of every year."""
    result = portfolio.dashboard(_criteria(rounds, "another year"), on=TODAY, rounds=portfolio.filter_choices()[0])
    assert [(budget.funding_round.name, budget.awarded) for budget in result.budgets] == [
        ("Round one", Decimal("9000.00")), ("Round two", Decimal("1000.00"))]
    assert [funding_round.name for funding_round, _money in result.by_round] == ["Round one"]


def test_the_dashboard_reads_no_round_the_filter_has_read(db, rounds):
    chosen, _years = portfolio.filter_choices()
    for criteria in (portfolio.PortfolioFilter(), portfolio.PortfolioFilter(round_id=rounds["two"].id)):
        for on, overdue in ((TODAY, True), (date(2025, 1, 1), False)):  # nothing was due then
            with counting_statements() as statements:
                result = portfolio.dashboard(criteria, on=on, rounds=chosen)
            assert bool(result.overdue) is overdue
            assert not [statement for statement in statements if "FROM funding_rounds" in statement]
            # Whether the totals are built, the overdue returns (and their awards, when there are any),
            # the buckets, their breakdowns, the stored forms' groups of people and the reference lists.
            assert len(_queries(statements)) == 6 + overdue, "\n\n".join(statements)
            with counting_statements() as statements:
                portfolio.dashboard(criteria, on=on)
            assert len(_queries(statements)) == 7 + overdue  # and the rounds


def test_the_overdue_returns_are_counted_in_the_query_that_lists_them(db, rounds, monkeypatch):
    chosen, _years = portfolio.filter_choices()
    every = portfolio.dashboard(portfolio.PortfolioFilter(), on=TODAY, rounds=chosen)
    monkeypatch.setattr(portfolio, "OVERDUE_SHOWN", 1)
    with counting_statements() as statements:
        one = portfolio.dashboard(portfolio.PortfolioFilter(), on=TODAY, rounds=chosen)
    assert every.overdue_count == len(every.overdue) > 1
    assert (one.overdue_count, one.overdue) == (every.overdue_count, every.overdue[:1])
    assert len(_queries(statements)) == 7  # no query counts them apart


def test_the_reference_lists_are_read_in_one_query(db):
    outcomes = list(db.session.scalars(select(DrugsOutcome).order_by(DrugsOutcome.position)))
    outcomes[0].position, outcomes[-1].position = outcomes[-1].position, outcomes[0].position  # the plan's order
    db.session.flush()
    models = (LocalAuthority, PlanApproach, AdderStrand, DrugsOutcome)
    with counting_statements() as statements:
        listed = catalogues(*models)
    assert len(_queries(statements)) == 1
    assert listed == [catalogue(model) for model in models]
    assert listed[3][-1] == (outcomes[0].code, outcomes[0].name)
    assert all(listed)


def test_money_adds_up_every_figure():
    names = [field.name for field in dataclasses.fields(portfolio.Money)]
    one = portfolio.Money(*(Decimal(number) for number in range(1, len(names) + 1)))
    other = portfolio.Money(*(Decimal(10) ** number for number in range(len(names))))
    assert [getattr(one + other, name) for name in names] == [getattr(one, name) + getattr(other, name)
                                                              for name in names]


# The groups of people: each stored form's text read once ------------------------------------------

def _relabelled(veterans: str) -> dict:
    """The custom application form with its "veterans" group called ``veterans``."""
    document = copy.deepcopy(custom_application_form.DOCUMENT)
    for part in document["sections"]:
        for asked in part["questions"]:
            for option in asked.get("options") or ():
                if option["value"] == "veterans":
                    option["label"] = veterans
    return document


def _groups_one_form_at_a_time(db, round_ids) -> tuple[tuple[str, str], ...]:
    """The groups as they were worked out before: every stored form, newest first, the first label given
    to a group kept."""
    query = (select(RoundForm).where(RoundForm.kind == Kind.APPLICATION, RoundForm.round_id.in_(round_ids))
             .order_by(RoundForm.version.desc(), RoundForm.id.desc()))
    known, others = {code for code, _label in PEOPLE_GROUPS}, {}
    for stored in db.session.scalars(query):
        definition = json.loads(json.dumps(stored.definition))
        for part in definition["sections"]:
            for asked in part["questions"]:
                if asked.get("role") == Role.BENEFICIARY_GROUPS:
                    for option in asked["options"]:
                        if option["value"] not in known:
                            others.setdefault(option["value"], option["label"])
    return (*PEOPLE_GROUPS[:-1], *sorted(others.items(), key=lambda item: item[1]), ALL_PEOPLE_GROUP)


def test_each_forms_text_is_read_once_and_the_newest_label_is_kept(db, monkeypatch):
    read: list[str] = []
    groups_in_text = portfolio_shares._groups_in_text
    monkeypatch.setattr(portfolio_shares, "_groups_in_text", lambda text: read.append(text) or groups_in_text(text))
    same = [FundingRoundFactory() for _ in range(3)]
    for funding_round in same:  # three copies of one form
        versions.save(funding_round, Kind.APPLICATION, load(custom_application_form.DOCUMENT), by=None, reason="Own")
    renamed = FundingRoundFactory()
    versions.save(renamed, Kind.APPLICATION, load(_relabelled("Veterans")), by=None, reason="Own")
    db.session.flush()
    every = [funding_round.id for funding_round in [*same, renamed]]
    groups = portfolio.people_groups(select(FundingRound.id).where(FundingRound.id.in_(every)))
    assert groups == _groups_one_form_at_a_time(db, every)
    assert dict(groups)["veterans"] == "Veterans"  # the newest form (all are first versions: the last made)
    assert len(read) == 2 and '"Veterans"' in read[0]  # four forms, two texts, the newest first

    # A second version of the first round's form is newer than any first version.
    versions.save(same[0], Kind.APPLICATION, load(_relabelled("Ex-service personnel")), by=None, reason="Own")
    db.session.flush()
    groups = portfolio.people_groups(select(FundingRound.id).where(FundingRound.id.in_(every)))
    assert groups == _groups_one_form_at_a_time(db, every)
    assert dict(groups)["veterans"] == "Ex-service personnel"
    assert dict(groups)["parents"] == "Parents of teenagers"
    # Only the rounds asked about.
    assert dict(portfolio.people_groups(select(FundingRound.id).where(FundingRound.id == renamed.id)))[
        "veterans"] == "Veterans"


@pytest.mark.parametrize("url", ["/awards/dashboard", "/awards/dashboard?round={two}&year=2025-26",
                                 "/awards/plan-delivery", "/awards/plan-delivery/commitments/{commitment}"])
def test_the_filters_rounds_are_read_once_on_each_page(db, rounds, as_role, url):
    """The filter reads each round's name, order and budget (portfolio.PortfolioRound); nothing on these
    pages reads a round again."""
    commitment = db.session.scalar(select(PlanCommitment.id).where(PlanCommitment.code == "prevention-1"))
    client = as_role("grants_officer")
    url = url.format(two=rounds["two"].id, commitment=commitment)
    client.get(url)
    with counting_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200
    assert len([statement for statement in statements if statement.startswith("SELECT funding_rounds.")]) == 1
    if "commitments" not in url:  # a page with the filter form: the rounds are its choices
        assert f'<option value="{rounds["one"].id}">Round one</option>' in response.get_data(as_text=True)
