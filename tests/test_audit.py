"""The audit log helper that every change of state uses."""

from __future__ import annotations

from decimal import Decimal

from grants import audit
from grants.models.audit import AuditEvent
from grants.models.organisations import LegalType
from tests.factories import OrganisationFactory, UserFactory


def test_pending_changes_give_before_and_after(db):
    org = OrganisationFactory(name="Old name", annual_income=Decimal("100.00"))
    db.session.flush()
    org.name = "New name"
    org.annual_income = Decimal("250.50")
    org.legal_type = LegalType.CIC
    assert audit.pending_changes(org) == {
        "annual_income": {"before": "100.00", "after": "250.50"},
        "legal_type": {"before": "registered_charity", "after": "cic"},
        "name": {"before": "Old name", "after": "New name"},
    }


def test_unchanged_values_are_not_reported(db):
    org = OrganisationFactory(name="Same")
    db.session.flush()
    org.name = "Same"
    assert audit.pending_changes(org) == {}


def test_secrets_are_never_written(db):
    user = UserFactory()
    db.session.flush()
    user.set_password("a-new-long-password")
    assert "password_hash" not in audit.pending_changes(user)
    assert "session_token" not in audit.pending_changes(user)
    assert "password_hash" not in audit.snapshot(user)


def test_record_keeps_who_what_and_changes(db, app):
    actor = UserFactory(full_name="Ada Admin", email="ada@example.org")
    org = OrganisationFactory()
    audit.record("organisation.updated", org, "Changed", changes={"name": {"before": "a", "after": "b"}}, actor=actor)
    db.session.flush()
    event = db.session.scalars(db.select(AuditEvent)).one()
    assert (event.actor_id, event.actor_label) == (actor.id, "Ada Admin <ada@example.org>")
    assert (event.entity_type, event.entity_id) == ("Organisation", str(org.id))
    assert event.changes == {"name": {"before": "a", "after": "b"}}
    assert event.occurred_at.tzinfo is not None


def test_record_without_a_user_is_the_system(db):
    org = OrganisationFactory()
    event = audit.record("reference.loaded", org, "Loaded")
    assert event.actor_id is None and event.actor_label == "System"


def test_unsaved_entity_gets_its_id_before_logging(db):
    org = OrganisationFactory.build()
    db.session.add(org)
    event = audit.record("organisation.created", org, "Created")
    assert event.entity_id == str(org.id) and org.id is not None


def test_event_rolls_back_with_the_change(db, app):
    """The event is part of the caller's transaction: no change, no event; no event, no change."""
    org = OrganisationFactory()
    db.session.flush()
    before = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    savepoint = db.session.begin_nested()
    org.name = "Rolled back"
    audit.record("organisation.updated", org, "Changed", changes=audit.pending_changes(org))
    savepoint.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == before
    assert db.session.get(type(org), org.id).name != "Rolled back"
