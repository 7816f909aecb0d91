"""One application as an officer sees it: details, answers, documents, questions, decision, history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from grants import audit
from grants.models.applications import ApplicationDocument, ApplicationStatus, Clarification, DocumentKind
from tests.blueprints.screening.conftest import PROJECT_ANSWERS
from tests.factories import OrganisationFactory
from tests.helpers import page


def _main_text(response) -> str:
    return " ".join(page(response).select_one("main").get_text(" ").split())


def test_the_page_shows_the_whole_application(officer, make_application):
    organisation = OrganisationFactory(name="Harbour Recovery")
    application = make_application(
        organisation=organisation,
        project_title="Harbour Recovery Café",
        amount="4250.50",
        submitted_at=datetime(2026, 7, 1, 8, 30, tzinfo=UTC),  # 9:30am in London (BST)
        answers={"project": PROJECT_ANSWERS},
    )
    response = officer.get(f"/screening/applications/{application.id}")
    assert response.status_code == 200
    text = _main_text(response)
    assert f"{application.reference}: Harbour Recovery Café" in text
    assert "£4,250.50" in text
    assert "1 July 2026 at 9:30am" in text
    assert "A weekly recovery café in Plymouth run by people with lived experience." in text
    assert "Project summary and activities" in text and "Declarations" in text
    link = page(response).find("a", string="Harbour Recovery")
    assert link["href"] == f"/organisations/{organisation.id}"
    tag = page(response).select_one("main .govuk-tag")
    assert tag.get_text(strip=True) == "Submitted"


def test_a_draft_is_not_found_by_officers(officer, make_application):
    draft = make_application(status=ApplicationStatus.DRAFT)
    assert officer.get(f"/screening/applications/{draft.id}").status_code == 404
    assert officer.get("/screening/applications/999999").status_code == 404


@pytest.mark.visible_text(allow=["<script>alert('title')</script>", "<script>alert('answer')</script>",
                                 "<b>Bold</b>"])  # typed, shown as typed
def test_answers_and_titles_with_html_are_escaped(officer, make_application):
    application = make_application(
        project_title="<script>alert('title')</script>",
        answers={"project": {**PROJECT_ANSWERS, "summary": ["<script>alert('answer')</script>"]}},
        organisation=OrganisationFactory(name="<b>Bold</b> Group"),
    )
    html = officer.get(f"/screening/applications/{application.id}").get_data(as_text=True)
    assert "<script>alert(" not in html and "<b>Bold</b>" not in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#39;answer&#39;)&lt;/script&gt;" in html


def _document(db, application, name="constitution.pdf"):
    document = ApplicationDocument(
        application=application, kind=DocumentKind.CONSTITUTION, original_filename=name,
        stored_name=f"screening-test-{application.id}-{name}", content_type="application/pdf",
        size_bytes=10, sha256="0" * 64,
    )
    db.session.add(document)
    db.session.flush()
    return document


@pytest.mark.visible_text(allow=["<i>constitution</i>"])  # the file's name as uploaded
def test_documents_link_to_their_download(app, db, officer, make_application):
    application = make_application()
    document = _document(db, application, "<i>constitution</i>.pdf")
    response = officer.get(f"/screening/applications/{application.id}")
    link = page(response).select_one("#documents + ul a")
    assert link.get_text() == "<i>constitution</i>.pdf"  # shown as text
    assert link["href"] == f"/applications/{application.id}/documents/{document.id}"


def test_the_history_lists_this_applications_events_newest_first(db, officer, make_application, users):
    application = make_application()
    other = make_application()
    clarification = Clarification(application=application, question="How many sessions?")
    db.session.add(clarification)
    db.session.flush()
    older = audit.record("application.submitted", application, "Submitted by the applicant", actor=users["applicant"])
    older.occurred_at = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    audit.record("application.submitted", other, "Another application's event", actor=users["applicant"])
    newer = audit.record("clarification.asked", clarification, "Question asked", actor=users["grants_officer"])
    newer.occurred_at = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
    audit.record("thing.changed", ("Thing", str(application.id)), "Same id, another kind of record")
    db.session.flush()

    response = officer.get(f"/screening/applications/{application.id}")
    rows = [row.select("td")[2].get_text(strip=True) for row in page(response).select("#history ~ div tbody tr")]
    assert rows == ["Question asked", "Submitted by the applicant"]


@pytest.mark.visible_text(allow=["How many <b>sessions</b>?"])  # the question as typed
def test_questions_and_answers_are_shown(db, officer, make_application, users):
    application = make_application()
    db.session.add_all([
        Clarification(
            application=application, question="How many <b>sessions</b>?", asked_by_id=users["grants_officer"].id,
            answer="Two a week", answered_by_id=users["applicant"].id,
            answered_at=datetime(2026, 6, 3, 12, 0, tzinfo=UTC),
        ),
        Clarification(application=application, question="Who runs them?"),
    ])
    db.session.flush()
    response = officer.get(f"/screening/applications/{application.id}")
    text = _main_text(response)
    assert "How many <b>sessions</b>?" in text and "Two a week" in text
    assert "3 June 2026 at 1pm" in text
    assert "Who runs them? Asked by A former member of staff Answer Not answered yet" in text


def test_the_decision_is_shown_once_made_and_the_form_is_gone(officer, make_application, users):
    application = make_application(
        status=ApplicationStatus.INELIGIBLE,
        screening_reason="Your organisation's income is over the limit",
        screened_at=datetime(2026, 6, 4, 10, 0, tzinfo=UTC),
        screened_by_id=users["grants_officer"].id,
    )
    response = officer.get(f"/screening/applications/{application.id}")
    text = _main_text(response)
    assert "Not eligible" in text and "Your organisation's income is over the limit" in text
    assert users["grants_officer"].full_name in text
    assert page(response).select_one('form[action$="/screen"]') is None


def test_a_withdrawn_application_offers_neither_screening_nor_questions(officer, make_application):
    application = make_application(status=ApplicationStatus.WITHDRAWN)
    response = officer.get(f"/screening/applications/{application.id}")
    assert response.status_code == 200
    assert page(response).select_one('form[action$="/screen"]') is None
    assert page(response).select_one('form[action$="/clarifications"]') is None
    assert "it is withdrawn" in _main_text(response)


def test_a_complete_application_shows_every_answer(officer, make_application):
    from grants.interfaces.subsidy import declaration as declarations
    from tests.blueprints.applications.answers import VALID

    answers = {key: values for key, values in VALID.items() if key != "organisation"}
    # A charity answers subsidy control too: its project is not economic activity.
    answers[declarations.SECTION_KEY] = declarations.stored_answers({"economic": ["no"]}, declarations.NOT_ECONOMIC)
    application = make_application(answers=answers)
    response = officer.get(f"/screening/applications/{application.id}")
    assert response.status_code == 200
    text = _main_text(response)
    assert "Not started" not in text and text.count("Not answered") == 1  # one optional question
    assert "Jo Smith, chair" in text and "Hall hire" in text
