"""A file of evidence chosen on the claim page is kept when another field has a mistake (issue 21): a
browser never fills a file input in again, so the grantee would otherwise have to choose it again."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from grants.extensions import db as _db
from grants.models.audit import AuditEvent
from grants.models.claims import ClaimDocument, ClaimStatus
from tests.blueprints.claims.test_claims_pages import _form, _start
from tests.helpers import error_messages, page, post
from tests.test_uploads import pdf_bytes


@pytest.fixture
def grantee(as_role):
    return as_role("applicant")


def _send(client, claim, data, file: bytes, name: str = "receipt.pdf"):
    response = post(client, f"/grants/{claim.award_id}/claims/{claim.id}",
                    {**data, "evidence": (io.BytesIO(file), name)}, content_type="multipart/form-data")
    response.request.input_stream.close()
    return response


def _documents() -> list[ClaimDocument]:
    return list(_db.session.scalars(select(ClaimDocument).order_by(ClaimDocument.id)))


def test_a_valid_file_is_kept_when_another_field_is_wrong_and_the_page_says_so(grantee, award):
    claim = _start(grantee, award)
    response = _send(grantee, claim, _form(award, staff="lots"), pdf_bytes())
    assert response.status_code == 200
    assert error_messages(response) == ["Spend on budget line 1 must be a number, like 12500"]
    evidence = page(response).select_one("#evidence-files").find_next_sibling()
    assert " ".join(evidence.get_text().split()) == (
        "receipt.pdf was added to the claim. You do not need to choose it again.")
    listed = [" ".join(item.get_text().split()) for item in page(response).select("#evidence-files ~ ul li")]
    assert listed == ["receipt.pdf (1KB)"]
    [document] = _documents()
    assert document.original_filename == "receipt.pdf" and document.claim_id == claim.id
    uploaded = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "claim.evidence_uploaded")).one()
    assert "'receipt.pdf' uploaded by applicant.a@example.org" in uploaded.summary
    # The mistaken form itself is not saved: the claim's lines are as they were.
    _db.session.refresh(claim)
    assert claim.lines == [] and claim.status is ClaimStatus.DRAFT

    # Corrected without choosing the file again, the claim goes on to be checked with its evidence.
    response = post(grantee, f"/grants/{award.id}/claims/{claim.id}", _form(award, staff="100"),
                    content_type="multipart/form-data")
    assert response.headers["Location"] == f"/grants/{award.id}/claims/{claim.id}/check"
    assert "receipt.pdf" in page(grantee.get(response.headers["Location"])).get_text()


def test_an_invalid_file_gets_its_own_error_and_is_not_kept(grantee, award):
    claim = _start(grantee, award)
    response = _send(grantee, claim, _form(award, staff="lots"), b"not a pdf at all")
    assert response.status_code == 200
    assert error_messages(response) == ["Spend on budget line 1 must be a number, like 12500",
                                        "The selected file's content does not match its name (.pdf)"]
    assert "was added to the claim" not in page(response).get_text()
    assert _documents() == []


def test_a_kept_file_still_counts_against_the_limit_of_files(grantee, award, evidence, monkeypatch):
    from grants.interfaces.awards import claims

    monkeypatch.setattr(claims, "MAX_DOCUMENTS", 1)
    claim = _start(grantee, award)
    evidence(claim, "first.pdf")
    response = _send(grantee, claim, _form(award, staff="lots"), pdf_bytes(), name="second.pdf")
    assert error_messages(response) == ["Spend on budget line 1 must be a number, like 12500",
                                        claims.TOO_MANY]
    assert "was added to the claim" not in page(response).get_text()
    assert [document.original_filename for document in _documents()] == ["first.pdf"]
