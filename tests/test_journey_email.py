"""The journey's emails as people receive them (issue 23): the applicant's and officer's journey of
tests/test_journey.py, run with the SMTP backend against a real SMTP server (aiosmtpd) that is down
while the journey runs. Nothing is lost; once the server is back every email arrives exactly once, as
its template says, and an administrator's edit of a template is what the next email says."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_string, policy

from sqlalchemy import select

from grants import email_templates, mail
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow
from tests import test_journey
from tests.test_mail_delivery import smtp_server  # noqa: F401  (the fixture)


def _received(server) -> list[tuple[str, str, str]]:
    """(to, subject, body) of each email the server received, read as a mail program reads it."""
    found = []
    for _sender, to, content in server.inbox.messages:
        parsed = message_from_string(content, policy=policy.default)
        found.append((to[0], str(parsed["Subject"]), parsed.get_content().replace("\r\n", "\n")))
    return found


def test_the_journeys_emails_arrive_once_after_the_server_comes_back(
        app, db, as_role, users, smtp_server):  # noqa: F811  (the fixture imported above)
    email_templates.save("application_submitted", "We have your application ((reference))",
                         "Dear ((contact name)),\n\nYour application to ((round name)) is in.\n\n((office name))",
                         users["admin"], based_on=None)
    db.session.commit()
    smtp_server.stop()

    test_journey.test_apply_screen_and_export(app, db, as_role, users)

    queued = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert len(queued) >= 4 and {message.status for message in queued} == {"queued"}
    assert mail.sweep() == 0  # the server is down: every attempt fails, and each message waits to be tried again
    assert smtp_server.inbox.messages == []
    db.session.expire_all()
    assert {message.status for message in db.session.scalars(select(OutboxMessage))} == {"queued"}

    smtp_server.start()
    later = utcnow() + timedelta(minutes=5)  # past the first wait of the backoff
    assert mail.sweep(later) == len(queued)
    assert mail.sweep(later) == 0  # never twice
    db.session.expire_all()
    sent = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert {m.status for m in sent} == {"sent"}
    received = _received(smtp_server)
    assert len(received) == len(sent)
    assert sorted(received) == sorted((m.recipient, m.subject, m.body) for m in sent)  # each once, as written
    subjects = [subject for _to, subject, _body in _received(smtp_server)]
    application = next(m for m in sent if m.subject.startswith("We have your application"))
    assert application.body.startswith("Dear ") and "Your application to Safer Streets Fund is in." in application.body
    assert any(subject.startswith("A question about your application") for subject in subjects)
