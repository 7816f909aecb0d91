"""A closed round under assessment with a rubric, three bids that passed screening, and a panel.

``panel_round``: closed yesterday, the two-criterion test rubric (fit, value; 0 to 4, 50% each),
budget £10,000. ``bids``: three applications under assessment (£4,000, £3,000, £5,000), each
serving one local authority and one approach. ``panel``: three panel members (not yet on the
round; ``seat(...)`` puts them there). ``as_member(user)``: a client signed in as that user.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from grants.extensions import db as _db
from grants.interfaces.panel import assignment as panel_interface
from grants.models.accounts import Role
from grants.models.applications import ApplicationStatus
from grants.models.panel import ConflictDeclaration, PanelMember, ScoreSheet, ScoringAssignment, SheetStatus
from grants.models.reference import LocalAuthority, PlanApproach
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory, OrganisationFactory, UserFactory


@pytest.fixture
def panel_round(db):
    return FundingRoundFactory(
        name="Community Safety Fund 2026",
        opens_at=utcnow() - timedelta(days=40),
        closes_at=utcnow() - timedelta(days=1),
        published_at=utcnow() - timedelta(days=41),
        total_budget=Decimal("10000.00"),
    )


@pytest.fixture
def bids(db, panel_round):
    areas = list(_db.session.scalars(_db.select(LocalAuthority).order_by(LocalAuthority.position)))
    approaches = list(_db.session.scalars(_db.select(PlanApproach).order_by(PlanApproach.position)))
    made = []
    for number, amount in enumerate(("4000.00", "3000.00", "5000.00"), start=1):
        application = ApplicationFactory(
            funding_round=panel_round,
            organisation=OrganisationFactory(name=f"Bidder {number}"),
            status=ApplicationStatus.UNDER_ASSESSMENT,
            reference=f"CGS-2026-{number:04d}",
            project_title=f"Project {number}",
            amount_requested=Decimal(amount),
            submitted_at=utcnow() - timedelta(days=5),
            local_authorities=[areas[number - 1]],
            approaches=[approaches[number - 1]],
        )
        made.append(application)
    _db.session.flush()
    return made


@pytest.fixture
def panel(db):
    return [
        UserFactory(full_name=f"Panel Member {letter}", email=f"member.{letter.lower()}@example.org",
                    roles=[Role.PANEL_MEMBER])
        for letter in "ABC"
    ]


@pytest.fixture
def seat(db, panel_round):
    """``seat(user, *bids, conflicted=None)``: put ``user`` on the round's panel, assign them to
    ``bids`` and declare no conflict for them (or a conflict, for ``conflicted``)."""

    def _seat(user, *assigned, conflicted=()):
        if _db.session.get(PanelMember, (panel_round.id, user.id)) is None:
            _db.session.add(PanelMember(round_id=panel_round.id, user_id=user.id))
        for application in assigned:
            _db.session.add(ScoringAssignment(application_id=application.id, user_id=user.id, round_id=panel_round.id))
            _db.session.add(ConflictDeclaration(application_id=application.id, user_id=user.id, conflicted=False))
        for application in conflicted:
            _db.session.add(ConflictDeclaration(application_id=application.id, user_id=user.id, conflicted=True,
                                                reason="My sister runs it"))
        _db.session.flush()

    return _seat


@pytest.fixture
def submit_scores(db, panel_round):
    """``submit_scores(user, application, fit=3, value=2)``: a submitted sheet, written directly."""

    def _submit(user, application, comments=None, **values):
        sheet = ScoreSheet(
            application_id=application.id, user_id=user.id, round_id=panel_round.id,
            rubric_id=panel_round.rubric_id, status=SheetStatus.SUBMITTED, values=values,
            comments=comments or {key: "Because" for key in values}, submitted_at=utcnow(),
        )
        _db.session.add(sheet)
        _db.session.flush()
        return sheet

    return _submit


@pytest.fixture
def as_member(as_user):
    return as_user


@pytest.fixture
def interface():
    """The panel interface module, for tests that call it directly."""
    return panel_interface
