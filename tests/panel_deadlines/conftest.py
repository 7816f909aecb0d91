"""The scoring deadline's tests use the panel's fixtures (tests/blueprints/panel/conftest.py): a closed
round with three bids and three panel members, ``seat`` and ``submit_scores``."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.extensions import db as _db
from grants.models.mail import OutboxMessage
from tests.blueprints.panel.conftest import (  # noqa: F401 (fixtures)
    as_member,
    bids,
    interface,
    panel,
    panel_round,
    seat,
    submit_scores,
)


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


@pytest.fixture
def outbox():
    """``outbox()``: every email queued so far, oldest first."""
    return lambda: list(_db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
