"""Payment runs: approved instalments gathered into one Bacs file and one journal, then all marked paid at
once or none; refused, with every reason, for payments that could not go; and each round's finance codes."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.interfaces.admin import settings
from grants.interfaces.awards import payment_runs as runs
from grants.interfaces.awards import payments
from grants.interfaces.awards.awarding import AwardError
from grants.interfaces.awards.payment_batches import BatchRefused
from grants.interfaces.bank_details import details as bank
from grants.models.audit import AuditEvent
from grants.models.awards import AwardStatus, InstalmentStatus, PaymentRun, PaymentRunStatus
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow
from tests.factories import AwardFactory
from tests.helpers import counting_statements, page, post

TODAY = payments.uk_today()
LONG_AGO = datetime.now(UTC) - timedelta(days=200)


def _verified(organisation, users, sort_code, account, roll=None, name=None):
    details = bank.enter(organisation, bank.Entered(name or organisation.name, sort_code, account, roll),
                         users["applicant"], now=LONG_AGO)
    bank.decide(details, users["finance_officer"], True, "Contact", "01752 960 001", "Confirmed", now=LONG_AGO)


@pytest.fixture
def approved(db, users):
    """Two accepted awards (organisations A and B), instalment 1 of each (£2,000) approved by the first
    finance officer; verified bank details (B's with a roll number); the round's finance codes and the
    office's bank account set."""
    settings.save_settings({"payer_sort_code": "608301", "payer_account_number": "20000000",
                            "payer_name": "OPCC D&C Grants"}, users["admin"])
    users["org_b"].name = "=Organisation B"  # a name a spreadsheet would run as a formula
    found = []
    for org in (users["org_a"], users["org_b"]):
        award = AwardFactory(organisation=org, status=AwardStatus.ACCEPTED, accepted_at=utcnow() - timedelta(days=20),
                             accepted_name="Alex", accepted_position="Chair")
        award.funding_round.cost_centre, award.funding_round.account_code = "CC100", "5510"
        award.instalments[0].status = InstalmentStatus.DUE
        payments.approve(award.instalments[0], users["finance_approver"])
        found.append(award.instalments[0])
    _verified(users["org_a"], users, "309430", "00733445", name="Organisation A (Recovery) Ltd!")
    _verified(users["org_b"], users, "404784", "71300452", roll="ROLL 123/45.X")
    db.session.flush()
    return found


def _ids(instalments) -> dict:
    return {"instalment": [str(i.id) for i in instalments]}


def test_finance_makes_a_run_from_the_queue_and_gets_its_files(db, as_role, users, approved):
    client = as_role("finance_officer")
    queue = page(client.get("/awards/payments"))
    button = queue.select_one("#batch-approved button[formaction]")
    assert button.get_text(strip=True) == "Make a payment run of the selected instalments"
    response = post(client, button["formaction"], _ids(approved))
    run = db.session.scalars(select(PaymentRun)).one()
    assert response.status_code == 302 and response.headers["Location"] == f"/awards/payment-runs/{run.id}"
    assert run.reference == f"RUN-{TODAY.year}-{run.id:04d}" and run.status is PaymentRunStatus.PREPARED
    assert [i.payment_run_id for i in approved] == [run.id, run.id]
    shown = " ".join(page(client.get(f"/awards/payment-runs/{run.id}")).get_text(" ", strip=True).split())
    assert "£4,000.00" in shown and "••-••-30 ••••3445" in shown
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "payment_run.prepared")).one()

    bacs = client.get(f"/awards/payment-runs/{run.id}/bacs.txt")
    assert bacs.headers["Content-Disposition"] == f'attachment; filename="{run.reference}-bacs.txt"'
    records = bacs.get_data(as_text=True).split("\r\n")
    assert records[-1] == "" and len(records) == 3
    first, second = records[:2]
    assert len(first) == len(second) == 100
    reference_a = approved[0].award.application.reference
    assert first == ("309430" "00733445" "0" "99" "608301" "20000000" "    " "00000200000"
                     + "OPCC D&C GRANTS   " + reference_a.ljust(18) + "ORGANISATION A  RE")
    # A building society account: its roll number is the reference; = is not a Bacs character.
    assert second[:17] == "404784713004520" "99" and second[64:82] == "ROLL 123/45.X".ljust(18)
    assert second[82:] == " ORGANISATION B".ljust(18)

    journal = list(csv.reader(io.StringIO(client.get(f"/awards/payment-runs/{run.id}/journal.csv")
                                           .get_data(as_text=True))))
    assert journal[0] == runs.JOURNAL_HEADINGS
    debits, credit = journal[1:3], journal[3]
    assert [(row[3], row[4], row[6]) for row in debits] == [("CC100", "5510", "2000.00")] * 2
    assert debits[1][5] == f"{approved[1].award.application.reference} instalment 1: =Organisation B"
    assert not any(cell[:1] in "=+-@" for row in journal for cell in row if cell)  # no cell a formula
    assert (credit[4], credit[7]) == ("9100", "4000.00")
    assert sum(Decimal(row[6]) for row in debits) == Decimal(credit[7])


