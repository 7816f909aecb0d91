"""Payment runs: finance gathers approved instalments into a run, which gives the bank a bulk-payment file
and the finance system a journal, and is then marked paid, every payment at once or none.

- Only instalments that could be paid now go in (approved, not held, the award accepted, the second
  approval given where bank details changed recently), each to an organisation with verified bank
  details, from a round with a cost centre and account code, and in no other run. Every refusal is
  listed and nothing is made.
- The bank file is Bacs Standard 18 payment records, as bureau software (Bottomline, Albany, AccessPay
  and the like) imports them to make the submission: one 100-character record a payment (destination
  sort code and account, transaction code 99 for a credit, the office's sort code and account, the
  amount in pence, the office's name, the payee's reference, the payee's account name), upper case and
  only the characters Bacs allows. The bureau software adds the volume and header labels and the
  contra record. A payment to a building society account carries its roll number as the reference,
  as Bacs requires; any other carries the grant's reference.
- The journal (CSV) debits each round's cost centre and account code with its payments and credits
  the office's control account (``journal_credit_account``) with the total, so it balances.
- Marking the run paid records each instalment paid through ``payments.record_payment`` (the same
  checks: segregation of duties, the award's total, holds) with the run's reference; one refusal and
  none is recorded. Cancelling a prepared run frees its instalments.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from flask import abort
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, lazyload, selectinload

from grants import audit
from grants.extensions import db
from grants.formatting import LONDON, long_date, money
from grants.interfaces.admin.settings import setting
from grants.interfaces.awards.awarding import AwardError
from grants.interfaces.awards.payment_batches import BatchRefused, batch_total, pay_batch, tell_grantee_paid
from grants.interfaces.awards.payments import check_payable, describe
from grants.interfaces.bank_details import details as bank
from grants.interfaces.writes import rows_changed
from grants.models.accounts import User
from grants.models.awards import Award, Instalment, InstalmentStatus, PaymentRun, PaymentRunStatus
from grants.models.types import utcnow
from grants.spreadsheets import safe_text

BACS_RECORD_LENGTH = 100
CREDIT = "99"
_NOT_BACS = re.compile(r"[^A-Z0-9 .&/-]")


# Who prepared a run and who recorded it paid, by name only (not their roles), in the run's statement.
_PREPARED_BY = joinedload(PaymentRun.created_by).load_only(User.full_name).lazyload(User.role_grants)
_CLOSED_BY = joinedload(PaymentRun.closed_by).load_only(User.full_name).lazyload(User.role_grants)


def run_for_finance(run_id: int) -> PaymentRun:
    """A payment run with each payment's award, application reference, organisation and the award's
    instalments (the page counts them), and who prepared and closed it: a fixed number of queries
    however many payments."""
    return db.session.get(PaymentRun, run_id, options=[
        _PREPARED_BY, _CLOSED_BY,
        selectinload(PaymentRun.instalments).joinedload(Instalment.award).options(
            lazyload("*"), joinedload(Award.organisation).lazyload("*"), joinedload(Award.application).lazyload("*"),
            selectinload(Award.instalments).lazyload("*")),
    ]) or abort(404)


def runs() -> list[PaymentRun]:
    """Every payment run, newest first, with its instalments for its total and who prepared it (two
    queries)."""
    return list(db.session.scalars(
        select(PaymentRun).options(_PREPARED_BY, selectinload(PaymentRun.instalments).lazyload("*"))
        .order_by(PaymentRun.created_at.desc(), PaymentRun.id.desc())))


def total(run: PaymentRun) -> Decimal:
    return batch_total(run.instalments)


def run_problems(instalments: Sequence[Instalment]) -> list[str]:
    """Why any of ``instalments`` cannot go into a payment run, one line each."""
    problems = []
    organisations = [instalment.award.organisation_id for instalment in instalments]
    verified, waiting = bank.current_by_organisation(organisations), bank.pending_organisations(organisations)
    for instalment in instalments:
        try:
            check_payable(instalment)
        except AwardError as refused:
            problems.append(str(refused))
            continue
        award = instalment.award
        if instalment.payment_run is not None:
            problems.append(f"{describe(instalment)} is already in payment run {instalment.payment_run.reference}")
        elif award.organisation_id not in verified:
            problems.append(f"{describe(instalment)} cannot be paid by Bacs: {award.organisation.name} has no verified "
                            "bank details" + (" (a change is waiting for verification)"
                                              if award.organisation_id in waiting else ""))
        elif not (award.funding_round.cost_centre and award.funding_round.account_code):
            problems.append(f"{describe(instalment)}: the round {award.funding_round.name} has no cost centre and "
                            "account code for the journal: set them under Finance codes")
    return problems


def create_run(instalments: Sequence[Instalment], user: User, now: datetime | None = None) -> PaymentRun:
    """A prepared run of ``instalments``; BatchRefused listing every one that cannot go in, with nothing made."""
    if not instalments:
        raise BatchRefused(["Select the instalments to pay in the run"])
    problems = run_problems(instalments)
    if problems:
        raise BatchRefused(problems)
    now = now or utcnow()
    run = PaymentRun(reference=f"RUN-PENDING-{now.timestamp():.0f}"[:18], created_at=now, created_by_id=user.id)
    db.session.add(run)
    db.session.flush()
    run.reference = f"RUN-{now.astimezone(LONDON).year}-{run.id:04d}"
    claimed = rows_changed(
        update(Instalment)
        .where(Instalment.id.in_([i.id for i in instalments]), Instalment.payment_run_id.is_(None),
               Instalment.status == InstalmentStatus.APPROVED)
        .values(payment_run_id=run.id, version=Instalment.version + 1)
        .execution_options(synchronize_session=False)
    )
    for instalment in instalments:
        db.session.refresh(instalment)
    if claimed != len(instalments):  # another run or payment took some while this one was made
        raise BatchRefused([f"{describe(i)} was taken into another payment run or paid meanwhile"
                            for i in instalments if i.payment_run_id != run.id])
    db.session.refresh(run)
    audit.record("payment_run.prepared", run, f"Payment run {run.reference} prepared: {len(instalments)} payments, "
                 f"{money(batch_total(instalments))}", actor=user)
    return run


def _check_prepared(run: PaymentRun) -> None:
    if run.status is not PaymentRunStatus.PREPARED:
        raise AwardError(f"Payment run {run.reference} has already been {run.status.label.lower()}")


def mark_paid(run: PaymentRun, paid_on: date | None, user: User, today: date | None = None) -> None:
    """Record every payment of the run paid on ``paid_on`` with the run's reference, then the run paid;
    BatchRefused (the caller rolls back) if any one is refused."""
    _check_prepared(run)
    pay_batch(run.instalments, paid_on, run.reference, user, today, run=run)
    changed = rows_changed(
        update(PaymentRun).where(PaymentRun.id == run.id, PaymentRun.status == PaymentRunStatus.PREPARED)
        .values(status=PaymentRunStatus.PAID, paid_on=paid_on, closed_at=utcnow(), closed_by_id=user.id,
                version=PaymentRun.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(run)
    if changed != 1:
        _check_prepared(run)  # pragma: no cover - the instalments' own updates would have refused first
    audit.record("payment_run.paid", run, f"Payment run {run.reference} paid on {long_date(paid_on)}: "
                 f"{len(run.instalments)} payments, {money(total(run))}", actor=user)
    for instalment in run.instalments:
        tell_grantee_paid(instalment)


def cancel(run: PaymentRun, user: User) -> None:
    _check_prepared(run)
    count = len(run.instalments)
    rows_changed(update(Instalment).where(Instalment.payment_run_id == run.id)
                 .values(payment_run_id=None, version=Instalment.version + 1)
                 .execution_options(synchronize_session=False))
    changed = rows_changed(
        update(PaymentRun).where(PaymentRun.id == run.id, PaymentRun.status == PaymentRunStatus.PREPARED)
        .values(status=PaymentRunStatus.CANCELLED, closed_at=utcnow(), closed_by_id=user.id,
                version=PaymentRun.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    if changed != 1:
        raise AwardError(f"Payment run {run.reference} could not be cancelled: it changed meanwhile")
    audit.record("payment_run.cancelled", run, f"Payment run {run.reference} cancelled: its {count} instalments "
                 "can be paid again", actor=user)


# The files --------------------------------------------------------------------------------------------

def _bacs(value: str, size: int) -> str:
    """Upper case, only the characters Bacs allows (others become spaces), cut or padded to ``size``."""
    return _NOT_BACS.sub(" ", value.upper())[:size].ljust(size)


def bacs_records(run: PaymentRun) -> list[str]:
    """One Standard 18 payment record per instalment, in the run's order."""
    payer_sort_code, payer_account = setting("payer_sort_code"), setting("payer_account_number")
    payer = setting("payer_name")
    records = []
    verified = bank.current_by_organisation(instalment.award.organisation_id for instalment in run.instalments)
    for instalment in run.instalments:
        award = instalment.award
        found = verified.get(award.organisation_id)
        if found is None:
            raise AwardError(f"{award.organisation.name} has no verified bank details: cancel the run and make it "
                             "again without this payment")
        payee = bank.in_full(found)
        pence = int((instalment.amount * 100).to_integral_exact())
        reference = payee.roll_number or award.application.reference or f"GRANT {award.id}"
        record = (payee.sort_code.replace("-", "") + payee.account_number + "0" + CREDIT + payer_sort_code
                  + payer_account + " " * 4 + f"{pence:011d}" + _bacs(payer, 18) + _bacs(reference, 18)
                  + _bacs(payee.account_name, 18))
        assert len(record) == BACS_RECORD_LENGTH, record  # a programming error, never data
        records.append(record)
    return records


