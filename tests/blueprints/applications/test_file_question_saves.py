"""A file question on a section page that also has rows (budget lines): the file chosen is kept when
the applicant adds a row; it counts toward the 20-document limit, both ways; and a save that finds
the application submitted since the page was read says so rather than failing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import update

from grants.extensions import db
from grants.form_definitions import Kind, dump, load, standard
from grants.interfaces.applications import documents as docs
from grants.interfaces.applications import submission
from grants.interfaces.round_forms import versions
from grants.models.applications import Application, ApplicationDocument, ApplicationSection, ApplicationStatus
from grants.models.types import utcnow
from tests.helpers import error_messages, page, post
from tests.test_uploads import pdf_bytes
from tests.visible_text import seen_text

PLAN = {"id": "costings", "type": "file", "label": "Upload your costings",
        "limits": {"file_types": ["pdf"], "max_mb": 2}}
BUDGET = {"lines-0-category": "staff", "lines-0-description": "Coordinator", "lines-0-amount": "3000",
          "amount_requested": "3000", "project_cost": "3000", "other_funding": "0", "match_funding": "0"}


@pytest.fixture
def started(applicant, open_round):
    """A draft on the standard form with a file question added to its budget section (beside the rows)."""
    document = dump(standard(Kind.APPLICATION))
    budget = next(section for section in document["sections"] if section["id"] == "budget")
    budget["questions"].append(PLAN)
    open_round.opens_at = utcnow() + timedelta(days=1)
    versions.save(open_round, Kind.APPLICATION, load(document), by=None)
    open_round.opens_at = utcnow() - timedelta(days=1)
    db.session.flush()
    with applicant.session_transaction() as session:
        session["eligible_rounds"] = [open_round.id]
    post(applicant, f"/applications/start/{open_round.id}")
    return db.session.scalars(db.select(Application)).one()


def _post(client, application, data, button="action-continue"):
    return post(client, f"/applications/{application.id}/sections/budget", {**data, button: "1"},
                content_type="multipart/form-data")


def _fill(application, count):
    for number in range(count):
        db.session.add(ApplicationDocument(
            application=application, kind=docs.DocumentKind.OTHER, original_filename=f"evidence {number}.pdf",
            stored_name=f"test-{application.id}-{number}", content_type="application/pdf", size_bytes=10,
            sha256="0" * 64))
    db.session.flush()


def test_adding_a_row_keeps_the_file_chosen(applicant, started):
    response = _post(applicant, started, {**BUDGET, "costings": (io.BytesIO(pdf_bytes()), "costings.pdf")},
                     button="action-add-lines")
    assert response.status_code == 200
    assert error_messages(response) == []  # adding a row shows the page again, not its errors
    html = page(response)
    assert html.select_one("input[name='lines-1-description']") is not None  # the new row
    document = db.session.scalars(db.select(ApplicationDocument)).one()
    assert document.original_filename == "costings.pdf"
    record = db.session.get(ApplicationSection, (started.id, "budget"))
    assert record.answers["file:costings"] == [str(document.id), "costings.pdf"] and not record.complete

    # Continuing without choosing the file again: the one kept answers the question.
    response = _post(applicant, started, BUDGET)
    assert response.status_code == 302, error_messages(response)
    assert db.session.get(ApplicationSection, (started.id, "budget")).complete


def test_a_file_refused_while_adding_a_row_says_why_and_keeps_nothing(applicant, started):
    response = _post(applicant, started, {**BUDGET, "costings": (io.BytesIO(b"MZ not a pdf"), "costings.pdf")},
                     button="action-add-lines")
    assert error_messages(response) == ["The selected file's content does not match its name (.pdf)"]
    assert db.session.scalar(db.select(db.func.count()).select_from(ApplicationDocument)) == 0


def test_a_file_question_cannot_take_a_draft_past_the_document_limit(applicant, started):
    _fill(started, docs.MAX_DOCUMENTS)
    response = _post(applicant, started, {**BUDGET, "costings": (io.BytesIO(pdf_bytes()), "costings.pdf")})
    assert response.status_code == 200
    assert error_messages(response) == [docs.TOO_MANY]
    assert db.session.scalar(db.select(db.func.count()).select_from(ApplicationDocument)) == docs.MAX_DOCUMENTS
    record = db.session.get(ApplicationSection, (started.id, "budget"))
    assert "file:costings" not in record.answers and not record.complete


def test_a_file_questions_document_counts_on_the_uploads_page(applicant, started):
    _fill(started, docs.MAX_DOCUMENTS - 1)
    response = _post(applicant, started, {**BUDGET, "costings": (io.BytesIO(pdf_bytes()), "costings.pdf")})
    assert response.status_code == 302, error_messages(response)
    response = post(applicant, f"/applications/{started.id}/documents",
                    {"kind": "other", "file": (io.BytesIO(pdf_bytes()), "more.pdf")},
                    content_type="multipart/form-data")
    assert error_messages(response) == [docs.TOO_MANY]


def test_replacing_the_file_at_the_limit_is_allowed(applicant, started):
    _fill(started, docs.MAX_DOCUMENTS - 1)
    _post(applicant, started, {**BUDGET, "costings": (io.BytesIO(pdf_bytes()), "costings.pdf")})
    response = _post(applicant, started, {**BUDGET, "costings": (io.BytesIO(pdf_bytes()), "costings v2.pdf")})
    assert response.status_code == 302, error_messages(response)
    assert db.session.scalar(db.select(db.func.count()).select_from(ApplicationDocument)) == docs.MAX_DOCUMENTS


def test_a_save_that_finds_the_application_submitted_says_so(applicant, started, monkeypatch):
    """Submitted in another tab between this request reading the draft and storing its file: the
    document store's lock finds it, nothing is kept, and the applicant is told (never a 500)."""
    add_document = submission.add_document

    def submitted_meanwhile(application, *args, **kwargs):
        db.session.execute(update(Application).where(Application.id == application.id)
                           .values(status=ApplicationStatus.SUBMITTED))
        return add_document(application, *args, **kwargs)

    monkeypatch.setattr(submission, "add_document", submitted_meanwhile)
    response = _post(applicant, started, {**BUDGET, "costings": (io.BytesIO(pdf_bytes()), "costings.pdf")})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{started.id}")
    assert db.session.scalar(db.select(db.func.count()).select_from(ApplicationDocument)) == 0
    assert db.session.get(ApplicationSection, (started.id, "budget")) is None
    monkeypatch.undo()
    db.session.execute(update(Application).where(Application.id == started.id)
                       .values(status=ApplicationStatus.SUBMITTED))
    assert "This application has been submitted and can no longer be changed" in seen_text(
        applicant.get(response.headers["Location"]))
