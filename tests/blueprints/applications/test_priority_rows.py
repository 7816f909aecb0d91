"""Saving the priorities section keeps the application's ADDER strands and outcomes rows (read by the
awards dashboard) in step with the answers, valid or not."""

from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db
from grants.models.answer_facts import application_adder_strands, application_outcomes
from tests.blueprints.applications.answers import VALID
from tests.blueprints.applications.test_applying import _save
from tests.blueprints.awards.test_portfolio_facts import assert_in_step


def _rows(draft) -> tuple[set, set]:
    db.session.expire_all()
    return tuple(set(db.session.scalars(select(table.c.code).where(table.c.application_id == draft.id)))
                 for table in (application_adder_strands, application_outcomes))


def test_saving_priorities_writes_and_rewrites_the_rows(applicant, draft):
    response = _save(applicant, draft, "priorities", VALID["priorities"])
    assert response.status_code == 302
    assert _rows(draft) == ({"recovery"}, {"improve-recovery-outcomes"})

    changed = {**VALID["priorities"], "adder_strands": ["addiction", "recovery"], "drug_outcomes": []}
    response = _save(applicant, draft, "priorities", changed, button="action-later")  # outcomes missing: kept as typed
    assert response.status_code in (200, 302)
    assert _rows(draft) == ({"addiction", "recovery"}, set())
    assert_in_step()