def test_marking_the_run_paid_pays_every_instalment_with_its_reference_and_tells_each_grantee(
        db, as_role, users, approved):
    run = runs.create_run(approved, users["finance_officer"])
    when = TODAY - timedelta(days=1)
    date = {"paid_on": [str(when.day), str(when.month), str(when.year)]}
    response = post(as_role("finance_officer"), f"/awards/payment-runs/{run.id}/paid", date, follow_redirects=True)
    assert f"Payment run {run.reference}: 2 payments recorded as paid" in page(response).get_text()
    assert [(i.status, i.paid_on, i.payment_reference) for i in approved] == [
        (InstalmentStatus.PAID, when, run.reference)] * 2
    assert run.status is PaymentRunStatus.PAID and run.paid_on == when
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject.startswith("Payment made"))).all()
    assert len(mails) == 2
    with pytest.raises(AwardError, match="has already been paid"):
        runs.cancel(run, users["finance_officer"])


def test_one_payment_that_cannot_be_made_stops_the_whole_run(db, as_role, users, approved):
    run = runs.create_run(approved, users["finance_officer"])
    approved[1].award.amount = Decimal("1000.00")  # a variation cut the award below the instalment
    db.session.flush()
    date = {"paid_on": [str(TODAY.day), str(TODAY.month), str(TODAY.year)]}
    response = post(as_role("finance_officer"), f"/awards/payment-runs/{run.id}/paid", date)
    problems = [li.get_text(" ", strip=True) for li in page(response).select("#run-problems li")]
    assert len(problems) == 1 and "more than the award of £1,000.00" in problems[0]
    db.session.expire_all()
    assert [i.status for i in approved] == [InstalmentStatus.APPROVED] * 2
    assert run.status is PaymentRunStatus.PREPARED


def test_whoever_approved_the_payments_cannot_mark_the_run_paid(db, users, approved):
    run = runs.create_run(approved, users["finance_approver"])  # anyone in finance may prepare it
    with pytest.raises(BatchRefused) as refused:
        runs.mark_paid(run, TODAY, users["finance_approver"])
    assert all("you approved it, so another finance officer must record the payment" in p
               for p in refused.value.problems)


def test_payments_that_cannot_go_are_all_named_and_no_run_is_made(db, as_role, users, approved):
    not_verified = AwardFactory(status=AwardStatus.ACCEPTED, accepted_at=utcnow() - timedelta(days=20),
                                accepted_name="B", accepted_position="Chair")
    not_verified.funding_round.cost_centre, not_verified.funding_round.account_code = "CC1", "1"
    not_verified.instalments[0].status = InstalmentStatus.DUE
    payments.approve(not_verified.instalments[0], users["finance_approver"])
    bank.enter(not_verified.organisation, bank.Entered("X", "309430", "12345678"), users["applicant"])
    approved[0].award.funding_round.cost_centre = None
    due = AwardFactory(status=AwardStatus.ACCEPTED, accepted_at=utcnow(), accepted_name="C", accepted_position="C")
    due.instalments[0].status = InstalmentStatus.DUE
    db.session.flush()
    chosen = [*approved, not_verified.instalments[0], due.instalments[0]]
    response = post(as_role("finance_officer"), "/awards/payment-runs", _ids(chosen))
    problems = [li.get_text(" ", strip=True) for li in page(response).select("#run-problems li")]
    name = approved[0].award.funding_round.name
    assert problems == [
        f"Instalment 1 of {approved[0].award.application.reference}: the round {name} has no cost centre and account "
        "code for the journal: set them under Finance codes",
        f"Instalment 1 of {not_verified.application.reference} cannot be paid by Bacs: "
        f"{not_verified.organisation.name} has no verified bank details (a change is waiting for verification)",
        f"Instalment 1 of {due.application.reference} has not been approved for payment yet",
    ]
    assert db.session.scalars(select(PaymentRun)).all() == []
    assert all(i.payment_run_id is None for i in chosen)


