"""The dashboard's breakdowns are added up in SQL from rows kept in step with the JSON answers
(grants.models.answer_facts). These tests hold the SQL to the Python definition (``share_out``,
``people_counts``) on awards varied in every way that matters to the split, and hold the rows to the
answers whatever writes them."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from sqlalchemy import delete, insert, select

from grants.extensions import db as _db
from grants.form_definitions import QuestionType
from grants.interfaces.applications import questions
from grants.interfaces.awards import portfolio, portfolio_shares
from grants.models.answer_facts import (
    application_adder_strands,
    application_outcomes,
    monitoring_return_people,
    refill,
)
from grants.models.applications import Application, ApplicationSection, ApplicationStatus
from grants.models.awards import Award, AwardStatus, MonitoringReturn, ReturnStatus
from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach
from tests.factories import ApplicationFactory, AwardFactory, FundingRoundFactory


def stored() -> dict[str, set]:
    """Every row of the three tables."""
    return {
        "strands": {tuple(row) for row in _db.session.execute(select(application_adder_strands))},
        "outcomes": {tuple(row) for row in _db.session.execute(select(application_outcomes))},
        "people": {tuple(row) for row in _db.session.execute(select(monitoring_return_people))},
    }


def derived() -> dict[str, set]:
    """The rows the answers call for, worked out here from the JSON and each application's form as
    the application's pages read it (grants.interfaces.applications.questions)."""
    _db.session.flush()

    def listed(application, question_type):
        form = questions.definition(application)
        question = next((q for q in form.questions() if q.type is question_type), None)
        section = application.section(form.section_of(question.id).id) if question else None
        values = (section.answers or {}).get(question.id) if section else None
        return {(application.id, value) for value in (values if isinstance(values, list) else [])
                if isinstance(value, str) and len(value) <= 60}

    applications = list(_db.session.scalars(select(Application)))
    people = set()
    for return_id, answers in _db.session.execute(select(MonitoringReturn.id, MonitoringReturn.answers)):
        for name, value in ((answers or {}).get("people") or {}).items():
            value = value[0] if isinstance(value, list) and len(value) == 1 else value
            text = value.strip().replace(",", "") if isinstance(value, str) else None
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                text = str(value)  # a number as such, not typed
            if name.startswith("people_") and len(name) <= 60 and text and text.isascii() and text.isdigit() \
                    and int(text) < 2**63:
                people.add((return_id, name, int(text)))
    return {"strands": set().union(*(listed(a, QuestionType.ADDER_STRANDS) for a in applications)),
            "outcomes": set().union(*(listed(a, QuestionType.DRUG_OUTCOMES) for a in applications)),
            "people": people}


def assert_in_step() -> None:
    _db.session.flush()
    assert stored() == derived()


def _codes(model) -> list[str]:
    return list(_db.session.scalars(select(model.code).order_by(model.position, model.id)))


# A varied portfolio, split in SQL and in Python ------------------------------------------------

@pytest.fixture
def shuffled(db):
    """Sixty awards, chosen at random (seeded): amounts with odd pennies (1p to share between three
    codes, say), none to every code, repeated codes, codes the plan does not know, things that are
    not codes at all, no priorities section; some awards not holding money."""
    chooser = random.Random(11)
    areas = list(_db.session.scalars(select(LocalAuthority).order_by(LocalAuthority.position)))
    approaches = list(_db.session.scalars(select(PlanApproach).order_by(PlanApproach.position)))
    strands, outcomes = _codes(AdderStrand), _codes(DrugsOutcome)
    rounds = [FundingRoundFactory(name=f"Round {n}") for n in range(2)]
    for number in range(60):
        pence = chooser.choice([1, 2, 3, 5, 7, 100, 99999, 400001, chooser.randrange(1, 10**9)])
        amount = Decimal(pence) / 100

        def pick(codes):
            chosen = chooser.sample(codes, chooser.randrange(0, len(codes) + 1))
            noise = chooser.sample(["not-a-code", 7, None, ["x"], "Recovery", "x" * 80], chooser.randrange(0, 3))
            repeats = chooser.sample(chosen, min(len(chosen), chooser.randrange(0, 3)))
            listed = chosen + noise + repeats
            chooser.shuffle(listed)
            return listed

        application = ApplicationFactory(
            funding_round=rounds[number % 2], status=ApplicationStatus.SUCCESSFUL, amount_requested=amount,
            local_authorities=chooser.sample(areas, chooser.randrange(0, len(areas) + 1)),
            approaches=chooser.sample(approaches, chooser.randrange(0, len(approaches) + 1)),
        )
        if number % 7:
            answers = {"adder_strands": pick(strands), "drug_outcomes": pick(outcomes)}
            if number % 13 == 0:
                answers = {"adder_strands": "recovery", "drug_outcomes": {"not": "a list"}}  # not lists: nothing
            application.sections.append(ApplicationSection(key="priorities", complete=True, answers=answers))
        AwardFactory(application=application, amount=amount,
                     status=[AwardStatus.ACCEPTED, AwardStatus.OFFERED, AwardStatus.CLOSED,
                             AwardStatus.WITHDRAWN][number % 4])
    _db.session.flush()
    return rounds


