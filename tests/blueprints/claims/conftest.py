"""A grant paid on claims: organisation A's accepted £1,500 award in a round that pays on claims with a
10% tolerance, whose application budgets £1,000 for staff and £500 for venue hire."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from grants.extensions import db as _db
from grants.models.awards import AwardStatus
from grants.models.claims import ClaimDocument, PaymentBasis
from grants.models.types import utcnow
from tests import custom_application_form as custom
from tests.factories import AwardFactory

BUDGET = {"money": {"spend-0-category": ["staff"], "spend-0-description": ["Mentor coordinator"],
                    "spend-0-amount": ["1000"], "spend-1-category": ["venue"],
                    "spend-1-description": ["Hall hire"], "spend-1-amount": ["500"], "ask": ["1500"]}}


@pytest.fixture
def award(db, users):
    award = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED, amount=Decimal("1500.00"),
                         accepted_at=utcnow() - timedelta(days=20), accepted_name="Alex Contact",
                         accepted_position="Chair", created_by_id=users["grants_officer"].id,
                         officer_id=users["grants_officer"].id)
    award.instalments.clear()
    award.funding_round.payment_basis = PaymentBasis.CLAIMS
    award.funding_round.claim_tolerance_percent = Decimal("10.00")
    custom.answering(award.application, BUDGET)
    _db.session.flush()
    return award


@pytest.fixture
def evidence():
    """``evidence(claim)``: a receipt recorded against the claim (its file is not needed by the rules)."""

    def _add(claim, name: str = "receipt.pdf") -> ClaimDocument:
        document = ClaimDocument(claim_id=claim.id, original_filename=name, stored_name=uuid4().hex,
                                 content_type="application/pdf", size_bytes=10, sha256="0" * 64)
        _db.session.add(document)
        _db.session.flush()
        _db.session.refresh(claim)
        return document

    return _add
