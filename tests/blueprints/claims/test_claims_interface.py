"""The rules of a claim (issue 21), checked by the service: period, amounts, each line's budget plus the
tolerance (exactly at the limit passes, a penny over fails), the award across claims, evidence; the
officer's accept, return and reject; the instalment made and paid through the finance queue."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db as _db
from grants.interfaces.awards import claims, payments
from grants.models.accounts import Role
from grants.models.audit import AuditEvent
from grants.models.awards import InstalmentStatus, InstalmentTrigger
from grants.models.claims import ClaimStatus, PaymentBasis
from grants.models.mail import OutboxMessage
from tests.factories import UserFactory


def _claim(award, users, evidence, staff="0", venue="0", start=None, end=None, files=1):
    claim = claims.start_claim(award, users["applicant"])
    claims.save_claim(claim, start or award.start_date, end or award.start_date + timedelta(days=30),
                      {"1": Decimal(staff), "2": Decimal(venue)}, "Coordinator's wages for May", users["applicant"])
    for _ in range(files):
        evidence(claim)
    return claim


def _submitted(award, users, evidence, **spend):
    claim = _claim(award, users, evidence, **spend)
    claims.submit_claim(claim, users["applicant"])
    return claim


def test_the_lines_are_the_applications_budget_lines(award):
    assert [(line.key, line.label, line.budget) for line in claims.budget_lines(award)] == [
        ("1", "Staff: Mentor coordinator", Decimal("1000.00")), ("2", "Venue hire: Hall hire", Decimal("500.00"))]


def test_a_line_can_be_claimed_up_to_its_budget_plus_the_tolerance_and_not_a_penny_more(award, users, evidence):
    at_limit = _claim(award, users, evidence, staff="1100.00")
    assert claims.problems(at_limit) == []
    over = _claim(award, users, evidence, venue="550.01")
    [(message, field)] = claims.problems(over)
    assert field == "line_2"
    assert message == ("Spend on budget line 2 (Venue hire: Hall hire) is too much: £550.01 with the £0.00 claimed "
                       "before comes to £550.01, more than the line’s budget of £500.00 plus 10.00% (£550.00). You "
                       "can claim up to £550.00 on this line")


def test_earlier_submitted_and_accepted_claims_count_against_a_line(award, users, evidence):
    _submitted(award, users, evidence, staff="600")
    second = _claim(award, users, evidence, staff="500.01")
    assert "£500.01 with the £600.00 claimed before comes to £1,100.01" in claims.problems(second)[0][0]
    claims.save_claim(second, second.period_start, second.period_end, {"1": Decimal("500.00")}, "", users["applicant"])
    assert claims.problems(second) == []


def test_claims_never_add_up_to_more_than_the_award(award, users, evidence):
    award.funding_round.claim_tolerance_percent = Decimal("100.00")  # the lines allow more than the award
    _submitted(award, users, evidence, staff="1400")
    over = _claim(award, users, evidence, venue="100.01")
    assert claims.problems(over) == [(
        "The claim of £100.01 with the £1,400.00 claimed before comes to £1,500.01, more than the grant of "
        "£1,500.00. You can claim up to £100.00", "line_1")]
    with pytest.raises(claims.ClaimError, match="more than the grant of £1,500.00"):
        claims.submit_claim(over, users["applicant"])
    assert over.status is ClaimStatus.DRAFT


def test_rejected_and_returned_claims_do_not_count(award, users, evidence):
    first = _submitted(award, users, evidence, staff="1000")
    claims.reject_claim(first, users["grants_officer"], "Wages for the wrong project")
    assert claims.problems(_claim(award, users, evidence, staff="1000")) == []


@pytest.mark.parametrize(("spend", "message"), [
    ({}, "Enter the spend on at least one budget line"),
    ({"staff": "-5"}, "Spend on budget line 1 (Staff: Mentor coordinator) must be £0 or more, in pounds and pence"),
])
def test_a_claim_needs_money_on_a_line(award, users, evidence, spend, message):
    assert message in [m for m, _ in claims.problems(_claim(award, users, evidence, **spend))]


def test_a_claim_needs_evidence_and_a_period_within_the_grant(award, users, evidence):
    claim = _claim(award, users, evidence, staff="10", files=0,
                   start=award.start_date - timedelta(days=1))
    assert [m for m, _ in claims.problems(claim)] == [
        f"The period must be within the grant’s dates, {claims.long_date(award.start_date)} to "
        f"{claims.long_date(award.end_date)}",
        "Upload at least one piece of evidence of the spend, such as a receipt or an invoice"]
    backwards = _claim(award, users, evidence, staff="10", start=award.start_date + timedelta(days=5),
                       end=award.start_date)
    assert claims.problems(backwards)[0][0] == "The end of the period must be on or after its start"


def test_only_a_grant_paid_on_claims_and_accepted_takes_claims(award, users):
    award.funding_round.payment_basis = PaymentBasis.SCHEDULE
    with pytest.raises(claims.ClaimError, match="paid on a schedule of instalments"):
        claims.start_claim(award, users["applicant"])


def test_accepting_makes_the_next_instalment_due_today_which_finance_approves_and_pays(award, users, evidence):
    claim = _submitted(award, users, evidence, staff="700", venue="200.50")
    assert claim.total == Decimal("900.50")
    instalment = claims.accept_claim(claim, users["grants_officer"])
    assert claim.status is ClaimStatus.ACCEPTED and claim.instalment_id == instalment.id
    assert (instalment.number, instalment.amount, instalment.trigger, instalment.status, instalment.due_date) == (
        1, Decimal("900.50"), InstalmentTrigger.ON_DATE, InstalmentStatus.DUE, payments.uk_today())
    assert instalment in payments.due_instalments()
    payments.approve(instalment, users["finance_officer"])
    with pytest.raises(payments.AwardError, match="you approved it"):
        payments.record_payment(instalment, payments.uk_today(), "BACS-1", users["finance_officer"])
    second = UserFactory(email="finance.two@example.org", roles=[Role.FINANCE_OFFICER])
    payments.record_payment(instalment, payments.uk_today(), "BACS-1", second)
    assert instalment.status is InstalmentStatus.PAID
    actions = set(_db.session.scalars(select(AuditEvent.action)))
    assert {"claim.started", "claim.saved", "claim.submitted", "claim.accepted", "instalment.paid"} <= actions
    mail = _db.session.scalars(select(OutboxMessage)).all()
    assert {m.recipient for m in mail} >= {"applicant.a@example.org"}
    assert "Your claim 1 has been accepted" in mail[0].subject and "£900.50" in mail[0].body


def test_accepting_checks_the_rules_again(award, users, evidence):
    claim = _submitted(award, users, evidence, staff="1000")
    award.amount = Decimal("900.00")  # a variation reduced the grant meanwhile
    _db.session.flush()
    with pytest.raises(claims.ClaimError, match="cannot be accepted: The claim of £1,000.00"):
        claims.accept_claim(claim, users["grants_officer"])


@pytest.mark.parametrize(("act", "status", "subject"), [
    (claims.return_claim, ClaimStatus.RETURNED, "Your claim 1 needs changes"),
    (claims.reject_claim, ClaimStatus.REJECTED, "Your claim 1 has been rejected"),
])
def test_returning_or_rejecting_needs_a_note_that_the_grantee_is_sent(award, users, evidence, act, status, subject):
    claim = _submitted(award, users, evidence, staff="100")
    with pytest.raises(claims.ClaimError, match="Enter why the claim is"):
        act(claim, users["grants_officer"], "  ")
    act(claim, users["grants_officer"], "Send the payslip too")
    assert claim.status is status and claim.check_note == "Send the payslip too"
    message = _db.session.scalars(select(OutboxMessage)).first()
    assert subject in message.subject and "Send the payslip too" in message.body
    with pytest.raises(claims.ClaimError, match="not waiting to be checked: its status is ‘(Changes needed|Rejected)’"):
        claims.accept_claim(claim, users["grants_officer"])


def test_a_returned_claim_can_be_changed_and_submitted_again(award, users, evidence):
    claim = _submitted(award, users, evidence, staff="100")
    claims.return_claim(claim, users["grants_officer"], "Wrong month")
    claims.save_claim(claim, claim.period_start, claim.period_end, {"1": Decimal("90")}, "", users["applicant"])
    claims.submit_claim(claim, users["applicant"])
    assert claim.status is ClaimStatus.SUBMITTED and claim.total == Decimal("90.00")
    with pytest.raises(claims.ClaimError, match="can no longer be changed"):
        claims.save_claim(claim, None, None, {}, "", users["applicant"])


def test_a_closed_grant_takes_no_more_claims(award, users, evidence):
    from grants.models.awards import AwardStatus

    claim = _claim(award, users, evidence, staff="10")
    award.status = AwardStatus.CLOSED
    assert claims.problems(claim)[0][0] == "Claims can only be made on an accepted grant: this one is closed"
    with pytest.raises(claims.ClaimError, match="only be made on an accepted grant"):
        claims.start_claim(award, users["applicant"])


def test_an_amount_variation_keeps_accepted_claims_as_claimed_and_never_goes_below_them(award, users, evidence):
    from grants.interfaces.awards import variations
    from grants.models.awards import VariationKind

    claim = _submitted(award, users, evidence, staff="700", venue="200.50")
    instalment = claims.accept_claim(claim, users["grants_officer"])
    below = variations.request_variation(award, VariationKind.AMOUNT, {"amount": Decimal("900.00")},
                                         "Less needed", users["grants_officer"], by_grantee=False)
    with pytest.raises(payments.AwardError, match="£900.50 has already been accepted on claims"):
        variations.decide_variation(below, True, "Agreed", users["grants_officer"])
    assert award.amount == Decimal("1500.00") and instalment.amount == Decimal("900.50")
    variations.decide_variation(below, False, "Not below what has been claimed", users["grants_officer"])
    down = variations.request_variation(award, VariationKind.AMOUNT, {"amount": Decimal("1200.00")},
                                        "Less needed", users["grants_officer"], by_grantee=False)
    variations.decide_variation(down, True, "Agreed", users["grants_officer"])
    assert award.amount == Decimal("1200.00")
    assert [(i.id, i.amount) for i in award.instalments] == [(instalment.id, Decimal("900.50"))]  # as claimed
