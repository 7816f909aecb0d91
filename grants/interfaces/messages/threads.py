"""A thread of messages on each application, read by its organisation's members and the grants team.

Who may see a thread: grants officers and administrators (any application past its draft), and the
members of the organisation that made it. A partner organisation's contact on a consortium bid is
not party to the lead's conversation with the grants team, nor are panel members, finance staff or
commissioners; to anyone else a thread is "not found". A draft has no thread: the grants team
cannot see drafts.

A message is posted in one transaction with its attachments, its audit event and the emails telling
the other side: a file that fails the upload checks refuses the whole message and nothing is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from flask import abort
from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from grants import audit
from grants.document_store import document_store
from grants.extensions import db
from grants.interfaces.applications.documents import stored_file
from grants.interfaces.applications.partners import is_lead_member
from grants.interfaces.applications.submission import APPLICATION_STAFF
from grants.interfaces.messages import notify
from grants.interfaces.paging import Page, paginate
from grants.models.accounts import Role, User
from grants.models.applications import Application, ApplicationStatus
from grants.models.messages import MessageAttachment, ThreadMessage, ThreadRead
from grants.models.types import utcnow
from grants.uploads import CONTENT_TYPES, CheckedUpload, UploadRefused, check_upload, safe_display_name

MAX_BODY_CHARACTERS = 5_000
MAX_ATTACHMENTS = 5
THREADS_PER_PAGE = 25

EMPTY_BODY = "Enter your message"
LONG_BODY = f"Your message must be {MAX_BODY_CHARACTERS:,} characters or fewer"
TOO_MANY_FILES = f"Attach up to {MAX_ATTACHMENTS} files to one message"


class MessageRefused(ValueError):
    """The message cannot be sent; ``field`` ("body" or "attachments") is what to correct."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# Who may see a thread -------------------------------------------------------------------------------

def is_staff(user: User) -> bool:
    """Whether ``user`` writes for the grants team."""
    return user.has_role(*APPLICATION_STAFF)


def may_see(user: User, application: Application | None) -> bool:
    """Whether ``user`` may read and write the thread on ``application`` (see the module's docstring)."""
    if application is None or application.status is ApplicationStatus.DRAFT:
        return False
    if is_staff(user):
        return True
    return user.has_role(Role.APPLICANT) and is_lead_member(user, application)


def application_for_thread(user: User, application_id: int) -> Application:
    """The application whose thread ``user`` may see; "not found" otherwise, whoever asks."""
    application = db.session.get(Application, application_id)
    if not may_see(user, application):
        abort(404)
    assert application is not None  # may_see says no to None
    return application


award_of = notify.award_of


# Posting ------------------------------------------------------------------------------------------

def checked_attachments(files: Sequence[tuple[str | None, bytes | BinaryIO]]) -> list[CheckedUpload]:
    """Check every file as an upload is checked, before anything is stored; ``MessageRefused``
    naming the first file refused, or when there are more than ``MAX_ATTACHMENTS``."""
    if len(files) > MAX_ATTACHMENTS:
        raise MessageRefused("attachments", TOO_MANY_FILES)
    checked = []
    for filename, data in files:
        try:
            checked.append(check_upload(filename or "", data))
        except UploadRefused as refused:
            raise MessageRefused("attachments", naming(safe_display_name(filename), refused.message)) from None
    return checked


def naming(filename: str, message: str) -> str:
    """An upload check's message about "the selected file" said of ``filename``, so that a person
    sending several files knows which one to change."""
    named, found = re.subn(r"^The selected (?:file|PDF|image)", lambda _: filename, message, count=1)
    return named if found else f"{filename}: {message}"


