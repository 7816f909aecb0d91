"""The claims demo (grants/demo/claims.py): a claims grant with one claim paid (approved by
finance@example.org, recorded paid by finance2@example.org) and one waiting for the officer; run twice,
it adds nothing."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from grants.demo import seed_demo
from grants.extensions import db as _db
from grants.models.awards import InstalmentStatus
from grants.models.claims import Claim, ClaimStatus, PaymentBasis
from grants.models.rounds import FundingRound


def test_the_demo_has_a_claim_paid_and_one_waiting(app, db):
    from grants.demo import claims as demo_claims

    seed_demo()
    demo_claims.seed()
    demo_claims.seed()  # idempotent
    funding_round = _db.session.scalar(select(FundingRound).filter_by(name=demo_claims.ROUND_NAME))
    assert funding_round.payment_basis is PaymentBasis.CLAIMS
    made = list(_db.session.scalars(select(Claim).order_by(Claim.number)))
    assert [(c.number, c.status, c.total) for c in made] == [
        (1, ClaimStatus.ACCEPTED, Decimal("1200.00")), (2, ClaimStatus.SUBMITTED, Decimal("600.00"))]
    paid = made[0].instalment
    assert paid.status is InstalmentStatus.PAID
    assert (paid.approved_by.email, paid.paid_by.email) == ("finance@example.org", "finance2@example.org")
    assert all(len(claim.documents) == 1 for claim in made)
    assert _db.session.scalar(select(func.count()).select_from(FundingRound).filter_by(
        name=demo_claims.ROUND_NAME)) == 1
