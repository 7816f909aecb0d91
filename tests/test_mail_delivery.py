"""Email that is never lost and never sent twice (issue 23), against a real SMTP server running in the
test (aiosmtpd): a message queued in a transaction is sent after the commit and not before, never if
the transaction is rolled back; the server going down loses nothing and, once it is back, each message
arrives exactly once; a message that keeps failing is given up on, shown to administrators with its
error, and sent again when one asks."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from flask import current_app
from sqlalchemy import select

from grants import mail
from grants.extensions import db
from grants.models.audit import AuditEvent
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow
from tests.helpers import page, post
from tests.test_migrations import scratch_database_url  # noqa: F401


class Inbox:
    """What the SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode()))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A real SMTP server on one port, which the test can take down and bring back."""

    def __init__(self, port: int) -> None:
        self.port, self.inbox, self.controller = port, Inbox(), None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A running SMTP server the app sends to; ``.stop()`` and ``.start()`` take it down and up."""
    server = Server(_free_port())
    server.start()
    for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port,
                       "MAIL_USE_TLS": False, "MAIL_USERNAME": None, "MAIL_TIMEOUT_SECONDS": 5,
                       "MAIL_MAX_ATTEMPTS": 3}.items():
        monkeypatch.setitem(app.config, key, value)
    yield server
    server.stop()


def _subjects(inbox: Inbox) -> list[str]:
    return [next(line[9:] for line in content.splitlines() if line.startswith("Subject: "))
            for _sender, _to, content in inbox.messages]


def test_a_queued_email_is_sent_after_the_commit_and_arrives_once(smtp_server, db):
    message = mail.send_email("jo@example.org", "Your grant", "Dear Jo,\n\nGood news.")
    assert message.status == "queued"
    assert smtp_server.inbox.messages == []  # nothing goes inside the request
    db.session.commit()
    assert mail.sweep() == 1
    [(sender, to, content)] = smtp_server.inbox.messages
    assert (sender, to) == (current_app.config["MAIL_SENDER"], ["jo@example.org"])
    assert "Subject: Your grant" in content and "Good news." in content
    assert f"Message-ID: <outbox.{message.id}." in content
    db.session.refresh(message)
    assert (message.status, message.attempts, message.error) == ("sent", 1, None) and message.sent_at is not None
    assert mail.sweep() == 0 and mail.deliver(message.id) is False  # never again
    assert len(smtp_server.inbox.messages) == 1


def test_mail_of_a_rolled_back_change_is_never_sent(smtp_server, db):
    mail.send_email("jo@example.org", "Undone", "This change was rolled back")
    db.session.rollback()
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert mail.sweep() == 0 and smtp_server.inbox.messages == []


def test_the_server_down_loses_nothing_and_once_back_each_email_arrives_once(smtp_server, db):
    smtp_server.stop()
    first = mail.send_email("a@example.org", "First", "One")
    second = mail.send_email("b@example.org", "Second", "Two")
    db.session.commit()
    now = utcnow()
    assert mail.sweep(now) == 0
    for message in (first, second):
        db.session.refresh(message)
        assert (message.status, message.attempts) == ("queued", 1)
        assert message.error  # the connection was refused, in the server's words
        assert message.next_attempt_at == now + timedelta(minutes=1)
    assert mail.sweep(now + timedelta(seconds=30)) == 0  # not due yet: no attempt is wasted
    db.session.refresh(first)
    assert first.attempts == 1
    smtp_server.start()
    assert mail.sweep(now + timedelta(minutes=1)) == 2
    assert sorted(_subjects(smtp_server.inbox)) == ["First", "Second"]
    assert mail.sweep(now + timedelta(hours=1)) == 0
    assert len(smtp_server.inbox.messages) == 2


def test_two_senders_at_once_send_a_message_once(smtp_server, db):
    message = mail.send_email("jo@example.org", "Once", "Only once")
    db.session.commit()
    now = utcnow()
    # The first sender holds it (as deliver's claim does) while a second sender sweeps.
    message.claimed_until = now + mail.LEASE
    db.session.commit()
    assert mail.sweep(now) == 0 and smtp_server.inbox.messages == []
    # A sender that stopped without finishing: once its hold runs out the message is sent, once.
    assert mail.sweep(now + mail.LEASE + timedelta(seconds=1)) == 1
    assert mail.sweep(now + mail.LEASE + timedelta(minutes=10)) == 0
    assert _subjects(smtp_server.inbox) == ["Once"]