def checked_body(body: str | None) -> str:
    text = (body or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not text:
        raise MessageRefused("body", EMPTY_BODY)
    if len(text) > MAX_BODY_CHARACTERS:
        raise MessageRefused("body", LONG_BODY)
    return text


@contextmanager
def posting(application: Application, author: User, body: str,
            uploads: Sequence[CheckedUpload] = ()) -> Iterator[ThreadMessage]:
    """Post a message with its checked attachments, audit it and tell the other side by email; the
    caller commits inside the block. If the block fails (the commit, say), the stored files are
    removed again, so that no file is kept without its message."""
    text = checked_body(body)
    if len(uploads) > MAX_ATTACHMENTS:
        raise MessageRefused("attachments", TOO_MANY_FILES)
    with ExitStack() as files:
        stored = [(upload, files.enter_context(stored_file(upload))) for upload in uploads]
        message = ThreadMessage(application_id=application.id, author_id=author.id, from_staff=is_staff(author),
                                body=text, sent_at=utcnow())
        message.attachments = [
            MessageAttachment(original_filename=upload.display_name, stored_name=stored_name,
                              content_type=upload.content_type, size_bytes=upload.size_bytes, sha256=upload.sha256)
            for upload, stored_name in stored
        ]
        db.session.add(message)
        db.session.flush()
        side = "the grants team" if message.from_staff else application.organisation.name
        audit.record(
            "message.posted", message,
            f"Message from {side} on {application.reference or f'application {application.id}'}"
            + (f" with {len(stored)} attachment{'' if len(stored) == 1 else 's'}" if stored else ""),
            # The text stays in the thread, not the log: it may hold personal information.
            changes=audit.diff({}, {"application_id": application.id, "from_staff": message.from_staff,
                                    "characters": len(text),
                                    "attachments": [a.original_filename for a in message.attachments]}),
            actor=author,
        )
        notify.tell_other_side(message)
        mark_read(application, author, up_to=message.id)
        yield message


# Reading ------------------------------------------------------------------------------------------

def thread(application: Application) -> list[ThreadMessage]:
    """The thread's messages, oldest first, with their authors and attachments."""
    return list(db.session.scalars(
        select(ThreadMessage).where(ThreadMessage.application_id == application.id)
        .options(joinedload(ThreadMessage.author), selectinload(ThreadMessage.attachments))
        .order_by(ThreadMessage.id)
    ).unique())


def last_read(application: Application, user: User) -> int:
    """The id of the last message ``user`` has read on the thread (0: none)."""
    return db.session.scalar(select(ThreadRead.last_read_message_id).where(
        ThreadRead.application_id == application.id, ThreadRead.user_id == user.id)) or 0


def is_new(message: ThreadMessage, user: User, read_up_to: int) -> bool:
    """Whether ``message`` is new to ``user``: from the other side, after what they last read."""
    return message.id > read_up_to and message.from_staff is not is_staff(user)


def mark_read(application: Application, user: User, up_to: int | None = None) -> None:
    """Record that ``user`` has read the thread up to message ``up_to`` (by default, its newest).
    Never moves back; writes nothing when there is nothing new to record."""
    if up_to is None:
        up_to = db.session.scalar(select(func.max(ThreadMessage.id))
                                  .where(ThreadMessage.application_id == application.id))
        if up_to is None:
            return
    read = db.session.scalar(select(ThreadRead).where(
        ThreadRead.application_id == application.id, ThreadRead.user_id == user.id))
    if read is None:
        try:
            with db.session.begin_nested():  # two tabs opened at once: the second updates the first's row
                db.session.add(ThreadRead(application_id=application.id, user_id=user.id,
                                          last_read_message_id=up_to, read_at=utcnow()))
            return
        except IntegrityError:
            read = db.session.scalar(select(ThreadRead).where(
                ThreadRead.application_id == application.id, ThreadRead.user_id == user.id))
            if read is None:
                raise
    if read.last_read_message_id < up_to:
        read.last_read_message_id, read.read_at = up_to, utcnow()


def _new_to(user: User):
    """Join and conditions for the messages new to ``user``: from the other side, after their last read."""
    joined = and_(ThreadRead.application_id == ThreadMessage.application_id, ThreadRead.user_id == user.id)
    condition = and_(ThreadMessage.from_staff.is_(not is_staff(user)),
                     ThreadMessage.id > func.coalesce(ThreadRead.last_read_message_id, 0))
    return joined, condition


def new_count(application: Application, user: User) -> int:
    """How many messages on the thread are new to ``user``."""
    joined, condition = _new_to(user)
    return db.session.scalar(
        select(func.count(ThreadMessage.id)).select_from(ThreadMessage).outerjoin(ThreadRead, joined)
        .where(ThreadMessage.application_id == application.id, condition)
    ) or 0


def new_counts(application_ids: Sequence[int], user: User) -> dict[int, int]:
    """New messages to ``user`` on each of these threads (threads with none left out)."""
    if not application_ids:
        return {}
    joined, condition = _new_to(user)
    rows = db.session.execute(
        select(ThreadMessage.application_id, func.count(ThreadMessage.id)).select_from(ThreadMessage)
        .outerjoin(ThreadRead, joined)
        .where(ThreadMessage.application_id.in_(application_ids), condition)
        .group_by(ThreadMessage.application_id)
    )
    return {application_id: count for application_id, count in rows}


# The grants team's list of threads ---------------------------------------------------------------

@dataclass(frozen=True)
class ThreadSummary:
    application: Application
    last_message: ThreadMessage
    messages: int
    new: int  # messages from the organisation new to the reader


def threads_for_staff(user: User, page: int, only_new: bool = False) -> tuple[Page, list[ThreadSummary]]:
    """Threads with messages, the one written in last first, a page at a time, with how many of each
    one's messages from the organisation ``user`` has not read (``only_new``: only threads with some)."""
    latest = (select(ThreadMessage.application_id, func.max(ThreadMessage.id).label("last_id"),
                     func.count(ThreadMessage.id).label("messages"))
              .group_by(ThreadMessage.application_id).subquery())
    query = (select(Application).join(latest, latest.c.application_id == Application.id)
             .options(joinedload(Application.organisation))
             .order_by(latest.c.last_id.desc()))
    if only_new:
        joined, condition = _new_to(user)
        has_new = (select(ThreadMessage.application_id).select_from(ThreadMessage).outerjoin(ThreadRead, joined)
                   .where(condition))
        query = query.where(Application.id.in_(has_new))
    results = paginate(query, page, THREADS_PER_PAGE)
    ids = [application.id for application in results.items]
    if not ids:
        return results, []
    rows = db.session.execute(select(latest.c.application_id, latest.c.last_id, latest.c.messages)
                              .where(latest.c.application_id.in_(ids))).all()
    last_ids = {application_id: last_id for application_id, last_id, _ in rows}
    totals = {application_id: messages for application_id, _, messages in rows}
    last_messages = {message.id: message for message in db.session.scalars(
        select(ThreadMessage).where(ThreadMessage.id.in_(last_ids.values()))
        .options(joinedload(ThreadMessage.author)))}
    counts = new_counts(ids, user)
    summaries = [ThreadSummary(application, last_messages[last_ids[application.id]], totals[application.id],
                               counts.get(application.id, 0)) for application in results.items]
    return results, summaries


def threads_with_new(user: User) -> int:
    """How many threads have messages from organisations that ``user`` has not read."""
    joined, condition = _new_to(user)
    return db.session.scalar(
        select(func.count(func.distinct(ThreadMessage.application_id))).select_from(ThreadMessage)
        .outerjoin(ThreadRead, joined).where(condition)
    ) or 0


# Attachments ----------------------------------------------------------------------------------------

def attachment_for(application: Application, attachment_id: int) -> MessageAttachment:
    """An attachment of a message on ``application``'s thread; any other is "not found"."""
    attachment = db.session.get(MessageAttachment, attachment_id)
    if attachment is None or attachment.message.application_id != application.id:
        abort(404)
    return attachment


def open_attachment(attachment: MessageAttachment) -> BinaryIO:
    """The attachment's file; ``grants.document_store.DocumentMissing`` if it is not there."""
    return document_store().open(attachment.stored_name)


def served_content_type(attachment: MessageAttachment) -> str:
    """The type checked when it was sent; anything else (a row changed by hand) is served as bytes."""
    return attachment.content_type if attachment.content_type in CONTENT_TYPES.values() else "application/octet-stream"
