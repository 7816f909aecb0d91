"""``flask backup`` and ``flask restore``: a demo database, with documents uploaded through the app,
restored on a new host (a fresh database and an empty document store) comes back row for row and every
document opens byte for byte; a damaged file, a tampered or missing document, a database at another
revision or one holding data is refused with nothing written, in the database or the document store."""

from __future__ import annotations

import gzip
import hashlib
import json
import secrets
import stat
import time

import pytest
from sqlalchemy import func, insert, select, text

from grants.backup import BackupError, restore_backup, write_backup
from grants.backup.documents import STORED_FILES
from grants.document_store import DocumentMissing, LocalDocumentStore
from grants.extensions import db as _db
from grants.models.accounts import Role
from tests import factories
from tests.backup_helpers import (
    MemoryStore,
    ScratchApps,
    document_bytes,
    documents,
    every_row,
    files_in_upload_folder,
    members,
    rearchive,
    row_count,
    rows_only_copy,
    run,
    signed_in,
    stored_files,
    upload_through_the_page,
    uploaded,
    with_manifest,
)
from tests.figures import report
from tests.test_uploads import docx_bytes, pdf_bytes, png_bytes

pytestmark = pytest.mark.slow

APPLICANT = "backup.applicant@example.org"
# Uploaded through the documents page by APPLICANT: (file name, kind, bytes).
UPLOADS = [
    ("governing-document.pdf", "constitution", pdf_bytes()),
    ("accounts.docx", "accounts", docx_bytes()),
    ("safeguarding.png", "safeguarding_policy", png_bytes(3, 2)),
]


@pytest.fixture(autouse=True)
def db(app):
    """These tests work on scratch databases of their own, not on the suite's rolled-back session."""
    yield _db


@pytest.fixture(scope="module")
def scratch_app(app, tmp_path_factory):
    """``scratch_app(store=None)``: an app on a new empty database of the test database's kind, migrated
    to head, with a new empty upload folder (or ``store`` as its document store): a new host."""
    apps = ScratchApps(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path_factory)
    try:
        yield apps.new
    finally:
        apps.close()


@pytest.fixture(scope="module")
def demo_app(scratch_app):
    """A migrated database holding the reference data and the demo data (whose applications have
    documents), plus an applicant's draft with three documents uploaded through the documents page."""
    source = scratch_app()
    result = run(source, ["demo", "seed"])
    assert result.exit_code == 0, result.output
    with source.app_context():
        organisation = factories.OrganisationFactory(name="Backup Test Group")
        factories.UserFactory(email=APPLICANT, organisation=organisation, roles=[Role.APPLICANT])
        application_id = factories.ApplicationFactory(organisation=organisation).id
        _db.session.commit()
    upload_through_the_page(signed_in(source, APPLICANT), application_id, UPLOADS)
    assert {d.original_filename for d in documents(source)} >= {filename for filename, _, _ in UPLOADS}
    return source


# Every row of the demo database as the backup took it, and of the new host as the restore left it: other
# tests sign in to both (a sign-in adds a session row), so these are compared whatever order the tests run in.
ROWS_BACKED_UP: dict[str, dict] = {}
ROWS_RESTORED: dict[str, dict] = {}


@pytest.fixture(scope="module")
def backup_file(demo_app, tmp_path_factory):
    path = tmp_path_factory.mktemp("backups") / "grants-backup.tar.gz"
    started = time.perf_counter()
    result = run(demo_app, ["backup", str(path)])
    assert result.exit_code == 0, result.output
    ROWS_BACKED_UP["rows"] = every_row(demo_app)
    report(f"backup of the demo data: {time.perf_counter() - started:.2f}s, {path.stat().st_size} bytes")
    assert "Backed up" in result.output
    stored = len(stored_files(demo_app))  # applications' documents and the demo's claims' evidence
    assert stored > len(documents(demo_app))
    assert f"and {stored} documents" in result.output
    return path


@pytest.fixture(scope="module")
def new_host(scratch_app, backup_file):
    """The backup restored on a new host: a fresh database and a fresh, empty upload folder."""
    target = scratch_app()
    assert files_in_upload_folder(target) == []
    started = time.perf_counter()
    result = run(target, ["restore", "--yes", str(backup_file)])
    report(f"restore of the demo data: {time.perf_counter() - started:.2f}s")
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    ROWS_RESTORED["rows"] = every_row(target)
    return target


