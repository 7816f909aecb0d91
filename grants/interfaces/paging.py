"""Pagination and text search helpers shared by the list pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort
from sqlalchemy import ColumnElement, Select, func, inspect, text

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


def paginate(query: Select, page: int, per_page: int, total: int | None = None,
             columns: Sequence[Any] | None = None, make: Callable[..., Any] | None = None,
             params: Mapping[str, Any] | None = None,
             load: Callable[[list[Any]], Mapping[Any, Any]] | None = None) -> Page:
    """One page of an ordered query with the total count, in two statements whatever the data size.

    When ``query`` selects one mapped entity with a single-column primary key (most list pages), the
    page is found by a *deferred join*: the first statement runs the query's joins, filters and
    ordering but selects only the entity's primary key, with the count as a window over the whole
    result and the page cut by LIMIT and OFFSET; the second loads the page's full rows by those keys,
    with the query's joins and loader options (``contains_eager``, ``joinedload``, ``selectinload``
    ...), and they are put back in the first statement's order. The database then sorts and skips
    narrow rows instead of every full-width row before the page, so a deep page of a long list
    costs little more than the first. Any other query (several columns, bare ids, a DISTINCT or
    GROUP BY) is paged in one statement, the count a window beside its rows.

    ``query`` must give one row per item (no eager joins of collections) and an ORDER BY that ends
    in a unique key, so that the pages neither overlap nor miss a row. A page number past the last
    page is "not found", as is one below 1 (which never reaches the database).

    ``columns`` (the entity's key first, then any columns of the query's tables) has the second
    statement read those columns rather than the entities, each item ``make(*row)`` (the row's tuple
    without ``make``): a list that shows a few plain values need not build a mapped object (and its
    joined ones) a row. Only with a query the deferred join pages.

    ``params``: the values of the query's bound parameters (a statement built once, with
    ``bindparam``), for each of its statements.

    ``load``: the page's items by key, given the page's keys in order, in place of the second
    statement (for items read from tables the query need not join: its count stays on one table).
    """
    if page < 1:
        abort(404)
    key = _primary_key(query)
    if key is None:
        if columns is not None:
            raise ValueError("columns are read only by the deferred join: select one mapped entity")
        return _paginate_rows(query, page, per_page, params)
    if total is not None and page > max(1, -(-total // per_page)):
        abort(404)
    ids_query = query.with_only_columns(key, maintain_column_froms=True)
    if total is None:
        ids_query = ids_query.add_columns(func.count().over().label("paging_total"))
    ids_query = ids_query.limit(per_page).offset((page - 1) * per_page)
    rows = db.session.execute(ids_query, params).all() if total is None else _serially(ids_query, params)
    if not rows:
        if page > 1:
            abort(404)
        return Page([], page, per_page, total or 0)
    ids = [row[0] for row in rows]
    # The ORDER BY is dropped: the page is put in order here, from the first statement's ids.
    if load is not None:
        loaded = load(ids)
    elif columns is None:
        loaded = {inspect(item).identity[0]: item
                  for item in db.session.scalars(query.where(key.in_(ids)).order_by(None), params).unique()}
    else:
        loaded = {row[0]: make(*row) if make else tuple(row) for row in db.session.execute(
            query.with_only_columns(*columns, maintain_column_froms=True).where(key.in_(ids)).order_by(None), params)}
    # A row deleted between the two statements is left out rather than shown as a gap.
    return Page([loaded[id_] for id_ in ids if id_ in loaded], page, per_page,
                rows[0][-1] if total is None else total)


def _serially(query: Select, params: Mapping[str, Any] | None = None) -> list:
    """The rows of ``query`` from a plan without parallel workers, on PostgreSQL: a page's ids walked
    from an index stop after the page (a few milliseconds at any size), and starting a parallel plan's
    workers takes longer than that (measured: 7.5 ms walked alone, 23-25 ms with two workers, on the
    benchmark's 40,000-bid round)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return list(db.session.execute(query, params).all())
    db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    rows = list(db.session.execute(query, params).all())  # a failure ends the transaction, and the setting with it
    db.session.execute(text("SET LOCAL max_parallel_workers_per_gather TO DEFAULT"))
    return rows


def _paginate_rows(query: Select, page: int, per_page: int, params: Mapping[str, Any] | None = None) -> Page:
    """The page in one statement: the query's rows with the count as a window over the whole result."""
    rows = db.session.execute(
        query.add_columns(func.count().over().label("paging_total")).limit(per_page).offset((page - 1) * per_page),
        params,
    ).all()
    if not rows:
        if page > 1:
            abort(404)
        return Page([], page, per_page, 0)
    return Page([row[0] for row in rows], page, per_page, rows[0][-1])


def _primary_key(query: Select) -> ColumnElement[Any] | None:
    """The primary key column of the one mapped entity ``query`` selects (of its alias, when it
    selects an alias), or None when it selects anything else or its rows are not one per entity row:
    several columns, a bare column, a composite key, DISTINCT, GROUP BY or HAVING."""
    descriptions = query.column_descriptions
    if len(descriptions) != 1:
        return None
    entity = descriptions[0]["entity"]
    if entity is None or descriptions[0]["expr"] is not entity:
        return None
    # Select has no public reading of these; with any of them the key alone may not be a valid
    # SELECT list for the ORDER BY (DISTINCT) or may not give the same rows (GROUP BY, HAVING).
    if query._distinct or query._distinct_on or query._group_by_clauses or query._having_criteria:
        return None
    mapper = inspect(entity).mapper
    if len(mapper.primary_key) != 1:
        return None
    return getattr(entity, mapper.get_property_by_column(mapper.primary_key[0]).key)


def contains(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with LIKE's wildcards taken literally (escape ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
