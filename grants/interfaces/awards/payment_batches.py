"""Payments several at a time, and telling the grantee a payment was made.

Finance ticks several instalments in a queue and approves them, or records them paid in one payment
run. Each instalment goes through the same path as one at a time (``approve``, ``record_payment``:
the same checks, the same audit event) and the batch is all or nothing: when any is refused,
``BatchRefused`` lists every one refused and why, and the caller rolls the whole batch back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from grants.email_templates import send_template
from grants.interfaces.awards.awarding import AwardError
from grants.interfaces.awards.payments import (
    _instalments,
    approve,
    check_approvable,
    check_payable,
    describe,
    paid_total,
    record_payment,
)
from grants.models.accounts import User
from grants.models.awards import Instalment, PaymentRun

# Several at once ---------------------------------------------------------------------------------

class BatchRefused(AwardError):
    """Some instalments of a batch were refused: ``problems`` names each one and why. Nothing of the
    batch may be kept: the caller rolls the transaction back."""

    def __init__(self, problems: list[str]):
        super().__init__(f"Nothing was changed: {len(problems)} of the instalments you chose cannot be "
                         "included")
        self.problems = problems


MAX_BATCH = 200  # instalments approved or paid in one go: a month's payment run with room to spare


def chosen_instalments(ids: Sequence[int]) -> list[Instalment]:
    """The instalments ticked, in the queue's order (due date, reference, number). An id that is not
    an instalment any more is left out (the caller compares the counts)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return _instalments(Instalment.id.in_(wanted))


def batch_total(instalments: Sequence[Instalment]) -> Decimal:
    return sum((instalment.amount for instalment in instalments), Decimal(0))


def _each(instalments: Sequence[Instalment], act) -> None:
    """``act`` on every instalment, through the same path as one at a time; BatchRefused listing
    every one refused (the caller rolls back the ones that went through)."""
    problems = []
    for instalment in instalments:
        try:
            act(instalment)
        except AwardError as refused:
            message = str(refused)
            if not message.startswith(describe(instalment)):
                message = f"{describe(instalment)}: {message[0].lower()}{message[1:]}"
            problems.append(message)
    if problems:
        raise BatchRefused(problems)


def batch_problems(instalments: Sequence[Instalment], action: str, user: User | None = None) -> list[str]:
    """Why any of ``instalments`` cannot be approved (``action`` "approve") or paid ("pay") now (by
    ``user``, when given), as the single path would say, before anything is tried."""
    check = check_approvable if action == "approve" else check_payable
    problems = []
    for instalment in instalments:
        try:
            check(instalment, user)
        except AwardError as refused:
            problems.append(str(refused))
    return problems


def approve_batch(instalments: Sequence[Instalment], finance_user: User, now: datetime | None = None) -> None:
    """Approve every instalment, each checked and audited as ``approve`` does; all or nothing."""
    _each(instalments, lambda instalment: approve(instalment, finance_user, now))


def pay_batch(instalments: Sequence[Instalment], paid_on: date | None, reference: str | None, finance_user: User,
              today: date | None = None, run: PaymentRun | None = None) -> None:
    """Record every instalment paid on ``paid_on`` with the payment run's ``reference``, each checked
    (approval, holds, the award's total) and audited as ``record_payment`` does; all or nothing."""
    _each(instalments, lambda instalment: record_payment(instalment, paid_on, reference, finance_user, today,
                                                         run=run))


# Telling the grantee -----------------------------------------------------------------------------

# A BACS payment reaches the payee's account within three working days of the day it is sent.
BACS_WORKING_DAYS = 3


def expected_in_account(paid_on: date) -> date:
    """The latest day a payment sent on ``paid_on`` should reach the grantee's account: three working
    days on (weekends skipped; bank holidays may add a day, which the email says)."""
    day, left = paid_on, BACS_WORKING_DAYS
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def tell_grantee_paid(instalment: Instalment) -> None:
    """Email the organisation's contact that the instalment has been paid: how much, for which
    grant, the reference to look for and when it should arrive."""
    assert instalment.paid_on is not None  # told once the payment is recorded
    from grants.interfaces.awards.emails import paid_values

    values = paid_values(instalment, paid_total(instalment.award), expected_in_account(instalment.paid_on))
    send_template("payment_made", instalment.award.organisation.contact_email, values)