@pytest.fixture(scope="module")
def empty_app(scratch_app):
    """A migrated, empty database for the refusals (each leaves it and its upload folder empty, and checks so)."""
    return scratch_app()


def refused(scratch, path, *options) -> str:
    """Restore ``path`` with the command; assert it failed and wrote nothing, neither rows nor files;
    return its output."""
    before, files = row_count(scratch), files_in_upload_folder(scratch)
    result = run(scratch, ["restore", "--yes", *options, str(path)])
    assert result.exit_code == 1, result.output
    assert row_count(scratch) == before
    assert files_in_upload_folder(scratch) == files
    return result.output


# A new host -----------------------------------------------------------------------------------


def test_a_restored_backup_holds_exactly_the_same_rows(demo_app, new_host):
    original, restored = ROWS_BACKED_UP["rows"], ROWS_RESTORED["rows"]
    assert set(original) == {t.name for t in _db.metadata.sorted_tables}
    for name in original:
        assert restored[name] == original[name], name
    # The demo data reaches the money, JSON, dates and association tables, so the comparison means something.
    for name in ("users", "user_roles", "applications", "application_sections", "application_documents",
                 "awards", "instalments", "agreements", "contributions", "audit_events"):
        assert original[name], f"the demo data has no {name}"

    # New rows get fresh ids: on PostgreSQL the sequences were moved past the restored ids.
    with new_host.app_context(), _db.engine.begin() as connection:
        events = _db.metadata.tables["audit_events"]
        highest = connection.execute(select(func.max(events.c.id))).scalar_one()
        new_id = connection.execute(
            insert(events).values(actor_label="Test", action="test", entity_type="test", summary="After restore")
        ).inserted_primary_key[0]
        assert new_id > highest


def test_on_a_new_host_every_document_opens_with_the_same_bytes(demo_app, new_host):
    originals = document_bytes(demo_app)  # every stored file: applications', returns' and claims'
    restored = documents(new_host)
    assert len(stored_files(new_host)) == len(originals) > len(restored) >= len(UPLOADS) + 3
    assert sorted(files_in_upload_folder(new_host)) == sorted(originals)

    officer = signed_in(new_host, "officer@example.org")
    for document in restored:
        with officer.get(f"/applications/{document.application_id}/documents/{document.id}") as response:
            assert response.status_code == 200, document.original_filename
            assert response.data == originals[document.stored_name]
        assert hashlib.sha256(response.data).hexdigest() == document.sha256

    applicant = signed_in(new_host, APPLICANT)
    for filename, _, data in UPLOADS:
        document = uploaded(new_host, filename)
        with applicant.get(f"/applications/{document.application_id}/documents/{document.id}") as response:
            assert response.status_code == 200, filename
            assert response.data == data