def _in_python(criteria: portfolio.PortfolioFilter) -> dict[str, list]:
    query = select(Award).where(Award.status.in_([AwardStatus.ACCEPTED, AwardStatus.OFFERED, AwardStatus.CLOSED]))
    if criteria.round_id is not None:
        query = query.where(Award.round_id == criteria.round_id)
    awards = list(_db.session.scalars(query))

    def listed(award, name):
        section = award.application.section("priorities")
        values = (section.answers if section else {}).get(name)
        return [value for value in values if isinstance(value, str)] if isinstance(values, list) else []

    def split(entries, model):
        catalogue = [(row.code, row.name) for row in _db.session.scalars(select(model).order_by(model.position))]
        return portfolio.share_out(entries, catalogue)

    return {
        "by_area": split([(a.amount, [x.code for x in a.application.local_authorities]) for a in awards],
                         LocalAuthority),
        "by_approach": split([(a.amount, [x.code for x in a.application.approaches]) for a in awards], PlanApproach),
        "by_strand": split([(a.amount, listed(a, "adder_strands")) for a in awards], AdderStrand),
        "by_outcome": split([(a.amount, listed(a, "drug_outcomes")) for a in awards], DrugsOutcome),
    }


@pytest.mark.parametrize("which", ["all", "a round"])
def test_the_sql_split_is_share_out_to_the_penny(shuffled, which):
    criteria = portfolio.PortfolioFilter(round_id=shuffled[1].id if which == "a round" else None)
    _db.session.expire_all()
    expected = _in_python(criteria)
    result = portfolio.dashboard(criteria)
    assert {name: getattr(result, name) for name in expected} == expected
    # The fixture is what it says: odd pennies, awards with no known code, every code used.
    assert all(any(row.code == portfolio.NOT_RECORDED for row in rows) for rows in expected.values())
    assert all(row.awards for rows in expected.values() for row in rows)


def test_each_breakdown_adds_up_to_the_money_awarded(shuffled):
    result = portfolio.dashboard(portfolio.PortfolioFilter())
    for rows in (result.by_area, result.by_approach, result.by_strand, result.by_outcome):
        assert sum(row.amount for row in rows) == result.total.awarded


def test_a_penny_between_three_codes_goes_to_the_first_in_the_plan(db):
    strands = _codes(AdderStrand)
    application = ApplicationFactory(status=ApplicationStatus.SUCCESSFUL)
    application.sections.append(ApplicationSection(key="priorities", answers={
        "adder_strands": [strands[3], strands[1], strands[3], strands[2]], "drug_outcomes": []}))
    AwardFactory(application=application, amount=Decimal("0.02"), status=AwardStatus.ACCEPTED)
    _db.session.flush()
    result = portfolio.dashboard(portfolio.PortfolioFilter())
    assert [(row.code, row.awards, row.amount) for row in result.by_strand if row.awards] == [
        (strands[1], 1, Decimal("0.01")), (strands[2], 1, Decimal("0.01")), (strands[3], 1, Decimal("0.00"))]
    assert [(row.code, row.amount) for row in result.by_outcome if row.awards] == [
        (portfolio.NOT_RECORDED, Decimal("0.02"))]


def test_a_code_the_plan_learns_later_is_counted_from_then(db):
    """The rows keep codes as typed; the catalogue decides what counts when the page is read."""
    application = ApplicationFactory(status=ApplicationStatus.SUCCESSFUL)
    application.sections.append(ApplicationSection(key="priorities", answers={"adder_strands": ["harm-reduction"]}))
    AwardFactory(application=application, amount=Decimal("10.00"), status=AwardStatus.ACCEPTED)
    _db.session.flush()
    assert [row.code for row in portfolio.dashboard(portfolio.PortfolioFilter()).by_strand if row.awards] == [
        portfolio.NOT_RECORDED]
    _db.session.add(AdderStrand(code="harm-reduction", name="Harm reduction", description="", position=0))
    _db.session.flush()
    assert [(row.code, row.amount) for row in portfolio.dashboard(portfolio.PortfolioFilter()).by_strand
            if row.awards] == [("harm-reduction", Decimal("10.00"))]


