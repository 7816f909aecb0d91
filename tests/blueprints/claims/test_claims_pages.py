"""The claim pages (issue 21): the grantee makes a claim (lines, period, evidence checked by content,
draft, check, submit), the officer checks it, and the refusals and 404s on the way."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db as _db
from grants.interfaces.awards import claims
from grants.models.awards import InstalmentStatus
from grants.models.claims import Claim, ClaimDocument, ClaimStatus
from grants.models.mail import OutboxMessage
from tests.factories import AwardFactory
from tests.helpers import error_messages, page, post
from tests.test_uploads import pdf_bytes


@pytest.fixture
def grantee(as_role):
    return as_role("applicant")


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


def _text(response) -> str:
    return " ".join(page(response).get_text(" ").split())


def _form(award, staff="", venue="", **changes) -> dict:
    start = award.start_date
    data = {"period_start": [str(start.day), str(start.month), str(start.year)],
            "period_end": [str(award.end_date.day), str(award.end_date.month), str(award.end_date.year)],
            "line_1": staff, "line_2": venue, "description": "Coordinator's wages for May"}
    data.update(changes)
    return data


def _start(client, award) -> Claim:
    response = post(client, f"/grants/{award.id}/claims")
    assert response.status_code == 302, response.status_code
    claim = _db.session.scalars(select(Claim).order_by(Claim.id.desc())).first()
    assert response.headers["Location"] == f"/grants/{award.id}/claims/{claim.id}"
    return claim


def _save(client, claim, data, file=None, name="receipt.pdf"):
    if file is not None:
        data = {**data, "evidence": (io.BytesIO(file), name)}
    response = post(client, f"/grants/{claim.award_id}/claims/{claim.id}", data, content_type="multipart/form-data")
    response.request.input_stream.close()
    return response


def test_the_grant_page_offers_a_claim_and_the_claim_page_asks_each_budget_line(grantee, award):
    shown = _text(grantee.get(f"/grants/{award.id}"))
    assert "This grant is paid on claims" in shown and "No claims have been made yet." in shown
    claim = _start(grantee, award)
    html = page(grantee.get(f"/grants/{award.id}/claims/{claim.id}"))
    labels = [" ".join(label.get_text().split()) for label in html.select("label.govuk-label--s")]
    assert "Staff: Mentor coordinator" in labels and "Venue hire: Hall hire" in labels
    assert "Budget: £1,000.00" in html.get_text()


def test_a_grantee_makes_a_claim_with_evidence_and_submits_it(grantee, officer, award, users):
    claim = _start(grantee, award)
    response = _save(grantee, claim, _form(award, staff="1,100.00"), file=pdf_bytes())
    assert response.status_code == 302, error_messages(response)
    document = _db.session.scalars(select(ClaimDocument)).one()
    assert document.original_filename == "receipt.pdf"
    response = _save(grantee, claim, _form(award, staff="1,100.00"))
    assert response.headers["Location"] == f"/grants/{award.id}/claims/{claim.id}/check"
    check = _text(grantee.get(response.headers["Location"]))
    assert "Check your claim before you submit it" in check and "£1,100.00" in check and "receipt.pdf" in check
    download = grantee.get(f"/grants/{award.id}/claims/{claim.id}/evidence/{document.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    download.close()
    response = post(grantee, f"/grants/{award.id}/claims/{claim.id}/submit")
    assert response.status_code == 302
    _db.session.refresh(claim)
    assert claim.status is ClaimStatus.SUBMITTED and claim.total == Decimal("1100.00")
    assert "Claim 1 of £1,100.00 has been submitted" in _text(grantee.get(response.headers["Location"]))
    told = _db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == users["grants_officer"].email))
    assert any("has made claim 1" in message.subject for message in told)

    # The officer sees the lines against the budgets, opens the evidence and accepts.
    shown = _text(officer.get(f"/awards/{award.id}"))
    assert "Claim 1" in shown
    seen = _text(officer.get(f"/awards/{award.id}/claims/{claim.id}"))
    assert "Staff: Mentor coordinator £1,000.00 £0.00 £1,100.00" in seen
    download = officer.get(f"/grants/{award.id}/claims/{claim.id}/evidence/{document.id}")
    assert download.status_code == 200
    download.close()
    response = post(officer, f"/awards/{award.id}/claims/{claim.id}", {"decision": "accept", "note": ""})
    assert response.status_code == 302, error_messages(response)
    assert "Claim 1 of £1,100.00 has been accepted: instalment 1 is due" in _text(
        officer.get(response.headers["Location"]))
    _db.session.refresh(claim)
    assert claim.instalment.status is InstalmentStatus.DUE and claim.instalment.amount == Decimal("1100.00")
    mail = _db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "applicant.a@example.org"))
    assert any("Your claim 1 has been accepted" in message.subject for message in mail)
    assert "Accepted" in _text(grantee.get(f"/grants/{award.id}/claims/{claim.id}"))


def test_the_check_page_lists_what_stops_the_claim_naming_the_line_and_figures(grantee, award):
    claim = _start(grantee, award)
    assert _save(grantee, claim, _form(award, venue="550.01")).status_code == 302
    response = post(grantee, f"/grants/{award.id}/claims/{claim.id}/submit")
    assert response.status_code == 200
    assert error_messages(response) == [
        "Spend on budget line 2 (Venue hire: Hall hire) is too much: £550.01 with the £0.00 claimed before comes to "
        "£550.01, more than the line’s budget of £500.00 plus 10.00% (£550.00). You can claim up to £550.00 on "
        "this line",
        "Upload at least one piece of evidence of the spend, such as a receipt or an invoice"]
    _db.session.refresh(claim)
    assert claim.status is ClaimStatus.DRAFT


def test_typing_mistakes_are_shown_with_what_was_typed(grantee, award):
    claim = _start(grantee, award)
    response = _save(grantee, claim, _form(award, staff="lots", venue="-3"))
    assert response.status_code == 200
    assert error_messages(response) == ["Spend on budget line 1 must be a number, like 12500",
                                        "Spend on budget line 2 must be £0 or more"]
    assert 'value="lots"' in response.get_data(as_text=True)


def test_evidence_is_checked_by_its_content(grantee, award):
    claim = _start(grantee, award)
    response = _save(grantee, claim, _form(award, staff="10"), file=b"not a pdf at all", name="receipt.pdf")
    assert response.status_code == 200
    assert any("receipt" in m.lower() or "pdf" in m.lower() or "file" in m.lower() for m in error_messages(response))
    assert _db.session.scalars(select(ClaimDocument)).first() is None


def test_the_officer_must_give_a_note_to_return_and_the_grantee_can_change_it_again(grantee, officer, award, users):
    claim = _start(grantee, award)
    _save(grantee, claim, _form(award, staff="100"), file=pdf_bytes())
    post(grantee, f"/grants/{award.id}/claims/{claim.id}/submit")
    response = post(officer, f"/awards/{award.id}/claims/{claim.id}", {"decision": "return", "note": ""})
    assert error_messages(response) == ["Enter why the claim is returned"]
    response = post(officer, f"/awards/{award.id}/claims/{claim.id}", {"decision": "return", "note": "Add the payslip"})
    assert response.status_code == 302
    shown = _text(grantee.get(f"/grants/{award.id}/claims/{claim.id}"))
    assert "Your grants officer asked for changes: Add the payslip" in shown
    response = post(officer, f"/awards/{award.id}/claims/{claim.id}", {"decision": "reject", "note": "Too late"})
    assert response.status_code == 200  # a returned claim has no decision to make: nothing changes
    _db.session.refresh(claim)
    assert claim.status is ClaimStatus.RETURNED


def test_a_decision_must_be_chosen(grantee, officer, award):
    claim = _start(grantee, award)
    _save(grantee, claim, _form(award, staff="100"), file=pdf_bytes())
    post(grantee, f"/grants/{award.id}/claims/{claim.id}/submit")
    response = post(officer, f"/awards/{award.id}/claims/{claim.id}", {"decision": "pay-twice"})
    assert error_messages(response) == ["Select whether to accept, return or reject the claim"]


def test_another_organisations_claim_and_evidence_are_not_found(as_role, grantee, award, users):
    claim = _start(grantee, award)
    _save(grantee, claim, _form(award, staff="100"), file=pdf_bytes())
    document = _db.session.scalars(select(ClaimDocument)).one()
    other = as_role("applicant_b")
    for url in (f"/grants/{award.id}/claims/{claim.id}", f"/grants/{award.id}/claims/{claim.id}/check",
                f"/grants/{award.id}/claims/{claim.id}/evidence/{document.id}"):
        assert other.get(url).status_code == 404
    assert post(other, f"/grants/{award.id}/claims").status_code == 404
    elsewhere = AwardFactory(organisation=users["org_a"])  # the same organisation, another award
    assert grantee.get(f"/grants/{elsewhere.id}/claims/{claim.id}").status_code == 404
    assert grantee.get(f"/grants/{award.id}/claims/{claim.id}/evidence/99999").status_code == 404


def test_a_schedule_grant_takes_no_claims(grantee, award):
    award.funding_round.payment_basis = claims.PaymentBasis.SCHEDULE
    _db.session.flush()
    response = post(grantee, f"/grants/{award.id}/claims")
    assert response.status_code == 302
    assert "This grant is paid on a schedule of instalments, not on claims" in _text(
        grantee.get(response.headers["Location"]))
    assert _db.session.scalars(select(Claim)).first() is None


def test_only_grants_officers_check_claims(as_role, grantee, award):
    claim = _start(grantee, award)
    finance = as_role("finance_officer")
    assert finance.get(f"/awards/{award.id}/claims/{claim.id}").status_code == 200
    assert post(finance, f"/awards/{award.id}/claims/{claim.id}", {"decision": "accept"}).status_code == 403


def test_the_next_steps_name_the_claim_to_check_and_invite_the_grantee_to_claim(grantee, award):
    from grants.interfaces.awards.offers import next_step
    from grants.models.awards import ReturnStatus

    for monitoring_return in award.returns:  # nothing owed: the grantee's next step is a claim
        monitoring_return.status = ReturnStatus.ACCEPTED
    _db.session.flush()
    shown = _text(grantee.get(f"/grants/{award.id}"))
    assert "Claim your spending, with receipts, when you have some to claim" in shown
    claim = _start(grantee, award)
    _save(grantee, claim, _form(award, staff="250"), file=pdf_bytes())
    post(grantee, f"/grants/{award.id}/claims/{claim.id}/submit")
    assert next_step(award) == "Check claim 1 of £250.00"


def test_finance_sees_in_its_queue_that_the_instalment_is_a_claim(grantee, as_role, award, users):
    claim = _start(grantee, award)
    _save(grantee, claim, _form(award, staff="250"), file=pdf_bytes())
    post(grantee, f"/grants/{award.id}/claims/{claim.id}/submit")
    claims.accept_claim(claim, users["grants_officer"])
    _db.session.flush()
    shown = _text(as_role("finance_officer").get("/awards/payments"))
    assert "1 of 1 Claim 1 of spend £250.00" in shown


def test_a_file_of_evidence_can_be_removed_until_the_claim_is_submitted(grantee, as_role, award):
    claim = _start(grantee, award)
    _save(grantee, claim, _form(award, staff="100"), file=pdf_bytes(), name="wrong.pdf")
    document = _db.session.scalars(select(ClaimDocument)).one()
    assert post(as_role("applicant_b"), f"/grants/{award.id}/claims/{claim.id}/evidence/{document.id}/remove"
                ).status_code == 404
    response = post(grantee, f"/grants/{award.id}/claims/{claim.id}/evidence/{document.id}/remove")
    assert response.status_code == 302
    assert "wrong.pdf has been removed" in _text(grantee.get(response.headers["Location"]))
    assert _db.session.scalars(select(ClaimDocument)).first() is None
    _save(grantee, claim, _form(award, staff="100"), file=pdf_bytes())
    post(grantee, f"/grants/{award.id}/claims/{claim.id}/submit")
    kept = _db.session.scalars(select(ClaimDocument)).one()
    response = post(grantee, f"/grants/{award.id}/claims/{claim.id}/evidence/{kept.id}/remove")
    assert "can no longer be changed" in _text(grantee.get(response.headers["Location"]))
    assert _db.session.scalars(select(ClaimDocument)).one() == kept
