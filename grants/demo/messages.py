"""Demo message thread (issue 23): on the demo applicant's grant (Harbour Recovery Café), the officer
and the grantee have written four messages over the last three weeks, one with a file attached; the
grantee's latest question is new to the officer. Everything goes through the messages interface
(attachments checked and stored like any upload, the emails queued), then the messages are dated in
the past. Idempotent: a thread that has messages is left alone. Never run against production data."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from grants.demo.rounds import _demo_pdf
from grants.extensions import db
from grants.interfaces.auth import accounts
from grants.interfaces.messages import threads
from grants.models.applications import Application
from grants.models.awards import Award
from grants.models.messages import ThreadMessage
from grants.models.types import utcnow
from grants.uploads import check_upload

PROJECT = "Harbour Recovery Café"  # the demo applicant's grant (grants/demo/awards.py)
ATTACHMENT = "Attendance, summer sessions.pdf"

# (days ago, from the officer?, text, attach the attendance sheet?)
THREAD = (
    (20, True, "Thank you for your first monitoring return, which we have accepted.\n\n"
               "Could you send us the attendance figures for the summer sessions? The panel asked how many "
               "people came back after their first visit.", False),
    (19, False, "Of course: the attendance sheet is attached. 38 people came to at least one session and 24 "
                "came back at least once.", True),
    (18, True, "Thank you, that is all we need. Your second instalment will be paid once your next return "
               "is in.", False),
    (2, False, "A quick question before our next return: can we move £200 from venue hire to volunteers' "
               "travel expenses? The church hall has lowered its rate.", False),
)


def seed() -> None:
    """Add the thread unless the demo grant has one already; the caller commits."""
    award = db.session.scalar(select(Award).join(Application, Award.application_id == Application.id)
                              .where(Application.project_title == PROJECT))
    officer = accounts.get_user_by_email("officer@example.org")
    grantee = accounts.get_user_by_email("applicant@example.org")
    if award is None or officer is None or grantee is None:
        return
    application = award.application
    if db.session.scalar(select(ThreadMessage.id).where(ThreadMessage.application_id == application.id)):
        return
    now = utcnow()
    for days_ago, from_officer, text, attach in THREAD:
        uploads = [check_upload(ATTACHMENT, _demo_pdf("Harbour Recovery Cafe: attendance, summer sessions"))] \
            if attach else []
        with threads.posting(application, officer if from_officer else grantee, text, uploads) as message:
            message.sent_at = now - timedelta(days=days_ago, hours=3)
    db.session.flush()