def test_people_are_counted_from_reported_returns_only(db):
    award = AwardFactory(status=AwardStatus.ACCEPTED)
    statuses = [ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED, ReturnStatus.DRAFT, ReturnStatus.MORE_INFORMATION]
    for monitoring_return, status in zip(award.returns, statuses, strict=False):  # the rest not started
        monitoring_return.status = status
        monitoring_return.answers = {"people": {"people_families": ["1,000"], "people_all": [" 2 "],
                                                "people_young_people": ["-1"], "people_unknown_group": ["5"]}}
    _db.session.flush()
    people = dict(portfolio.dashboard(portfolio.PortfolioFilter()).people)
    assert people["Families and carers of people who use drugs"] == 2000
    assert people["People not counted by group"] == 4
    assert portfolio.people_reached(award) == {"families": 2000, "all": 4}
    assert portfolio.dashboard(portfolio.PortfolioFilter()).people_total == 2004


# The rows stay in step whatever writes the answers ----------------------------------------------

def test_rows_follow_the_answers_through_the_orm(db):
    """New, changed, emptied and deleted answers; other sections and other changes leave them be."""
    strands = _codes(AdderStrand)
    application = ApplicationFactory()
    section = ApplicationSection(key="priorities", answers={"adder_strands": [strands[0], strands[0], "odd"],
                                                            "drug_outcomes": ["x"], "outcomes": ["old name"]})
    application.sections.append(section)
    application.sections.append(ApplicationSection(key="project", answers={"adder_strands": [strands[1]]}))
    assert_in_step()
    assert stored()["strands"] == {(application.id, strands[0]), (application.id, "odd")}
    assert stored()["outcomes"] == {(application.id, "x")}  # by the question's id: not today's old field name
    section.answers = {"adder_strands": [strands[2]]}
    assert_in_step()
    assert stored() == {"strands": {(application.id, strands[2])}, "outcomes": set(), "people": set()}
    section.complete = True  # not the answers: nothing rewritten, nothing lost
    assert_in_step()
    application.sections.remove(section)
    assert_in_step()
    assert stored()["strands"] == set()


def test_rows_go_with_their_application_and_return(db):
    award = AwardFactory(status=AwardStatus.ACCEPTED)
    award.application.sections.append(ApplicationSection(key="priorities", answers={"drug_outcomes": ["a", "b"]}))
    award.returns[0].answers = {"people": {"people_all": ["3"]}}
    assert_in_step()
    assert len(stored()["outcomes"]) == 2 and len(stored()["people"]) == 1
    _db.session.delete(award.returns[0])
    assert_in_step()
    _db.session.execute(delete(Award).where(Award.id == award.id))
    _db.session.execute(delete(Application).where(Application.id == award.application_id))  # the database cascades
    _db.session.expire_all()
    assert stored() == {"strands": set(), "outcomes": set(), "people": set()}


def test_refill_catches_up_rows_written_without_the_orm(db):
    """The benchmark generator inserts answers with Core statements, which no event sees."""
    strands = _codes(AdderStrand)
    award = AwardFactory(status=AwardStatus.ACCEPTED)
    _db.session.execute(insert(ApplicationSection).values(application_id=award.application_id, key="priorities",
                                                          answers={"adder_strands": strands[:2]}, complete=True))
    _db.session.execute(MonitoringReturn.__table__.update().where(MonitoringReturn.id == award.returns[1].id)
                        .values(answers={"people": {"people_all": ["12"]}}))
    _db.session.execute(insert(application_outcomes).values(application_id=award.application_id, code="stale"))
    _db.session.expire_all()
    assert stored() != derived()
    refill(_db.session.connection())
    assert_in_step()
    assert len(stored()["strands"]) == 2 and stored()["people"] == {(award.returns[1].id, "people_all", 12)}


def test_rows_keep_within_their_columns(db):
    """Answers kept as typed may hold anything; what cannot be a code or a count is not stored."""
    award = AwardFactory(status=AwardStatus.ACCEPTED)
    award.application.sections.append(ApplicationSection(key="priorities", answers={
        "adder_strands": ["y" * 61, "z" * 60], "drug_outcomes": [1, True, {"a": 1}]}))
    award.returns[0].answers = {"people": {"people_" + "a" * 60: ["1"], "people_all": [str(2**63)],
                                           "people_families": ["9" * 18], "people_x": True, "other": ["4"]}}
    _db.session.flush()
    rows = stored()
    assert rows["strands"] == {(award.application_id, "z" * 60)} and rows["outcomes"] == set()
    assert rows["people"] == {(award.returns[0].id, "people_families", int("9" * 18))}


def test_the_sql_helpers_are_named_where_callers_look():
    """benchmarks/generate_awards.py reads these names from grants.interfaces.awards.portfolio."""
    assert portfolio.PEOPLE_GROUPS is portfolio_shares.PEOPLE_GROUPS and portfolio.PEOPLE_SECTION == "people"
