"""Pagination and text search helpers shared by the list pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import Select, func, select

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
    """One page of an ordered query, with the total count (two queries, whatever the data size).

    A page number past the last page is "not found" (and never reaches the database as an offset).
    """
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    result = Page([], page, per_page, total)
    if page < 1 or page > result.pages:
        abort(404)
    result.items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return result


def contains(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with LIKE's wildcards taken literally (escape ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
