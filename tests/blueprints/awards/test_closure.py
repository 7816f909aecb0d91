"""Closing an award and tracking its repayment: the interface's rules, then the pages over HTTP."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.interfaces.awards import closure, variations
from grants.interfaces.awards.awarding import AwardError
from grants.interfaces.awards.payments import uk_today
from grants.models.audit import AuditEvent
from grants.models.awards import (
    AwardStatus,
    InstalmentStatus,
    Repayment,
    RepaymentStatus,
    ReturnStatus,
    VariationKind,
)
from grants.models.types import utcnow
from tests.factories import AwardFactory
from tests.helpers import error_messages, page, post

TODAY = uk_today()


@pytest.fixture
def award(db, users):
    """Organisation A's £4,000 award, fully paid, every return accepted: ready to close."""
    award = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED,
                         accepted_at=utcnow() - timedelta(days=400), accepted_name="Alex Contact",
                         accepted_position="Chair", officer_id=users["grants_officer"].id)
    for instalment in award.instalments:
        instalment.status, instalment.paid_on, instalment.payment_reference = (
            InstalmentStatus.PAID, TODAY - timedelta(days=30), "BACS")
    for row in award.returns:
        row.status = ReturnStatus.ACCEPTED
    db.session.flush()
    return award


def close(award, users, underspend="250.00", due=TODAY + timedelta(days=30), **options):
    return closure.close_award(award, None if underspend is None else Decimal(underspend), due,
                               users["grants_officer"], **options)


