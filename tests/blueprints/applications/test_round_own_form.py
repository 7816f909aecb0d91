"""Applying to a round that asks its own questions: the task list, the section pages, the conditional
question, check answers and submission all follow the round's form, and an application keeps the
version it started on when the form changes later."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.demo.rounds import themed_application_form
from grants.extensions import db
from grants.form_definitions import Kind, dump, load
from grants.interfaces.round_forms import versions
from grants.models.applications import Application, ApplicationSection, ApplicationStatus
from grants.models.types import utcnow
from tests.blueprints.applications.answers import ANTISOCIAL_BEHAVIOUR, VALID
from tests.blueprints.applications.conftest import add_required_documents, answer_subsidy_control
from tests.helpers import error_messages, page, post

ASB = "antisocial_behaviour"
ASB_ANSWERS = ANTISOCIAL_BEHAVIOUR


@pytest.fixture
def themed_round(db, open_round):
    """The open round, asking the demo's anti-social behaviour form (saved before it opened)."""
    open_round.opens_at = utcnow() + timedelta(days=1)
    db.session.flush()
    versions.save(open_round, Kind.APPLICATION, themed_application_form(), by=None)
    open_round.opens_at = utcnow() - timedelta(days=1)
    db.session.flush()
    return open_round


@pytest.fixture
def started(applicant, themed_round):
    with applicant.session_transaction() as session:
        session["eligible_rounds"] = [themed_round.id]
    post(applicant, f"/applications/start/{themed_round.id}")
    return db.session.scalars(db.select(Application)).one()


def _tasks(client, application) -> list[str]:
    html = page(client.get(f"/applications/{application.id}"))
    return [item.select_one(".govuk-task-list__name-and-hint a, .govuk-task-list__name-and-hint").get_text(
        " ", strip=True) for item in html.select(".govuk-task-list__item")]


def _save(client, application, key, answers):
    return post(client, f"/applications/{application.id}/sections/{key}", {**answers, "action-continue": "1"})


def test_the_task_list_is_the_rounds_form(applicant, started):
    assert started.form is not None and started.form.version == 1
    tasks = _tasks(applicant, started)
    assert tasks[:5] == ["Organisation details", "Project summary and activities", "How your project fits the plan",
                         "Where your project will work", "The anti-social behaviour your project tackles"]
    # Then subsidy control (a charity answers it too), the documents, and the optional partner
    # organisations (tests/test_partners.py).
    assert len(tasks) == 14 and tasks[-3:] == [
        "Subsidy control Assistance your organisation has had from public bodies", "Supporting documents",
        "Partner organisations Optional: other organisations delivering the project with you"]


def test_the_rounds_own_section_asks_its_questions(applicant, started):
    html = page(applicant.get(f"/applications/{started.id}/sections/{ASB}"))
    assert html.select_one("h1").get_text(strip=True) == "The anti-social behaviour your project tackles"
    # The section's own description comes after its heading.
    assert html.select_one("h1").find_next("p").get_text(" ", strip=True).startswith(
        "This year's round funds projects about drug- and alcohol-related anti-social behaviour")
    legends = [legend.get_text(" ", strip=True) for legend in html.select("legend")]
    assert "What kinds of anti-social behaviour will your project tackle?" in legends
    # The guidance is Markdown, shown as a list.
    guidance = html.select_one(".opcc-question-guidance")
    assert guidance is not None and [li.get_text(strip=True) for li in guidance.select("li")] == [
        "Name places people would recognise.", "Say whether it is getting better or worse."]


def test_a_question_shown_only_after_yes_is_checked_only_then(applicant, started):
    missing = {**ASB_ANSWERS, "csp_contact": [""]}
    response = _save(applicant, started, ASB, missing)
    assert error_messages(response) == ["Enter who you talked to at the Community Safety Partnership"]
    assert not db.session.get(ApplicationSection, (started.id, ASB)).complete

    response = _save(applicant, started, ASB, {**missing, "csp_involved": ["no"]})
    assert response.status_code == 302
    record = db.session.get(ApplicationSection, (started.id, ASB))
    assert record.complete


def test_a_hidden_answer_is_not_shown_on_check_answers(applicant, started):
    _save(applicant, started, ASB, {**ASB_ANSWERS, "csp_involved": ["no"]})
    html = page(applicant.get(f"/applications/{started.id}/check"))
    card = next(card for card in html.select(".govuk-summary-card")
                if "anti-social behaviour" in card.select_one(".govuk-summary-card__title").get_text())
    rows = {row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text("|", strip=True)
            for row in card.select(".govuk-summary-list__row")}
    assert rows == {
        "What kinds of anti-social behaviour will your project tackle?":
            "Drug dealing in public places|Discarded needles and drug litter",
        "Where and when does it happen?": "Around the bus station on Friday and Saturday nights.",
        "How many hours a week will your project be active in those places?": "12",
        "Have you talked to your local Community Safety Partnership about this project?": "No",
    }


def test_out_of_range_hours_are_refused_in_the_forms_words(applicant, started):
    response = _save(applicant, started, ASB, {**ASB_ANSWERS, "hours_per_week": ["169"]})
    assert error_messages(response) == ["Hours a week must be between 1 and 168"]


def test_submission_needs_the_rounds_own_section(applicant, started):
    for key, answers in VALID.items():
        assert _save(applicant, started, key, answers).status_code == 302, key
    answer_subsidy_control(applicant, started)
    add_required_documents(db, started)
    response = post(applicant, f"/applications/{started.id}/submit")
    assert "Complete the section ‘The anti-social behaviour your project tackles’" in error_messages(response)
    assert _save(applicant, started, ASB, ASB_ANSWERS).status_code == 302
    post(applicant, f"/applications/{started.id}/submit")
    db.session.refresh(started)
    assert started.status is ApplicationStatus.SUBMITTED


def test_a_later_version_applies_to_new_applications_only(applicant, started, themed_round, users):
    document = dump(themed_application_form())
    document["sections"] = [section for section in document["sections"] if section["id"] != ASB]
    versions.save(themed_round, Kind.APPLICATION, load(document), by=users["admin"], reason="Theme dropped")
    # The draft still answers version 1, with its own section.
    assert f"/applications/{started.id}/sections/{ASB}" in str(page(applicant.get(f"/applications/{started.id}")))
    assert applicant.get(f"/applications/{started.id}/sections/{ASB}").status_code == 200


def test_a_section_the_form_does_not_have_is_not_found(applicant, started):
    assert applicant.get(f"/applications/{started.id}/sections/not_a_section").status_code == 404
