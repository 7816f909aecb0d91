"""File questions in a monitoring return: the upload is checked by its content against the question's
file types and size, kept as one of the return's documents (a new upload replaces the old, whose file
is removed), named on check answers and the officer's review with a download link, downloadable by the
grantee's members and by staff only, changeable only while the return can be edited, audited, and
listed in the uploader's personal-data export."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from grants.document_store import DocumentMissing, document_store
from grants.form_definitions import Kind, Question, QuestionType, Section, standard
from grants.interfaces.admin.personal_data import subject_access
from grants.models.audit import AuditEvent
from grants.models.awards import ReturnDocument
from tests.blueprints.grantee.test_return_round_form import _rows, _store
from tests.blueprints.grantee.test_returns import RETURN_ANSWERS, return_url, running_award
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import error_messages, page, post
from tests.question_forms.test_files import pdf_bytes

REPORT = Question("report", QuestionType.FILE, "Upload your evaluation report",
                  limits={"file_types": ("pdf",), "max_mb": 1})
EVIDENCE = Section("evidence", "Evidence", questions=(REPORT,))


@pytest.fixture
def first_return(db, users):
    award = running_award(users["org_a"])
    form = standard(Kind.MONITORING)
    _store(db, award.funding_round, replace(form, sections=(*form.sections, EVIDENCE)), 1)
    return award.returns[0]


@pytest.fixture
def applicant(as_role):
    return as_role("applicant")


def _upload(client, monitoring_return, name="report.pdf", data=None, button="action-continue"):
    response = post(client, return_url(monitoring_return, "/sections/evidence"),
                    {"report": (io.BytesIO(pdf_bytes() if data is None else data), name), button: "1"},
                    content_type="multipart/form-data")
    # Werkzeug's client spools a large body to a temporary file, and without follow_redirects it
    # does not close it: close it here (warnings are errors).
    response.request.input_stream.close()
    return response


def _documents(db) -> list[ReturnDocument]:
    return list(db.session.scalars(db.select(ReturnDocument).order_by(ReturnDocument.id)))


def _complete_the_rest(client, monitoring_return) -> None:
    problems = {"problems": ["Nothing has gone wrong."]}
    for key, answers in {**RETURN_ANSWERS, "problems": problems}.items():
        response = post(client, return_url(monitoring_return, f"/sections/{key}"), {**answers, "action-continue": "1"})
        assert response.status_code == 302, error_messages(response)


def test_the_page_asks_for_a_file(applicant, first_return):
    html = page(applicant.get(return_url(first_return, "/sections/evidence")))
    assert html.find("form", {"enctype": "multipart/form-data"}) is not None
    assert html.find("label", {"for": "report"}).get_text(strip=True) == "Upload your evaluation report"
    response = post(applicant, return_url(first_return, "/sections/evidence"), {"action-continue": "1"})
    assert error_messages(response) == ["Select a file"]


def test_an_upload_is_kept_shown_and_downloadable(applicant, first_return, as_role, users, db):
    response = _upload(applicant, first_return)
    assert response.status_code == 302, error_messages(response)
    [document] = _documents(db)
    assert (document.return_id, document.question_id, document.original_filename) == (
        first_return.id, "report", "report.pdf")
    db.session.refresh(first_return)
    assert first_return.answers["evidence"]["file:report"] == [str(document.id), "report.pdf"]
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "return.document_uploaded")).one()
    assert "report.pdf" in event.summary
    # Saved again without a new file: the question is still answered.
    response = post(applicant, return_url(first_return, "/sections/evidence"), {"action-continue": "1"})
    assert response.status_code == 302, error_messages(response)
    _complete_the_rest(applicant, first_return)
    check = page(applicant.get(return_url(first_return, "/check")))
    assert _rows(check)["Upload your evaluation report"] == "report.pdf"
    link = check.find("a", string="report.pdf")["href"]
    assert link == return_url(first_return, f"/documents/{document.id}")
    download = applicant.get(link)
    assert download.status_code == 200 and download.data == pdf_bytes()
    assert download.headers["Content-Disposition"].startswith("attachment")
    download.close()
    assert post(applicant, return_url(first_return, "/submit")).status_code == 302
    officer = as_role("grants_officer")
    review = page(officer.get(f"/awards/{first_return.award_id}/returns/{first_return.id}"))
    assert _rows(review)["Upload your evaluation report"] == "report.pdf"
    for staff in (officer, as_role("admin")):
        download = staff.get(link)
        assert download.status_code == 200 and download.data == pdf_bytes()
        download.close()
    assert as_role("finance_officer").get(link).status_code == 403
    # Listed in the uploader's personal data.
    exported = subject_access(users["applicant"])["return_documents"]
    assert [(item["id"], item["original_filename"]) for item in exported] == [(document.id, "report.pdf")]


def test_another_organisation_cannot_download(applicant, first_return, as_user, db):
    _upload(applicant, first_return)
    [document] = _documents(db)
    other = UserFactory(email="other-grantee@example.org", organisation=OrganisationFactory())
    response = as_user(other).get(return_url(first_return, f"/documents/{document.id}"))
    assert response.status_code == 404


def test_a_file_of_the_wrong_content_is_refused_and_nothing_kept(applicant, first_return, db):
    response = _upload(applicant, first_return, data=b"MZ not a pdf at all")
    assert response.status_code == 200
    assert error_messages(response) != []
    assert _documents(db) == []
    response = _upload(applicant, first_return, name="report.docx")
    assert error_messages(response) == ["The selected file must be a PDF"]
    response = _upload(applicant, first_return, data=pdf_bytes(padding=1024 * 1024))
    assert error_messages(response) == ["The selected file must be smaller than 1MB"]
    assert _documents(db) == []


def test_a_new_upload_replaces_the_old_and_removes_its_file(applicant, first_return, db):
    _upload(applicant, first_return)
    [old] = _documents(db)
    old_id, old_name = old.id, old.stored_name
    response = _upload(applicant, first_return, name="report v2.pdf")
    assert response.status_code == 302, error_messages(response)
    db.session.expire_all()
    [new] = _documents(db)
    assert new.original_filename == "report v2.pdf" and new.id != old_id
    with pytest.raises(DocumentMissing):
        document_store().open(old_name)
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "return.document_replaced")).one()
    assert "report.pdf" in event.summary and "report v2.pdf" in event.summary


def test_no_upload_once_the_return_is_submitted(applicant, first_return, db):
    _upload(applicant, first_return)
    _complete_the_rest(applicant, first_return)
    assert post(applicant, return_url(first_return, "/submit")).status_code == 302
    response = _upload(applicant, first_return, name="late.pdf")
    assert response.status_code == 302
    assert [document.original_filename for document in _documents(db)] == ["report.pdf"]