def audited(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# Closing -----------------------------------------------------------------------------------------

def test_closing_with_an_underspend_records_a_repayment_due(award, users):
    repayment = close(award, users)
    assert award.status is AwardStatus.CLOSED and award.closed_at is not None
    assert award.underspend == Decimal("250.00")
    assert (repayment.amount, repayment.status, repayment.due_date) == (
        Decimal("250.00"), RepaymentStatus.DUE, TODAY + timedelta(days=30))
    assert award.repayments == [repayment]
    assert audited("award.closed") and audited("repayment.recorded")


def test_closing_with_everything_spent_records_no_repayment(award, users):
    assert close(award, users, underspend="0", due=None) is None
    assert award.status is AwardStatus.CLOSED and award.underspend == Decimal("0.00")
    assert not award.repayments


def test_an_underspend_not_to_be_recovered_needs_a_reason(award, users):
    with pytest.raises(AwardError, match="Enter the reason the underspend is not to be recovered") as refused:
        close(award, users, due=None, recover=False, waive_reason=" ")
    assert refused.value.field == "waive_reason" and award.status is AwardStatus.ACCEPTED
    repayment = close(award, users, due=None, recover=False, waive_reason="Too small to recover")
    assert repayment.status is RepaymentStatus.WAIVED
    assert repayment.reason.endswith("Not to be recovered: Too small to recover")
    assert not closure.is_overdue(repayment, TODAY + timedelta(days=999))


@pytest.mark.parametrize("underspend, due, field, message", [
    (None, None, "underspend", "Enter the underspend"),
    ("-1", None, "underspend", "Underspend must be £0 or more"),
    ("4000.01", None, "underspend", "Underspend cannot be more than the £4,000.00 paid to the grantee"),
    ("10", None, "repayment_due_date", "Enter the date the repayment is due"),
    ("10", TODAY - timedelta(days=1), "repayment_due_date", "today or in the future"),
])
def test_bad_closures_are_refused_with_nothing_changed(award, users, underspend, due, field, message):
    with pytest.raises(AwardError, match=message) as refused:
        close(award, users, underspend=underspend, due=due)
    assert refused.value.field == field
    db.session.expire_all()
    assert award.status is AwardStatus.ACCEPTED and award.underspend is None and not award.repayments
    assert not audited("award.closed")


def test_the_final_return_must_be_accepted(award, users):
    award.returns[-1].status = ReturnStatus.SUBMITTED
    db.session.flush()
    with pytest.raises(AwardError, match=r"final monitoring return \(return \d+\) is submitted: it must be accepted"):
        close(award, users)
    assert award.status is AwardStatus.ACCEPTED


def test_every_instalment_must_be_paid(award, users):
    award.instalments[1].status = InstalmentStatus.DUE
    db.session.flush()
    with pytest.raises(AwardError, match=r"Instalment 2 \(£2,000.00\) has not been paid"):
        close(award, users)


def test_an_open_variation_must_be_decided_first(award, users):
    variations.request_variation(award, VariationKind.ACTIVITIES, {"activities": "More"}, "Why not",
                                 users["applicant"], by_grantee=True)
    with pytest.raises(AwardError, match="A variation is waiting for a decision"):
        close(award, users)


def test_only_an_accepted_award_closes_once(award, users):
    close(award, users, underspend="0", due=None)
    with pytest.raises(AwardError, match="this one is closed"):
        close(award, users, underspend="0", due=None)


# Repayments --------------------------------------------------------------------------------------

def test_a_repayment_is_received_once(award, users):
    repayment = close(award, users)
    with pytest.raises(AwardError, match="Date received must be today or in the past") as refused:
        closure.record_received(repayment, TODAY + timedelta(days=1), "REF", users["finance_officer"])
    assert refused.value.field == "received_on"
    with pytest.raises(AwardError, match="Enter the reference") as refused:
        closure.record_received(repayment, TODAY, " ", users["finance_officer"])
    assert refused.value.field == "received_reference"
    assert repayment.status is RepaymentStatus.DUE
    closure.record_received(repayment, TODAY, "BACS-IN-7", users["finance_officer"])
    assert (repayment.status, repayment.received_on, repayment.received_reference) == (
        RepaymentStatus.RECEIVED, TODAY, "BACS-IN-7")
    with pytest.raises(AwardError, match="already been recorded as received"):
        closure.waive(repayment, "Changed our minds", users["grants_officer"])
    assert audited("repayment.received")


def test_waiving_a_repayment_needs_a_reason(award, users):
    repayment = close(award, users)
    with pytest.raises(AwardError, match="Enter the reason the repayment is not to be recovered"):
        closure.waive(repayment, "", users["grants_officer"])
    closure.waive(repayment, "The organisation has closed", users["grants_officer"])
    assert repayment.status is RepaymentStatus.WAIVED
    assert "Not to be recovered: The organisation has closed" in repayment.reason


def test_a_repayment_past_its_due_date_is_overdue(award, users):
    repayment = close(award, users, due=TODAY)
    assert not closure.is_overdue(repayment, TODAY)
    assert closure.is_overdue(repayment, TODAY + timedelta(days=1))
    assert closure.overdue_repayments(TODAY + timedelta(days=1)) == [repayment]
    closure.record_received(repayment, TODAY, "IN", users["finance_officer"])
    assert closure.overdue_repayments(TODAY + timedelta(days=1)) == []


# Pages -------------------------------------------------------------------------------------------

def day_month_year(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def test_an_officer_closes_the_award_from_its_page(as_role, award):
    client = as_role("grants_officer")
    response = client.get(f"/awards/{award.id}/close")
    assert response.status_code == 200 and page(response).select_one("form") is not None
    due = TODAY + timedelta(days=14)
    response = post(client, f"/awards/{award.id}/close", {
        "underspend": "£312.50", "recover": "recover", "repayment_due_date": day_month_year(due)})
    assert response.status_code == 302 and response.headers["Location"] == f"/awards/{award.id}#closure"
    assert award.status is AwardStatus.CLOSED
    (repayment,) = award.repayments
    assert (repayment.amount, repayment.due_date) == (Decimal("312.50"), due)
    section = page(client.get(f"/awards/{award.id}")).select_one("section[aria-labelledby=closure]")
    assert "£312.50" in section.get_text() and "Due" in section.get_text()


@pytest.mark.parametrize("data, expected", [
    ({}, ["Enter the underspend, or 0 if all the grant was spent"]),
    ({"underspend": "100"}, ["Select whether the underspend is to be paid back"]),
    ({"underspend": "100", "recover": "recover"}, ["Enter the date the repayment is due"]),
    ({"underspend": "100", "recover": "waive"}, ["Enter the reason the underspend is not to be recovered"]),
    ({"underspend": "5000", "recover": "waive", "waive_reason": "Small"},
     ["Underspend cannot be more than the £4,000.00 paid to the grantee"]),
])
def test_closure_form_errors(as_role, award, data, expected):
    response = post(as_role("grants_officer"), f"/awards/{award.id}/close", data)
    assert response.status_code == 200
    assert error_messages(response) == expected
    assert award.status is AwardStatus.ACCEPTED


def test_no_underspend_needs_no_more_answers(as_role, award):
    response = post(as_role("grants_officer"), f"/awards/{award.id}/close",
                    {"underspend": "0", "repayment_due_date": ["x", "", ""]})
    assert response.status_code == 302 and award.status is AwardStatus.CLOSED and not award.repayments


def test_the_closure_page_says_why_not_yet(as_role, award):
    award.returns[-1].status = ReturnStatus.DRAFT
    db.session.flush()
    client = as_role("grants_officer")
    response = client.get(f"/awards/{award.id}/close")
    assert "must be accepted before the award is closed" in response.get_data(as_text=True)
    assert page(response).select_one("form#close, form input[name=underspend]") is None
    assert post(client, f"/awards/{award.id}/close", {"underspend": "0"}).status_code == 200
    assert award.status is AwardStatus.ACCEPTED


def test_only_grants_officers_close(as_role, award):
    for role in ("finance_officer", "commissioner", "admin", "applicant"):
        assert as_role(role).get(f"/awards/{award.id}/close").status_code == 403
        assert post(as_role(role), f"/awards/{award.id}/close", {"underspend": "0"}).status_code == 403
    assert award.status is AwardStatus.ACCEPTED


def test_finance_records_a_repayment_received(as_role, award, users):
    repayment = close(award, users)
    db.session.flush()
    url = f"/awards/{award.id}/repayments/{repayment.id}"
    client = as_role("finance_officer")
    assert client.get(url).status_code == 200
    response = post(client, url, {"action": "received", "received_on": day_month_year(TODAY),
                                  "received_reference": "IN-42"})
    assert response.status_code == 302
    assert (repayment.status, repayment.received_reference) == (RepaymentStatus.RECEIVED, "IN-42")
    response = post(client, url, {"action": "waived", "waive_reason": "x"})
    assert error_messages(response) == ["This repayment has already been recorded as received"]


@pytest.mark.parametrize("data, expected", [
    ({}, ["Select whether the repayment has been received or is not to be recovered"]),
    ({"action": "received"}, ["Enter the date the repayment was received", "Enter the reference of the payment "
                                                                           "received"]),
    ({"action": "waived", "received_on": ["99", "", ""]}, ["Enter the reason the repayment is not to be recovered"]),
])
def test_repayment_form_errors(as_role, award, users, data, expected):
    repayment = close(award, users)
    response = post(as_role("grants_officer"), f"/awards/{award.id}/repayments/{repayment.id}", data)
    assert error_messages(response) == expected
    assert repayment.status is RepaymentStatus.DUE


def test_an_overdue_repayment_is_shown_and_only_some_staff_settle_it(as_role, award, users):
    repayment = close(award, users, due=TODAY)
    repayment.due_date = TODAY - timedelta(days=3)  # it fell due and was not paid
    db.session.flush()
    url = f"/awards/{award.id}/repayments/{repayment.id}"
    response = as_role("commissioner").get(url)
    assert response.status_code == 200 and "Overdue" in response.get_data(as_text=True)
    assert page(response).select_one("input[name=action]") is None
    assert post(as_role("commissioner"), url, {"action": "waived", "waive_reason": "x"}).status_code == 403
    assert as_role("applicant").get(url).status_code == 403
    assert repayment.status is RepaymentStatus.DUE
    grantee_page = page(as_role("applicant").get(f"/grants/{award.id}")).select_one(
        "section[aria-labelledby=variations]")
    assert "You must pay back £250.00" in grantee_page.get_text() and "overdue" in grantee_page.get_text()


def test_another_awards_repayment_is_not_found(as_role, award, users):
    repayment = close(award, users)
    other = AwardFactory(organisation=users["org_b"])
    assert as_role("grants_officer").get(f"/awards/{other.id}/repayments/{repayment.id}").status_code == 404
    assert db.session.scalar(select(Repayment.id)) == repayment.id
