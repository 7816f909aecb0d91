"""Revision 0029 (issue 24) gives each funding recommendation a random snapshot key, under which a worker
keeps its result as read. Records made before it get a key each, none shared; the page reads them as before."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from grants import create_app
from grants.extensions import db
from tests.factories import FundingRoundFactory
from tests.test_migrations import scratch_database_url  # noqa: F401


def _keys() -> dict[int, str | None]:
    with db.engine.connect() as connection:
        return dict(connection.execute(sa.text("SELECT id, snapshot_key FROM funding_recommendations")).all())


@pytest.mark.slow
def test_records_made_before_get_a_key_each(scratch_database_url, monkeypatch):  # noqa: F811
    scratch = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    with scratch.app_context():
        upgrade()
        round_id = FundingRoundFactory().id
        db.session.commit()
        db.session.remove()
        downgrade(revision="0028")  # as the database was before the keys
        with db.engine.begin() as connection:
            for record_id in (1, 2, 3):
                connection.execute(sa.text(
                    "INSERT INTO funding_recommendations (id, round_id, rules, result, created_at) "
                    "VALUES (:id, :round_id, '{}', '{\"decisions\": []}', CURRENT_TIMESTAMP)"),
                    {"id": record_id, "round_id": round_id})
        upgrade()
        keys = _keys()
        assert sorted(keys) == [1, 2, 3]
        assert all(key and len(key) == 32 for key in keys.values())
        assert len(set(keys.values())) == 3
        downgrade(revision="0028")
        with db.engine.connect() as connection:
            columns = {column["name"] for column in sa.inspect(connection).get_columns("funding_recommendations")}
        assert "snapshot_key" not in columns
        db.session.remove()
