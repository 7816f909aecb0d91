"""Files sent with a message: checked like every upload, stored outside the web root, downloadable by
both sides of the thread and nobody else; one bad file refuses the whole message."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants.extensions import db
from grants.models.audit import AuditEvent
from grants.models.messages import MessageAttachment
from grants.uploads import MAX_BYTES
from tests.factories import ApplicationFactory
from tests.helpers import error_messages, page
from tests.messages.conftest import messages_on, outbox, send, stored_files, thread_url
from tests.test_uploads import docx_bytes, pdf_bytes, png_bytes


def download_link(response, filename: str) -> str:
    [link] = [a for a in page(response).select("#thread a") if a.get_text(strip=True) == filename]
    return link["href"]


def test_a_file_sent_by_the_organisation_is_stored_and_both_sides_can_download_it(
        member, officer, application, upload_folder):
    data = pdf_bytes()
    response = send(member, application, "Our policy is attached", files=[(data, "Safeguarding policy.pdf")])
    assert response.status_code == 302
    [message] = messages_on(application)
    [attachment] = message.attachments
    assert (attachment.original_filename, attachment.content_type, attachment.size_bytes) == (
        "Safeguarding policy.pdf", "application/pdf", len(data))
    [stored] = stored_files(upload_folder)
    assert stored.name == attachment.stored_name and "Safeguarding" not in stored.name
    assert stored.read_bytes() == data

    for client in (officer, member):
        thread_page = client.get(thread_url(application))
        assert "Safeguarding policy.pdf PDF, " in " ".join(page(thread_page).select_one("#thread").get_text().split())
        with client.get(download_link(thread_page, "Safeguarding policy.pdf")) as download:
            assert download.status_code == 200
            assert download.data == data
            assert download.headers["Content-Type"] == "application/pdf"
            assert download.headers["Content-Disposition"] == 'attachment; filename="Safeguarding policy.pdf"'
            assert download.headers["Cache-Control"] == "private, no-store"


def test_an_attachment_is_not_found_by_another_organisation_or_through_another_thread(
        as_role, member, officer, application, users):
    send(member, application, "Attached", files=[(pdf_bytes(), "plan.pdf")])
    [attachment] = messages_on(application)[0].attachments
    url = f"{thread_url(application)}/attachments/{attachment.id}"
    assert as_role("applicant_b").get(url).status_code == 404
    assert as_role("panel_member").get(url).status_code == 403
    # Through a thread the reader may see, but which the file is not on: not found either.
    other = ApplicationFactory(organisation=users["org_a"], status=application.status, reference="CGS-2026-0102")
    assert officer.get(f"{thread_url(other)}/attachments/{attachment.id}").status_code == 404


def test_several_files_are_sent_together(officer, application, upload_folder):
    files = [(pdf_bytes(), "one.pdf"), (docx_bytes(), "two.docx"), (png_bytes(), "three.png")]
    assert send(officer, application, "Three files", files=files).status_code == 302
    [message] = messages_on(application)
    assert [a.original_filename for a in message.attachments] == ["one.pdf", "two.docx", "three.png"]
    assert len(stored_files(upload_folder)) == 3


def _nothing_kept(application, upload_folder):
    assert messages_on(application) == []
    assert db.session.scalar(select(func.count()).select_from(MessageAttachment)) == 0
    assert stored_files(upload_folder) == []
    assert outbox() == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "message.posted")) == 0


def test_a_file_whose_content_is_not_what_its_name_says_refuses_the_whole_message(
        member, application, upload_folder):
    files = [(pdf_bytes(), "fine.pdf"), (png_bytes(), "budget.pdf")]
    response = send(member, application, "Two files", files=files)
    assert response.status_code == 200
    assert error_messages(response) == ["budget.pdf's content does not match its name (.pdf)"]
    # What was typed is kept, for sending again without the file.
    assert page(response).select_one("textarea#body").get_text() == "Two files"
    _nothing_kept(application, upload_folder)


def test_more_than_five_files_are_refused(member, application, upload_folder):
    files = [(pdf_bytes(), f"file {number}.pdf") for number in range(1, 7)]
    response = send(member, application, "Six files", files=files)
    assert error_messages(response) == ["Attach up to 5 files to one message"]
    _nothing_kept(application, upload_folder)


def test_a_file_over_10mb_is_refused(member, application, upload_folder):
    too_large = pdf_bytes() + b"%" * (MAX_BYTES + 1)
    response = send(member, application, "A big file", files=[(too_large, "big.pdf")])
    assert error_messages(response) == ["big.pdf must be smaller than 10MB"]
    _nothing_kept(application, upload_folder)


@pytest.mark.parametrize(("filename", "error"), [
    ("macros.docm", "macros.docm contains macros. Save it without macros and try again"),
    ("notes.txt", "notes.txt must be a PDF, DOCX, XLSX, ODT, JPG or PNG"),
])
def test_other_refusals_name_the_file(member, application, upload_folder, filename, error):
    response = send(member, application, "A file", files=[(b"some text", filename)])
    assert error_messages(response) == [error]
    _nothing_kept(application, upload_folder)


def test_if_posting_fails_once_files_are_stored_they_are_removed(member, application, upload_folder, monkeypatch):
    from grants.interfaces.messages import threads

    def failing(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(threads.notify, "tell_other_side", failing)
    with pytest.raises(RuntimeError):
        send(member, application, "Attached", files=[(pdf_bytes(), "plan.pdf")])
    assert stored_files(upload_folder) == []
