"""Pagination and text search helpers shared by the list pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import Select, func

from grants.extensions import db


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate(query: Select, page: int, per_page: int) -> Page:
    """One page of an ordered query with the total count, in one statement whatever the data size:
    the count is a window over the whole result, worked out before the page is cut from it.

    ``query`` must give one row per item (no eager joins of collections). A page number past the
    last page is "not found", as is one below 1 (which never reaches the database).
    """
    if page < 1:
        abort(404)
    rows = db.session.execute(
        query.add_columns(func.count().over().label("paging_total")).limit(per_page).offset((page - 1) * per_page)
    ).all()
    if not rows:
        if page > 1:
            abort(404)
        return Page([], page, per_page, 0)
    return Page([row[0] for row in rows], page, per_page, rows[0][-1])


def contains(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with LIKE's wildcards taken literally (escape ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
