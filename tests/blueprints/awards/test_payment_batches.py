"""Approving and paying several instalments at once from the payments page, all or nothing, and
the email that tells a grantee a payment was made (one at a time or in a batch)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from grants.formatting import long_date
from grants.interfaces.awards import payment_batches, payments
from grants.models.audit import AuditEvent
from grants.models.awards import AwardStatus, InstalmentStatus
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow
from tests.factories import AwardFactory
from tests.helpers import page, post

TODAY = payments.uk_today()


@pytest.fixture
def due(db, users):
    """Two accepted £4,000 awards, of organisations A and B, each with instalment 1 (£2,000) due."""
    found = []
    for org in (users["org_a"], users["org_b"]):
        award = AwardFactory(organisation=org, status=AwardStatus.ACCEPTED, accepted_at=utcnow() - timedelta(days=20),
                             accepted_name="Alex Contact", accepted_position="Chair")
        award.instalments[0].status = InstalmentStatus.DUE
        found.append(award.instalments[0])
    db.session.flush()
    return found


def text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


def audited(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def mails(db) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def batch_rows(response) -> list[list[str]]:
    return [[text(cell) for cell in row.select("th, td")]
            for row in page(response).select("#batch-instalments tbody tr")]


# The queue ---------------------------------------------------------------------------------------

def test_finance_can_tick_due_and_approved_instalments(as_role, users, due):
    payments.approve(due[1], users["finance_approver"])
    soup = page(as_role("finance_officer").get("/awards/payments"))
    box = soup.select_one(f"#select-{due[0].id}")
    assert box["form"] == "batch-due" and box["name"] == "instalment"
    assert text(soup.select_one(f"label[for=select-{due[0].id}]")) == (
        f"Select instalment 1 of {due[0].award.application.reference}, £2,000.00")
    assert soup.select_one(f"#select-{due[1].id}")["form"] == "batch-approved"
    assert text(soup.select_one("#batch-due button")) == "Approve selected instalments"
    assert text(soup.select_one("#batch-approved button")) == "Record selected instalments as paid"
    # Grants officers hold and release, but do not approve or pay: no boxes to tick.
    soup = page(as_role("grants_officer").get("/awards/payments"))
    assert soup.select("input[name=instalment]") == [] and soup.select_one("#batch-due") is None


# Approving several -------------------------------------------------------------------------------

def test_approving_several_shows_them_and_their_total_first_then_approves_each(db, as_role, due):
    client = as_role("finance_officer")
    ids = [str(i.id) for i in due]
    response = post(client, "/awards/payments/approve", {"instalment": ids})
    assert response.status_code == 200
    assert [row[1] for row in batch_rows(response)] == ["Organisation A", "Organisation B"]
    assert text(page(response).select_one("#batch-total")) == "£4,000.00"
    assert text(page(response).select_one("#confirm-batch")) == "Approve 2 instalments"
    assert all(i.status is InstalmentStatus.DUE for i in due) and not audited(db, "instalment.approved")

    response = post(client, "/awards/payments/approve", {"instalment": ids, "stage": "confirm"},
                     follow_redirects=True)
    assert "2 instalments approved for payment, £4,000.00 in all" in text(page(response))
    assert [i.status for i in due] == [InstalmentStatus.APPROVED] * 2
    assert {event.entity_id for event in audited(db, "instalment.approved")} == {str(i.id) for i in due}


def test_one_held_meanwhile_stops_the_whole_approval_and_says_which(db, as_role, users, due):
    client = as_role("finance_officer")
    ids = [str(i.id) for i in due]
    post(client, "/awards/payments/approve", {"instalment": ids})
    payments.hold(due[1], "Return overdue", users["grants_officer"])  # while the check page was open
    db.session.flush()
    response = post(client, "/awards/payments/approve", {"instalment": ids, "stage": "confirm"})
    assert response.status_code == 200
    problems = [text(li) for li in page(response).select("#batch-problems li")]
    assert problems == [f"Instalment 1 of {due[1].award.application.reference} is on hold: it cannot be approved "
                        "until it is released"]
    assert "Nothing has been changed" in text(page(response).select_one("#batch-problems"))
    assert page(response).select_one("#confirm-batch") is None
    assert [i.status for i in due] == [InstalmentStatus.DUE] * 2  # the first was not approved either
    assert not audited(db, "instalment.approved")


def test_ticking_nothing_says_so(as_role, due):
    response = post(as_role("finance_officer"), "/awards/payments/approve", {}, follow_redirects=True)
    assert "Select the instalments to approve" in text(page(response).select_one(".govuk-notification-banner"))


def test_grants_officers_may_not_approve_several(as_role, due):
    response = post(as_role("grants_officer"), "/awards/payments/approve",
                    {"instalment": [str(i.id) for i in due], "stage": "confirm"})
    assert response.status_code == 403


# Paying several ----------------------------------------------------------------------------------

def date_fields(day: date) -> dict:
    return {"paid_on": [str(day.day), str(day.month), str(day.year)]}


def test_recording_several_payments_checks_the_date_reference_and_total_then_pays_and_emails_each(
        db, as_role, users, due):
    for instalment in due:
        payments.approve(instalment, users["finance_approver"])
    db.session.flush()
    client = as_role("finance_officer")
    ids = [str(i.id) for i in due]
    details = post(client, "/awards/payments/pay", {"instalment": ids})
    assert details.status_code == 200 and page(details).select_one("#continue-batch") is not None
    paid_on = TODAY - timedelta(days=1)
    answers = {"instalment": ids, "reference": "BACS-RUN-0412", **date_fields(paid_on)}
    check = post(client, "/awards/payments/pay", {**answers, "stage": "check"})
    summary = {text(row.dt): text(row.dd) for row in page(check).select("#batch-answers .govuk-summary-list__row")}
    assert summary == {"Date paid": long_date(paid_on), "Payment reference": "BACS-RUN-0412",
                       "Total paid": "£4,000.00 (2 instalments)"}
    assert all(i.status is InstalmentStatus.APPROVED for i in due) and not mails(db)

    done = post(client, "/awards/payments/pay", {**answers, "stage": "confirm"}, follow_redirects=True)
    assert "2 instalments recorded as paid, £4,000.00 in all" in text(page(done))
    assert [(i.status, i.paid_on, i.payment_reference) for i in due] == [
        (InstalmentStatus.PAID, paid_on, "BACS-RUN-0412")] * 2
    assert len(audited(db, "instalment.paid")) == 2
    sent = mails(db)
    assert sorted(m.recipient for m in sent) == sorted(i.award.organisation.contact_email for i in due)
    for instalment in due:
        [mail] = [m for m in sent if m.recipient == instalment.award.organisation.contact_email]
        reference = instalment.award.application.reference
        assert mail.subject == f"Payment made: £2,000.00 for your grant {reference}"
        assert "Amount: £2,000.00" in mail.body
        assert "Payment reference: BACS-RUN-0412" in mail.body
        assert f"Paid on: {long_date(paid_on)}" in mail.body
        assert f"Expected in your account by: {long_date(payment_batches.expected_in_account(paid_on))}" in mail.body
        assert f"/grants/{instalment.award_id}" in mail.body


def test_a_payment_over_the_award_stops_the_whole_run(db, as_role, users, due):
    for instalment in due:
        payments.approve(instalment, users["finance_approver"])
    due[0].award.amount = due[0].amount - 1  # a variation cut the award below the instalment
    db.session.flush()
    client = as_role("finance_officer")
    answers = {"instalment": [str(i.id) for i in due], "reference": "RUN-9", **date_fields(TODAY)}
    response = post(client, "/awards/payments/pay", {**answers, "stage": "confirm"})
    assert response.status_code == 200
    [problem] = [text(li) for li in page(response).select("#batch-problems li")]
    assert problem.startswith(f"Instalment 1 of {due[0].award.application.reference}: paying instalment 1 "
                              "(£2,000.00) would take the payments on this award to £2,000.00, more than the award")
    assert [i.status for i in due] == [InstalmentStatus.APPROVED] * 2  # the other was not paid either
    assert not audited(db, "instalment.paid") and not mails(db)


def test_a_date_before_acceptance_names_the_instalment(db, as_role, users, due):
    payments.approve(due[0], users["finance_approver"])
    db.session.flush()
    answers = {"instalment": [str(due[0].id)], "reference": "RUN-1", **date_fields(TODAY - timedelta(days=30))}
    response = post(as_role("finance_officer"), "/awards/payments/pay", {**answers, "stage": "confirm"})
    [problem] = [text(li) for li in page(response).select("#batch-problems li")]
    assert problem.startswith(f"Instalment 1 of {due[0].award.application.reference}: date paid must be on or after")
    assert due[0].status is InstalmentStatus.APPROVED


def test_instalments_not_yet_approved_cannot_be_paid_in_a_run(as_role, due):
    response = post(as_role("finance_officer"), "/awards/payments/pay", {"instalment": [str(due[0].id)]})
    assert [text(li) for li in page(response).select("#batch-problems li")] == [
        f"Instalment 1 of {due[0].award.application.reference} has not been approved for payment yet"]
    assert page(response).select_one("#continue-batch") is None


def test_a_missing_reference_is_asked_for(db, as_role, users, due):
    payments.approve(due[0], users["finance_approver"])
    db.session.flush()
    response = post(as_role("finance_officer"), "/awards/payments/pay",
                    {"instalment": [str(due[0].id)], "stage": "check", **date_fields(TODAY)})
    assert "Enter the payment reference" in text(page(response).select_one(".govuk-error-summary"))


# One at a time -----------------------------------------------------------------------------------

def test_recording_one_payment_emails_the_grantee(db, as_role, users, due):
    instalment = due[0]
    payments.approve(instalment, users["finance_approver"])
    db.session.flush()
    url = f"/awards/{instalment.award_id}/instalments/{instalment.id}/pay"
    response = post(as_role("finance_officer"), url, {"reference": "FIN-77", **date_fields(TODAY)})
    assert response.status_code == 302
    [mail] = mails(db)
    assert mail.recipient == instalment.award.organisation.contact_email
    assert "Amount: £2,000.00" in mail.body and "Payment reference: FIN-77" in mail.body
    assert f"Expected in your account by: {long_date(payment_batches.expected_in_account(TODAY))}" in mail.body
    assert "So far £2,000.00 of your £4,000.00 grant has been paid." in mail.body


@pytest.mark.parametrize("paid_on, expected", [
    (date(2027, 3, 26), date(2027, 3, 31)),  # a Friday: Monday, Tuesday, Wednesday
    (date(2027, 3, 29), date(2027, 4, 1)),  # a Monday
    (date(2027, 3, 27), date(2027, 3, 31)),  # a Saturday
])
def test_a_payment_is_expected_three_working_days_on(paid_on, expected):
    assert payment_batches.expected_in_account(paid_on) == expected
