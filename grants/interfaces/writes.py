"""Guarded writes: an UPDATE or DELETE whose row count says whether it happened."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from sqlalchemy import Column, ColumnElement, CursorResult, Delete, Table, Update, select

from grants.extensions import db

# Execution option set on a guarded write whose changed rows were reported to a watcher.
WATCHED_OPTION = "rows_reported"
# Tables whose changed rows someone keeps figures of: the column to return and who to tell
# (grants.interfaces.awards.portfolio_totals watches the awards and their payments and returns).
_WATCHERS: dict[Table, tuple[Column, Callable[[Iterable[Any]], None]]] = {}


def watch(table: Table, column: Column, tell: Callable[[Iterable[Any]], None]) -> None:
    """Have every guarded write of ``table`` return ``column`` of the rows it changed, and ``tell`` them."""
    _WATCHERS[table] = (column, tell)


def rows_changed(statement: Update | Delete) -> int:
    """Run ``statement`` in the session and return how many rows it updated or deleted.

    A guarded write (``WHERE status = 'draft'``) changes one row for the request that wins and none
    for one that comes too late, so the count is how the caller knows which it was.
    """
    watcher = _WATCHERS.get(cast(Table, statement.table))
    if watcher is not None:
        column, tell = watcher
        rows = db.session.execute(
            statement.returning(column).execution_options(**{WATCHED_OPTION: True})).scalars().all()
        tell(rows)
        return len(rows)
    # Session.execute is typed to return a plain Result whatever the statement; for an UPDATE or a
    # DELETE it is the CursorResult that holds the row count.
    return cast("CursorResult[Any]", db.session.execute(statement)).rowcount


def upsert(entity: Any):
    """An INSERT of ``entity`` that can say what a conflict does (``on_conflict_do_nothing`` or
    ``on_conflict_do_update``), in the session's database's own dialect: PostgreSQL's or SQLite's."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    return insert(entity)


def lock_row(entity: Any, values: dict[str, Any], *key: ColumnElement[bool]) -> None:
    """Take the row lock of a row of kept figures, making it with ``values`` first if there is none:
    the row ``key`` picks is then held until the transaction ends (SQLite's write lock holds anyway)."""
    db.session.execute(upsert(entity).values(**values).on_conflict_do_nothing())
    db.session.execute(select(*entity.__mapper__.primary_key).where(*key).with_for_update())
