"""Writing to a group: checking a message, showing it as it will arrive, sending it once to each
person, and the record of what was sent to whom.

A bulk message is written by the officer, so it is sent as typed (not through the editable email
templates), with one footer line naming the office and where replies go. Sending records the
message, a row per recipient and one outbox message each, and the audit event, in the caller's
transaction: all of it, or none.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from grants import audit
from grants.extensions import db
from grants.interfaces.bulk_messages.groups import GROUPS, GroupKind, Recipient, recipients
from grants.interfaces.paging import Page, paginate
from grants.mail import send_email
from grants.models.accounts import User
from grants.models.messages import BulkMessage, BulkMessageRecipient
from grants.models.rounds import FundingRound

SUBJECT_MAX_CHARACTERS = 150
BODY_MAX_CHARACTERS = 10_000
PER_PAGE = 25


class BulkMessageProblem(ValueError):
    """A message that cannot be sent as it is; ``field`` names the form field it belongs to, the
    text is for the officer."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Preview:
    """What would be sent: to whom, and the email as it will arrive."""

    kind: GroupKind
    funding_round: FundingRound | None
    group_label: str
    recipients: list[Recipient]
    subject: str
    typed_body: str  # as the officer wrote it, kept with the message
    body: str  # with the footer, as each person receives it


def rounds_to_choose() -> list[FundingRound]:
    """Every round, newest first, for the round question."""
    return list(db.session.scalars(select(FundingRound).order_by(FundingRound.opens_at.desc(), FundingRound.id.desc())))


def footer() -> str:
    config = current_app.config
    return (f"This message was sent by the {config['OFFICE_NAME']} (OPCC). "
            f"Replies to this email go to {config['MAIL_SENDER']}.")


def email_body(body: str) -> str:
    """The body as typed, then the footer."""
    return f"{body}\n\n---\n{footer()}"


def _plain(text: str) -> str:
    """Text as typed, trimmed, with line breaks as "\n" (a browser sends a form's as "\r\n")."""
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _checked(group: str, funding_round: FundingRound | None, subject: str, body: str) -> GroupKind:
    kind = GROUPS.get(group)
    if kind is None:
        raise BulkMessageProblem("group", "Select who to send the message to")
    if kind.needs_round and funding_round is None:
        raise BulkMessageProblem("round_id", "Select the funding round")
    if not subject:
        raise BulkMessageProblem("subject", "Enter a subject")
    if len(subject) > SUBJECT_MAX_CHARACTERS:
        raise BulkMessageProblem("subject", f"Subject must be {SUBJECT_MAX_CHARACTERS} characters or fewer")
    if "\n" in subject or "\r" in subject:
        raise BulkMessageProblem("subject", "Subject must be on one line")
    if not body:
        raise BulkMessageProblem("body", "Enter the message")
    if len(body) > BODY_MAX_CHARACTERS:
        raise BulkMessageProblem("body", f"Message must be {BODY_MAX_CHARACTERS:,} characters or fewer")
    return kind


def preview(group: str, funding_round: FundingRound | None, subject: str, body: str) -> Preview:
    """The recipients of ``group`` now and the email each would receive. Raises BulkMessageProblem
    for a message that could not be sent, including a group with no one in it."""
    subject, body = _plain(subject), _plain(body)
    kind = _checked(group, funding_round, subject, body)
    chosen_round = funding_round if kind.needs_round else None
    label = kind.describe(chosen_round)
    people = recipients(kind, chosen_round)
    if not people:
        raise BulkMessageProblem("group", f"No one is in this group: {label[0].lower()}{label[1:]}. "
                                          "Choose another group or round")
    return Preview(kind, chosen_round, label, people, subject, body, email_body(body))


def send(group: str, funding_round: FundingRound | None, subject: str, body: str, officer: User) -> BulkMessage:
    """Send the message to everyone in the group as it is now: one email each, recorded with the
    message. The caller commits."""
    shown = preview(group, funding_round, subject, body)
    message = BulkMessage(
        group=shown.kind.key, round_id=shown.funding_round.id if shown.funding_round else None,
        criteria={"round_id": shown.funding_round.id} if shown.funding_round else {},
        group_label=shown.group_label, subject=shown.subject, body=shown.typed_body, sent_by_id=officer.id,
    )
    db.session.add(message)
    for person in shown.recipients:
        outbox = send_email(person.email, shown.subject, shown.body)
        message.recipients.append(BulkMessageRecipient(
            email=person.email, name=person.name[:300], user_id=person.user_id,
            organisation_id=person.organisation_id, outbox_message=outbox,
        ))
    db.session.flush()
    count = len(shown.recipients)
    audit.record("bulk_message.sent", message,
                 f"Message “{shown.subject}” sent to {count} {'person' if count == 1 else 'people'}: "
                 f"{shown.group_label}",
                 changes={"recipients": {"before": None, "after": count}}, actor=officer)
    return message


def sent_messages(page: int) -> tuple[Page, dict[int, int]]:
    """A page of sent messages, newest first, and how many people each went to."""
    results = paginate(
        select(BulkMessage).options(selectinload(BulkMessage.sent_by))
        .order_by(BulkMessage.sent_at.desc(), BulkMessage.id.desc()), page, PER_PAGE)
    ids = [message.id for message in results.items]
    counts: dict[int, int] = {}
    if ids:
        rows = db.session.execute(
            select(BulkMessageRecipient.bulk_message_id, func.count())
            .where(BulkMessageRecipient.bulk_message_id.in_(ids))
            .group_by(BulkMessageRecipient.bulk_message_id)
        )
        counts = {message_id: number for message_id, number in rows}
    return results, counts


def sent_message(message_id: int) -> BulkMessage:
    """A sent message with its recipients and their outbox rows, or 404."""
    message = db.session.scalar(
        select(BulkMessage).where(BulkMessage.id == message_id)
        .options(selectinload(BulkMessage.recipients).selectinload(BulkMessageRecipient.outbox_message),
                 selectinload(BulkMessage.sent_by), selectinload(BulkMessage.funding_round))
    )
    if message is None:
        abort(404)
    return message


def round_or_404(round_id: int | None) -> FundingRound | None:
    if round_id is None:
        return None
    return db.session.get(FundingRound, round_id) or abort(404)
