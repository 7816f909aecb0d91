"""The claim objects of the access matrix (tests/test_access.py): a draft claim on the fixture's award
with one piece of evidence, whose row has no file behind it (as the matrix's other documents: a download
let in is "not found", and no file is left open by the pages walked)."""

from __future__ import annotations

from grants.extensions import db
from grants.models.claims import Claim, ClaimDocument


def made(award) -> dict[str, int]:
    claim = Claim(award_id=award.id, number=1, lines=[], description="Access claim")
    db.session.add(claim)
    db.session.flush()
    evidence = ClaimDocument(claim_id=claim.id, original_filename="receipt.pdf",
                             stored_name="access-test-claim-evidence", content_type="application/pdf",
                             size_bytes=4, sha256="0" * 64)
    db.session.add(evidence)
    db.session.flush()
    return {"claim_id": claim.id, "evidence_id": evidence.id}
