"""Concurrency tests: real commits on PostgreSQL, from several threads with their own connections.

These replace the suite's rolled-back ``db`` fixture: the rows a test makes are committed so that
other connections see them, and are deleted afterwards.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text

from grants.extensions import db as _db
from grants.models.applications import Application, ReferenceCounter
from grants.models.audit import AuditEvent
from grants.models.mail import OutboxMessage
from grants.models.rubrics import Rubric


@pytest.fixture
def db(app):
    with app.app_context():
        if _db.engine.dialect.name != "postgresql":
            pytest.skip("concurrency is tested on PostgreSQL (set TEST_DATABASE_URL)")
        rubrics_before = set(_db.session.scalars(select(Rubric.id)))
        yield _db
        _db.session.rollback()
        # Remove what the test committed, children first; reference data stays.
        for statement in (
            delete(AuditEvent),
            delete(OutboxMessage),
            delete(ReferenceCounter),
            text("DELETE FROM funding_decisions"),
            text("DELETE FROM funding_recommendations"),
            text("DELETE FROM moderated_scores"),
            text("DELETE FROM score_sheets"),
            text("DELETE FROM scoring_assignments"),
            text("DELETE FROM conflict_declarations"),
            text("DELETE FROM panel_members"),
            text("DELETE FROM application_sections"),
            text("DELETE FROM application_local_authorities"),
            text("DELETE FROM application_approaches"),
            text("DELETE FROM repayments"),
            text("DELETE FROM variations"),
            text("DELETE FROM monitoring_returns"),
            text("DELETE FROM instalments"),
            text("DELETE FROM award_commitments"),
            text("DELETE FROM awards"),
            delete(Application),
            text("DELETE FROM round_legal_types"),
            text("DELETE FROM round_local_authorities"),
            text("DELETE FROM round_approaches"),
            text("DELETE FROM round_adder_strands"),
            text("DELETE FROM round_outcomes"),
            text("DELETE FROM funding_rounds"),
            delete(Rubric).where(Rubric.id.not_in(rubrics_before)),
            text("DELETE FROM user_roles"),
            text("DELETE FROM users"),
            text("DELETE FROM organisations"),
        ):
            _db.session.execute(statement)
        _db.session.commit()
