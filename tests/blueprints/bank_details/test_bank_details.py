"""Bank details: entered by the organisation, stored encrypted under their own keys, shown masked, never
emailed; verified only by a finance officer other than whoever entered them, after a call-back; and
for a while after a change, every payment to the organisation needs a second approval."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from freezegun import freeze_time
from sqlalchemy import select, text

from grants.interfaces.admin import settings
from grants.interfaces.awards import payments
from grants.interfaces.awards.awarding import AwardError
from grants.interfaces.bank_details import details as bank
from grants.interfaces.bank_details import vault
from grants.models.audit import AuditEvent
from grants.models.awards import AwardStatus, InstalmentStatus
from grants.models.bank_details import BankDetails, BankDetailsStatus
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow
from tests.factories import AwardFactory
from tests.helpers import error_messages, page, post

GOOD = {"account_name": "Organisation A", "sort_code": "30-94-30", "account_number": "00733445", "roll_number": ""}


def _text(response) -> str:
    return " ".join(page(response).get_text(" ", strip=True).split())


def _entered(db, users, by=None) -> BankDetails:
    return bank.enter(users["org_a"], bank.Entered("Organisation A", "309430", "733445", "ROLL/123-45"),
                      by or users["applicant"])


# Entering ------------------------------------------------------------------------------------------

def test_a_member_enters_details_which_wait_masked_and_are_stored_encrypted(db, as_role, users):
    response = post(as_role("applicant"), "/bank-details/organisation", GOOD, follow_redirects=True)
    shown = _text(response)
    assert "Your new bank details have been sent for checking" in shown
    assert "Change waiting to be checked" in shown and "••-••-30" in shown and "••••3445" in shown
    html = response.get_data(as_text=True)
    assert "309430" not in html and "30-94-30" not in html and "00733445" not in html
    [row] = db.session.scalars(select(BankDetails)).all()
    assert row.status is BankDetailsStatus.PENDING and row.entered_by_id == users["applicant"].id
    raw = db.session.execute(text("SELECT account_name, sort_code, account_number FROM bank_details")).one()
    assert all(value.startswith("gAAAA") and "309430" not in value and "Organisation A" not in value for value in raw)
    assert bank.in_full(row) == bank.Entered("Organisation A", "30-94-30", "00733445", None)


def test_the_organisations_people_are_told_of_a_change_without_any_details(db, as_role, users):
    post(as_role("applicant"), "/bank-details/organisation", GOOD)
    mails = db.session.scalars(select(OutboxMessage)).all()
    assert {m.recipient for m in mails} == {users["org_a"].contact_email, users["applicant"].email}
    for mail in mails:
        assert mail.subject == "Change of bank details asked for: Organisation A"
        assert "If you did not ask for this change, please phone us straight away" in mail.body
        for secret in ("309430", "30-94-30", "733445", "3445"):
            assert secret not in mail.body
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "bank_details.entered")).all()
    assert "ending 3445" in event.summary and "00733445" not in event.summary


@pytest.mark.parametrize(("changes", "messages"), [
    ({"account_name": "", "sort_code": "", "account_number": ""},
     ["Enter the name on the account", "Enter the sort code", "Enter the account number"]),
    ({"sort_code": "30-94-3"}, ["Enter a valid sort code like 309430"]),
    ({"sort_code": "AB-CD-EF"}, ["Enter a valid sort code like 309430"]),
    ({"account_number": "12345"}, ["Account number must be between 6 and 8 digits"]),
    ({"account_number": "123456789"}, ["Account number must be between 6 and 8 digits"]),
    ({"account_number": "1234 567X"}, ["Enter a valid account number like 00733445"]),
    ({"roll_number": "ROLL*1"}, ["Building society roll number must be 18 characters or fewer, using only letters, "
                                 "numbers, spaces, full stops, hyphens and slashes"]),
    ({"account_name": "A" * 101}, ["Name on the account must be 100 characters or fewer"]),
])
def test_wrong_details_are_refused_field_by_field_and_nothing_is_stored(db, as_role, changes, messages):
    response = post(as_role("applicant"), "/bank-details/organisation", {**GOOD, **changes})
    assert response.status_code == 200
    assert error_messages(response) == messages
    assert db.session.scalars(select(BankDetails)).all() == []
    assert db.session.scalars(select(OutboxMessage)).all() == []
    typed = page(response).select_one("input[name=sort_code]")["value"]
    assert typed == {**GOOD, **changes}["sort_code"]  # kept as typed


def test_short_account_numbers_are_padded_and_new_details_replace_ones_still_waiting(db, users):
    first = _entered(db, users)
    second = bank.enter(users["org_a"], bank.Entered("Org A", "309430", "1234567"), users["applicant"])
    assert first.status is BankDetailsStatus.REPLACED and second.status is BankDetailsStatus.PENDING
    assert bank.in_full(second).account_number == "01234567"
    assert bank.pending(users["org_a"].id) == second


def test_a_person_without_an_organisation_and_staff_have_no_own_page(as_role):
    assert as_role("applicant_no_org").get("/bank-details/organisation").status_code == 404
    assert as_role("finance_officer").get("/bank-details/organisation").status_code == 403


def test_another_organisations_details_are_never_shown(db, as_role, users):
    _entered(db, users)
    shown = _text(as_role("applicant_b").get("/bank-details/organisation"))
    assert "Change waiting" not in shown and "••••3445" not in shown


# Verifying -----------------------------------------------------------------------------------------

CALL = {"outcome": "confirmed", "callback_contact": "Alex Contact, treasurer", "callback_phone": "01752 960 001",
        "callback_note": "Asked for the change; read back the sort code and account number"}


def test_finance_verifies_after_a_call_and_the_details_take_effect(db, as_role, users):
    details = _entered(db, users)
    client = as_role("finance_officer")
    link = page(client.get("/bank-details")).select_one("main table a")
    assert link.get_text(strip=True) == "Organisation A: check the new bank details"
    assert link["href"] == f"/bank-details/{details.id}"
    verify_page = page(client.get(f"/bank-details/{details.id}"))
    legend = verify_page.select_one("fieldset legend")
    assert " ".join(legend.get_text().split()) == "Did the contact confirm the new bank details?"
    shown = " ".join(verify_page.get_text(" ", strip=True).split())
    assert "30-94-30" in shown and "00733445" in shown and "ROLL/123-45" in shown  # read back on the call
    response = post(client, f"/bank-details/{details.id}", CALL, follow_redirects=True)
    assert "Bank details of Organisation A verified: payments now go to them" in _text(response)
    assert details.status is BankDetailsStatus.VERIFIED and details.decided_by_id == users["finance_officer"].id
    assert (details.callback_contact, details.callback_phone) == ("Alex Contact, treasurer", "01752 960 001")
    assert bank.current(users["org_a"].id) == details
    told = db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject.startswith("Your bank details"))).all()
    assert {m.recipient for m in told} == {users["org_a"].contact_email, users["applicant"].email}
    assert all("3445" not in m.body for m in told)
    mine = _text(as_role("applicant").get("/bank-details/organisation"))
    assert "Account for payments" in mine and "••••3445" in mine and "Change waiting" not in mine
    # A newer change, verified, replaces it.
    newer = bank.enter(users["org_a"], bank.Entered("Organisation A", "401234", "11112222"), users["applicant"])
    bank.decide(newer, users["finance_officer"], True, "Alex", "01752 960 001", "Confirmed")
    assert details.status is BankDetailsStatus.REPLACED and bank.current(users["org_a"].id) == newer


def test_whoever_entered_details_cannot_verify_them(db, as_role, users):
    details = _entered(db, users, by=users["finance_officer"])  # taken by phone
    response = as_role("finance_officer").get(f"/bank-details/{details.id}")
    assert "You entered these bank details, so another finance officer must verify them" in _text(response)
    assert "00733445" not in response.get_data(as_text=True)
    post(as_role("finance_officer"), f"/bank-details/{details.id}", CALL)
    assert details.status is BankDetailsStatus.PENDING
    with pytest.raises(bank.BankDetailsError, match="another finance officer must verify them"):
        bank.decide(details, users["finance_officer"], True, "A", "01752 960 001", "ok")
    bank.decide(details, users["finance_approver"], True, "A", "01752 960 001", "ok")
    assert details.status is BankDetailsStatus.VERIFIED


def test_an_administrator_may_look_but_not_verify(db, as_role, users):
    details = _entered(db, users)
    shown = _text(as_role("admin").get(f"/bank-details/{details.id}"))
    assert "Only a finance officer can verify bank details" in shown
    post(as_role("admin"), f"/bank-details/{details.id}", CALL)
    assert details.status is BankDetailsStatus.PENDING
    for role in ("grants_officer", "applicant", "commissioner"):
        assert as_role(role).get(f"/bank-details/{details.id}").status_code == 403


@pytest.mark.parametrize(("changes", "messages"), [
    ({"outcome": ""}, ["Select whether the contact confirmed the new bank details"]),
    ({"callback_contact": "", "callback_phone": "", "callback_note": ""},
     ["Enter who you spoke to", "Enter the number you called", "Enter what they confirmed"]),
    ({"callback_phone": "call me"}, ["Enter the number you called, like 01752 960 001"]),
    ({"outcome": "not_confirmed", "callback_note": ""}, ["Enter why the details were not confirmed"]),
])
def test_the_call_must_be_recorded_in_full(db, as_role, users, changes, messages):
    details = _entered(db, users)
    response = post(as_role("finance_officer"), f"/bank-details/{details.id}", {**CALL, **changes})
    assert error_messages(response) == messages
    assert details.status is BankDetailsStatus.PENDING


def test_details_not_confirmed_are_rejected_and_the_old_ones_stay(db, users):
    old = _entered(db, users)
    bank.decide(old, users["finance_officer"], True, "Alex", "01752 960 001", "Confirmed")
    fraud = bank.enter(users["org_a"], bank.Entered("A Person", "200000", "99998888"), users["applicant"])
    bank.decide(fraud, users["finance_officer"], False, "Alex", "01752 960 001", "Did not ask for any change")
    assert fraud.status is BankDetailsStatus.REJECTED and bank.current(users["org_a"].id) == old
    with pytest.raises(bank.BankDetailsError, match="already been rejected"):
        bank.decide(fraud, users["finance_approver"], True, "Alex", "01752 960 001", "ok")


# The keys ------------------------------------------------------------------------------------------

def test_keys_rotate_and_an_old_key_taken_out_too_soon_is_named(app, db, users):
    details = _entered(db, users)
    old_key = app.config["BANK_DETAILS_KEYS"]
    new_key = Fernet.generate_key().decode()
    app.config["BANK_DETAILS_KEYS"] = f"{new_key},{old_key}"
    try:
        result = app.test_cli_runner().invoke(args=["bank-details", "rotate-keys"])
        assert result.exit_code == 0 and "Bank details re-encrypted with the newest key: 1 rows" in result.output
        app.config["BANK_DETAILS_KEYS"] = new_key  # the old key taken out: still readable
        db.session.expire_all()
        assert bank.in_full(db.session.get(BankDetails, details.id)).account_number == "00733445"
        app.config["BANK_DETAILS_KEYS"] = old_key  # the new key taken out: unreadable, and said so
        with pytest.raises(vault.UnreadableDetails, match="put back the key they were encrypted with"):
            bank.in_full(db.session.get(BankDetails, details.id))
        result = app.test_cli_runner().invoke(args=["bank-details", "rotate-keys"])
        assert result.exit_code == 1 and "could not be decrypted with any key" in result.output
    finally:
        app.config["BANK_DETAILS_KEYS"] = old_key


# The payment rule after a change ---------------------------------------------------------------

@pytest.fixture
def approved(db, users):
    """Organisation A's accepted award, its first instalment approved by the first finance officer, with
    bank details verified today."""
    details = _entered(db, users)
    bank.decide(details, users["finance_approver"], True, "Alex", "01752 960 001", "Confirmed")
    award = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED,
                         accepted_at=utcnow() - timedelta(days=20), accepted_name="Alex", accepted_position="Chair")
    award.instalments[0].status = InstalmentStatus.DUE
    payments.approve(award.instalments[0], users["finance_officer"])
    db.session.flush()
    return award.instalments[0]


def test_a_payment_soon_after_a_change_needs_a_second_approval(db, users, approved, as_role):
    with pytest.raises(AwardError, match="needs a second approval before it is paid: Organisation A's bank details "
                                         "changed on"):
        payments.record_payment(approved, payments.uk_today(), "BACS-1", users["finance_approver"])
    with pytest.raises(AwardError, match="cannot have its second approval from you: you approved it first"):
        payments.second_approve(approved, users["finance_officer"])
    queue = page(as_role("finance_approver").get("/awards/payments")).select_one("#approved").find_next("table")
    row = " ".join(queue.get_text(" ", strip=True).split())
    assert "Needs a second approval: bank details changed on" in row and "Record payment" not in row
    response = post(as_role("finance_approver"),
                    f"/awards/{approved.award_id}/instalments/{approved.id}/second-approval", follow_redirects=True)
    assert "approved a second time: it can now be paid" in _text(response)
    assert approved.second_approved_by_id == users["finance_approver"].id
    with pytest.raises(AwardError, match="has already had its second approval"):
        payments.second_approve(approved, users["finance_approver"])
    payments.record_payment(approved, payments.uk_today(), "BACS-1", users["finance_approver"])
    assert approved.status is InstalmentStatus.PAID


def test_no_second_approval_once_the_hold_has_passed_or_when_turned_off(db, users, approved):
    days = settings.days_setting("bank_change_hold_days")
    assert days == 14
    with freeze_time(datetime.now(UTC) + timedelta(days=days + 1)):
        assert payments.bank_change(approved) is None
        with pytest.raises(AwardError, match="needs no second approval"):
            payments.second_approve(approved, users["finance_approver"])
    settings.save_settings({"bank_change_hold_days": "0"}, users["admin"])
    assert payments.bank_change(approved) is None
    payments.record_payment(approved, payments.uk_today(), "BACS-2", users["finance_approver"])
    assert approved.status is InstalmentStatus.PAID


def test_the_hold_counts_from_the_day_the_details_took_effect(db, users):
    details = _entered(db, users)
    bank.decide(details, users["finance_officer"], True, "Alex", "01752 960 001", "ok",
                now=datetime(2027, 1, 10, 12, tzinfo=UTC))
    hold = bank.change_hold(users["org_a"].id, today=date(2027, 1, 23))
    assert hold == bank.ChangeHold(date(2027, 1, 10), date(2027, 1, 24))
    assert bank.change_hold(users["org_a"].id, today=date(2027, 1, 24)) is None


LAST: list[str] = []


def test_the_payments_page_reads_the_holds_once_however_many_payments_wait(db, users, as_role):
    """Each approved payment asks whether its organisation's bank details changed recently, and says
    which of its award's instalments it is: a fixed number of queries however many."""
    from sqlalchemy import event

    def approved_award():
        award = AwardFactory(status=AwardStatus.ACCEPTED, accepted_at=utcnow() - timedelta(days=20),
                             accepted_name="A", accepted_position="Chair")
        award.instalments[0].status = InstalmentStatus.DUE
        payments.approve(award.instalments[0], users["finance_approver"])
        details = bank.enter(award.organisation, bank.Entered("Org", "309430", "12345678"), users["applicant"])
        bank.decide(details, users["finance_approver"], True, "A", "01752 960 001", "ok")
        db.session.flush()

    def statements() -> int:
        seen: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            response = client.get("/awards/payments")
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert response.status_code == 200 and "Needs a second approval" in response.get_data(as_text=True)
        LAST[:] = seen
        return len(seen)

    client = as_role("finance_officer")
    approved_award()
    client.get("/awards/payments")  # warm up
    few = statements()
    for _ in range(4):
        approved_award()
    assert statements() == few, '\n'.join(x[:150].replace('\n', ' ') for x in LAST)