def bacs_file(run: PaymentRun) -> str:
    return "".join(record + "\r\n" for record in bacs_records(run))


JOURNAL_HEADINGS = ["Date", "Journal reference", "Line", "Cost centre", "Account code", "Description", "Debit",
                    "Credit"]


def journal_rows(run: PaymentRun) -> list[list[str]]:
    day = run.paid_on or run.created_at.astimezone(LONDON).date()
    rows = []
    for line, instalment in enumerate(run.instalments, start=1):
        award = instalment.award
        rows.append([day.isoformat(), run.reference, str(line), award.funding_round.cost_centre or "",
                     award.funding_round.account_code or "",
                     f"{award.application.reference} instalment {instalment.number}: {award.organisation.name}",
                     f"{instalment.amount:.2f}", ""])
    rows.append([day.isoformat(), run.reference, str(len(rows) + 1), "", setting("journal_credit_account"),
                 f"Payment run {run.reference}: {len(run.instalments)} grant payment"
                 f"{'' if len(run.instalments) == 1 else 's'}", "", f"{total(run):.2f}"])
    return rows


def journal_csv(run: PaymentRun) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(JOURNAL_HEADINGS)
    for row in journal_rows(run):
        writer.writerow([safe_text(value) if index == 5 else value for index, value in enumerate(row)])
    return out.getvalue()


def set_finance_codes(funding_round, cost_centre: str | None, account_code: str | None, user: User) -> None:
    """A round's cost centre and account code for the journal; refused (AwardError naming the field) when wrong."""
    cost_centre, account_code = ((value or "").strip().upper() or None for value in (cost_centre, account_code))
    for field, value, label in (("cost_centre", cost_centre, "Cost centre"), ("account_code", account_code,
                                                                             "Account code")):
        if value is not None and not re.fullmatch(r"[A-Z0-9][A-Z0-9./-]{0,19}", value):
            raise AwardError(f"{label} must be up to 20 letters or numbers (and . / -)", field)
    before = {"cost_centre": funding_round.cost_centre, "account_code": funding_round.account_code}
    after = {"cost_centre": cost_centre, "account_code": account_code}
    if before == after:
        return
    funding_round.cost_centre, funding_round.account_code = cost_centre, account_code
    db.session.flush()
    audit.record("round.finance_codes", funding_round, f"Finance codes of {funding_round.name} set",
                 changes=audit.diff(before, after), actor=user)
