"""Backups that work the same on SQLite and PostgreSQL and carry the uploaded documents with the rows:
``flask backup PATH``, ``flask restore PATH``.

A backup (format version 2) is a gzip-compressed tar archive whose members are, in this order::

    manifest.json               what the backup is and every file it holds (below)
    rows.jsonl                  every row of every table, one JSON line each (grants/backup/rows.py)
    documents/<stored name>     each uploaded document's bytes, under the name the document store gave it

The manifest::

    {"format": "pcc-grants-backup", "format_version": 2, "app": "pcc-grants",
     "created_at": "2026-01-31T02:00:00+00:00", "alembic_revision": "0007", "source_database": "postgresql",
     "tables": [{"name": "users", "columns": ["id", ...], "rows": 12}, ...],
     "files": [{"path": "rows.jsonl", "size": 40211, "sha256": "…"},
               {"path": "documents/3f1c…", "size": 182044, "sha256": "…"}, ...]}

``files`` names every other member with its size in bytes and SHA-256; its documents are exactly the
files that the rows refer to (``grants/backup/documents.py`` says which columns do), with the size
and checksum recorded when each was uploaded.

Making one: the rows are read in one transaction (REPEATABLE READ, READ ONLY on PostgreSQL; a single
BEGIN on SQLite), so the copy is consistent while the service runs; then each document is read
through the app's ``DocumentStore`` (the folder, or an object store) and must match its row, or no
backup is written. The file appears only when complete.

Restoring checks the whole file first (the gzip CRC, every member's size and checksum, the rows'
tables, columns and counts, and that the documents are exactly those the rows name), then that the
database is empty and at the backup's revision and that the document store holds no other file
under a backed-up name. Only then are the rows inserted, in one transaction, and the documents put
into the store and read back to check them. If anything fails the transaction is rolled back and the
files this restore put in are removed: all of it or none of it.

A backup from before documents were included (format version 1: gzip JSON Lines, rows only) is
refused, because on a new host every document would be missing. ``without_documents=True``
(``flask restore --without-documents``) loads its rows anyway and reports which documents have no
file in the store.

PostgreSQL sites with a very large database may prefer PostgreSQL's own tools, which are faster
but tie the copy to PostgreSQL and hold rows only (copy the document store's files as well)::

    pg_dump --format=custom --file=grants.dump "$DATABASE_URL"
    pg_restore --clean --if-exists --no-owner --single-transaction --dbname="$DATABASE_URL" grants.dump
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from grants.backup import documents, rows
from grants.backup.archive import BackupReader, open_backup, write_archive
from grants.backup.documents import DocumentFile
from grants.backup.format import (
    APP_NAME,
    FORMAT,
    FORMAT_VERSION,
    ROWS,
    BackupError,
    BackupSummary,
    RestoreSummary,
    dump_line,
    rows_only_refusal,
)
from grants.document_store import DocumentStore, document_store

__all__ = [
    "BackupError", "BackupSummary", "RestoreSummary", "read_header", "restore_backup", "verify_backup",
    "write_backup",
]


def write_backup(
    engine: Engine, path: str | os.PathLike, *, overwrite: bool = False, store: DocumentStore | None = None
) -> BackupSummary:
    """Write every row of every table, read in one consistent snapshot, and every document the rows
    refer to, read from ``store`` (the app's document store unless given), to ``path``.

    The file appears only when complete: it is written beside ``path`` and renamed into place.
    """
    started = time.perf_counter()
    path = Path(path)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} already exists: choose another name, or pass --force to replace it")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist")
    store = document_store() if store is None else store
    every_table = rows.tables()
    digest = hashlib.sha256()
    counts = {table.name: 0 for table in every_table}
    files: dict[str, DocumentFile] = {}
    created = datetime.now(UTC)
    with tempfile.TemporaryFile(dir=path.parent) as data:
        with engine.connect() as connection:
            rows.begin_snapshot(connection)
            revision = rows.revision(connection)
            if revision is None:
                raise BackupError("The database has no Alembic revision: run flask db upgrade first")
            for name, values in rows.snapshot_rows(connection, every_table):
                line = dump_line({"table": name, "row": values})
                digest.update(line)
                data.write(line)
                counts[name] += 1
                if (document := documents.referenced_file(name, values)) is not None:
                    files.setdefault(document.member, document)
            connection.rollback()
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app": APP_NAME,
            "created_at": created.isoformat(),
            "alembic_revision": revision,
            "source_database": engine.dialect.name,
            "tables": rows.table_list(every_table, counts),
            "files": [
                {"path": ROWS, "size": data.tell(), "sha256": digest.hexdigest()},
                *(documents.manifest_entry(document) for document in files.values()),
            ],
        }
        copies = [(member, functools.partial(documents.copy_from_store, store, d)) for member, d in files.items()]
        unfinished = path.with_name(path.name + ".partial")
        try:
            write_archive(unfinished, manifest, data, copies, int(created.timestamp()))
            os.replace(unfinished, path)
        finally:
            unfinished.unlink(missing_ok=True)
    return BackupSummary(
        path, revision, counts, time.perf_counter() - started,
        documents=len(files), document_bytes=sum(document.size for document in files.values()),
    )


def read_header(path: str | os.PathLike) -> dict:
    """The backup's manifest (or, for a rows-only backup, its header line), checked to be one this app reads."""
    with open_backup(path) as backup:
        return backup.header


@dataclass
class _Checked:
    header: dict
    rows_only: bool
    files: list[DocumentFile]


def _parsed_rows(backup: BackupReader, files: list[DocumentFile]):
    """The backup's rows, noting in ``files`` each document file a row refers to."""
    for name, row in rows.parse_rows(backup.row_lines(), backup.header, backup.where, backup.first_line):
        if (document := documents.referenced_file(name, row)) is not None:
            files.append(document)
        yield name, row


def _check(path: Path) -> _Checked:
    files: list[DocumentFile] = []
    with open_backup(path) as backup:
        for _ in _parsed_rows(backup, files):
            pass
        if not backup.rows_only:
            documents.check_against_manifest(files, backup.listed_documents, backup.where)
            backup.descriptions = {document.member: document.description for document in files}
            for _ in backup.documents():
                pass
        return _Checked(backup.header, backup.rows_only, files)


def verify_backup(path: str | os.PathLike) -> dict:
    """Read the whole file and check it: every checksum, the tables, columns and row counts against
    the header, and that the documents are exactly the files the rows refer to.

    Returns the header (the manifest). Raises BackupError, before anything touches the database, when they differ.
    """
    return _check(Path(path)).header


def restore_backup(
    engine: Engine, path: str | os.PathLike, *, store: DocumentStore | None = None, without_documents: bool = False
) -> RestoreSummary:
    """Load a backup into an empty database at the backup's revision, and its documents into ``store``
    (the app's document store unless given): all of it or none of it.

    Checks, in this order, and writes nothing unless all pass: the file is whole and its documents
    are those its rows refer to; the database is at the backup's Alembic revision, its tables match
    the backup's, and every table is empty; the store holds no different file under a backed-up
    name. A rows-only backup (format version 1) is refused unless ``without_documents``.
    """
    started = time.perf_counter()
    path = Path(path)
    checked = _check(path)
    if checked.rows_only and not without_documents:
        raise BackupError(rows_only_refusal(path))
    store = document_store() if store is None else store
    every_table = rows.tables()
    summary = RestoreSummary(path, checked.header["alembic_revision"], rows_only=checked.rows_only)
    by_name = {document.stored_name: document for document in checked.files}
    put_in: list[str] = []
    try:
        with engine.connect() as connection, connection.begin():
            rows.check_database(connection, checked.header, every_table)
            needed = set() if checked.rows_only else documents.files_to_put(store, checked.files)
            with open_backup(path) as backup:
                if backup.header != checked.header:
                    raise BackupError(f"{backup.where} changed while it was being restored: nothing was restored")
                backup.descriptions = {document.member: document.description for document in checked.files}
                rows.insert_rows(connection, every_table, _parsed_rows(backup, []), summary.rows)
                for stored_name, data in backup.documents():
                    if stored_name in needed:
                        put_in.append(stored_name)
                        documents.put_back(store, by_name[stored_name], data)
    except BaseException:
        documents.remove(store, put_in)
        raise
    if checked.rows_only:
        summary.missing_documents = [
            document.description for document in checked.files
            if documents.stored_digest(store, document.stored_name) != document.sha256
        ]
    summary.documents = len(put_in)
    summary.documents_already_stored = len(by_name) - len(put_in) - len(summary.missing_documents)
    summary.seconds = time.perf_counter() - started
    return summary
