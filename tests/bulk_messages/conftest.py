"""Groups of people as the demo has them: two rounds with applicants in every state, a panel with
a deactivated member, and grantees with and without an overdue return."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from grants.formatting import london_today
from grants.models.applications import ApplicationStatus
from grants.models.awards import AwardStatus
from grants.models.panel import PanelMember
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, AwardFactory, FundingRoundFactory, OrganisationFactory, UserFactory


def _organisation(name: str, contact_email: str, *members: tuple[str, str, bool]):
    organisation = OrganisationFactory(name=name, contact_name=f"{name} contact", contact_email=contact_email)
    for email, full_name, active in members:
        UserFactory(email=email, full_name=full_name, organisation=organisation, active=active)
    return organisation


def _applied(funding_round, organisation, status: ApplicationStatus, submitted: bool = True):
    return ApplicationFactory(funding_round=funding_round, organisation=organisation, status=status,
                              submitted_at=utcnow() - timedelta(days=3) if submitted else None)


@pytest.fixture
def world(db, users):
    """``round``: Tamar (submitted; an active member, a deactivated one and its own contact address),
    Kernow (under assessment; its contact address is its member's, typed in capitals), a draft-only
    organisation and a withdrawn one. ``other_round``: Bodmin's application. The round's panel: the
    standard panel member and a deactivated one; the other round's panel: another member.
    Grantees: Penwith (an overdue return), Pastors (accepted, nothing overdue), Scilly (only offered,
    with a return past its date)."""
    funding_round = FundingRoundFactory(name="Commissioners Grant 2026")
    other_round = FundingRoundFactory(name="Small Grants 2027")
    tamar = _organisation("Tamar Valley Recovery", "office@tamar.example.org",
                          ("jo@tamar.example.org", "Jo Pascoe", True), ("old@tamar.example.org", "Old Member", False))
    kernow = _organisation("Kernow Youth", "LEAD@KERNOW.EXAMPLE.ORG", ("lead@kernow.example.org", "Kit Lead", True))
    drafting = _organisation("Drafting Group", "hello@drafting.example.org",
                             ("drafter@drafting.example.org", "Dee Drafter", True))
    withdrawn = _organisation("Withdrawn Group", "hello@withdrawn.example.org")
    bodmin = _organisation("Bodmin Trust", "hello@bodmin.example.org", ("sam@bodmin.example.org", "Sam Bodmin", True))
    _applied(funding_round, tamar, ApplicationStatus.SUBMITTED)
    _applied(funding_round, kernow, ApplicationStatus.UNDER_ASSESSMENT)
    _applied(funding_round, drafting, ApplicationStatus.DRAFT, submitted=False)
    _applied(funding_round, withdrawn, ApplicationStatus.WITHDRAWN)
    _applied(other_round, bodmin, ApplicationStatus.SUBMITTED)

    retired = UserFactory(email="retired.panel@example.org", full_name="Retired Panellist", roles=["panel_member"],
                          active=False)
    elsewhere = UserFactory(email="other.panel@example.org", full_name="Other Panellist", roles=["panel_member"])
    db.session.add_all([
        PanelMember(round_id=funding_round.id, user_id=users["panel_member"].id),
        PanelMember(round_id=funding_round.id, user_id=retired.id),
        PanelMember(round_id=other_round.id, user_id=elsewhere.id),
    ])

    today = london_today()
    penwith = _organisation("Penwith Kitchen", "hello@penwith.example.org",
                            ("cook@penwith.example.org", "Pat Cook", True))
    overdue = AwardFactory(organisation=penwith, status=AwardStatus.ACCEPTED, accepted_at=utcnow())
    overdue.returns[0].due_date = today - timedelta(days=5)
    pastors = _organisation("Street Pastors", "hello@pastors.example.org")
    AwardFactory(organisation=pastors, status=AwardStatus.ACCEPTED, accepted_at=utcnow())
    scilly = _organisation("Scilly Network", "hello@scilly.example.org")
    offered = AwardFactory(organisation=scilly)
    offered.returns[0].due_date = today - timedelta(days=5)
    db.session.flush()
    return SimpleNamespace(round=funding_round, other_round=other_round, overdue_award=overdue, tamar=tamar,
                           kernow=kernow)
