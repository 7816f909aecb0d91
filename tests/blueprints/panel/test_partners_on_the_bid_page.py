"""The panel reads which organisations share a consortium bid, never their contacts' names or
addresses (personal data the panel does not need): the column says only whether each was invited."""

from __future__ import annotations

from decimal import Decimal

from grants.extensions import db as _db
from grants.models.applications import ApplicationPartner
from grants.models.types import utcnow
from tests.visible_text import seen_text


def test_the_bid_page_names_the_partners_without_their_contacts(as_role, panel_round, bids):
    bids[0].partners.append(ApplicationPartner(
        name="Plymouth Harm Reduction Hub", role="Naloxone training", budget_share=Decimal("900.00"),
        contact_name="Jenna Rowse", contact_email="jenna@example.org", invited_at=utcnow(), accepted_at=utcnow()))
    _db.session.flush()

    shown = seen_text(as_role("grants_officer").get(f"/panel/rounds/{panel_round.id}/bids/{bids[0].id}"))

    assert ("Organisation Role on the project Share of the budget Invitation to contribute "
            "Plymouth Harm Reduction Hub Naloxone training £900.00") in shown
    assert "Jenna Rowse" not in shown and "jenna@example.org" not in shown
