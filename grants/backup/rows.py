"""The database's side of a backup: reading every row in one snapshot, writing rows back in one transaction.

A row travels as one JSON line, ``{"table": "users", "row": {"id": 1, ...}}``, table by table in
foreign-key dependency order (``metadata.sorted_tables``) and by primary key within a table. Values
are written losslessly: decimals as strings, dates and times in ISO 8601 (moments with their UTC
offset), JSON columns as JSON, bytes in base64.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from datetime import time as time_of_day
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import JSON, Column, Connection, Table, func, inspect, null, select, text
from sqlalchemy.types import TypeDecorator

from grants.backup.format import BackupError
from grants.extensions import db

# Rows inserted per statement on restore: large enough to be quick, small enough to bound memory.
BATCH_SIZE = 1000


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
        "how to store: teach grants/backup/rows.py about it"
    )


def _nullable_json(column: Column) -> bool:
    return isinstance(column.type, JSON) and bool(column.nullable)


# --- Reading the database ---------------------------------------------------------------------


def tables() -> list[Table]:
    """Every table of the models, association tables included, parents before children."""
    return list(db.metadata.sorted_tables)


def revision(connection: Connection) -> str | None:
    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    versions = sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    return ",".join(versions) or None


def _order(table: Table) -> list[Column]:
    return list(table.primary_key.columns) or list(table.columns)


def begin_snapshot(connection: Connection) -> None:
    """Start a transaction that sees one moment of the database and cannot change it."""
    connection.begin()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def snapshot_rows(connection: Connection, every_table: list[Table]) -> Iterator[tuple[str, dict]]:
    """Each row of each table as (table name, values encoded for JSON), in the order a backup keeps."""
    for table in every_table:
        encoders = [(column.name, _codec(column)[0]) for column in table.columns]
        result = connection.execution_options(yield_per=BATCH_SIZE).execute(select(table).order_by(*_order(table)))
        for row in result.mappings():
            yield table.name, {name: None if row[name] is None else encode(row[name]) for name, encode in encoders}


def table_list(every_table: list[Table], counts: dict[str, int]) -> list[dict]:
    """The tables as a backup's header names them: name, columns and number of rows."""
    return [{"name": t.name, "columns": [c.name for c in t.columns], "rows": counts[t.name]} for t in every_table]


# --- Reading a backup's rows ------------------------------------------------------------------


def parse_rows(lines: Iterable[bytes], header: dict, where: str, first_line: int = 1) -> Iterator[tuple[str, dict]]:
    """Each line as (table name, encoded values), checked against the header's tables: known table,
    tables in the header's order, exactly the header's columns. Ends by checking the row counts."""
    expected = {t["name"]: t for t in header["tables"]}
    order = [t["name"] for t in header["tables"]]
    counts = dict.fromkeys(order, 0)
    position = 0
    for number, line in enumerate(lines, start=first_line):
        try:
            item = json.loads(line)
            name, row = item["table"], item["row"]
        except (ValueError, KeyError, TypeError):
            name, row = None, None
        if name not in expected or order.index(name) < position or not isinstance(row, dict) \
                or set(row) != set(expected[name]["columns"]):
            raise BackupError(f"{where} is corrupt at line {number}: nothing was restored")
        position = order.index(name)
        counts[name] += 1
        yield name, row
    wrong = [name for name in order if counts[name] != expected[name]["rows"]]
    if wrong:
        raise BackupError(f"{where} holds the wrong number of rows for {', '.join(wrong)}: nothing was restored")


# --- Restoring --------------------------------------------------------------------------------


def check_database(connection: Connection, header: dict, every_table: list[Table]) -> None:
    """Refuse, before anything is written, a database at another revision, with other tables, or not empty."""
    wanted = header["alembic_revision"]
    current = revision(connection)
    if current != wanted:
        raise BackupError(
            f"The backup is from revision {wanted} but the database is at {current or 'no revision'}: "
            "run flask db upgrade/downgrade first"
        )
    theirs = {t["name"]: set(t["columns"]) for t in header["tables"]}
    ours = {t.name: {c.name for c in t.columns} for t in every_table}
    if theirs != ours:
        differ = sorted(set(theirs) ^ set(ours) | {n for n in set(theirs) & set(ours) if theirs[n] != ours[n]})
        raise BackupError(
            "The backup's tables do not match this version of the app's models "
            f"({', '.join(differ)}): restore it with the version of the app that made it"
        )
    if any(connection.execute(select(func.count()).select_from(t)).scalar_one() for t in every_table):
        raise BackupError(f"The database is not empty: restore needs an empty database at revision {wanted}")


def _parents_first(table: Table, rows: list[dict]) -> list[dict]:
    """A table that refers to itself (a parameter set based on another) needs each parent inserted first."""
    keys = [(fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table]
    if not keys:
        return rows
    remaining = list(rows)
    placed: set[tuple[str, Any]] = set()
    ordered: list[dict] = []
    while remaining:
        ready = [r for r in remaining if all(r[c] is None or (k, r[c]) in placed for c, k in keys)]
        if not ready:  # a cycle within the table: keep the file's order and let the database judge
            return ordered + remaining
        for row in ready:
            ordered.append(row)
            placed.update((k, row[k]) for _, k in keys)
        remaining = [r for r in remaining if r not in ready]
    return ordered


def insert_rows(
    connection: Connection, every_table: list[Table], rows: Iterable[tuple[str, dict]], inserted: dict[str, int]
) -> None:
    """Insert the backup's rows inside the caller's transaction, counting them per table in ``inserted``."""
    if connection.dialect.name == "sqlite":
        # Rows are in dependency order already; this covers a table that refers to itself.
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    by_name = {t.name: t for t in every_table}
    decoders = {t.name: [(c.name, _codec(c)[1], _nullable_json(c)) for c in t.columns] for t in every_table}
    pending: list[dict] = []
    pending_table: Table | None = None

    def flush() -> None:
        if pending_table is not None and pending:
            connection.execute(pending_table.insert(), _parents_first(pending_table, pending))
            inserted[pending_table.name] = inserted.get(pending_table.name, 0) + len(pending)
            pending.clear()

    for name, encoded in rows:
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
        _reset_sequences(connection, every_table)


def _reset_sequences(connection: Connection, every_table: list[Table]) -> None:
    """Move each PostgreSQL id sequence past the restored ids, so that new rows do not collide."""
    for table in every_table:
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
