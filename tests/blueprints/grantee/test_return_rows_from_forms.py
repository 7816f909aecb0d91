"""A monitoring return's rows (grants.return_form.plan) are read through the form the award's application
answers: its milestones, budget lines, outcome measures and Combating Drugs outcomes questions by type,
and its groups of people by the role beneficiary_groups, wherever the form puts them and whatever it
calls them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from grants.extensions import db as _db
from grants.form_definitions import Kind, load
from grants.interfaces.round_forms import versions
from grants.models.applications import ApplicationSection
from grants.models.awards import AwardStatus
from grants.models.types import utcnow
from grants.return_form.plan import (
    ALL_PEOPLE,
    ALL_SPENDING,
    GENERAL_MILESTONE,
    GENERAL_OUTCOME,
    BudgetLine,
    Milestone,
    Outcome,
    ReturnPlan,
    plan_for,
)
from tests import custom_application_form as custom
from tests.blueprints.applications.answers import VALID
from tests.blueprints.grantee.test_returns import APPLICATION_SECTIONS, return_url
from tests.factories import AwardFactory
from tests.form_definitions.builders import application as application_form
from tests.form_definitions.builders import question
from tests.helpers import page


def _award(organisation, **changes):
    return AwardFactory(organisation=organisation, status=AwardStatus.ACCEPTED, accepted_at=utcnow(),
                        accepted_name="Alex Contact", accepted_position="Chair", **changes)


def test_the_rows_are_the_answers_to_the_applications_own_form(db, users, as_role):
    award = _award(users["org_a"])
    custom.answering(award.application)
    for key in APPLICATION_SECTIONS:  # the standard form's answers, which this form does not ask
        award.application.sections.append(ApplicationSection(key=key, answers=VALID[key], complete=True))
    _db.session.flush()
    assert plan_for(award) == ReturnPlan(
        milestones=(Milestone("First mentors matched", date(2027, 6, 1)),),
        groups=(("veterans", "Armed forces veterans"),),
        budget_lines=(BudgetLine("Staff: Mentor coordinator", Decimal("3000.00")),),
        outcomes=(Outcome("Fewer young people excluded", "School records"),),
        drugs_outcomes=(("reduce-drug-use", "Reduce drug use"),),
    )
    people = page(as_role("applicant").get(return_url(award.returns[0], "/sections/people"))).get_text()
    assert "Armed forces veterans" in people
    assert "Families and carers" not in people and "Parents of teenagers" not in people


def test_a_form_without_those_questions_asks_about_the_project_as_a_whole(db, users):
    award = _award(users["org_a"])
    award.application.form = versions.save(award.funding_round, Kind.APPLICATION, load(application_form(
        question("groups", "several_choices", "Who?", options=[{"value": "a", "label": "A"},
                                                               {"value": "b", "label": "B"}]))),
        by=None, reason="A short form")
    award.application.sections.append(ApplicationSection(key="more", answers={"groups": ["a"]}, complete=True))
    for key in APPLICATION_SECTIONS:
        award.application.sections.append(ApplicationSection(key=key, answers=VALID[key], complete=True))
    _db.session.flush()
    # "groups" is not the beneficiary_groups question: only its role makes it one.
    assert plan_for(award) == ReturnPlan(milestones=(GENERAL_MILESTONE,), groups=(ALL_PEOPLE,),
                                         budget_lines=(ALL_SPENDING,), outcomes=(GENERAL_OUTCOME,),
                                         drugs_outcomes=())


def test_spare_rows_and_unknown_codes_are_left_out(db, users):
    award = _award(users["org_a"])
    custom.answering(award.application, {"focus": {
        "who": ["veterans", "nobody"], "aims": ["not-an-outcome"],
        "results-0-outcome": [""], "results-0-measure": [""],
        "results-1-outcome": [""], "results-1-measure": ["Only a measure"]}})
    _db.session.flush()
    plan = plan_for(award)
    assert plan.groups == (("veterans", "Armed forces veterans"),)
    assert plan.outcomes == (Outcome("Outcome", "Only a measure"),) and plan.drugs_outcomes == ()
    assert plan.milestones == (GENERAL_MILESTONE,) and plan.budget_lines == (ALL_SPENDING,)