def test_backoff_grows_and_is_capped():
    assert [mail.backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=1), timedelta(minutes=4),
                                                        timedelta(minutes=16), timedelta(minutes=64)]
    assert mail.backoff(9) == timedelta(hours=6)


def test_a_message_that_keeps_failing_is_given_up_shown_to_admins_and_sent_again(smtp_server, db, as_role):
    smtp_server.stop()
    message = mail.send_email("jo@example.org", "Your claim", "Accepted")
    db.session.commit()
    now = utcnow()
    for attempt in range(3):  # MAIL_MAX_ATTEMPTS is 3 here
        mail.sweep(now + timedelta(hours=attempt * 6))
    db.session.refresh(message)
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 3, None)
    assert mail.sweep(now + timedelta(days=2)) == 0  # given up: no more attempts

    admin = as_role("admin")
    listing = page(admin.get("/admin/outbox?status=failed"))
    row = " ".join(listing.select_one("tbody tr").get_text(" ").split())
    assert "Your claim" in row and "Failed Gave up:" in row
    shown = page(admin.get(f"/admin/outbox/{message.id}"))
    summary = " ".join(shown.select_one(".govuk-summary-list").get_text(" ").split())
    assert "Attempts to send 3" in summary and f"Failed: {message.error}" in summary

    smtp_server.start()
    response = post(admin, f"/admin/outbox/{message.id}/resend", follow_redirects=True)
    banner = " ".join(page(response).select_one(".govuk-notification-banner").get_text(" ").split())
    assert "The email to jo@example.org will be sent again now" in banner
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mail.resent")).all()
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("queued", 0)
    assert mail.sweep() == 1 and _subjects(smtp_server.inbox) == ["Your claim"]
    # A sent message cannot be sent again from the page.
    response = post(admin, f"/admin/outbox/{message.id}/resend", follow_redirects=True)
    assert "only one that failed or is waiting can be sent again" in page(response).get_text(" ")
    assert len(smtp_server.inbox.messages) == 1


def test_resending_needs_an_admin_and_the_form_key(smtp_server, db, as_role):
    message = mail.send_email("jo@example.org", "Hello", "Hi")
    message.status = "failed"
    db.session.commit()
    assert post(as_role("grants_officer"), f"/admin/outbox/{message.id}/resend").status_code == 403
    assert as_role("admin").post(f"/admin/outbox/{message.id}/resend").status_code == 400  # no CSRF token
    db.session.refresh(message)
    assert message.status == "failed"


@pytest.mark.slow
def test_in_the_background_queued_mail_goes_after_the_commit_without_anyone_sweeping(scratch_database_url,  # noqa: F811
                                                                                     monkeypatch):
    """MAIL_DELIVERY=background, the default outside the tests, without Redis: the commit hands the sending
    to a thread of the process, so the request never waits for the mail server."""
    from flask_migrate import upgrade

    from grants import create_app

    server = Server(_free_port())
    server.start()
    try:
        scratch = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_database_url,
                              "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port,
                              "MAIL_USE_TLS": False, "MAIL_DELIVERY": "background"})
        monkeypatch.setattr(db, "session", db._make_scoped_session({}))
        with scratch.app_context():
            upgrade()
            mail.send_email("jo@example.org", "In the background", "Sent by the thread")
            assert server.inbox.messages == []
            db.session.commit()
            for _ in range(100):
                if server.inbox.messages:
                    break
                time.sleep(0.05)
            assert _subjects(server.inbox) == ["In the background"]
            for _ in range(100):  # the thread marks it sent in its own session
                status = db.session.scalar(select(OutboxMessage.status))
                db.session.rollback()
                if status == "sent":
                    break
                time.sleep(0.05)
            assert status == "sent"
            db.session.remove()
            db.engine.dispose()
    finally:
        server.stop()