def test_an_instalment_in_a_run_is_paid_only_with_the_run_until_it_is_cancelled(db, as_role, users, approved):
    run = runs.create_run(approved, users["finance_officer"])
    with pytest.raises(AwardError, match=f"is in payment run {run.reference}: mark the run as paid, or cancel it"):
        payments.record_payment(approved[0], TODAY, "BACS-1", users["finance_officer"])
    with pytest.raises(BatchRefused, match="cannot be included"):
        runs.create_run(approved[:1], users["finance_officer"])
    response = post(as_role("finance_officer"), f"/awards/payment-runs/{run.id}/cancel", follow_redirects=True)
    assert f"Payment run {run.reference} cancelled" in page(response).get_text()
    db.session.expire_all()
    assert run.status is PaymentRunStatus.CANCELLED and all(i.payment_run_id is None for i in approved)
    payments.record_payment(approved[0], TODAY, "BACS-1", users["finance_officer"])
    assert approved[0].status is InstalmentStatus.PAID


def test_finance_codes_are_set_per_round_and_checked(db, as_role, users, approved):
    funding_round = approved[0].award.funding_round
    client = as_role("finance_officer")
    response = post(client, f"/awards/finance-codes?round={funding_round.id}",
                    {"round": funding_round.id, "cost_centre": "cc 1!", "account_code": "5510"})
    assert "Cost centre must be up to 20 letters or numbers (and . / -)" in page(response).get_text()
    post(client, "/awards/finance-codes", {"round": funding_round.id, "cost_centre": "cc-200", "account_code": "5520"})
    assert (funding_round.cost_centre, funding_round.account_code) == ("CC-200", "5520")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round.finance_codes")).one()
    assert event.changes["cost_centre"] == {"before": "CC100", "after": "CC-200"}
    post(as_role("admin"), "/awards/finance-codes",
         {"round": funding_round.id, "cost_centre": "X", "account_code": "Y"})
    assert funding_round.cost_centre == "CC-200"  # administrators look; finance changes


@pytest.mark.parametrize("role", ["grants_officer", "admin", "applicant"])
def test_only_finance_downloads_the_files(db, as_role, users, approved, role):
    run = runs.create_run(approved, users["finance_officer"])
    for suffix in ("bacs.txt", "journal.csv"):
        assert as_role(role).get(f"/awards/payment-runs/{run.id}/{suffix}").status_code == 403


def test_a_run_page_loads_its_payments_awards_in_a_fixed_number_of_queries(db, as_role, users, approved):
    """Each payment's award, application, organisation and instalments come in a few queries for the
    whole run, not a few per payment."""
    client = as_role("finance_officer")
    post(client, page(client.get("/awards/payments")).select_one("#batch-approved button[formaction]")["formaction"],
         _ids(approved))
    run = db.session.scalars(select(PaymentRun)).one()
    db.session.expire_all()
    with counting_statements() as statements:
        assert client.get(f"/awards/payment-runs/{run.id}").status_code == 200
    one_by_one = [s for s in statements if re.search(r"WHERE (awards|applications|organisations)\.id = ", s)]
    assert not one_by_one, one_by_one
    with counting_statements() as listing:
        assert client.get("/awards/payment-runs").status_code == 200
    assert not [s for s in listing if "WHERE instalments.payment_run_id = " in s]  # not one query a run


def test_who_prepared_a_run_is_named_without_reading_their_roles(db, as_role, users, approved):
    """The run page and the list name who prepared the run from the run's own statement: no statement
    for their account, nor one for their roles, however many runs they prepared."""
    run = runs.create_run(approved, users["finance_officer"])
    db.session.commit()
    client = as_role("finance_approver")
    for path in (f"/awards/payment-runs/{run.id}", "/awards/payment-runs"):
        with counting_statements() as statements:
            response = client.get(path)
        assert response.status_code == 200
        assert f"by {users['finance_officer'].full_name}" in " ".join(page(response).get_text().split())
        assert not [s for s in statements if re.search(r"FROM user_roles\s+WHERE", s)], path
        assert not [s for s in statements if re.search(r"FROM users\s+WHERE users\.id = ", s)], path
