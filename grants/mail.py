"""Sending email so that none is lost and none goes twice (issue 23).

Every message is a row of the outbox, added in the same transaction as the change that causes it
(``send_email``): if the change is rolled back, so is the message. With ``MAIL_BACKEND=outbox`` it is
only kept for staff to read. With ``MAIL_BACKEND=smtp`` it is *queued* and sent after the commit,
never inside the request, so a slow or failing mail server cannot slow or fail the page:

- ``deliver`` takes one queued message with a conditional UPDATE that also stamps a lease
  (``claimed_until``): of two senders at once only one gets it, and no one else takes it until the
  lease runs out. The attempt is counted before sending.
- A send that fails is retried with backoff (1, 4, 16, 64 minutes …, at most 6 hours apart); after
  ``MAIL_MAX_ATTEMPTS`` attempts the message is *failed*, shown to administrators with its error, and
  can be sent again (``resend``).
- A sent message is marked sent at once and never taken again. Each carries a Message-ID made from
  its row, the same on every attempt, so a receiving server can tell a repeat (the one window left:
  a sender that stops between the server accepting the message and the row being marked sent).
- ``sweep`` sends every queued message that is due. It runs after each commit that queued mail
  (``MAIL_DELIVERY=background``: a job on the queue, or a thread of the process without Redis, so
  the request does not wait; grants.jobs),
  from ``flask send-outbox`` and ``flask send-reminders``, and can be scheduled; running it twice at
  once sends nothing twice. ``MAIL_DELIVERY=manual`` (the tests) sends only when ``sweep`` is called.
"""

from __future__ import annotations

import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from grants import audit
from grants.extensions import db
from grants.interfaces.writes import rows_changed
from grants.models.accounts import User
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow

KEPT, QUEUED, SENT, FAILED = "kept", "queued", "sent", "failed"
STATUSES = (KEPT, QUEUED, SENT, FAILED)
# How long a sender holds a message it is sending: well past the SMTP timeout.
LEASE = timedelta(minutes=5)
LONGEST_WAIT = timedelta(hours=6)
SWEEP_BATCH = 200
_PENDING = "outbox_queued"  # session.info flag: this transaction queued mail


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 1, 4, 16, 64 … minutes, at most 6 hours."""
    return min(timedelta(minutes=4 ** max(attempts - 1, 0)), LONGEST_WAIT)


def send_email(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Add a plain-text message to the outbox in the current transaction; with the SMTP backend it is
    queued and sent after the transaction commits (never if it is rolled back)."""
    smtp = current_app.config["MAIL_BACKEND"] == "smtp"
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, status=QUEUED if smtp else KEPT)
    db.session.add(message)
    if smtp:
        db.session.info[_PENDING] = True
    return message


def _email(message: OutboxMessage, config: Any) -> EmailMessage:
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    domain = config["MAIL_SENDER"].rpartition("@")[2] or "localhost"
    # The same on every attempt: the row and the moment it was made.
    email["Message-ID"] = f"<outbox.{message.id}.{message.created_at:%Y%m%d%H%M%S}@{domain}>"
    email.set_content(message.body)
    return email


def _smtp_send(email: EmailMessage, config: Any) -> None:
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


def _due(now: datetime) -> Any:
    return (
        (OutboxMessage.status == QUEUED)
        & or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now)
        & or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)
    )


def deliver(message_id: int, now: datetime | None = None) -> bool:
    """Try to send one queued message that is due; whether it was sent. Commits: the claim before
    sending, the outcome after."""
    now = now or utcnow()
    claimed = rows_changed(
        update(OutboxMessage).where(OutboxMessage.id == message_id, _due(now))
        .values(claimed_until=now + LEASE, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if not claimed:
        return False
    message = db.session.get(OutboxMessage, message_id)
    if message is None:  # pragma: no cover - deleted between the claim and now
        return False
    db.session.refresh(message)
    config = current_app.config
    try:
        _smtp_send(_email(message, config), config)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning("Email %s to %s not sent (attempt %s): %s", message.id, message.recipient,
                                   message.attempts, error)
        message.error = str(error)[:500] or error.__class__.__name__
        message.claimed_until = None
        if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
            message.status = FAILED
            message.next_attempt_at = None
        else:
            message.next_attempt_at = now + backoff(message.attempts)
        db.session.commit()
        return False
    message.status, message.sent_at, message.error, message.claimed_until = SENT, utcnow(), None, None
    message.next_attempt_at = None
    db.session.commit()
    return True


def sweep(now: datetime | None = None) -> int:
    """Send every queued message that is due, oldest first, a batch at a time; how many were sent."""
    now = now or utcnow()
    sent = 0
    while True:
        ids = list(db.session.scalars(select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id)
                                      .limit(SWEEP_BATCH)))
        db.session.commit()
        if not ids:
            return sent
        tried = [deliver(message_id, now) for message_id in ids]
        sent += sum(tried)
        if len(ids) < SWEEP_BATCH:
            return sent


def resend(message: OutboxMessage, user: User) -> None:
    """Queue a failed (or still queued) message again, with its attempts counted afresh; audited. The
    caller commits."""
    if message.status not in (FAILED, QUEUED):
        raise ValueError(f"A {message.status} message cannot be sent again")
    before = message.status
    message.status, message.attempts, message.next_attempt_at, message.claimed_until = QUEUED, 0, None, None
    db.session.info[_PENDING] = True
    audit.record("mail.resent", message, f"Email to {message.recipient} ({message.subject}) queued again",
                 changes={"status": {"before": before, "after": QUEUED}}, actor=user)


# After the commit ---------------------------------------------------------------------------------

def _after_commit(session: Session) -> None:
    """A transaction that queued mail has committed: send it in the background (grants.jobs)."""
    if not session.info.pop(_PENDING, False):
        return
    if current_app.config["MAIL_DELIVERY"] != "background":
        return
    from grants import jobs

    try:
        jobs.enqueue("grants.mail.sweep")
    except Exception:  # noqa: BLE001  the queue is down: the mail stays queued for flask send-outbox
        current_app.logger.exception("Could not start sending queued email")


def _after_rollback(session: Session, previous_transaction: Any) -> None:
    """Mail queued by a rolled-back transaction went with it."""
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


def init_app(app: Flask) -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
