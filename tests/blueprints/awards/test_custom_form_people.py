"""People reached on the dashboard read through the forms, not by name: a round's own monitoring form
may ask people reached in a section named otherwise, and a round's own application form may offer
groups the standard form does not (grants.models.answer_facts, portfolio_shares)."""

from __future__ import annotations

import copy

from sqlalchemy import select

from grants.extensions import db as _db
from grants.form_definitions import Kind, load
from grants.interfaces.awards import portfolio
from grants.interfaces.round_forms import versions
from grants.models.awards import AwardStatus, ReturnStatus
from grants.models.round_forms import RoundForm
from tests import custom_application_form
from tests.factories import ApplicationFactory, AwardFactory
from tests.form_definitions.builders import form, question, section
from tests.visible_text import seen_text

# A monitoring form whose people question sits in a section called "reach", not "people".
MONITORING = form(
    section(question("how_many", "people_by_group", "How many did you reach?"), id="reach", title="Reach"),
    section(question("anything_else", "long_text", "Anything else?", required=False, limits={"max_words": 100}),
            id="news", title="News"),
    kind="monitoring", title="Our own return",
)


def _custom_award():
    application = ApplicationFactory()
    custom_application_form.answering(application)  # names the group "veterans", which the standard form lacks
    versions.save(application.funding_round, Kind.MONITORING, load(MONITORING), by=None, reason="Our own return")
    award = AwardFactory(application=application, status=AwardStatus.ACCEPTED)
    _db.session.flush()
    return award


def test_people_in_a_section_named_otherwise_count_on_the_portfolio(db, as_role):
    award = _custom_award()
    first = award.returns[0]
    first.status = ReturnStatus.SUBMITTED
    first.answers = {"reach": {"people_veterans": ["17"]}, "people": {"people_families": ["500"]}}
    _db.session.flush()
    assert portfolio.people_reached(award) == {"veterans": 17}  # a stale "people" section is not the form's
    text = seen_text(as_role("grants_officer").get("/awards/dashboard"))
    assert "Armed forces veterans 17" in text
    assert "Families and carers of people who use drugs 0" in text
    assert portfolio.dashboard(portfolio.PortfolioFilter()).people_total == 17


def test_a_draft_return_on_the_custom_form_does_not_count(db, as_role):
    award = _custom_award()
    award.returns[0].answers = {"reach": {"people_veterans": ["5"]}}  # still a draft
    _db.session.flush()
    assert portfolio.dashboard(portfolio.PortfolioFilter()).people_total == 0
    assert "Armed forces veterans" not in seen_text(as_role("grants_officer").get("/awards/dashboard"))


def test_a_form_changed_in_place_shows_its_new_group_names(db, as_role):
    """The groups a form offers are kept by the form's text (portfolio_shares._groups_in_text): a form
    edited in place, as a draft's is before its round opens, is read afresh, not from what was kept."""
    award = _custom_award()
    first = award.returns[0]
    first.status = ReturnStatus.SUBMITTED
    first.answers = {"reach": {"people_veterans": ["17"]}}
    _db.session.flush()
    officer = as_role("grants_officer")
    assert "Armed forces veterans 17" in seen_text(officer.get("/awards/dashboard"))

    stored = _db.session.scalars(select(RoundForm).where(RoundForm.round_id == award.round_id,
                                                         RoundForm.kind == Kind.APPLICATION)).one()
    definition = copy.deepcopy(stored.definition)
    renamed = 0
    for part in definition["sections"]:
        for asked in part["questions"]:
            for option in asked.get("options") or ():
                if option.get("value") == "veterans":
                    option["label"] = "Veterans of the armed forces"
                    renamed += 1
    assert renamed == 1
    stored.definition = definition
    _db.session.flush()

    text = seen_text(officer.get("/awards/dashboard"))
    assert "Veterans of the armed forces 17" in text
    assert "Armed forces veterans" not in text
