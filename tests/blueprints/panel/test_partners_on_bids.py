"""The panel reads a consortium bid's partner organisations (not their contacts) beside its answers."""

from __future__ import annotations

from decimal import Decimal

from grants.extensions import db as _db
from grants.models.applications import ApplicationPartner
from grants.models.types import utcnow
from tests.visible_text import seen_text

PARTNER = ("Plymouth Harm Reduction Hub Charity number 1187654 Naloxone training £1,000.00 "
           "25.0% of the amount asked Accepted")


def _with_partner(application) -> None:
    application.partners.append(ApplicationPartner(
        name="Plymouth Harm Reduction Hub", charity_number="1187654", role="Naloxone training",
        budget_share=Decimal("1000.00"), contact_name="Jenna Rowse", contact_email="jenna@example.org",
        invited_at=utcnow(), accepted_at=utcnow()))
    _db.session.flush()


def test_a_member_scoring_a_bid_reads_its_partners(panel, bids, seat, as_member, submit_scores):
    _with_partner(bids[0])
    seat(panel[0], bids[0])
    member = as_member(panel[0])
    text = seen_text(member.get(f"/panel/bids/{bids[0].id}/score"))
    assert "This is a consortium bid. Bidder 1 leads it and is accountable for the grant" in text
    assert PARTNER in text
    assert "Jenna Rowse" not in text and "jenna@example.org" not in text  # the contact is not the panel's business
    submit_scores(panel[0], bids[0], fit=3)
    assert PARTNER in seen_text(member.get(f"/panel/bids/{bids[0].id}"))


def test_officers_see_the_partners_with_a_bids_scores(panel_round, bids, as_role):
    _with_partner(bids[0])
    text = seen_text(as_role("grants_officer").get(f"/panel/rounds/{panel_round.id}/bids/{bids[0].id}"))
    assert PARTNER in text and "Jenna Rowse" not in text and "jenna@example.org" not in text


def test_a_bid_made_alone_shows_no_partners(panel, bids, seat, as_member):
    seat(panel[0], bids[1])
    assert "Partner organisations" not in seen_text(as_member(panel[0]).get(f"/panel/bids/{bids[1].id}/score"))
