"""Files uploaded in answer to a monitoring return's file questions (``ReturnDocument``).

Kept as an application's file questions keep theirs (grants.interfaces.applications.submission
``_with_files``): the upload is checked by its content by the question's form (the question's file types
and size limit, grants.uploads), stored under a random name (grants.document_store), and named in the
section's answers as "file:<question id>": [document id, file name]. A question holds one document at a
time: a new upload replaces the old, whose file is removed once the change is committed. A document's
file is found through its row, and its row through the return the view has already allowed the user to
see: a stored name never comes from a request.
"""

from __future__ import annotations

from typing import BinaryIO

from flask import abort
from sqlalchemy import select

from grants import audit
from grants.document_store import document_store
from grants.extensions import db
from grants.form_definitions import QuestionType
from grants.forms import add_error
from grants.interfaces.applications.documents import discard_file, stored_file
from grants.interfaces.applications.questions import FILE_PREFIX, file_answer, saved_files
from grants.models.accounts import User
from grants.models.awards import MonitoringReturn, ReturnDocument
from grants.models.types import utcnow
from grants.uploads import CONTENT_TYPES

__all__ = ["MAX_DOCUMENTS", "discard_file", "document_for", "documents_of", "open_document", "served_content_type",
           "with_files"]

# A bound on what one return can store (each file question holds one document at a time).
MAX_DOCUMENTS = 20
TOO_MANY = f"A return can hold up to {MAX_DOCUMENTS} files"


def documents_of(monitoring_return: MonitoringReturn) -> list[ReturnDocument]:
    """The return's documents, oldest first."""
    return list(db.session.scalars(select(ReturnDocument).where(ReturnDocument.return_id == monitoring_return.id)
                                   .order_by(ReturnDocument.id)))


def document_for(monitoring_return: MonitoringReturn, document_id: int) -> ReturnDocument:
    """The return's document; 404 for an unknown id or another return's document."""
    document = db.session.get(ReturnDocument, document_id)
    if document is None or document.return_id != monitoring_return.id:
        abort(404)
    return document


def open_document(document: ReturnDocument) -> BinaryIO:
    """The document's file; ``grants.document_store.DocumentMissing`` if it is not there."""
    return document_store().open(document.stored_name)


def served_content_type(document: ReturnDocument) -> str:
    """The type checked at upload; anything else (a row changed by hand) is served as bytes."""
    return document.content_type if document.content_type in set(CONTENT_TYPES.values()) else \
        "application/octet-stream"


def with_files(monitoring_return: MonitoringReturn, questions, form, answers: dict, previous: dict,
               user: User) -> tuple[dict, list[str]]:
    """``answers`` with each file question's document: the file checked in this save, stored in place of
    the one the question answered before, or else the one kept from an earlier save; and the stored
    names of the files replaced (for the caller to remove once committed). ``questions``: the section's
    questions (a definition's Section)."""
    kept, replaced = dict(answers), []
    documents = {document.id: document for document in documents_of(monitoring_return)}
    for question in questions.questions:
        if question.type is not QuestionType.FILE:
            continue
        name = f"{FILE_PREFIX}{question.id}"
        before = saved_files(previous).get(question.id)
        field = form[question.id]
        upload = getattr(field, "upload", None) if not field.errors else None
        old = documents.get(int(before["document_id"])) if before else None  # type: ignore[call-overload]
        if upload is not None and old is None and len(documents) >= MAX_DOCUMENTS:
            add_error(field, TOO_MANY)
            upload = None
        if upload is not None:
            with stored_file(upload) as stored_name:
                document = _add(monitoring_return, question.id, upload, stored_name, user, old)
            if old is not None:
                replaced.append(old.stored_name)
                db.session.delete(old)
                db.session.flush()
            kept.update(file_answer(question.id, document.id, document.original_filename))
        elif name in previous:
            kept[name] = previous[name]
    return kept, replaced


def _add(monitoring_return: MonitoringReturn, question_id: str, upload, stored_name: str, user: User,
         old: ReturnDocument | None) -> ReturnDocument:
    from grants.interfaces.awards.monitoring import describe

    document = ReturnDocument(
        return_id=monitoring_return.id, question_id=question_id, original_filename=upload.display_name,
        stored_name=stored_name, content_type=upload.content_type, size_bytes=upload.size_bytes,
        sha256=upload.sha256, uploaded_at=utcnow(), uploaded_by_id=user.id,
    )
    db.session.add(document)
    db.session.flush()
    if old is None:
        audit.record("return.document_uploaded", document,
                     f"{describe(monitoring_return)}: {upload.display_name!r} uploaded by {user.email}",
                     changes=audit.diff({}, audit.snapshot(document)), actor=user)
    else:
        audit.record("return.document_replaced", document,
                     f"{describe(monitoring_return)}: {old.original_filename!r} replaced by "
                     f"{upload.display_name!r} by {user.email}",
                     changes=audit.diff({"original_filename": old.original_filename, "sha256": old.sha256},
                                        {"original_filename": document.original_filename,
                                         "sha256": document.sha256}), actor=user)
    return document
