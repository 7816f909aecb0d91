"""``flask backup`` and ``flask restore``: a demo database copied into a fresh one comes back row for row,
and a damaged file, a database at another revision or one holding data is refused with nothing written."""

from __future__ import annotations

import gzip
import json
import time
import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, insert, make_url, select, text

from grants import create_app
from grants.backup import BackupError, restore_backup
from grants.extensions import db as _db
from tests.figures import report

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def db(app):
    """These tests work on scratch databases of their own, not on the suite's rolled-back session."""
    yield _db


@pytest.fixture(scope="module")
def scratch_app(app, tmp_path_factory):
    """``scratch_app()``: an app on a new empty database of the test database's kind, migrated to head.

    As tests/test_migrations.py's ``scratch_database_url``, but several per module; all dropped afterwards.
    """
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    made: list[str] = []
    apps = []

    def _scratch_app():
        if url.get_backend_name() == "sqlite":
            scratch_url = f"sqlite:///{tmp_path_factory.mktemp('scratch') / 'scratch.sqlite'}"
        else:
            name = f"grants_scratch_{uuid.uuid4().hex[:8]}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            made.append(name)
            scratch_url = url.set(database=name).render_as_string(hide_password=False)
        scratch = create_app(
            {
                "GRANTS_ENV": "testing",
                "SQLALCHEMY_DATABASE_URI": scratch_url,
                "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
            }
        )
        with scratch.app_context():
            upgrade()
        apps.append(scratch)
        return scratch

    admin = None
    if url.get_backend_name() != "sqlite":
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        yield _scratch_app
    finally:
        for scratch in apps:
            with scratch.app_context():
                _db.engine.dispose()
        if admin is not None:
            with admin.connect() as connection:
                for name in made:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def run(scratch, args, **kwargs):
    """Invoke a ``flask`` command on a scratch app, in its app context as the ``flask`` script does."""
    with scratch.app_context():
        return scratch.test_cli_runner().invoke(args=args, **kwargs)


@pytest.fixture(scope="module")
def demo_app(scratch_app):
    """A migrated database holding the reference data and the demo data."""
    source = scratch_app()
    result = run(source, ["demo", "seed"])
    assert result.exit_code == 0, result.output
    return source


@pytest.fixture(scope="module")
def backup_file(demo_app, tmp_path_factory):
    path = tmp_path_factory.mktemp("backups") / "grants.jsonl.gz"
    started = time.perf_counter()
    result = run(demo_app, ["backup", str(path)])
    assert result.exit_code == 0, result.output
    report(f"backup of the demo data: {time.perf_counter() - started:.2f}s, {path.stat().st_size} bytes")
    assert "Backed up" in result.output
    return path


@pytest.fixture(scope="module")
def empty_app(scratch_app):
    """A migrated, empty database for the refusals (each leaves it empty, and checks so)."""
    return scratch_app()


