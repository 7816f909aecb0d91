"""Helpers for the backup tests (tests/test_backup.py): scratch apps' documents and rows, signed-in
clients, an object store kept in memory, and backup archives taken apart and put together again."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import secrets
import tarfile
import uuid
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, func, make_url, select, text

from grants import create_app
from grants.document_store import DocumentMissing, document_store
from grants.extensions import db as _db
from grants.models.accounts import User
from grants.models.applications import ApplicationDocument
from tests.helpers import post


class MemoryStore:
    """A DocumentStore keeping files in a dict, as an object store keeps them in a bucket."""

    def __init__(self):
        self.files: dict[str, bytes] = {}

    def save(self, data: bytes) -> str:
        stored_name = secrets.token_hex(32)
        self.files[stored_name] = bytes(data)
        return stored_name

    def put(self, stored_name: str, data: bytes) -> None:
        self.files[stored_name] = bytes(data)

    def open(self, stored_name: str):
        if stored_name not in self.files:
            raise DocumentMissing(stored_name)
        return io.BytesIO(self.files[stored_name])

    def delete(self, stored_name: str) -> None:
        self.files.pop(stored_name, None)


class ScratchApps:
    """Apps on new empty databases of the test database's kind, migrated to head, each with a new empty
    upload folder; all dropped by ``close()``. As tests/test_migrations.py's ``scratch_database_url``,
    but several at once."""

    def __init__(self, database_uri: str, tmp_path_factory):
        self.url, self.tmp_path_factory = make_url(database_uri), tmp_path_factory
        self.made: list[str] = []
        self.apps = []
        self.admin = None
        if self.url.get_backend_name() != "sqlite":
            self.admin = create_engine(self.url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def new(self, store=None):
        """A new host; ``store``, if given, is its document store in place of the upload folder."""
        if self.admin is None:
            scratch_url = f"sqlite:///{self.tmp_path_factory.mktemp('scratch') / 'scratch.sqlite'}"
        else:
            name = f"grants_scratch_{uuid.uuid4().hex[:8]}"
            with self.admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            self.made.append(name)
            scratch_url = self.url.set(database=name).render_as_string(hide_password=False)
        scratch = create_app(
            {
                "GRANTS_ENV": "testing",
                "SQLALCHEMY_DATABASE_URI": scratch_url,
                "UPLOAD_FOLDER": str(self.tmp_path_factory.mktemp("uploads")),
            }
        )
        if store is not None:
            scratch.extensions["document_store"] = store
        with scratch.app_context():
            upgrade()
        self.apps.append(scratch)
        return scratch

    def close(self) -> None:
        for scratch in self.apps:
            with scratch.app_context():
                _db.engine.dispose()
        if self.admin is not None:
            with self.admin.connect() as connection:
                for name in self.made:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            self.admin.dispose()


def run(scratch, args, **kwargs):
    """Invoke a ``flask`` command on a scratch app, in its app context as the ``flask`` script does."""
    with scratch.app_context():
        return scratch.test_cli_runner().invoke(args=args, **kwargs)


def signed_in(scratch, email: str):
    """A client of ``scratch`` signed in as the user with that email, the way conftest's ``as_user``
    signs one in (without the slow password check or the second factor)."""
    with scratch.app_context():
        user = _db.session.scalar(select(User).filter_by(email=email))
        assert user is not None, f"no user {email}"
        key = _session_key(user)
        _db.session.commit()
    client = scratch.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = key
        session["_fresh"] = True
    return client


def _session_key(user: User) -> str:
    """What the session cookie carries for ``user``: the key of a new server-side session (with a
    second factor where one is needed, as conftest's ``as_user`` does)."""
    from grants.interfaces.auth import sessions

    return sessions.start(user, "totp" if user.needs_second_factor else None)


def upload_through_the_page(client, application_id: int, uploads) -> None:
    """Upload each (file name, kind, bytes) on the application's documents page, as the applicant would."""
    for filename, kind, data in uploads:
        response = post(
            client,
            f"/applications/{application_id}/documents",
            {"kind": kind, "file": (io.BytesIO(data), filename)},
            content_type="multipart/form-data",
        )
        response.request.input_stream.close()
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert response.headers["Location"].endswith(f"/applications/{application_id}/documents"), filename


def documents(scratch) -> list[ApplicationDocument]:
    with scratch.app_context():
        found = list(_db.session.scalars(select(ApplicationDocument).order_by(ApplicationDocument.id)))
        _db.session.expunge_all()
        return found


def stored_files(scratch) -> list[tuple[str, int, str]]:
    """(stored name, size, SHA-256) of every stored file any row names: applications' documents, returns'
    and claims' files (every table in grants.backup.documents.STORED_FILES)."""
    from grants.backup.documents import STORED_FILES

    found = []
    with scratch.app_context(), _db.engine.connect() as connection:
        for columns in STORED_FILES:
            found += connection.execute(text(
                f"SELECT {columns.stored_name}, {columns.size}, {columns.sha256} FROM {columns.table}")).all()
    return [tuple(row) for row in found]


def document_bytes(scratch) -> dict[str, bytes]:
    """Every stored file's bytes, read through the app's document store, by stored name."""
    with scratch.app_context():
        store = document_store()
        stored = {}
        for name, _size, _sha256 in stored_files(scratch):
            with store.open(name) as file:
                stored[name] = file.read()
        return stored


def files_in_upload_folder(scratch) -> list[str]:
    folder = Path(scratch.config["UPLOAD_FOLDER"])
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


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


def members(path: Path) -> dict[str, bytes]:
    """The backup archive's members, in order, by name."""
    with tarfile.open(path, "r:gz") as archive:
        return {member.name: archive.extractfile(member).read() for member in archive.getmembers()}


def rearchive(source: Path, target: Path, change) -> Path:
    """Copy a backup archive, letting ``change`` edit its members (a dict of name to bytes, in order)."""
    with tarfile.open(target, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for name, data in change(members(source)).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return target


def with_manifest(items: dict[str, bytes], change) -> dict[str, bytes]:
    manifest = json.loads(items["manifest.json"])
    change(manifest)
    items["manifest.json"] = json.dumps(manifest).encode()
    return items


def uploaded(scratch, filename: str) -> ApplicationDocument:
    return next(d for d in documents(scratch) if d.original_filename == filename)


def rows_only_copy(archive: Path, target: Path) -> Path:
    """The backup as format version 1 wrote it: gzip JSON Lines, a header line and the rows, no documents."""
    items = members(archive)
    manifest, rows = json.loads(items["manifest.json"]), items["rows.jsonl"]
    header = {key: manifest[key] for key in ("format", "app", "created_at", "alembic_revision", "source_database",
                                             "tables")}
    header.update(format_version=1, sha256=hashlib.sha256(rows).hexdigest())
    target.write_bytes(gzip.compress(json.dumps(header).encode() + b"\n" + rows))
    return target
