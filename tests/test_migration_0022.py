"""Revision 0022 (issue 22) brings the co-commissioning areas already stored to the Census 2021 figures
aged 15 to 64 and the plan's wording, keeping any figure a person entered."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from grants import create_app
from grants.extensions import db
from tests.test_migrations import scratch_database_url  # noqa: F401

AREAS = sa.table("commissioning_areas", sa.column("code", sa.String), sa.column("name", sa.String),
                 sa.column("pcc_name", sa.String), sa.column("figures", sa.JSON), sa.column("sort_order", sa.Integer),
                 sa.column("updated_at", sa.DateTime(timezone=True)), sa.column("lock_version", sa.Integer))


def _entry(value, source, assumption, set_by="Reference data"):
    return {"value": value, "source": source, "year": "2021", "assumption": assumption, "set_by": set_by}


ASSUMED = "Assumed 61% of the population aged 15-64: replace with the Census 2021 figure"
OCU = "Assumed 9.5 per 1,000 aged 15-64 (England 2019/20): no local estimate published"


@pytest.mark.slow
def test_stored_areas_take_the_census_figures_and_the_plans_words(scratch_database_url, monkeypatch):  # noqa: F811
    scratch = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    with scratch.app_context():
        upgrade(revision="0021")
        rows = [
            ("devon-cornwall", "Devon and Cornwall", "Police and Crime Commissioner for Devon and Cornwall",
             {"population_15_64": _entry(1_089_582, ASSUMED, True),
              "ocu": _entry(8_178, "Police and Crime Plan for Devon, Cornwall and the Isles of Scilly", False)}),
            ("dorset", "Dorset", "Police and Crime Commissioner for Dorset",
             {"population_15_64": _entry(475_251, ASSUMED, True), "ocu": _entry(4_515, OCU, True)}),
            # Someone entered Gloucestershire's own figure: it stays.
            ("gloucestershire", "Gloucestershire", "Police and Crime Commissioner for Gloucestershire",
             {"population_15_64": _entry(400_000, "Our JSNA", False, set_by="Ann Analyst"),
              "ocu": _entry(3_733, OCU, True)}),
        ]
        with db.engine.begin() as connection:
            connection.execute(AREAS.insert(), [
                {"code": code, "name": name, "pcc_name": pcc, "figures": figures, "sort_order": n,
                 "updated_at": datetime(2026, 11, 1, tzinfo=UTC), "lock_version": 1}
                for n, (code, name, pcc, figures) in enumerate(rows)])
        upgrade()
        with db.engine.connect() as connection:
            stored = {row.code: row for row in connection.execute(sa.select(AREAS))}
        figures = {code: row.figures if isinstance(row.figures, dict) else json.loads(row.figures)
                   for code, row in stored.items()}

        devon = figures["devon-cornwall"]
        assert stored["devon-cornwall"].pcc_name == ("Police and Crime Commissioner for Devon, Cornwall and the "
                                                     "Isles of Scilly")
        assert (devon["population_15_64"]["value"], devon["population_15_64"]["assumption"]) == (1_076_402, False)
        assert devon["population_15_64"]["source"].startswith("Census 2021 (ONS table TS007A)")
        assert devon["ocu"]["value"] == 8_178
        assert devon["ocu"]["source"].startswith("Drugs strategic intentions plan 2022-2025")
        # Dorset's assumed users follow its Census figure: 466,122 × 9.5 / 1,000 = 4,428.159 → 4,428.
        assert (figures["dorset"]["population_15_64"]["value"], figures["dorset"]["ocu"]["value"]) == (466_122, 4_428)
        assert stored["dorset"].lock_version == 2
        assert figures["gloucestershire"] == rows[2][3] and stored["gloucestershire"].lock_version == 1
        db.session.remove()
        db.engine.dispose()
