"""Fixtures for a round's stored forms: rounds before and after opening, an edited form, and the
audit events and versions written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.form_definitions import FormDefinition, Kind, dump, load, standard
from grants.models.audit import AuditEvent
from grants.models.round_forms import RoundForm
from grants.models.rounds import FundingRound
from grants.models.types import utcnow
from tests.factories import FundingRoundFactory

# A question the standard application form does not ask (the anti-social behaviour round's).
HOTSPOTS = {
    "id": "asb_hotspots",
    "type": "long_text",
    "label": "Which places in your area does anti-social behaviour affect most?",
    "limits": {"max_words": 250},
}


@pytest.fixture
def draft_round(db) -> FundingRound:
    """A round not yet published: its forms can change."""
    return FundingRoundFactory(name="Safer Neighbourhoods 2027", published_at=None)


@pytest.fixture
def open_round(db) -> FundingRound:
    """A published round that opened ten days ago: its forms are frozen."""
    funding_round = FundingRoundFactory(name="Community Safety Fund 2026")
    assert funding_round.rules_frozen()
    return funding_round


@pytest.fixture
def scheduled_round(db) -> FundingRound:
    """A published round that opens tomorrow: its forms can still change."""
    return FundingRoundFactory(name="Youth Diversion 2027", opens_at=utcnow() + timedelta(days=1),
                               closes_at=utcnow() + timedelta(days=30))


def edited(kind: Kind = Kind.APPLICATION, title: str = "Anti-social behaviour fund application",
           extra: dict | None = None) -> FormDefinition:
    """The standard form of ``kind`` under another title, with ``extra`` added to its first section."""
    document = dump(standard(kind))
    document["title"] = title
    if extra is not None:
        document["sections"][0]["questions"].append(extra)
    return load(document)


@pytest.fixture
def events(db):
    """``events(action)``: the audit events with that action, oldest first."""

    def _events(action: str | None = None) -> list[AuditEvent]:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action is not None:
            query = query.where(AuditEvent.action == action)
        return list(db.session.scalars(query))

    return _events


@pytest.fixture
def stored(db):
    """``stored(funding_round)``: the round's stored versions, as (kind, version) oldest first."""

    def _stored(funding_round: FundingRound) -> list[tuple[Kind, int]]:
        return [(row.kind, row.version) for row in db.session.scalars(
            select(RoundForm).where(RoundForm.round_id == funding_round.id).order_by(RoundForm.id))]

    return _stored
