"""Revision 0026 (issue 24) records each panel member's counts on their seat when a round is
decided. A database whose rounds were decided before it gets them counted from the members'
assignments and submitted sheets; a round not yet decided is left for its decision."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from grants import create_app
from grants.extensions import db
from grants.models.accounts import Role
from grants.models.applications import ApplicationStatus
from grants.models.panel import ConflictDeclaration, PanelMember, ScoreSheet, ScoringAssignment, SheetStatus
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory, UserFactory
from tests.test_migrations import scratch_database_url  # noqa: F401


def _seats() -> dict[tuple[str, str], tuple[int | None, int | None]]:
    with db.engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT r.name, u.full_name, m.assigned, m.submitted FROM panel_members m "
            "JOIN funding_rounds r ON r.id = m.round_id JOIN users u ON u.id = m.user_id"
        ))
        return {(name, member): (assigned, submitted) for name, member, assigned, submitted in rows}


def _round(name: str, decided: bool, members, work):
    """A round with a bid per entry of ``work``: (member, "submitted" | "draft" | None) pairs,
    each assigning the member the bid, with a sheet in that state or none."""
    closed = utcnow() - timedelta(days=10)
    funding_round = FundingRoundFactory(name=name, opens_at=closed - timedelta(days=30), closes_at=closed,
                                        published_at=closed - timedelta(days=31),
                                        decided_at=utcnow() - timedelta(days=1) if decided else None)
    for member in members:
        db.session.add(PanelMember(round_id=funding_round.id, user_id=member.id))
    for member, sheet in work:
        application = ApplicationFactory(funding_round=funding_round, status=ApplicationStatus.UNDER_ASSESSMENT,
                                         submitted_at=closed - timedelta(days=1))
        db.session.add(ScoringAssignment(application_id=application.id, user_id=member.id, round_id=funding_round.id))
        db.session.add(ConflictDeclaration(application_id=application.id, user_id=member.id, conflicted=False))
        if sheet is not None:
            db.session.add(ScoreSheet(application_id=application.id, user_id=member.id, round_id=funding_round.id,
                                      rubric_id=funding_round.rubric_id, status=SheetStatus(sheet),
                                      values={"fit": 2}, comments={},
                                      submitted_at=closed if sheet == "submitted" else None))


@pytest.mark.slow
def test_rounds_decided_before_the_revision_get_their_members_counts(scratch_database_url, monkeypatch):  # noqa: F811
    scratch = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    with scratch.app_context():
        upgrade()
        ann, bo, cy = (UserFactory(full_name=name, roles=[Role.PANEL_MEMBER]) for name in ("Ann", "Bo", "Cy"))
        _round("Decided", True, (ann, bo, cy),
               [(ann, "submitted"), (ann, "submitted"), (ann, "draft"), (ann, None), (bo, None), (bo, "submitted")])
        _round("Being assessed", False, (ann, bo), [(ann, "submitted"), (bo, None)])
        db.session.commit()
        db.session.remove()
        downgrade(revision="0025")  # as the database was before the counts, with its panels
        upgrade()

        assert _seats() == {
            ("Decided", "Ann"): (4, 2), ("Decided", "Bo"): (2, 1), ("Decided", "Cy"): (0, 0),
            ("Being assessed", "Ann"): (None, None), ("Being assessed", "Bo"): (None, None),
        }
        db.session.remove()
        db.engine.dispose()
