"""A round's form may ask for a file: the applicant uploads it on the section's page, it is checked by
its content and kept as one of the application's documents, a later save keeps it without a new file,
and check answers names it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from grants.extensions import db
from grants.form_definitions import Kind, dump, load, standard
from grants.interfaces.round_forms import versions
from grants.models.applications import Application, ApplicationDocument, ApplicationSection, DocumentKind
from grants.models.types import utcnow
from tests.helpers import error_messages, page, post
from tests.test_uploads import pdf_bytes

PLAN = {"id": "delivery_plan", "type": "file", "label": "Upload your delivery plan",
        "limits": {"file_types": ["pdf"], "max_mb": 2}}


@pytest.fixture
def started(applicant, open_round):
    document = dump(standard(Kind.APPLICATION))
    document["sections"][0]["questions"].append(PLAN)
    open_round.opens_at = utcnow() + timedelta(days=1)
    versions.save(open_round, Kind.APPLICATION, load(document), by=None)
    open_round.opens_at = utcnow() - timedelta(days=1)
    db.session.flush()
    with applicant.session_transaction() as session:
        session["eligible_rounds"] = [open_round.id]
    post(applicant, f"/applications/start/{open_round.id}")
    return db.session.scalars(db.select(Application)).one()


PROJECT = {"title": "Harbour café", "summary": "A café.", "activities": "Cooking.", "need": "None nearby."}


def _save(client, application, data):
    return post(client, f"/applications/{application.id}/sections/project",
                {**data, "action-continue": "1"}, content_type="multipart/form-data")


def test_the_page_posts_files(applicant, started):
    html = page(applicant.get(f"/applications/{started.id}/sections/project"))
    assert html.select_one("main form[method=post]")["enctype"] == "multipart/form-data"
    assert html.select_one("input[type=file][name=delivery_plan]")["accept"] == ".pdf"


def test_a_file_is_checked_kept_and_named(applicant, started):
    response = _save(applicant, started, {**PROJECT, "delivery_plan": (io.BytesIO(pdf_bytes()), "plan.pdf")})
    assert response.status_code == 302, error_messages(response)
    record = db.session.get(ApplicationSection, (started.id, "project"))
    assert record.complete
    document = db.session.scalars(db.select(ApplicationDocument)).one()
    assert (document.kind, document.original_filename) == (DocumentKind.OTHER, "plan.pdf")
    assert record.answers["file:delivery_plan"] == [str(document.id), "plan.pdf"]

    # Saved again without a new file: the one kept still answers the question.
    response = _save(applicant, started, {**PROJECT, "title": "Harbour café (evenings)"})
    assert response.status_code == 302, error_messages(response)
    assert db.session.get(ApplicationSection, (started.id, "project")).answers["file:delivery_plan"] == [
        str(document.id), "plan.pdf"]

    html = page(applicant.get(f"/applications/{started.id}/check"))
    rows = {row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(strip=True)
            for row in html.select(".govuk-summary-list__row")}
    assert rows["Upload your delivery plan"] == "plan.pdf"


def test_a_file_is_required_and_checked_by_its_content(applicant, started):
    assert error_messages(_save(applicant, started, PROJECT)) == ["Select a file"]
    fake = _save(applicant, started, {**PROJECT, "delivery_plan": (io.BytesIO(b"MZ not a pdf"), "plan.pdf")})
    assert error_messages(fake) == ["The selected file's content does not match its name (.pdf)"]
    assert not db.session.get(ApplicationSection, (started.id, "project")).complete
    assert db.session.scalar(db.select(db.func.count()).select_from(ApplicationDocument)) == 0


def test_a_document_cannot_be_claimed_by_posting_its_number(applicant, started, db):
    response = _save(applicant, started, {**PROJECT, "file:delivery_plan": ["1", "someone-elses.pdf"]})
    assert error_messages(response) == ["Select a file"]
    assert "file:delivery_plan" not in db.session.get(ApplicationSection, (started.id, "project")).answers


def test_a_file_removed_from_the_documents_answers_no_more(applicant, started):
    _save(applicant, started, {**PROJECT, "delivery_plan": (io.BytesIO(pdf_bytes()), "plan.pdf")})
    document = db.session.scalars(db.select(ApplicationDocument)).one()
    db.session.delete(document)
    db.session.flush()
    response = _save(applicant, started, PROJECT)
    assert error_messages(response) == ["Select a file"]


def test_a_new_file_takes_the_place_of_the_one_before(applicant, started):
    from grants.document_store import DocumentMissing, document_store

    _save(applicant, started, {**PROJECT, "delivery_plan": (io.BytesIO(pdf_bytes()), "plan.pdf")})
    first = db.session.scalars(db.select(ApplicationDocument)).one()
    first_stored = first.stored_name
    for _ in range(3):  # saving again and again never piles documents up
        response = _save(applicant, started, {**PROJECT, "delivery_plan": (io.BytesIO(pdf_bytes()), "plan v2.pdf")})
        assert response.status_code == 302, error_messages(response)
    db.session.expire_all()
    [document] = db.session.scalars(db.select(ApplicationDocument)).all()
    assert document.stored_name != first_stored and document.original_filename == "plan v2.pdf"
    assert db.session.get(ApplicationSection, (started.id, "project")).answers["file:delivery_plan"] == [
        str(document.id), "plan v2.pdf"]
    with pytest.raises(DocumentMissing):  # the replaced file is gone from the store too
        document_store().open(first_stored)
