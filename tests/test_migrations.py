"""The migrations are the only way the schema changes: they must build exactly the models' schema."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, make_url, text

from grants import create_app
from grants.database import render_migration_item
from grants.extensions import db


def _diff(connection):
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "render_item": render_migration_item}
    )
    return compare_metadata(context, db.metadata)


def test_migrations_build_the_models_schema(app):
    """No drift: autogenerate finds nothing to add, drop or alter on the migrated database."""
    with db.engine.connect() as connection:
        assert _diff(connection) == []


def test_every_model_table_exists_after_migrating(app):
    with db.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
    assert set(db.metadata.tables) <= tables


@pytest.fixture
def scratch_database_url(app, tmp_path):
    """An empty database of the same kind as the test database, dropped afterwards."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite'}"
        return
    name = f"grants_scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.slow
def test_migrations_go_down_and_up_again(scratch_database_url):
    """Every revision can be undone, and the schema comes back the same."""
    scratch = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with scratch.app_context():
        upgrade()
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        upgrade()
        with db.engine.connect() as connection:
            assert _diff(connection) == []
        db.engine.dispose()
