"""Backups that work the same on SQLite and PostgreSQL: ``flask backup PATH``, ``flask restore PATH``.

A backup is a gzip-compressed JSON Lines file. Its first line is the header::

    {"format": "pcc-grants-backup", "format_version": 1, "app": "pcc-grants",
     "created_at": "2026-01-31T02:00:00+00:00", "alembic_revision": "0007", "source_database": "postgresql",
     "tables": [{"name": "users", "columns": ["id", ...], "rows": 12}, ...], "sha256": "…"}

and every further line is one row, ``{"table": "users", "row": {"id": 1, ...}}``, table by table in
foreign-key dependency order (``metadata.sorted_tables``) and by primary key within a table. Values
are written losslessly: decimals as strings, dates and times in ISO 8601 (moments with their UTC
offset), JSON columns as JSON, bytes in base64. ``sha256`` is the digest of every byte after the
header line, so a changed, corrupt or truncated file is refused before anything is inserted.

The rows are read in one transaction (REPEATABLE READ, READ ONLY on PostgreSQL; a single BEGIN on
SQLite), so the copy is consistent while the service runs. A restore goes only into an empty
database migrated to the backup's revision, in one transaction: all of it or none of it.

PostgreSQL sites with a very large database may prefer PostgreSQL's own tools, which are faster
but tie the copy to PostgreSQL::

    pg_dump --format=custom --file=grants.dump "$DATABASE_URL"
    pg_restore --clean --if-exists --no-owner --single-transaction --dbname="$DATABASE_URL" grants.dump
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as time_of_day
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Column, Connection, Engine, Table, func, inspect, null, select, text
from sqlalchemy.types import TypeDecorator

from grants.extensions import db

FORMAT = "pcc-grants-backup"
FORMAT_VERSION = 1
APP_NAME = "pcc-grants"
# Rows inserted per statement on restore: large enough to be quick, small enough to bound memory.
BATCH_SIZE = 1000


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, in words for the operator."""


@dataclass
class BackupSummary:
    path: Path
    revision: str
    rows: dict[str, int]
    seconds: float

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class RestoreSummary:
    path: Path
    revision: str
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


# --- Values -----------------------------------------------------------------------------------


def _identity(value: Any) -> Any:
    return value


def _encode_text(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _encode_bytes(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _decode_bytes(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


def _codec(column: Column) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """How one column's values go into JSON and come back, chosen by the column's Python type."""
    column_type = column.type
    while isinstance(column_type, TypeDecorator):  # UTCDateTime: the Python value is its impl's
        column_type = column_type.impl_instance
    if isinstance(column_type, JSON):
        return _identity, _identity
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        python_type = None
    # Order matters: bool is an int, datetime is a date, a StrEnum is a str.
    codecs: list[tuple[type, Callable[[Any], Any], Callable[[Any], Any]]] = [
        (bool, _identity, _identity),
        (int, _identity, _identity),
        (str, _encode_text, _identity),
        (Decimal, str, Decimal),
        (datetime, datetime.isoformat, datetime.fromisoformat),
        (date, date.isoformat, date.fromisoformat),
        (time_of_day, time_of_day.isoformat, time_of_day.fromisoformat),
        (float, _identity, float),
        (bytes, _encode_bytes, _decode_bytes),
    ]
    for kind, encode, decode in codecs:
        if python_type is not None and issubclass(python_type, kind):
            return encode, decode
    raise BackupError(
        f"Column {column.table.name}.{column.name} has type {column.type!r}, which backups do not know "
        "how to store: teach grants/backup.py about it"
    )


def _nullable_json(column: Column) -> bool:
    return isinstance(column.type, JSON) and column.nullable


# --- Reading the database ---------------------------------------------------------------------


def _tables() -> list[Table]:
    """Every table of the models, association tables included, parents before children."""
    return list(db.metadata.sorted_tables)


def _revision(connection: Connection) -> str | None:
    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    versions = sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    return ",".join(versions) or None


def _order(table: Table) -> list[Column]:
    return list(table.primary_key.columns) or list(table.columns)


def _begin_snapshot(connection: Connection) -> None:
    """Start a transaction that sees one moment of the database and cannot change it."""
    connection.begin()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def write_backup(engine: Engine, path: str | os.PathLike, *, overwrite: bool = False) -> BackupSummary:
    """Write every row of every table to ``path`` (gzip JSON Lines), read in one consistent snapshot.

    The file appears only when complete: it is written beside ``path`` and renamed into place.
    """
    started = time.perf_counter()
    path = Path(path)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} already exists: choose another name, or pass --force to replace it")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist")
    tables = _tables()
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    with tempfile.TemporaryFile(dir=path.parent) as data, engine.connect() as connection:
        _begin_snapshot(connection)
        revision = _revision(connection)
        if revision is None:
            raise BackupError("The database has no Alembic revision: run flask db upgrade first")
        for table in tables:
            encoders = [(column.name, _codec(column)[0]) for column in table.columns]
            counts[table.name] = 0
            result = connection.execution_options(yield_per=BATCH_SIZE).execute(
                select(table).order_by(*_order(table))
            )
            for row in result.mappings():
                values = {name: None if row[name] is None else encode(row[name]) for name, encode in encoders}
                line = _dump({"table": table.name, "row": values})
                digest.update(line)
                data.write(line)
                counts[table.name] += 1
        connection.rollback()
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app": APP_NAME,
            "created_at": datetime.now(UTC).isoformat(),
            "alembic_revision": revision,
            "source_database": engine.dialect.name,
            "tables": [
                {"name": t.name, "columns": [c.name for c in t.columns], "rows": counts[t.name]} for t in tables
            ],
            "sha256": digest.hexdigest(),
        }
        data.seek(0)
        partial = path.with_name(path.name + ".partial")
        try:
            with gzip.open(partial, "wb") as out:
                out.write(_dump(header))
                while chunk := data.read(1 << 20):
                    out.write(chunk)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return BackupSummary(path, revision, counts, time.perf_counter() - started)


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