def every_row(scratch) -> dict[str, list[tuple]]:
    """Every row of every table, every column, in primary key order, as exact ``repr`` strings."""
    with scratch.app_context(), _db.engine.connect() as connection:
        return {
            table.name: [
                tuple(repr(value) for value in row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in _db.metadata.sorted_tables
        }


def row_count(scratch) -> int:
    with scratch.app_context(), _db.engine.connect() as connection:
        return sum(
            connection.execute(select(func.count()).select_from(t)).scalar_one() for t in _db.metadata.sorted_tables
        )


def rewrite(source, target, change):
    """Copy a backup, letting ``change`` edit its decompressed lines, and compress it again."""
    lines = gzip.decompress(source.read_bytes()).splitlines(keepends=True)
    target.write_bytes(gzip.compress(b"".join(change(lines))))
    return target


def refused(scratch, path) -> str:
    """Restore ``path`` with the command; assert it failed and wrote nothing; return its output."""
    before = row_count(scratch)
    result = run(scratch, ["restore", "--yes", str(path)])
    assert result.exit_code == 1, result.output
    assert row_count(scratch) == before
    return result.output


def test_a_restored_backup_holds_exactly_the_same_rows(demo_app, backup_file, scratch_app):
    target = scratch_app()
    started = time.perf_counter()
    result = run(target, ["restore", "--yes", str(backup_file)])
    report(f"restore of the demo data: {time.perf_counter() - started:.2f}s")
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output

    original, restored = every_row(demo_app), every_row(target)
    assert set(original) == {t.name for t in _db.metadata.sorted_tables}
    for name in original:
        assert restored[name] == original[name], name
    # The demo data reaches the money, JSON, dates and association tables, so the comparison means something.
    for name in ("users", "user_roles", "applications", "application_sections", "awards", "instalments",
                 "agreements", "contributions", "audit_events"):
        assert original[name], f"the demo data has no {name}"

    # New rows get fresh ids: on PostgreSQL the sequences were moved past the restored ids.
    with target.app_context(), _db.engine.begin() as connection:
        events = _db.metadata.tables["audit_events"]
        highest = connection.execute(select(func.max(events.c.id))).scalar_one()
        new_id = connection.execute(
            insert(events).values(actor_label="Test", action="test", entity_type="test", summary="After restore")
        ).inserted_primary_key[0]
        assert new_id > highest


def test_the_header_describes_the_backup(backup_file, demo_app):
    header = json.loads(gzip.decompress(backup_file.read_bytes()).split(b"\n", 1)[0])
    with demo_app.app_context(), _db.engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert header["format"] == "pcc-grants-backup"
    assert header["format_version"] == 1
    assert header["alembic_revision"] == revision
    assert header["created_at"].endswith("+00:00")
    assert [t["name"] for t in header["tables"]] == [t.name for t in _db.metadata.sorted_tables]
    assert sum(t["rows"] for t in header["tables"]) == row_count(demo_app)
    assert len(header["sha256"]) == 64


def test_restore_refuses_a_database_holding_data(demo_app, backup_file):
    output = refused(demo_app, backup_file)
    assert "The database is not empty: restore needs an empty database at revision" in output


def test_restore_refuses_a_backup_from_another_revision(empty_app, backup_file, tmp_path):
    def older(lines):
        header = json.loads(lines[0])
        header["alembic_revision"] = "0001"
        return [json.dumps(header).encode() + b"\n", *lines[1:]]

    output = refused(empty_app, rewrite(backup_file, tmp_path / "older.jsonl.gz", older))
    assert "The backup is from revision 0001 but the database is at" in output
    assert "run flask db upgrade/downgrade first" in output


def test_restore_refuses_a_file_with_a_flipped_byte(empty_app, backup_file, tmp_path):
    damaged = bytearray(backup_file.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    (path := tmp_path / "flipped.jsonl.gz").write_bytes(damaged)
    output = refused(empty_app, path)
    assert "is corrupt" in output or "does not match its checksum" in output


def test_restore_refuses_an_edited_row(empty_app, backup_file, tmp_path):
    """A well-formed gzip whose data was changed is caught by the checksum."""
    def edit(lines):
        last = max(number for number, line in enumerate(lines) if b'"id":' in line)  # a row with an id
        lines[last] = lines[last].replace(b'"id":', b'"id":1', 1)
        return lines

    output = refused(empty_app, rewrite(backup_file, tmp_path / "edited.jsonl.gz", edit))
    assert "does not match its checksum" in output


def test_restore_refuses_a_truncated_file(empty_app, backup_file, tmp_path):
    data = backup_file.read_bytes()
    (path := tmp_path / "truncated.jsonl.gz").write_bytes(data[: len(data) // 2])
    assert "is corrupt or incomplete" in refused(empty_app, path)


def test_restore_refuses_a_file_cut_at_a_line(empty_app, backup_file, tmp_path):
    """Cut cleanly and compressed again, the missing rows still show in the checksum."""
    output = refused(empty_app, rewrite(backup_file, tmp_path / "cut.jsonl.gz", lambda lines: lines[:-5]))
    assert "does not match its checksum" in output


def test_restore_asks_first(empty_app, backup_file):
    result = run(empty_app, ["restore", str(backup_file)], input="n\n")
    assert result.exit_code == 1
    assert "Restore the backup made" in result.output
    assert row_count(empty_app) == 0


def test_restore_refuses_a_file_that_is_not_a_backup(empty_app, tmp_path):
    (path := tmp_path / "notes.gz").write_bytes(gzip.compress(b"hello\n"))
    with empty_app.app_context(), pytest.raises(BackupError, match="is not a PCC Grants backup"):
        restore_backup(_db.engine, path)


def test_backup_will_not_replace_a_file_without_force(demo_app, backup_file):
    result = run(demo_app, ["backup", str(backup_file)])
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_the_help_mentions_pg_dump(app):
    result = run(app, ["restore", "--help"])
    assert "pg_dump" in result.output and "pg_restore" in result.output
