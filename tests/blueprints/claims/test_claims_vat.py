"""VAT on claims (issue 21): in a round that records VAT, each claim line also asks the VAT in its spend
(optional, £0 when empty, no more than the spend); the claim pages of the grantee and the officer give the
total with and without VAT in the round's order, and the VAT recoverable where the budget line says so."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest

from grants.extensions import db as _db
from grants.interfaces.awards import claim_vat, claims
from grants.models.awards import AwardStatus
from grants.models.claims import ClaimStatus, PaymentBasis
from grants.models.rounds import VatDisplay
from grants.models.types import utcnow
from tests import custom_application_form as custom
from tests.blueprints.claims.test_claims_pages import _form, _start
from tests.factories import AwardFactory
from tests.helpers import error_messages, page, post
from tests.test_uploads import pdf_bytes

# £1,200 for the coordinator with £200 VAT the organisation cannot recover; £600 of hall hire with £100
# VAT it can.
BUDGET = {"money": {"spend-0-category": ["staff"], "spend-0-description": ["Mentor coordinator"],
                    "spend-0-amount": ["1200"], "spend-0-vat": ["200"], "spend-0-vat_recoverable": ["no"],
                    "spend-1-category": ["venue"], "spend-1-description": ["Hall hire"],
                    "spend-1-amount": ["600"], "spend-1-vat": ["100"], "spend-1-vat_recoverable": ["yes"],
                    "ask": ["1800"]}}
# The claim below: £600 on the coordinator with £100 VAT, £240 of hall hire with £40 VAT.
INCLUDING = ("£840.00 including VAT (£700.00 without VAT, VAT £140.00). £40.00 of the VAT is recoverable by the "
             "organisation")
EXCLUDING = ("£700.00 without VAT (£840.00 including VAT, VAT £140.00). £40.00 of the VAT is recoverable by the "
             "organisation")


def _vat_award(users, display: VatDisplay):
    award = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED, amount=Decimal("1800.00"),
                         accepted_at=utcnow() - timedelta(days=20), accepted_name="Alex Contact",
                         accepted_position="Chair", created_by_id=users["grants_officer"].id,
                         officer_id=users["grants_officer"].id)
    award.instalments.clear()
    award.funding_round.payment_basis = PaymentBasis.CLAIMS
    award.funding_round.claim_tolerance_percent = Decimal("10.00")
    award.funding_round.vat_display = display
    custom.answering(award.application, BUDGET)
    _db.session.flush()
    return award


@pytest.fixture
def grantee(as_role):
    return as_role("applicant")


def _text(response) -> str:
    return " ".join(page(response).get_text(" ").split())


def _summary(response, key: str) -> str | None:
    for row in page(response).select(".govuk-summary-list__row"):
        if row.select_one(".govuk-summary-list__key").get_text(strip=True) == key:
            return " ".join(row.select_one(".govuk-summary-list__value").get_text(" ").split())
    return None


def _lines(response) -> list[list[str]]:
    table = page(response).select_one("table.govuk-table")
    return [[" ".join(cell.get_text(" ").split()) for cell in row.select("th, td")] for row in table.select("tr")]


def _save(client, claim, data, file: bytes | None = None):
    if file is not None:
        data = {**data, "evidence": (io.BytesIO(file), "receipt.pdf")}
    response = post(client, f"/grants/{claim.award_id}/claims/{claim.id}", data, content_type="multipart/form-data")
    response.request.input_stream.close()
    return response


def test_each_line_asks_its_vat_and_both_sides_see_the_claim_with_and_without_it(grantee, as_role, users):
    award = _vat_award(users, VatDisplay.INCLUDING)
    claim = _start(grantee, award)
    html = page(grantee.get(f"/grants/{award.id}/claims/{claim.id}"))
    labels = [" ".join(label.get_text().split()) for label in html.select("label")]
    assert "VAT included in the spend on Staff: Mentor coordinator (optional)" in labels
    assert "VAT included in the spend on Venue hire: Hall hire (optional)" in labels
    assert "Leave it empty if there was no VAT. Your budget says your organisation can recover this VAT" in \
        html.select_one("#vat_2-hint").get_text()

    response = _save(grantee, claim, _form(award, staff="600", venue="240", vat_1="100", vat_2="40"), pdf_bytes())
    assert response.status_code == 302, error_messages(response)
    _db.session.refresh(claim)
    assert claim.lines == [{"line": "1", "amount": "600.00", "vat": "100.00"},
                           {"line": "2", "amount": "240.00", "vat": "40.00"}]
    check = grantee.get(f"/grants/{award.id}/claims/{claim.id}/check")
    assert _summary(check, "VAT") == INCLUDING
    assert _lines(check) == [
        ["Budget line", "Budget", "Claimed before", "This claim", "VAT in this claim"],
        ["Staff: Mentor coordinator", "£1,200.00", "£0.00", "£600.00", "£100.00"],
        ["Venue hire: Hall hire", "£600.00", "£0.00", "£240.00", "£40.00 recoverable"],
        ["Total", "£1,800.00 (the grant)", "", "£840.00", "£140.00"],
    ]
    assert post(grantee, f"/grants/{award.id}/claims/{claim.id}/submit").status_code == 302

    seen = as_role("grants_officer").get(f"/awards/{award.id}/claims/{claim.id}")
    assert _summary(seen, "VAT") == INCLUDING
    assert ["Venue hire: Hall hire", "£600.00", "£0.00", "£240.00", "£40.00 recoverable"] in _lines(seen)
    assert _summary(grantee.get(f"/grants/{award.id}/claims/{claim.id}"), "VAT") == INCLUDING


def test_a_round_showing_amounts_without_vat_leads_with_them(grantee, as_role, users, evidence):
    award = _vat_award(users, VatDisplay.EXCLUDING)
    claim = _start(grantee, award)
    claims.save_claim(claim, award.start_date, award.end_date, {"1": Decimal("600"), "2": Decimal("240")}, "",
                      users["applicant"], vat={"1": Decimal("100"), "2": Decimal("40")})
    _db.session.flush()
    assert _summary(as_role("grants_officer").get(f"/awards/{award.id}/claims/{claim.id}"), "VAT") == EXCLUDING


def test_vat_left_empty_is_none_and_the_saved_claim_shows_it_again(grantee, users):
    award = _vat_award(users, VatDisplay.INCLUDING)
    claim = _start(grantee, award)
    assert _save(grantee, claim, _form(award, staff="600", vat_1="", vat_2="")).status_code == 302
    _db.session.refresh(claim)
    assert claim.lines == [{"line": "1", "amount": "600.00", "vat": "0.00"}]
    assert claim_vat.split(claim, claims.budget_lines(award)).vat == Decimal("0.00")
    _save(grantee, claim, _form(award, staff="600", vat_1="99.50"))
    html = page(grantee.get(f"/grants/{award.id}/claims/{claim.id}"))
    assert html.select_one("#vat_1")["value"] == "99.50"


def test_vat_more_than_the_spend_or_below_nothing_is_refused(grantee, users):
    award = _vat_award(users, VatDisplay.INCLUDING)
    claim = _start(grantee, award)
    response = _save(grantee, claim, _form(award, staff="100", vat_1="100.01", vat_2="-1"))
    assert response.status_code == 200
    assert error_messages(response) == ["VAT on budget line 1 must be no more than the spend on the line (£100.00)",
                                        "VAT on budget line 2 must be £0 or more"]
    response = _save(grantee, claim, _form(award, venue="", vat_2="5"))
    assert error_messages(response) == ["VAT on budget line 2 must be no more than the spend on the line (£0.00)"]
    _db.session.refresh(claim)
    assert claim.lines == []


def test_a_claim_saved_with_too_much_vat_cannot_be_submitted_or_accepted(grantee, users, evidence):
    award = _vat_award(users, VatDisplay.INCLUDING)
    claim = _start(grantee, award)
    claims.save_claim(claim, award.start_date, award.end_date, {"1": Decimal("600")}, "", users["applicant"],
                      vat={"1": Decimal("600.01")})
    evidence(claim)
    message = ("VAT on budget line 1 (Staff: Mentor coordinator) is £600.01, more than the £600.00 spent on the "
               "line")
    assert (message, "vat_1") in claims.problems(claim)
    with pytest.raises(claims.ClaimError, match="VAT on budget line 1"):
        claims.submit_claim(claim, users["applicant"])
    claim.status = ClaimStatus.SUBMITTED  # as if the rule were broken after submission, by hand
    _db.session.flush()
    with pytest.raises(claims.ClaimError, match="cannot be accepted: VAT on budget line 1"):
        claims.accept_claim(claim, users["grants_officer"])


def test_a_round_that_does_not_record_vat_asks_and_shows_none(grantee, as_role, award):
    claim = _start(grantee, award)
    html = page(grantee.get(f"/grants/{award.id}/claims/{claim.id}"))
    assert html.select_one("#vat_1") is None and "VAT" not in html.get_text()
    assert _save(grantee, claim, _form(award, staff="100", vat_1="20"), pdf_bytes()).status_code == 302
    _db.session.refresh(claim)
    assert claim.lines == [{"line": "1", "amount": "100.00"}]
    seen = as_role("grants_officer").get(f"/awards/{award.id}/claims/{claim.id}")
    assert _summary(seen, "VAT") is None and "VAT" not in _text(seen)