# --- Reading a backup -------------------------------------------------------------------------


def _lines(path: Path) -> Iterator[bytes]:
    """The file's lines, turning every way a damaged file can fail into one clear error."""
    try:
        with gzip.open(path, "rb") as stream:
            yield from stream
    except FileNotFoundError:
        raise BackupError(f"There is no file {path}") from None
    except (OSError, EOFError, zlib.error) as error:
        # gzip.BadGzipFile is an OSError; a truncated file raises EOFError; a flipped byte zlib.error.
        raise BackupError(f"The backup file {path} is corrupt or incomplete ({error}): nothing was restored") from None


def read_header(path: str | os.PathLike) -> dict:
    """The backup's header line, checked to be one this app can read."""
    path = Path(path)
    lines = _lines(path)
    try:
        first = next(lines, b"")
    finally:
        lines.close()
    try:
        header = json.loads(first)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a PCC Grants backup")
    if header.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is in backup format version {header.get('format_version')}; this app reads version "
            f"{FORMAT_VERSION}"
        )
    return header


def _rows(path: Path) -> Iterator[tuple[str, dict]]:
    """Each row of the backup as (table name, encoded values), after the header."""
    lines = _lines(path)
    next(lines, None)
    for number, line in enumerate(lines, start=2):
        try:
            item = json.loads(line)
            yield item["table"], item["row"]
        except (ValueError, KeyError, TypeError):
            raise BackupError(f"The backup file {path} is corrupt at line {number}: nothing was restored") from None


def verify_backup(path: str | os.PathLike) -> dict:
    """Read the whole file and check its checksum, tables, columns and row counts against its header.

    Returns the header. Raises BackupError, before anything touches the database, when they differ.
    """
    path = Path(path)
    header = read_header(path)
    expected = {t["name"]: t for t in header["tables"]}
    order = [t["name"] for t in header["tables"]]
    counts = dict.fromkeys(order, 0)
    digest = hashlib.sha256()
    lines = _lines(path)
    next(lines)
    position = 0
    for number, line in enumerate(lines, start=2):
        digest.update(line)
        try:
            item = json.loads(line)
            name, row = item["table"], item["row"]
        except (ValueError, KeyError, TypeError):
            raise BackupError(f"The backup file {path} is corrupt at line {number}: nothing was restored") from None
        if name not in expected or order.index(name) < position:
            raise BackupError(f"The backup file {path} is corrupt at line {number}: nothing was restored")
        position = order.index(name)
        if not isinstance(row, dict) or set(row) != set(expected[name]["columns"]):
            raise BackupError(f"The backup file {path} is corrupt at line {number}: nothing was restored")
        counts[name] += 1
    if digest.hexdigest() != header.get("sha256"):
        raise BackupError(
            f"The backup file {path} does not match its checksum (it is corrupt, truncated or was edited): "
            "nothing was restored"
        )
    wrong = [name for name in order if counts[name] != expected[name]["rows"]]
    if wrong:
        raise BackupError(
            f"The backup file {path} holds the wrong number of rows for {', '.join(wrong)}: nothing was restored"
        )
    return header


