"""Fixtures for the message threads (issue 23): a submitted application of organisation A, its
members and the grants team signed in, and helpers that write a message as the page's form does."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.models.applications import ApplicationStatus
from grants.models.mail import OutboxMessage
from grants.models.messages import ThreadMessage
from grants.models.types import utcnow
from tests.factories import ApplicationFactory
from tests.helpers import post


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def users(users):
    """The suite's users, with names to read on the page."""
    users["applicant"].full_name = "Alex Member"
    users["grants_officer"].full_name = "Sam Officer"
    db.session.flush()
    return users


@pytest.fixture
def application(db, users):
    """Organisation A's submitted application, with no messages yet."""
    return ApplicationFactory(organisation=users["org_a"], status=ApplicationStatus.SUBMITTED,
                              reference="CGS-2026-0101", project_title="Moorland Recovery Walks",
                              submitted_at=utcnow())


@pytest.fixture
def member(as_role):
    return as_role("applicant")


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


def thread_url(application) -> str:
    return f"/messages/applications/{application.id}"


def send(client, application, body: str, files: list[tuple[bytes, str]] = ()):
    """Write a message on the thread's page and send it, with ``files`` as (bytes, filename)."""
    data = {"body": body, "attachments": [(io.BytesIO(content), name) for content, name in files]}
    response = post(client, thread_url(application), data, content_type="multipart/form-data")
    # Werkzeug's client spools a large body to a temporary file and does not close it (warnings are errors).
    response.request.input_stream.close()
    return response


def messages_on(application) -> list[ThreadMessage]:
    return list(db.session.scalars(select(ThreadMessage).filter_by(application_id=application.id)
                                   .order_by(ThreadMessage.id)))


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def stored_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []
