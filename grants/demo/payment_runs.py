"""Demo payment run: the decided round's finance codes, and a prepared run (its Bacs file and journal ready
to download) holding the demo applicant's second instalment, approved by finance@example.org; the run is
marked paid by finance2@example.org, as the approver may not record the payment. Idempotent: nothing is
added once there is a payment run."""

from __future__ import annotations

from sqlalchemy import select

from grants.demo.rounds import ROUNDS
from grants.extensions import db
from grants.interfaces.admin import settings
from grants.interfaces.auth import accounts
from grants.interfaces.awards import payment_runs, payments
from grants.interfaces.awards.awarding import AwardError
from grants.interfaces.awards.payment_batches import BatchRefused
from grants.models.applications import Application
from grants.models.awards import Award, InstalmentStatus, PaymentRun
from grants.models.rounds import FundingRound


def seed() -> None:
    """Add the demo's payment run unless there is one; the caller commits."""
    if db.session.scalar(select(PaymentRun.id).limit(1)) is not None:
        return
    finance = accounts.get_user_by_email("finance@example.org")
    funding_round = db.session.scalar(select(FundingRound).filter_by(name=ROUNDS[2][0]))
    if finance is None or funding_round is None:
        return
    admin = accounts.get_user_by_email("admin@example.org")
    if admin is not None:  # the office's (made-up) bank account that runs pay from
        settings.save_settings({"payer_sort_code": "608301", "payer_account_number": "20391475"}, admin)
    payment_runs.set_finance_codes(funding_round, "CJ4120", "5830", finance)
    award = db.session.scalar(select(Award).join(Application).where(
        Award.round_id == funding_round.id, Application.project_title == "Harbour Recovery Café"))
    if award is None:
        return
    due = [i for i in award.instalments if i.status is InstalmentStatus.DUE and not i.held]
    if not due:
        return
    try:
        payments.approve(due[0], finance)
        payment_runs.create_run(due[:1], finance)
    except (AwardError, BatchRefused):  # the demo's bank details or dates not as expected: no run
        return
    db.session.flush()
