"""Bulk inserts for the benchmark's generator: SQLAlchemy Core ``insert()`` with lists of rows
(psycopg 3 sends them as multi-row INSERTs), ids given by the generator, sequences reset after."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from sqlalchemy import func, select, text

from grants import models  # noqa: F401  (every table registered on db.metadata)
from grants.config import database_url
from grants.extensions import db

CHUNK = 5_000


def driver_url(url: str) -> str:
    return database_url(url)


def server_environment(url: str, profile: str = "development") -> dict[str, str]:
    """The environment the app runs with against the benchmark database: the generator's CLI
    commands in development, gunicorn in production (see benchmarks.server)."""
    env = dict(os.environ)
    env.update(DATABASE_URL=url, FLASK_APP="wsgi:app", GRANTS_ENV=profile)
    env.pop("REDIS_URL", None)
    return env


class Ids:
    """The next id per table, handed out by the generator so rows can refer to each other."""

    def __init__(self):
        self._last: dict[str, int] = {}

    def next(self, table: str) -> int:
        self._last[table] = self._last.get(table, 0) + 1
        return self._last[table]


def insert(connection, table_name: str, rows: list[dict]) -> None:
    """Insert ``rows`` in chunks; columns a row leaves out get their default (Python-side defaults
    included), so every row of a chunk is given the same columns."""
    if not rows:
        return
    table = db.metadata.tables[table_name]
    columns = set().union(*(row.keys() for row in rows))
    for start in range(0, len(rows), CHUNK):
        chunk = [{column: row.get(column) for column in columns} for row in rows[start:start + CHUNK]]
        connection.execute(table.insert(), chunk)


@dataclass
class Reference:
    rubric_id: int
    criteria: list[str]
    areas: dict[str, int]
    approaches: dict[str, int]
    strands: dict[str, int]  # code -> id
    outcomes: dict[str, int]
    commitments: list[int]
    legal_types: list[str] = field(default_factory=list)


def reference_ids(connection) -> Reference:
    """The reference data ``flask reference load`` put in: the default rubric, areas, approaches."""
    tables = db.metadata.tables
    rubric_id = connection.scalar(select(tables["rubrics"].c.id).order_by(tables["rubrics"].c.id))
    criteria = list(connection.scalars(select(tables["rubric_criteria"].c.key)
                                       .where(tables["rubric_criteria"].c.rubric_id == rubric_id)
                                       .order_by(tables["rubric_criteria"].c.position)))

    def codes(name):
        return {code: ident for ident, code in connection.execute(select(tables[name].c.id, tables[name].c.code))}

    from grants.models.organisations import LegalType

    return Reference(rubric_id=rubric_id, criteria=criteria, areas=codes("local_authorities"),
                     approaches=codes("plan_approaches"), strands=codes("adder_strands"),
                     outcomes=codes("drugs_outcomes"),
                     commitments=list(connection.scalars(select(tables["plan_commitments"].c.id))),
                     legal_types=[kind.value for kind in LegalType])


def reset_sequences(connection) -> None:
    """Move every id sequence past the ids the generator gave, so the app's own inserts follow on."""
    for table in db.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        if sequence:
            highest = connection.scalar(select(func.max(table.c.id)))
            connection.execute(text("SELECT setval(:s, :v, :called)"),
                               {"s": sequence, "v": highest or 1, "called": highest is not None})
