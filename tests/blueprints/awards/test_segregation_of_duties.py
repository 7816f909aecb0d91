"""Segregation of duties on payments, on every path: whoever made an award cannot approve its payments,
and whoever approved an instalment cannot record it as paid. Tried through the service, one at a
time in the pages, several at a time in a payment run, and as the queue and award page offer it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.interfaces.awards import payment_batches, payments
from grants.interfaces.awards.awarding import AwardError
from grants.models.accounts import Role
from grants.models.audit import AuditEvent
from grants.models.awards import AwardStatus, InstalmentStatus
from grants.models.types import utcnow
from tests.factories import AwardFactory, UserFactory
from tests.helpers import page, post

TODAY = payments.uk_today()


@pytest.fixture
def maker(db):
    """A finance officer who is also a grants officer, and made the award below."""
    return UserFactory(email="both.roles@example.org", roles=[Role.GRANTS_OFFICER, Role.FINANCE_OFFICER])


@pytest.fixture
def award(db, users, maker):
    award = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED, created_by_id=maker.id,
                         accepted_at=utcnow() - timedelta(days=20), accepted_name="Alex Contact",
                         accepted_position="Chair")
    award.instalments[0].status = InstalmentStatus.DUE
    db.session.flush()
    return award


def _url(award, action: str) -> str:
    return f"/awards/{award.id}/instalments/{award.instalments[0].id}/{action}"


def _text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


def _events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _date(day) -> dict:
    return {"paid_on": [str(day.day), str(day.month), str(day.year)]}


# Whoever made the award cannot approve its payments ----------------------------------------------

def test_the_service_refuses_the_awards_maker_and_lets_a_colleague_approve(db, award, maker, users):
    first = award.instalments[0]
    with pytest.raises(AwardError, match="cannot be approved by you: you made this award, so another finance "
                                         "officer must approve its payments"):
        payments.approve(first, maker)
    assert first.status is InstalmentStatus.DUE and not _events(db, "instalment.approved")
    payments.approve(first, users["finance_officer"])
    assert first.status is InstalmentStatus.APPROVED


def test_the_page_refuses_the_awards_maker(db, award, maker, as_user):
    client = as_user(maker)
    response = post(client, _url(award, "approve"), follow_redirects=True)
    assert "you made this award, so another finance officer must approve its payments" in _text(page(response))
    assert award.instalments[0].status is InstalmentStatus.DUE


def test_a_payment_run_refuses_the_awards_maker_before_and_at_confirming(db, award, maker, as_user):
    client, ids = as_user(maker), [str(award.instalments[0].id)]
    check = post(client, "/awards/payments/approve", {"instalment": ids})
    expected = [f"Instalment 1 of {award.application.reference} cannot be approved by you: you made this award, "
                "so another finance officer must approve its payments"]
    assert [_text(li) for li in page(check).select("#batch-problems li")] == expected
    confirm = post(client, "/awards/payments/approve", {"instalment": ids, "stage": "confirm"})
    assert [_text(li) for li in page(confirm).select("#batch-problems li")] == expected
    assert award.instalments[0].status is InstalmentStatus.DUE


def test_the_queue_and_award_page_offer_the_maker_no_approve_button(db, award, maker, as_user, as_role):
    for url in ("/awards/payments", f"/awards/{award.id}"):
        soup = page(as_user(maker).get(url))
        assert not [b for b in soup.select("button") if _text(b).startswith("Approve instalment")], url
        assert "Another finance officer approves this: you made the award" in _text(soup), url
        other = page(as_role("finance_officer").get(url))
        assert [b for b in other.select("button") if _text(b).startswith("Approve instalment")], url


# Whoever approved cannot record it paid -----------------------------------------------------------

@pytest.fixture
def approved(db, award, users):
    payments.approve(award.instalments[0], users["finance_officer"])
    db.session.flush()
    return award.instalments[0]


def test_the_service_refuses_the_approver_and_lets_a_colleague_pay(db, approved, users):
    with pytest.raises(AwardError, match="cannot be recorded as paid by you: you approved it, so another finance "
                                         "officer must record the payment"):
        payments.record_payment(approved, TODAY, "BACS-1", users["finance_officer"])
    assert approved.status is InstalmentStatus.APPROVED and not _events(db, "instalment.paid")
    payments.record_payment(approved, TODAY, "BACS-1", users["finance_approver"])
    assert approved.status is InstalmentStatus.PAID and approved.paid_by_id == users["finance_approver"].id


def test_the_payment_page_tells_the_approver_and_refuses_the_post(db, award, approved, as_role):
    client = as_role("finance_officer")
    shown = page(client.get(_url(award, "pay")))
    assert "you approved it, so another finance officer must record the payment" in _text(shown)
    response = post(client, _url(award, "pay"), {"reference": "BACS-1", **_date(TODAY)}, follow_redirects=True)
    assert "you approved it, so another finance officer must record the payment" in _text(page(response))
    assert approved.status is InstalmentStatus.APPROVED and not _events(db, "instalment.paid")


def test_a_payment_run_refuses_the_approver_and_pays_nothing(db, award, approved, as_role, users):
    other = AwardFactory(organisation=users["org_b"], status=AwardStatus.ACCEPTED,
                         accepted_at=utcnow() - timedelta(days=20), accepted_name="B", accepted_position="Chair")
    other.instalments[0].status = InstalmentStatus.DUE
    payments.approve(other.instalments[0], users["finance_approver"])
    db.session.flush()
    ids = [str(approved.id), str(other.instalments[0].id)]
    answers = {"instalment": ids, "reference": "RUN-1", **_date(TODAY), "stage": "confirm"}
    response = post(as_role("finance_officer"), "/awards/payments/pay", answers)
    problems = [_text(li) for li in page(response).select("#batch-problems li")]
    assert problems == [f"Instalment 1 of {award.application.reference} cannot be recorded as paid by you: you "
                        "approved it, so another finance officer must record the payment"]
    assert {approved.status, other.instalments[0].status} == {InstalmentStatus.APPROVED}
    assert payment_batches.batch_problems([approved], "pay", users["finance_approver"]) == []


def test_the_queue_offers_the_approver_no_record_payment_link(db, award, approved, as_role):
    soup = page(as_role("finance_officer").get("/awards/payments"))
    table = soup.select_one("#approved").find_next("table")
    assert "Record payment" not in _text(table)
    assert "Another finance officer records this payment: you approved it" in _text(table)
    assert "Record payment" in _text(page(as_role("finance_approver").get("/awards/payments")).select_one(
        "#approved").find_next("table"))
