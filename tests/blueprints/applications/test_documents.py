"""Supporting documents: applicants upload, list and delete them on a draft; members and staff
download them; files live outside the web root under random names, never half saved."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from grants.document_store import DocumentMissing, LocalDocumentStore, document_store
from grants.extensions import db
from grants.interfaces.applications.documents import MAX_DOCUMENTS, content_disposition, missing_documents
from grants.models.applications import ApplicationDocument, ApplicationStatus, DocumentKind
from grants.models.audit import AuditEvent
from tests.factories import ApplicationFactory
from tests.helpers import error_messages, page, post
from tests.test_uploads import docx_bytes, jpeg_bytes, odt_bytes, pdf_bytes, png_bytes, xlsx_bytes

OTHER_STAFF = ["panel_member", "finance_officer", "commissioner"]


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def application(db, users):
    """A draft application of organisation A."""
    return ApplicationFactory(organisation=users["org_a"])


@pytest.fixture
def member(as_role):
    return as_role("applicant")


def stored_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


def upload(client, application, filename="accounts.pdf", data=None, kind="accounts"):
    data = pdf_bytes() if data is None else data
    response = post(
        client,
        f"/applications/{application.id}/documents",
        {"kind": kind, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    # Werkzeug's client spools a large body to a temporary file, and without follow_redirects it
    # does not close it: close it here (warnings are errors).
    response.request.input_stream.close()
    return response


def documents_of(application) -> list[ApplicationDocument]:
    return list(db.session.scalars(select(ApplicationDocument).filter_by(application_id=application.id)))


def add_document(client, application, **kwargs) -> ApplicationDocument:
    assert upload(client, application, **kwargs).status_code == 302
    return documents_of(application)[-1]


# The page ----------------------------------------------------------------------------------------


def test_the_page_lists_what_is_still_needed_and_offers_the_upload_form(member, application):
    response = member.get(f"/applications/{application.id}/documents")
    assert response.status_code == 200
    html = page(response)
    assert html.h1.get_text(strip=True) == "Supporting documents"
    needed = [li.get_text(strip=True) for li in html.select("#missing-documents li")]
    assert needed == ["constitution or governing document", "latest annual accounts", "safeguarding policy"]
    form = html.select_one("form[enctype='multipart/form-data']")
    assert {radio["value"] for radio in form.select("input[type=radio]")} == {kind.value for kind in DocumentKind}
    assert form.select_one("input[type=file]")["name"] == "file"
    assert "PDF, DOCX, XLSX, ODT, JPG or PNG, smaller than 10MB" in form.get_text()


@pytest.mark.parametrize(
    ("filename", "build", "content_type"),
    [
        ("accounts.pdf", pdf_bytes, "application/pdf"),
        ("constitution.docx", docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("budget.xlsx", xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("policy.odt", odt_bytes, "application/vnd.oasis.opendocument.text"),
        ("photo.jpg", jpeg_bytes, "image/jpeg"),
        ("diagram.png", png_bytes, "image/png"),
    ],
)
def test_each_allowed_type_is_uploaded_and_stored_under_a_random_name(
    member, application, users, upload_folder, filename, build, content_type
):
    data = build()
    response = upload(member, application, filename, data, kind="constitution")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/applications/{application.id}/documents"

    [document] = documents_of(application)
    assert (document.kind, document.original_filename, document.content_type) == (
        DocumentKind.CONSTITUTION, filename, content_type
    )
    assert document.size_bytes == len(data) and document.uploaded_by_id == users["applicant"].id
    [stored] = stored_files(upload_folder)
    assert stored.name == document.stored_name and len(stored.name) == 64
    assert filename.rpartition(".")[0] not in stored.name
    assert stored.read_bytes() == data
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert "has been uploaded" in member.get(f"/applications/{application.id}/documents").get_data(as_text=True)


def test_the_list_shows_each_document_with_its_details_and_a_delete_button(member, application):
    add_document(member, application, filename="constitution.docx", data=docx_bytes(), kind="constitution")
    html = page(member.get(f"/applications/{application.id}/documents"))
    row = html.select_one("#documents tbody tr").get_text(" ", strip=True)
    assert "Constitution or governing document" in row and "constitution.docx" in row
    assert "DOCX," in row and "Test User" in row
    assert html.select_one("#documents button").get_text(" ", strip=True).startswith("Delete")
    assert [li.get_text(strip=True) for li in html.select("#missing-documents li")] == [
        "latest annual accounts", "safeguarding policy"
    ]


def test_the_same_file_twice_gets_two_random_names(member, application, upload_folder):
    add_document(member, application)
    add_document(member, application)
    first, second = documents_of(application)
    assert first.stored_name != second.stored_name
    assert first.sha256 == second.sha256
    assert len(stored_files(upload_folder)) == 2


def test_an_odd_file_name_is_kept_only_as_a_safe_display_name(member, application, upload_folder):
    document = add_document(member, application, filename="../../secret/acc\u202eounts.pdf")
    assert document.original_filename == "accounts.pdf"
    assert [path.name for path in stored_files(upload_folder)] == [document.stored_name]


# Refusals on the page ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data", "kind", "message"),
    [
        ("accounts.pdf", b"", "accounts", "The selected file is empty"),
        ("setup.exe", b"MZ\x90\x00", "accounts", "The selected file must be a PDF, DOCX, XLSX, ODT, JPG or PNG"),
        ("constitution.docx", pdf_bytes(), "accounts", "The selected file's content does not match its name (.docx)"),
        ("budget.xlsm", xlsx_bytes(), "accounts",
         "The selected file contains macros. Save it without macros and try again"),
        ("accounts.pdf", pdf_bytes(), "", "Select what the document is"),
        ("accounts.pdf", pdf_bytes(), "passport", "Select what the document is"),
    ],
)
def test_a_refused_file_is_explained_and_nothing_is_stored(
    member, application, upload_folder, filename, data, kind, message
):
    response = upload(member, application, filename, data, kind=kind)
    assert response.status_code == 200
    assert message in error_messages(response)
    assert documents_of(application) == [] and stored_files(upload_folder) == []


def test_no_file_chosen(member, application):
    response = post(member, f"/applications/{application.id}/documents", {"kind": "accounts"},
                    content_type="multipart/form-data")
    assert error_messages(response) == ["Select a file"]
    assert page(response).select_one("#file-error") is not None


def test_a_file_just_over_10mb_gets_the_field_message(member, application, upload_folder):
    data = pdf_bytes() + b"0" * (10 * 1024 * 1024)  # still within the request limit of 11MB
    response = upload(member, application, "scan.pdf", data)
    assert error_messages(response) == ["The selected file must be smaller than 10MB"]
    assert stored_files(upload_folder) == []


def test_a_request_over_the_limit_gets_the_too_large_page(member, application, upload_folder):
    response = upload(member, application, "scan.pdf", pdf_bytes() + b"0" * (12 * 1024 * 1024))
    assert response.status_code == 413
    text = page(response).get_text(" ", strip=True)
    assert "The file you sent is too large" in text and "10MB or smaller" in text
    assert stored_files(upload_folder) == []


def test_the_number_of_documents_is_capped(member, application, users):
    for n in range(MAX_DOCUMENTS):
        db.session.add(ApplicationDocument(
            application=application, kind=DocumentKind.OTHER, original_filename=f"{n}.pdf",
            stored_name=f"{n:064x}", content_type="application/pdf", size_bytes=1, sha256="0" * 64,
        ))
    db.session.flush()
    response = upload(member, application)
    assert error_messages(response) == [
        f"You can upload up to {MAX_DOCUMENTS} documents. Delete one before adding another"
    ]


# Submitted applications are read-only ------------------------------------------------------------


@pytest.fixture
def submitted(member, application):
    document = add_document(member, application)
    application.status = ApplicationStatus.SUBMITTED
    db.session.flush()
    return document


def test_a_submitted_applications_documents_are_listed_without_changes(member, application, submitted):
    html = page(member.get(f"/applications/{application.id}/documents"))
    assert "You cannot add or delete documents" in html.get_text(" ", strip=True)
    assert html.select_one("input[type=file]") is None
    assert html.select_one("#documents button") is None
    assert html.select_one("#documents a")["href"].endswith(f"/documents/{submitted.id}")


def test_uploading_to_a_submitted_application_is_refused(member, application, submitted, upload_folder):
    response = upload(member, application, "policy.pdf", kind="safeguarding_policy")
    assert response.status_code == 302
    assert "no longer a draft" in member.get(response.headers["Location"]).get_data(as_text=True)
    assert documents_of(application) == [submitted]
    assert len(stored_files(upload_folder)) == 1


def test_deleting_from_a_submitted_application_is_refused(member, application, submitted, upload_folder):
    response = post(member, f"/applications/{application.id}/documents/{submitted.id}/delete")
    assert response.status_code == 302
    assert "no longer a draft" in member.get(response.headers["Location"]).get_data(as_text=True)
    assert documents_of(application) == [submitted]
    assert len(stored_files(upload_folder)) == 1


# Deleting ----------------------------------------------------------------------------------------


def test_deleting_removes_the_row_and_the_file(member, application, upload_folder):
    document = add_document(member, application)
    response = post(member, f"/applications/{application.id}/documents/{document.id}/delete")
    assert response.status_code == 302
    assert documents_of(application) == [] and stored_files(upload_folder) == []
    assert "accounts.pdf has been deleted" in member.get(response.headers["Location"]).get_data(as_text=True)


def test_uploads_and_deletions_are_audited(member, application, users):
    document = add_document(member, application)
    stored_name = document.stored_name
    post(member, f"/applications/{application.id}/documents/{document.id}/delete")
    events = list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "ApplicationDocument").order_by(AuditEvent.id)
    ))
    assert [event.action for event in events] == ["application.document_uploaded", "application.document_deleted"]
    assert all(event.actor_id == users["applicant"].id for event in events)
    assert events[0].changes["stored_name"]["after"] == stored_name
    assert events[1].changes["original_filename"] == {"before": "accounts.pdf", "after": None}


def test_a_change_to_documents_moves_the_application_version_on(member, application):
    before = application.version
    add_document(member, application)
    assert application.version > before  # so a submission can tell the documents changed


# Downloading and who may -------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["applicant", "grants_officer", "admin"])
def test_members_and_application_staff_download_with_safe_headers(as_role, member, application, key):
    data = pdf_bytes()
    document = add_document(member, application, filename="accounts 2025.pdf", data=data)
    with as_role(key).get(f"/applications/{application.id}/documents/{document.id}") as response:
        assert response.status_code == 200
        assert response.data == data
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="accounts 2025.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_content_disposition_is_an_attachment_with_a_safe_name():
    assert content_disposition("accounts 2025.pdf") == 'attachment; filename="accounts 2025.pdf"'
    assert content_disposition("Übersicht – 2025.pdf") == (
        "attachment; filename=\"Ubersicht _ 2025.pdf\"; filename*=UTF-8''%C3%9Cbersicht%20%E2%80%93%202025.pdf"
    )
    assert content_disposition("100%.pdf") == "attachment; filename=\"100_.pdf\"; filename*=UTF-8''100%25.pdf"
    assert "\r" not in content_disposition("a\r\nSet-Cookie: x=1.pdf")


def test_a_non_ascii_name_is_sent_both_ways(member, application):
    document = add_document(member, application, filename="Übersicht.docx", data=docx_bytes())
    with member.get(f"/applications/{application.id}/documents/{document.id}") as response:
        assert response.data == docx_bytes()
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Ubersicht.docx\"; filename*=UTF-8''%C3%9Cbersicht.docx"
    )


@pytest.mark.parametrize("key", ["applicant_b", "applicant_no_org"])
def test_another_organisation_cannot_see_download_or_delete(as_role, member, application, upload_folder, key):
    document = add_document(member, application)
    client = as_role(key)
    base = f"/applications/{application.id}/documents"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/{document.id}").status_code == 404
    assert upload(client, application).status_code == 404
    assert post(client, f"{base}/{document.id}/delete").status_code == 404
    assert documents_of(application) == [document] and len(stored_files(upload_folder)) == 1


@pytest.mark.parametrize("key", OTHER_STAFF)
def test_other_staff_are_forbidden(as_role, member, application, key):
    document = add_document(member, application)
    client = as_role(key)
    assert client.get(f"/applications/{application.id}/documents/{document.id}").status_code == 403
    assert client.get(f"/applications/{application.id}/documents").status_code == 403


def test_the_documents_page_is_for_applicants_only(as_role, application):
    assert as_role("grants_officer").get(f"/applications/{application.id}/documents").status_code == 403


def test_visitors_are_sent_to_sign_in(client, member, application):
    document = add_document(member, application)
    for path in (f"/applications/{application.id}/documents",
                 f"/applications/{application.id}/documents/{document.id}"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_a_document_is_found_only_through_its_own_application(member, application, users):
    document = add_document(member, application)
    other = ApplicationFactory(organisation=users["org_a"])
    assert member.get(f"/applications/{other.id}/documents/{document.id}").status_code == 404
    assert post(member, f"/applications/{other.id}/documents/{document.id}/delete").status_code == 404
    assert member.get(f"/applications/{application.id}/documents/999999").status_code == 404


def test_a_missing_file_is_not_found(member, application, upload_folder):
    document = add_document(member, application)
    (upload_folder / document.stored_name).unlink()
    assert member.get(f"/applications/{application.id}/documents/{document.id}").status_code == 404


# No half state -----------------------------------------------------------------------------------


@pytest.fixture
def failing(request):
    """``failing("before_flush")``: make the session fail at that moment while documents change."""
    listeners = []

    def _fail(moment: str):
        def boom(session, *args):
            changing = [*session.new, *session.deleted] if moment == "before_flush" else [True]
            if any(isinstance(obj, ApplicationDocument) for obj in changing) or moment != "before_flush":
                raise RuntimeError(f"injected failure at {moment}")

        event.listen(Session, moment, boom)
        listeners.append((moment, boom))

    yield _fail
    for moment, boom in listeners:
        event.remove(Session, moment, boom)


@pytest.mark.parametrize("moment", ["before_flush", "before_commit"])
def test_a_failed_database_write_leaves_no_file(member, application, upload_folder, failing, moment):
    failing(moment)
    with pytest.raises(RuntimeError, match="injected failure"):
        upload(member, application)
    assert stored_files(upload_folder) == []
    assert documents_of(application) == []


def test_a_failed_deletion_keeps_the_file(member, application, upload_folder, failing):
    document = add_document(member, application)
    failing("before_commit")
    with pytest.raises(RuntimeError, match="injected failure"):
        post(member, f"/applications/{application.id}/documents/{document.id}/delete")
    assert [path.name for path in stored_files(upload_folder)] == [document.stored_name]


# Storage -----------------------------------------------------------------------------------------


def test_files_are_stored_in_the_upload_folder_outside_the_web_root(app, member, application, upload_folder):
    add_document(member, application)
    [stored] = stored_files(upload_folder)
    static = Path(app.static_folder).resolve()
    assert stored.resolve().parent == upload_folder.resolve()
    assert static not in stored.resolve().parents


def test_an_upload_folder_inside_the_web_root_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(Path(app.static_folder) / "uploads"))
    with app.app_context(), pytest.raises(RuntimeError, match="inside the web root"):
        document_store()


def test_the_local_store_saves_opens_and_deletes(tmp_path):
    store = LocalDocumentStore(tmp_path / "nested" / "store")
    name = store.save(b"hello")
    assert len(name) == 64 and int(name, 16) >= 0
    with store.open(name) as file:
        assert file.read() == b"hello"
    assert stat.S_IMODE((tmp_path / "nested" / "store").stat().st_mode) & 0o077 == 0
    store.delete(name)
    store.delete(name)  # already gone: nothing happens
    with pytest.raises(DocumentMissing):
        store.open(name)


@pytest.mark.parametrize("name", ["../secret", "/etc/passwd", "access-test-document", "", "A" * 64])
def test_the_local_store_accepts_only_names_it_made(tmp_path, name):
    store = LocalDocumentStore(tmp_path)
    with pytest.raises(DocumentMissing):
        store.open(name)
    store.delete(name)  # ignored


# missing_documents -------------------------------------------------------------------------------


def test_missing_documents_are_the_required_kinds_not_yet_uploaded(application):
    assert missing_documents(application) == [
        DocumentKind.CONSTITUTION, DocumentKind.ACCOUNTS, DocumentKind.SAFEGUARDING_POLICY
    ]
    for kind, n in ((DocumentKind.ACCOUNTS, 1), (DocumentKind.OTHER, 2)):
        db.session.add(ApplicationDocument(
            application=application, kind=kind, original_filename="x.pdf", stored_name=f"{n:064x}",
            content_type="application/pdf", size_bytes=1, sha256="0" * 64,
        ))
    db.session.flush()
    db.session.refresh(application)
    assert missing_documents(application) == [DocumentKind.CONSTITUTION, DocumentKind.SAFEGUARDING_POLICY]
