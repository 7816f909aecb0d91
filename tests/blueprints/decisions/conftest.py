"""A round whose funding decision the commissioner has approved, so its decision notice is drafted.

``decided``: the "Community Safety Fund 2026" round (budget £10,000) with three bids (£4,000,
£3,000, £5,000) scored 4, 3 and 2 by Panel Member A; Panel Member B declared a conflict of interest
in bid 3 ("My sister runs it"). The recommendation funds bids 1 and 2; ``decide(funded, reason)``
approves it (the recommended bids by default) and returns the notice drafted.
``make_notice(funding_round, signed=True)``: a notice written directly, for rounds without a panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest

from grants.extensions import db as _db
from grants.interfaces.decisions import notices
from grants.interfaces.panel import decisions
from grants.models.accounts import Role
from grants.models.applications import ApplicationStatus
from grants.models.decisions import DecisionNotice
from grants.models.panel import (
    ConflictDeclaration,
    FundingDecision,
    FundingRecommendationRecord,
    PanelMember,
    ScoreSheet,
    SheetStatus,
)
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory, OrganisationFactory, UserFactory


@dataclass
class Decided:
    funding_round: object
    bids: list
    members: list
    record: FundingRecommendationRecord


def _closed_round(name: str, budget: str = "10000.00"):
    return FundingRoundFactory(
        name=name, opens_at=utcnow() - timedelta(days=40), closes_at=utcnow() - timedelta(days=1),
        published_at=utcnow() - timedelta(days=41), total_budget=Decimal(budget),
    )


def scored_round(name: str, officer, amounts=("4000.00", "3000.00", "5000.00"), prefix: str = "CGS-2026",
                 conflict: bool = True) -> Decided:
    funding_round = _closed_round(name)
    members = [UserFactory(full_name=f"Panel Member {letter}", roles=[Role.PANEL_MEMBER]) for letter in "AB"]
    bids = []
    for number, amount in enumerate(amounts, start=1):
        bids.append(ApplicationFactory(
            funding_round=funding_round, organisation=OrganisationFactory(name=f"{name} bidder {number}"),
            status=ApplicationStatus.UNDER_ASSESSMENT, reference=f"{prefix}-{number:04d}",
            project_title=f"Project {number}", amount_requested=Decimal(amount),
            submitted_at=utcnow() - timedelta(days=5)))
    _db.session.flush()
    for member in members:
        _db.session.add(PanelMember(round_id=funding_round.id, user_id=member.id))
    for bid, score in zip(bids, (4, 3, 2, 1, 1, 1), strict=False):
        _db.session.add(ScoreSheet(application_id=bid.id, user_id=members[0].id, round_id=funding_round.id,
                                   rubric_id=funding_round.rubric_id, status=SheetStatus.SUBMITTED,
                                   values={"fit": score, "value": score},
                                   comments={"fit": "Because", "value": "Because"}, submitted_at=utcnow()))
    if conflict:
        _db.session.add(ConflictDeclaration(application_id=bids[-1].id, user_id=members[1].id, conflicted=True,
                                            reason="My sister runs it"))
    _db.session.flush()
    rules = decisions.funding_rules(funding_round, Decimal(0), "total_score")
    record = decisions.run_recommendation(funding_round, rules, officer)
    return Decided(funding_round, bids, members, record)


@pytest.fixture
def officer(users):
    return users["grants_officer"]


@pytest.fixture
def commissioner(users):
    return users["commissioner"]


@pytest.fixture
def decided(db, officer):
    return scored_round("Community Safety Fund 2026", officer)


@pytest.fixture
def decide(decided, commissioner):
    def _decide(funded=None, reason=None, which=None) -> DecisionNotice:
        which = which or decided
        chosen = funded if funded is not None else decisions.recommended_ids(which.record)
        decision = decisions.approve(which.funding_round, which.record, chosen, reason, commissioner)
        notice = notices.notice_for_round(decision.round_id)
        assert notice is not None
        return notice

    return _decide


@pytest.fixture
def make_notice(db, users):
    """A notice for ``funding_round`` (decided already, with no panel), written directly."""

    def _make(funding_round, signed: bool = True, number: str | None = None, grants=None,
              signed_at=None) -> DecisionNotice:
        record = FundingRecommendationRecord(round_id=funding_round.id, rules={}, result={"decisions": []})
        _db.session.add(record)
        _db.session.flush()
        decision = FundingDecision(round_id=funding_round.id, recommendation_id=record.id, funded=[],
                                   approved_by_id=users["commissioner"].id)
        _db.session.add(decision)
        _db.session.flush()
        notice = DecisionNotice(
            round_id=funding_round.id, decision_id=decision.id, number=number or f"PCC/D/2026-27/9{decision.id:02d}",
            title=f"{funding_round.name} – award of grants", decision_maker_name="Alison Hernandez",
            decision_maker_office="Police and Crime Commissioner", decision_date=date(2026, 6, 1),
            summary="Summary.", decision="Decision.", reasons="Reasons.", financial_implications="Money.",
            legal_basis="Section 9.", conflicts_of_interest="None declared.", grants=grants or [],
            signed_at=(signed_at or utcnow() - timedelta(days=1)) if signed else None,
            signed_by_id=users["commissioner"].id if signed else None,
        )
        _db.session.add(notice)
        _db.session.flush()
        return notice

    return _make
