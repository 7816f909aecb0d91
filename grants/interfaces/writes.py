"""Guarded writes: an UPDATE or DELETE whose row count says whether it happened."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Delete, Update

from grants.extensions import db


def rows_changed(statement: Update | Delete) -> int:
    """Run ``statement`` in the session and return how many rows it updated or deleted.

    A guarded write (``WHERE status = 'draft'``) changes one row for the request that wins and none
    for one that comes too late, so the count is how the caller knows which it was.
    """
    # Session.execute is typed to return a plain Result whatever the statement; for an UPDATE or a
    # DELETE it is the CursorResult that holds the row count.
    return cast("CursorResult[Any]", db.session.execute(statement)).rowcount
