"""Demo message to a group (issue 23): the grants officer has written to every applicant in the closed
round, which is being assessed, to say when decisions will be made. Sent through the bulk messages
interface, so it has its recipients, their outbox messages and its audit event. Idempotent: nothing is
added once the message exists. Never run against production data."""

from __future__ import annotations

from sqlalchemy import select

from grants.demo.rounds import ROUNDS
from grants.extensions import db
from grants.interfaces.auth import accounts
from grants.interfaces.bulk_messages import sending
from grants.models.messages import BulkMessage
from grants.models.rounds import FundingRound

ROUND_NAME = ROUNDS[1][0]  # the closed round, under assessment
SUBJECT = "Your application to Commissioners Grant 2026: when you will hear"
BODY = (
    "Hello,\n\n"
    "Thank you for applying to the Commissioners Grant 2026. The round has closed and the panel is now scoring "
    "the bids.\n\n"
    "The Police and Crime Commissioner expects to make decisions within six weeks. We will email you as soon as "
    "the decision on your application is made, with feedback from the panel.\n\n"
    "If anything about your project has changed since you applied (your contact details, your budget or your "
    "partners), reply to this email and tell us.\n\n"
    "Grants team"
)


def seed() -> None:
    """Send the demo message unless it was sent already; the caller commits."""
    if db.session.scalar(select(BulkMessage.id).filter_by(subject=SUBJECT)) is not None:
        return
    officer = accounts.get_user_by_email("officer@example.org")
    funding_round = db.session.scalar(select(FundingRound).filter_by(name=ROUND_NAME))
    if officer is None or funding_round is None:
        return
    sending.send("round_applicants", funding_round, SUBJECT, BODY, officer)
