"""The ADDER strands and drugs outcomes rows (grants.models.answer_facts) follow the application's form:
the answer to its adder_strands and drug_outcomes questions wherever the form puts them, never a fixed
section or field name."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import event, insert

from grants.extensions import db as _db
from grants.form_definitions import Kind, load, standard
from grants.interfaces.awards import portfolio
from grants.interfaces.round_forms import versions
from grants.models.answer_facts import application_forms, refill
from grants.models.applications import ApplicationSection, ApplicationStatus
from grants.models.awards import AwardStatus
from tests import custom_application_form as custom
from tests.blueprints.awards.test_portfolio_facts import assert_in_step, derived, stored
from tests.factories import ApplicationFactory, AwardFactory, FundingRoundFactory
from tests.form_definitions.builders import application as application_form
from tests.form_definitions.builders import question

STANDARD_PLACES = {"adder_strands": ["recovery"], "drug_outcomes": ["reduce-deaths"]}


def _codes(application_id: int) -> tuple[set, set]:
    rows = stored()
    return ({code for owner, code in rows["strands"] if owner == application_id},
            {code for owner, code in rows["outcomes"] if owner == application_id})


def test_the_rows_come_from_the_forms_own_questions_wherever_they_are(db):
    application = custom.answering(ApplicationFactory())
    # The standard form's section and names mean nothing to this form.
    application.sections.append(ApplicationSection(key="priorities", answers=STANDARD_PLACES))
    assert_in_step()
    assert _codes(application.id) == ({"diversion", "recovery"}, {"reduce-drug-use"})

    focus = application.section("focus")
    focus.answers = {**focus.answers, "strand_choice": ["enforcement"], "aims": []}
    assert_in_step()
    assert _codes(application.id) == ({"enforcement"}, set())
    application.sections.remove(application.section("priorities"))  # not the form's: nothing changes
    assert_in_step()
    assert _codes(application.id) == ({"enforcement"}, set())
    application.sections.remove(focus)
    assert_in_step()
    assert _codes(application.id) == (set(), set())


def test_an_application_without_a_version_answers_its_rounds_newest_form(db):
    """One made outside the service (form_id NULL): its round's newest form, or the standard form."""
    standard_round, custom_round = FundingRoundFactory(), FundingRoundFactory()
    custom.store(custom_round)
    standard = ApplicationFactory(funding_round=standard_round)
    own = ApplicationFactory(funding_round=custom_round)
    for application in (standard, own):
        for key, answers in (("priorities", STANDARD_PLACES), ("focus", custom.ANSWERS["focus"])):
            application.sections.append(ApplicationSection(key=key, answers=answers))
    assert_in_step()
    assert _codes(standard.id) == ({"recovery"}, {"reduce-deaths"})
    assert _codes(own.id) == ({"diversion", "recovery"}, {"reduce-drug-use"})
    forms = application_forms(_db.session, [standard.id, own.id])
    assert (forms[standard.id]["title"], forms[own.id]["title"]) == ("Commissioners Grant application",
                                                                     "Our own application form")


def test_a_form_without_the_questions_keeps_no_rows(db):
    funding_round = FundingRoundFactory()
    row = versions.save(funding_round, Kind.APPLICATION, load(application_form(question("why", "long_text", "Why?",
                                                                                        limits={"max_words": 9}))),
                        by=None, reason="No priorities asked")
    application = ApplicationFactory(funding_round=funding_round, form=row)
    application.sections.append(ApplicationSection(key="priorities", answers=STANDARD_PLACES))
    application.sections.append(ApplicationSection(key="more", answers={"why": ["recovery"], **STANDARD_PLACES}))
    assert_in_step()
    assert _codes(application.id) == (set(), set())


def test_refill_reads_each_applications_form(db):
    custom_round, standard_round = FundingRoundFactory(), FundingRoundFactory()
    form_row = custom.store(custom_round)
    own = ApplicationFactory(funding_round=custom_round, form=form_row)
    newest = ApplicationFactory(funding_round=custom_round)  # no version: the round's newest form
    standard = ApplicationFactory(funding_round=standard_round)
    _db.session.flush()
    for application in (own, newest, standard):
        for key, answers in (("priorities", STANDARD_PLACES), ("focus", custom.ANSWERS["focus"])):
            _db.session.execute(insert(ApplicationSection).values(application_id=application.id, key=key,
                                                                  answers=answers, complete=True))
    _db.session.expire_all()
    assert stored() != derived()
    refill(_db.session.connection())
    assert_in_step()
    assert [_codes(application.id) for application in (own, newest, standard)] == [
        ({"diversion", "recovery"}, {"reduce-drug-use"}), ({"diversion", "recovery"}, {"reduce-drug-use"}),
        ({"recovery"}, {"reduce-deaths"})]


def test_the_dashboard_shares_money_by_the_forms_strands(db):
    application = custom.answering(ApplicationFactory(status=ApplicationStatus.SUCCESSFUL))
    AwardFactory(application=application, amount=Decimal("10.01"), status=AwardStatus.ACCEPTED)
    _db.session.flush()
    result = portfolio.dashboard(portfolio.PortfolioFilter())
    assert [(row.code, row.amount) for row in result.by_strand if row.awards] == [
        ("diversion", Decimal("5.01")), ("recovery", Decimal("5.00"))]
    assert [(row.code, row.amount) for row in result.by_outcome if row.awards] == [
        ("reduce-drug-use", Decimal("10.01"))]


def test_the_custom_form_shares_no_id_with_the_standard_form():
    """The premise of the tests that use it: reading it by a standard section key or question id finds nothing."""
    def ids(definition):
        return {part.id for part in definition.sections} | {q.id for q in definition.questions()}

    assert not ids(load(custom.DOCUMENT)) & ids(standard(Kind.APPLICATION))


def test_saving_a_section_without_those_questions_writes_no_rows(db):
    """Each save reads the form once; only a section holding a strands or outcomes question rewrites rows."""
    application = ApplicationFactory()
    _db.session.flush()
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(_db.engine, "before_cursor_execute", record)
    try:
        application.sections.append(ApplicationSection(key="project", answers={"title": ["A café"]}))
        _db.session.flush()
        project = list(statements)
        statements.clear()
        application.sections.append(ApplicationSection(key="priorities", answers=STANDARD_PLACES))
        _db.session.flush()
    finally:
        event.remove(_db.engine, "before_cursor_execute", record)
    touching = [s for s in project if "application_adder_strands" in s or "application_outcomes" in s]
    assert touching == [] and sum("round_forms" in s for s in project) == 1
    assert sum(s.startswith("DELETE FROM application_") for s in statements) == 2
    assert _codes(application.id) == ({"recovery"}, {"reduce-deaths"})
