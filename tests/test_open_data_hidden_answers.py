"""The 360Giving data reads an application's answers by role, and a question its show_if hides gives
none: an answer typed before an earlier answer changed stays kept (so nothing is lost if the applicant
changes back) but is not the application's answer, and must not leak into the open data."""

from __future__ import annotations

import copy

from grants.extensions import db as _db
from grants.form_definitions import Kind, load
from grants.interfaces.awards import portfolio_awards
from grants.interfaces.round_forms import versions
from grants.models.applications import ApplicationSection
from grants.models.awards import AwardStatus
from tests import custom_application_form as custom
from tests.factories import ApplicationFactory, AwardFactory
from tests.form_definitions.builders import question
from tests.helpers import counting_statements

# The custom form, its summary asked only when the applicant says they want to describe the work,
# and its title asked only on the partner question's "yes" (a chain of two conditions).
DOCUMENT = copy.deepcopy(custom.DOCUMENT)
_about = DOCUMENT["sections"][0]["questions"]
_about.insert(0, question("describe", "yes_no", "Do you want to describe the work?"))
_about[_about.index(next(q for q in _about if q["id"] == "pitch"))]["show_if"] = {
    "question": "describe", "equals": "yes"}


def _award(answers: dict):
    application = ApplicationFactory()
    application.form = versions.save(application.funding_round, Kind.APPLICATION, load(DOCUMENT), by=None,
                                     reason="The round's own form")
    application.sections.append(ApplicationSection(key="about", answers=answers, complete=True))
    award = AwardFactory(application=application, status=AwardStatus.ACCEPTED)
    _db.session.flush()
    return award


def test_a_hidden_questions_answer_is_not_read_by_role(db):
    shown = _award({"called": ["Shown"], "describe": ["yes"], "pitch": ["Mentoring on the moor."]})
    hidden = _award({"called": ["Hidden"], "describe": ["no"], "pitch": ["A stale summary, typed before no"]})
    unanswered = _award({"called": ["Unanswered"], "pitch": ["Typed, then the question above left blank"]})
    found = portfolio_awards.project_answers([shown, hidden, unanswered])
    assert found[shown.application_id] == {"project_title": ["Shown"], "project_summary": ["Mentoring on the moor."]}
    assert found[hidden.application_id] == {"project_title": ["Hidden"]}
    assert found[unanswered.application_id] == {"project_title": ["Unanswered"]}


def test_a_question_hidden_by_a_hidden_question_is_hidden_too(db):
    document = copy.deepcopy(DOCUMENT)
    about = document["sections"][0]["questions"]
    about[0]["show_if"] = {"question": "has_partner", "equals": "yes"}
    about.insert(0, about.pop(next(i for i, q in enumerate(about) if q["id"] == "has_partner")))
    application = ApplicationFactory()
    application.form = versions.save(application.funding_round, Kind.APPLICATION, load(document), by=None,
                                     reason="The round's own form")
    application.sections.append(ApplicationSection(key="about", complete=True, answers={
        "called": ["Title"], "has_partner": ["no"], "describe": ["yes"], "pitch": ["Stale"]}))
    award = AwardFactory(application=application, status=AwardStatus.ACCEPTED)
    _db.session.flush()
    assert portfolio_awards.project_answers([award])[application.id] == {"project_title": ["Title"]}


def test_still_three_queries_however_many_awards(db):
    awards = [_award({"called": [f"Project {n}"], "describe": ["yes"], "pitch": ["Words"]}) for n in range(4)]
    with counting_statements() as statements:
        portfolio_awards.project_answers(awards)
    assert len(statements) == 3
