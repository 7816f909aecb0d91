"""Guarded writes: an UPDATE or DELETE whose row count says whether it happened."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from sqlalchemy import Column, CursorResult, Delete, Table, Update

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
