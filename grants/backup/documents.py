"""The document store's side of a backup: which rows name a stored file, and putting files back.

Only ``grants.document_store.DocumentStore`` is used (open, put, delete), so a backup copies an
object store's documents as well as a folder's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app

from grants.backup.format import DOCUMENTS_FOLDER, BackupError
from grants.document_store import DocumentMissing, DocumentStore

# Read from the store in pieces of this many bytes (1 MiB), never whole files at once when hashing.
CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredFileColumns:
    """A table whose rows name a file in the document store, and the columns recorded at upload."""

    table: str
    stored_name: str
    size: str  # bytes
    sha256: str  # hex
    description: str  # how a message names the file: a format string over the row's values


# Every table whose rows name a stored file; a new one must be added here or its files are not backed up.
STORED_FILES = (
    StoredFileColumns(
        "application_documents", "stored_name", "size_bytes", "sha256",
        "{original_filename!r} (document {id} of application {application_id})",
    ),
    StoredFileColumns(
        "return_documents", "stored_name", "size_bytes", "sha256",
        "{original_filename!r} (document {id} of monitoring return {return_id})",
    ),
    StoredFileColumns(
        "claim_documents", "stored_name", "size_bytes", "sha256",
        "{original_filename!r} (evidence {id} of claim {claim_id})",
    ),
    StoredFileColumns(
        "message_attachments", "stored_name", "size_bytes", "sha256",
        "{original_filename!r} (attachment {id} of message {message_id})",
    ),
)
_BY_TABLE = {columns.table: columns for columns in STORED_FILES}


@dataclass(frozen=True)
class DocumentFile:
    """One stored file that a row refers to, with the size and checksum recorded when it was uploaded."""

    stored_name: str
    size: int
    sha256: str
    description: str

    @property
    def member(self) -> str:
        """Its name inside a backup archive."""
        return DOCUMENTS_FOLDER + self.stored_name

    def named(self) -> str:
        return f"{self.member}, the file of {self.description}"


def referenced_file(table: str, row: dict) -> DocumentFile | None:
    """The stored file that a row (values as a backup encodes them) refers to, if its table has one."""
    columns = _BY_TABLE.get(table)
    if columns is None:
        return None
    try:
        description = columns.description.format(**row)
    except (KeyError, IndexError, ValueError):
        description = f"a row of {table}"
    return DocumentFile(row[columns.stored_name], row[columns.size], row[columns.sha256], description)


def manifest_entry(document: DocumentFile) -> dict:
    return {"path": document.member, "size": document.size, "sha256": document.sha256}


def stored_name_of(member: str) -> str | None:
    """The stored name a backup archive's member holds, or None if it is not a document's file.
    (Whether the name is one the store could have made is the store's to judge, when it is put back.)"""
    stored_name = member.removeprefix(DOCUMENTS_FOLDER)
    if not member.startswith(DOCUMENTS_FOLDER) or not stored_name or not stored_name.isprintable() \
            or "/" in stored_name or "\\" in stored_name:
        return None
    return stored_name


def check_against_manifest(documents: Iterable[DocumentFile], listed: dict[str, dict], where: str) -> None:
    """The manifest must list exactly the files the rows refer to, with the sizes and checksums the rows recorded."""
    referenced = {document.member: document for document in documents}
    for member, document in referenced.items():
        entry = listed.get(member)
        if entry is None:
            raise BackupError(f"{where} is missing {document.named()}: nothing was restored")
        if (entry["size"], entry["sha256"]) != (document.size, document.sha256):
            raise BackupError(
                f"{where} lists {document.named()} with a size or SHA-256 checksum other than the one recorded "
                "when it was uploaded: nothing was restored"
            )
    unreferenced = sorted(set(listed) - set(referenced))
    if unreferenced:
        raise BackupError(f"{where} holds {unreferenced[0]}, which no row refers to: nothing was restored")


class _Hashing:
    """A file being read, with the SHA-256 and number of the bytes read so far, and whether it ended
    before a read had all the bytes it asked for."""

    def __init__(self, stream: BinaryIO):
        self.stream, self.digest, self.size, self.ended = stream, hashlib.sha256(), 0, False

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        self.size += len(data)
        self.ended = self.ended or size < 0 or len(data) < size
        return data


def copy_from_store(store: DocumentStore, document: DocumentFile, write) -> int:
    """Call ``write(file, size)`` with the stored file, which must be exactly the bytes recorded at upload.

    ``write`` reads ``size`` bytes from ``file``. Raises BackupError naming the document if the file
    is missing, shorter, longer or different.
    """
    try:
        stream = store.open(document.stored_name)
    except DocumentMissing:
        raise BackupError(
            f"The document store has no file for {document.description} ({document.stored_name}): if it was "
            "deleted while the backup ran, run the backup again; if it is lost, put the file back or delete the "
            "document first. No backup was written"
        ) from None
    with stream:
        reading = _Hashing(stream)
        try:
            write(reading, document.size)
        except OSError:
            if not reading.ended:
                raise  # writing the backup failed, not reading the document
        reading.read(1)  # a longer file shows here
        if reading.size != document.size or reading.digest.hexdigest() != document.sha256:
            raise BackupError(
                f"The file of {document.description} ({document.stored_name}) in the document store does not "
                "match the size and SHA-256 checksum recorded when it was uploaded, so it is damaged: put back a "
                "good copy or delete the document first. No backup was written"
            )
    return document.size


def stored_digest(store: DocumentStore, stored_name: str) -> str | None:
    """The SHA-256 of the store's file under that name, or None if it has none."""
    try:
        stream = store.open(stored_name)
    except DocumentMissing:
        return None
    with stream:
        reading = _Hashing(stream)
        while reading.read(CHUNK):
            pass
    return reading.digest.hexdigest()


def files_to_put(store: DocumentStore, documents: Iterable[DocumentFile]) -> set[str]:
    """The stored names the store does not hold yet. A file it holds already with the same bytes is
    left as it is (restoring onto the same host); a different file under the name is refused."""
    needed = set()
    for document in documents:
        digest = stored_digest(store, document.stored_name)
        if digest is None:
            needed.add(document.stored_name)
        elif digest != document.sha256:
            raise BackupError(
                f"The document store already holds a different file named {document.stored_name} (the backup's "
                f"is {document.description}): restore into an empty document store. Nothing was restored"
            )
    return needed


def put_back(store: DocumentStore, document: DocumentFile, data: bytes) -> None:
    """Put a backed-up file into the store under its own name, and read it back to check every byte."""
    try:
        store.put(document.stored_name, data)
    except DocumentMissing:
        raise BackupError(
            f"The document store does not accept the name of {document.named()} (it is not a name this kind of "
            "store makes): nothing was restored"
        ) from None
    if stored_digest(store, document.stored_name) != document.sha256:
        raise BackupError(
            f"The document store did not keep {document.named()} intact (its SHA-256 checksum differs when read "
            "back): nothing was restored"
        )


def remove(store: DocumentStore, stored_names: Iterable[str]) -> None:
    """Take out the files a failed restore put in, so that the store is as it was."""
    for stored_name in stored_names:
        try:
            store.delete(stored_name)
        except OSError:
            current_app.logger.exception("Could not remove document %s after a failed restore", stored_name)