def test_documents_go_through_whichever_document_store_the_app_has(demo_app, backup_file, scratch_app, tmp_path):
    """An object store in place of the folder: restore puts the files into it, and a backup of that
    app reads them back out of it."""
    store = MemoryStore()
    target = scratch_app(store=store)
    result = run(target, ["restore", "--yes", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert store.files == document_bytes(demo_app)
    assert files_in_upload_folder(target) == []

    document = uploaded(target, "accounts.docx")
    with signed_in(target, "officer@example.org").get(
        f"/applications/{document.application_id}/documents/{document.id}"
    ) as response:
        assert response.status_code == 200
        assert response.data == docx_bytes()

    again = tmp_path / "from-the-object-store.tar.gz"
    assert run(target, ["backup", str(again)]).exit_code == 0
    assert {name: data for name, data in members(again).items() if name.startswith("documents/")} == {
        name: data for name, data in members(backup_file).items() if name.startswith("documents/")
    }


def test_restore_leaves_alone_the_same_files_already_in_the_store(demo_app, backup_file, scratch_app):
    """The database lost but the documents kept (the same host): the files there are used as they are."""
    store = MemoryStore()
    store.files.update(document_bytes(demo_app))
    target = scratch_app(store=store)
    result = run(target, ["restore", "--yes", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert f"and 0 documents into the document store ({len(store.files)} already there)" in result.output
    assert store.files == document_bytes(demo_app)


# What a backup holds ----------------------------------------------------------------------------


def test_the_manifest_describes_the_backup(backup_file, demo_app):
    items = members(backup_file)
    manifest = json.loads(items["manifest.json"])
    with demo_app.app_context(), _db.engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert manifest["format"] == "pcc-grants-backup"
    assert manifest["format_version"] == 2
    assert manifest["alembic_revision"] == revision
    assert manifest["created_at"].endswith("+00:00")
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600  # it holds every document: its owner's only
    assert [t["name"] for t in manifest["tables"]] == [t.name for t in _db.metadata.sorted_tables]
    assert sum(t["rows"] for t in manifest["tables"]) == row_count(demo_app)
    # Every other member, in order, with its size and SHA-256.
    assert list(items) == ["manifest.json", *(entry["path"] for entry in manifest["files"])]
    assert manifest["files"][0]["path"] == "rows.jsonl"
    for entry in manifest["files"]:
        assert len(items[entry["path"]]) == entry["size"], entry["path"]
        assert hashlib.sha256(items[entry["path"]]).hexdigest() == entry["sha256"], entry["path"]


def test_the_manifest_lists_exactly_the_files_the_rows_refer_to(backup_file, demo_app):
    items = members(backup_file)
    manifest = json.loads(items["manifest.json"])
    listed = {entry["path"]: (entry["size"], entry["sha256"]) for entry in manifest["files"][1:]}
    referenced = {f"documents/{name}": (size, sha256) for name, size, sha256 in stored_files(demo_app)}
    assert listed == referenced
    stored = document_bytes(demo_app)
    for path in listed:
        assert items[path] == stored[path.removeprefix("documents/")]


def test_the_folder_store_puts_a_file_back_under_its_own_name_only(tmp_path):
    store = LocalDocumentStore(tmp_path / "uploads")
    stored_name = secrets.token_hex(32)
    store.put(stored_name, b"%PDF-1.7 restored")
    with store.open(stored_name) as file:
        assert file.read() == b"%PDF-1.7 restored"
    assert stat.S_IMODE((tmp_path / "uploads" / stored_name).stat().st_mode) == 0o600
    for name in ("../outside", "accounts.pdf", ""):
        with pytest.raises(DocumentMissing):
            store.put(name, b"x")
    assert [path.name for path in (tmp_path / "uploads").iterdir()] == [stored_name]


def test_every_table_naming_a_stored_file_is_backed_up_with_its_files():
    """A new table keeping a document store's name must be added to STORED_FILES, or its files are left out."""
    naming_files = {t.name for t in _db.metadata.sorted_tables if "stored_name" in t.columns}
    assert naming_files == {columns.table for columns in STORED_FILES}


@pytest.mark.parametrize(
    "problem, message",
    [
        ("missing", "The document store has no file for 'accounts.docx' (document"),
        ("damaged", "'accounts.docx' (document"),
        ("shorter", "'accounts.docx' (document"),
        ("longer", "'accounts.docx' (document"),
    ],
)
def test_backup_refuses_a_document_missing_or_damaged_in_the_store(demo_app, tmp_path, problem, message):
    """A backup that could not be restored is not written at all."""
    target = uploaded(demo_app, "accounts.docx").stored_name
    path = tmp_path / "grants-backup.tar.gz"
    with demo_app.app_context():
        store = MemoryStore()
        store.files.update(document_bytes(demo_app))
        if problem == "missing":
            del store.files[target]
        elif problem == "damaged":
            store.files[target] = store.files[target][:-1] + b"!"
        elif problem == "shorter":
            store.files[target] = store.files[target][:-10]
        else:
            store.files[target] += b"appended"
        with pytest.raises(BackupError) as refusal:
            write_backup(_db.engine, path, store=store)
    assert message in str(refusal.value)
    assert target in str(refusal.value) and "No backup was written" in str(refusal.value)
    assert list(tmp_path.iterdir()) == []


# Refusals: nothing is written -------------------------------------------------------------------


def test_restore_refuses_a_tampered_document_naming_it(empty_app, backup_file, demo_app, tmp_path):
    member = f"documents/{uploaded(demo_app, 'accounts.docx').stored_name}"

    def tamper(items):
        data = bytearray(items[member])
        data[len(data) // 2] ^= 0x01
        items[member] = bytes(data)
        return items

    output = refused(empty_app, rearchive(backup_file, tmp_path / "tampered.tar.gz", tamper))
    assert f"{member}, the file of 'accounts.docx' (document" in output
    assert "does not match the size and SHA-256 checksum in its manifest" in output
    assert "nothing was restored" in output


@pytest.mark.parametrize("from_the_manifest_too", [False, True])
def test_restore_refuses_a_document_left_out(empty_app, backup_file, demo_app, tmp_path, from_the_manifest_too):
    """Left out of the manifest as well, it is still missing: the rows refer to it."""
    member = f"documents/{uploaded(demo_app, 'safeguarding.png').stored_name}"

    def leave_out(items):
        del items[member]
        if from_the_manifest_too:
            with_manifest(items, lambda m: m.update(files=[f for f in m["files"] if f["path"] != member]))
        return items

    output = refused(empty_app, rearchive(backup_file, tmp_path / "missing.tar.gz", leave_out))
    assert f"is missing {member}, the file of 'safeguarding.png' (document" in output
    assert "nothing was restored" in output


def test_restore_refuses_a_document_no_row_refers_to(empty_app, backup_file, tmp_path):
    stray = b"not anybody's document"
    member = f"documents/{secrets.token_hex(32)}"

    def add(items):
        items[member] = stray
        entry = {"path": member, "size": len(stray), "sha256": hashlib.sha256(stray).hexdigest()}
        return with_manifest(items, lambda m: m["files"].append(entry))

    output = refused(empty_app, rearchive(backup_file, tmp_path / "stray.tar.gz", add))
    assert f"holds {member}, which no row refers to" in output


def test_restore_refuses_a_store_holding_another_file_under_a_backed_up_name(empty_app, backup_file, demo_app):
    store = MemoryStore()
    target = uploaded(demo_app, "governing-document.pdf").stored_name
    store.put(target, b"somebody else's file")
    with empty_app.app_context(), pytest.raises(BackupError, match=f"already holds a different file named {target}"):
        restore_backup(_db.engine, backup_file, store=store)
    assert store.files == {target: b"somebody else's file"}
    assert row_count(empty_app) == 0


def test_a_restore_failing_part_way_leaves_neither_rows_nor_files(empty_app, backup_file):
    class FullStore(MemoryStore):
        """A store whose disk fills up at the third file."""

        def put(self, stored_name, data):
            if len(self.files) == 2:
                raise OSError(28, "No space left on device")
            super().put(stored_name, data)

    store = FullStore()
    with empty_app.app_context(), pytest.raises(OSError, match="No space left"):
        restore_backup(_db.engine, backup_file, store=store)
    assert store.files == {}
    assert row_count(empty_app) == 0


def test_restore_refuses_a_database_holding_data(demo_app, backup_file):
    output = refused(demo_app, backup_file)
    assert "The database is not empty: restore needs an empty database at revision" in output


def test_restore_refuses_a_backup_from_another_revision(empty_app, backup_file, tmp_path):
    def older(items):
        return with_manifest(items, lambda manifest: manifest.update(alembic_revision="0001"))

    output = refused(empty_app, rearchive(backup_file, tmp_path / "older.tar.gz", older))
    assert "The backup is from revision 0001 but the database is at" in output
    assert "run flask db upgrade/downgrade first" in output


def test_restore_refuses_a_file_with_a_flipped_byte(empty_app, backup_file, tmp_path):
    damaged = bytearray(backup_file.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    (path := tmp_path / "flipped.tar.gz").write_bytes(damaged)
    output = refused(empty_app, path)
    assert "is corrupt" in output or "does not match" in output


def test_restore_refuses_an_edited_row(empty_app, backup_file, tmp_path):
    """A well-formed archive whose rows were changed is caught by the manifest's checksum."""
    def edit(items):
        lines = items["rows.jsonl"].splitlines(keepends=True)
        last = max(number for number, line in enumerate(lines) if b'"id":' in line)  # a row with an id
        lines[last] = lines[last].replace(b'"id":', b'"id":1', 1)
        items["rows.jsonl"] = b"".join(lines)
        return items

    output = refused(empty_app, rearchive(backup_file, tmp_path / "edited.tar.gz", edit))
    assert "rows.jsonl does not match the size and SHA-256 checksum in its manifest" in output


def test_restore_refuses_a_truncated_file(empty_app, backup_file, tmp_path):
    data = backup_file.read_bytes()
    (path := tmp_path / "truncated.tar.gz").write_bytes(data[: len(data) // 2])
    assert "is corrupt or incomplete" in refused(empty_app, path)


@pytest.mark.parametrize(
    "manifest_updated, message",
    [
        (False, "rows.jsonl does not match the size and SHA-256 checksum in its manifest"),
        (True, "holds the wrong number of rows for"),  # the manifest's row counts still show it
    ],
)
def test_restore_refuses_rows_cut_at_a_line(empty_app, backup_file, tmp_path, manifest_updated, message):
    def cut(items):
        rows = items["rows.jsonl"] = b"".join(items["rows.jsonl"].splitlines(keepends=True)[:-5])
        if manifest_updated:
            entry = {"path": "rows.jsonl", "size": len(rows), "sha256": hashlib.sha256(rows).hexdigest()}
            with_manifest(items, lambda m: m["files"].__setitem__(0, entry))
        return items

    assert message in refused(empty_app, rearchive(backup_file, tmp_path / "cut.tar.gz", cut))


def test_restore_asks_first(empty_app, backup_file):
    result = run(empty_app, ["restore", str(backup_file)], input="n\n")
    assert result.exit_code == 1
    assert "Restore the backup made" in result.output
    assert row_count(empty_app) == 0
    assert files_in_upload_folder(empty_app) == []


def test_restore_refuses_a_file_that_is_not_a_backup(empty_app, tmp_path):
    (path := tmp_path / "notes.gz").write_bytes(gzip.compress(b"hello\n"))
    with empty_app.app_context(), pytest.raises(BackupError, match="is not a PCC Grants backup"):
        restore_backup(_db.engine, path)


def test_backup_will_not_replace_a_file_without_force(demo_app, backup_file):
    result = run(demo_app, ["backup", str(backup_file)])
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_the_help_mentions_pg_dump_and_the_documents(app):
    result = run(app, ["restore", "--help"])
    assert "pg_dump" in result.output and "pg_restore" in result.output
    assert "UPLOAD_FOLDER" in result.output


# Backups from before documents were included ------------------------------------------------------


@pytest.fixture(scope="module")
def rows_only_file(backup_file, tmp_path_factory):
    return rows_only_copy(backup_file, tmp_path_factory.mktemp("old-backups") / "grants.jsonl.gz")


def test_a_rows_only_backup_is_refused_with_a_clear_message(empty_app, rows_only_file):
    output = refused(empty_app, rows_only_file)
    assert "is a backup from before documents were included (format version 1)" in output
    assert "flask restore --without-documents" in output


def test_a_rows_only_backup_loads_its_rows_with_without_documents_and_warns(demo_app, rows_only_file, scratch_app):
    target = scratch_app()
    result = run(target, ["restore", "--yes", "--without-documents", str(rows_only_file)])
    assert result.exit_code == 0, result.output
    count = len(stored_files(demo_app))
    assert f"Warning: this backup holds rows only, not the documents' files. {count} documents have no file" in (
        result.output
    )
    first = documents(demo_app)[0]
    assert f"{first.original_filename!r} (document {first.id} of application {first.application_id})" in result.output
    assert every_row(target) == ROWS_BACKED_UP["rows"]
    document = uploaded(target, "accounts.docx")
    with signed_in(target, "officer@example.org").get(
        f"/applications/{document.application_id}/documents/{document.id}"
    ) as response:
        assert response.status_code == 404  # as the warning said



def test_a_monitoring_return_s_documents_are_backed_up_and_restored(scratch_app, tmp_path):
    """Files uploaded in answer to a return's file question (return_documents) travel with the backup as
    applications' documents do: the row comes back, and the file opens with the same bytes."""
    from grants.document_store import document_store
    from grants.models.awards import MonitoringReturn, ReturnDocument

    source = scratch_app()
    assert run(source, ["demo", "seed"]).exit_code == 0
    data = b"%PDF-1.4\n% risk assessment\n"
    with source.app_context():
        monitoring_return = _db.session.scalars(select(MonitoringReturn).order_by(MonitoringReturn.id)).first()
        assert monitoring_return is not None
        stored_name = document_store().save(data)
        _db.session.add(ReturnDocument(
            return_id=monitoring_return.id, question_id="risk_assessment", original_filename="risk.pdf",
            stored_name=stored_name, content_type="application/pdf", size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest()))
        _db.session.commit()
    path = tmp_path / "with-return-files.tar.gz"
    backed_up = run(source, ["backup", str(path)])
    assert backed_up.exit_code == 0, backed_up.output
    target = scratch_app()
    restored = run(target, ["restore", "--yes", str(path)])
    assert restored.exit_code == 0, restored.output
    assert stored_name in files_in_upload_folder(target)
    with target.app_context():
        document = _db.session.scalars(select(ReturnDocument)).one()
        assert (document.original_filename, document.sha256) == ("risk.pdf", hashlib.sha256(data).hexdigest())
        with document_store().open(document.stored_name) as file:
            assert file.read() == data
