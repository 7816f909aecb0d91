"""The demo's message to a group: the closed round's applicants were told when they will hear."""

from __future__ import annotations

from sqlalchemy import func, select

from grants.demo import bulk_messages as demo
from grants.demo import seed_demo
from grants.demo.rounds import seed_rounds
from grants.extensions import db as _db
from grants.interfaces.auth import accounts
from grants.models.mail import OutboxMessage
from grants.models.messages import BulkMessage
from tests.helpers import page


def test_the_demo_message_went_to_the_closed_rounds_applicants_once(db, as_user):
    seed_demo()
    seed_rounds()
    demo.seed()
    demo.seed()  # idempotent
    messages = _db.session.scalars(select(BulkMessage)).all()
    assert len(messages) == 1
    message = messages[0]
    assert message.group_label == f"Every applicant in {demo.ROUND_NAME}"
    addresses = {recipient.email for recipient in message.recipients}
    assert "applicant@example.org" in addresses  # Tamar Valley Recovery Community applied to the round
    assert _db.session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.subject == demo.SUBJECT)) == len(addresses)

    officer = as_user(accounts.get_user_by_email("officer@example.org"))
    listed = page(officer.get("/messages/bulk/")).select_one("tbody tr").get_text(" ")
    assert demo.SUBJECT in listed and str(len(addresses)) in listed.split()
