"""Supporting documents of applications: what is missing, adding, deleting and reading them.

A document's file is found through its row, and its row through the application that the view has
already allowed the user to see: a stored name never comes from a request.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO
from urllib.parse import quote

from flask import abort, current_app
from sqlalchemy import select

from grants import audit
from grants.document_store import document_store
from grants.extensions import db
from grants.models.accounts import User
from grants.models.applications import (
    REQUIRED_DOCUMENTS,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    DocumentKind,
)
from grants.models.types import utcnow
from grants.uploads import CONTENT_TYPES, CheckedUpload, safe_display_name

# Enough for the required documents and supporting evidence; a bound on what one draft can store.
MAX_DOCUMENTS = 20
NOT_A_DRAFT = "You cannot change the documents because this application is no longer a draft"
TOO_MANY = f"You can upload up to {MAX_DOCUMENTS} documents. Delete one before adding another"


class DocumentsLocked(Exception):
    """The application is no longer a draft, so its documents cannot change."""


def missing_documents(application: Application) -> list[DocumentKind]:
    """The required kinds of document not uploaded yet, in the order they are asked for."""
    uploaded = {document.kind for document in application.documents}
    return [kind for kind in REQUIRED_DOCUMENTS if kind not in uploaded]


def has_room(application: Application) -> bool:
    return len(application.documents) < MAX_DOCUMENTS


def document_for(application: Application, document_id: int) -> ApplicationDocument:
    """The application's document; 404 for an unknown id or another application's document."""
    document = db.session.get(ApplicationDocument, document_id)
    if document is None or document.application_id != application.id:
        abort(404)
    return document


@contextmanager
def stored_file(upload: CheckedUpload) -> Iterator[str]:
    """Store the upload's bytes for the block, giving the stored name; if the block fails (the
    flush, the commit), the file is removed again, so no file is kept without its row."""
    store = document_store()
    stored_name = store.save(upload.data)
    try:
        yield stored_name
    except BaseException:
        store.delete(stored_name)
        raise


def add_document(
    application: Application, kind: DocumentKind, upload: CheckedUpload, stored_name: str, user: User
) -> ApplicationDocument:
    """Record a checked, stored upload against a draft application; ``DocumentsLocked`` if it is
    not a draft any more."""
    _lock_draft(application)
    document = ApplicationDocument(
        application=application,
        kind=kind,
        original_filename=upload.display_name,
        stored_name=stored_name,
        content_type=upload.content_type,
        size_bytes=upload.size_bytes,
        sha256=upload.sha256,
        uploaded_at=utcnow(),
        uploaded_by_id=user.id,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        "application.document_uploaded",
        document,
        f"{kind.label} {upload.display_name!r} added to application {application.id} by {user.email}",
        changes=audit.diff({}, audit.snapshot(document)),
    )
    return document


def delete_document(application: Application, document: ApplicationDocument, user: User) -> str:
    """Delete a draft application's document row and return its stored name: the caller removes
    the file with ``discard_file`` once the deletion is committed."""
    _lock_draft(application)
    audit.record(
        "application.document_deleted",
        document,
        f"{document.kind.label} {document.original_filename!r} deleted from application "
        f"{application.id} by {user.email}",
        changes=audit.diff(audit.snapshot(document), {}),
    )
    application.documents.remove(document)
    db.session.flush()
    return document.stored_name


def discard_file(stored_name: str) -> None:
    """Remove a file whose row has gone; a failure leaves an orphan file, which is logged, not raised."""
    try:
        document_store().delete(stored_name)
    except OSError:
        current_app.logger.exception("Could not remove stored document %s", stored_name)


def file_description(document: ApplicationDocument) -> str:
    """The type and size as GOV.UK shows attachments: "PDF, 2.4MB"."""
    kind = next((ext for ext, type_ in CONTENT_TYPES.items() if type_ == document.content_type), "file")
    size = document.size_bytes
    if size < 1024:
        readable = f"{size} byte{'' if size == 1 else 's'}"
    elif size < 1024 * 1024:
        readable = f"{round(size / 1024)}KB"
    else:
        readable = f"{size / (1024 * 1024):.1f}".removesuffix(".0") + "MB"
    return f"{kind.upper()}, {readable}"


def open_document(document: ApplicationDocument) -> BinaryIO:
    """The document's file; ``grants.document_store.DocumentMissing`` if it is not there."""
    return document_store().open(document.stored_name)


def served_content_type(document: ApplicationDocument) -> str:
    """The type checked at upload; anything else (a row changed by hand) is served as bytes."""
    known = set(CONTENT_TYPES.values())
    return document.content_type if document.content_type in known else "application/octet-stream"


def content_disposition(display_name: str) -> str:
    """An ``attachment`` header value with an ASCII name and, if it differs, the UTF-8 name (RFC 6266
    with RFC 5987's ``filename*``)."""
    name = safe_display_name(display_name)  # made safe at upload; again, in case a row was edited
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    fallback = "".join(ch if " " <= ch <= "~" and ch not in '"\\%' else "_" for ch in plain)
    value = f'attachment; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def _lock_draft(application: Application) -> None:
    """Lock the application's row for this transaction and check it is still a draft. Touching it
    moves its version on too, so a submission that also checks the version it read cannot go
    through on a list of documents that has changed since."""
    status = db.session.execute(
        select(Application.status).where(Application.id == application.id).with_for_update()
    ).scalar_one()
    if status is not ApplicationStatus.DRAFT:
        raise DocumentsLocked(NOT_A_DRAFT)
    application.updated_at = utcnow()