# --- Restoring --------------------------------------------------------------------------------


def _check_tables_match(header: dict, tables: list[Table]) -> None:
    theirs = {t["name"]: set(t["columns"]) for t in header["tables"]}
    ours = {t.name: {c.name for c in t.columns} for t in tables}
    if theirs != ours:
        differ = sorted(set(theirs) ^ set(ours) | {n for n in set(theirs) & set(ours) if theirs[n] != ours[n]})
        raise BackupError(
            "The backup's tables do not match this version of the app's models "
            f"({', '.join(differ)}): restore it with the version of the app that made it"
        )


def _not_empty(connection: Connection, tables: list[Table]) -> list[str]:
    return [t.name for t in tables if connection.execute(select(func.count()).select_from(t)).scalar_one()]


def _parents_first(table: Table, rows: list[dict]) -> list[dict]:
    """A table that refers to itself (a parameter set based on another) needs each parent inserted first."""
    keys = [(fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table]
    if not keys:
        return rows
    remaining, placed, ordered = list(rows), set(), []
    while remaining:
        ready = [r for r in remaining if all(r[c] is None or (k, r[c]) in placed for c, k in keys)]
        if not ready:  # a cycle within the table: keep the file's order and let the database judge
            return ordered + remaining
        for row in ready:
            ordered.append(row)
            placed.update((k, row[k]) for _, k in keys)
        remaining = [r for r in remaining if r not in ready]
    return ordered


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """Move each PostgreSQL id sequence past the restored ids, so that new rows do not collide."""
    for table in tables:
        if table.autoincrement_column is None:
            continue
        column = table.autoincrement_column.name
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": table.name, "column": column}
        ).scalar_one()
        if sequence is None:
            continue
        quoted = connection.dialect.identifier_preparer
        connection.execute(
            text(
                f"SELECT setval(:sequence, COALESCE(MAX({quoted.quote(column)}), 1), MAX({quoted.quote(column)}) "
                f"IS NOT NULL) FROM {quoted.quote(table.name)}"
            ),
            {"sequence": sequence},
        )


def restore_backup(engine: Engine, path: str | os.PathLike) -> RestoreSummary:
    """Load a backup into an empty database at the backup's revision, in one transaction.

    Checks, in this order, and inserts nothing unless all pass: the file is whole (checksum and row
    counts), the database is at the backup's Alembic revision, its tables match the backup's, and
    every table is empty.
    """
    started = time.perf_counter()
    path = Path(path)
    header = verify_backup(path)
    revision = header["alembic_revision"]
    tables = _tables()
    summary = RestoreSummary(path, revision)
    with engine.connect() as connection, connection.begin():
        current = _revision(connection)
        if current != revision:
            raise BackupError(
                f"The backup is from revision {revision} but the database is at {current or 'no revision'}: "
                "run flask db upgrade/downgrade first"
            )
        _check_tables_match(header, tables)
        if _not_empty(connection, tables):
            raise BackupError(f"The database is not empty: restore needs an empty database at revision {revision}")
        if connection.dialect.name == "sqlite":
            # Rows are in dependency order already; this covers a table that refers to itself.
            connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        by_name = {t.name: t for t in tables}
        decoders = {t.name: [(c.name, _codec(c)[1], _nullable_json(c)) for c in t.columns] for t in tables}
        pending: list[dict] = []
        pending_table: Table | None = None

        def flush() -> None:
            if pending_table is not None and pending:
                connection.execute(pending_table.insert(), _parents_first(pending_table, pending))
                summary.rows[pending_table.name] = summary.rows.get(pending_table.name, 0) + len(pending)
                pending.clear()

        for name, encoded in _rows(path):
            table = by_name[name]
            if table is not pending_table:
                flush()
                pending_table = table
            pending.append(
                {
                    column: (null() if nullable_json else None) if encoded[column] is None else decode(encoded[column])
                    for column, decode, nullable_json in decoders[name]
                }
            )
            # A table that refers to itself is inserted in one statement, so its parents can be put first.
            self_referring = any(fk.column.table is table for fk in table.foreign_keys)
            if len(pending) >= BATCH_SIZE and not self_referring:
                flush()
        flush()
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, tables)
    summary.seconds = time.perf_counter() - started
    return summary
