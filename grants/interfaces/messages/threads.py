"""A thread of messages on each application, read by its organisation's members and the grants team.

Who may see a thread: grants officers and administrators (any application past its draft), and the
members of the organisation that made it. A partner organisation's contact on a consortium bid is
not party to the lead's conversation with the grants team, nor are panel members, finance staff or
commissioners; to anyone else a thread is "not found". A draft has no thread: the grants team
cannot see drafts.

A message is posted in one transaction with its attachments, its audit event, the emails telling
the other side and its thread's kept row (``message_threads``: newest message and count, which the
grants team's list pages over): a file that fails the upload checks refuses the whole message and
nothing is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import BinaryIO

from flask import abort
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, lazyload, selectinload

from grants import audit
from grants.document_store import document_store
from grants.extensions import db
from grants.interfaces import writes
from grants.interfaces.applications.documents import stored_file
from grants.interfaces.applications.partners import is_lead_member
from grants.interfaces.applications.submission import APPLICATION_STAFF
from grants.interfaces.messages import notify
from grants.interfaces.paging import Page, paginate
from grants.models.accounts import Role, User
from grants.models.applications import Application, ApplicationStatus
from grants.models.messages import MessageAttachment, MessageThread, ThreadMessage, ThreadRead
from grants.models.organisations import Organisation
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
        _count_in_thread(message)
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


def _count_in_thread(message: ThreadMessage) -> None:
    """Add the flushed ``message`` to its thread's kept row, making the row with the thread's first
    message. One statement that reads none of the thread's messages: on PostgreSQL a second post on the
    thread at once waits for the first's row and adds to it as committed, where a count of the messages
    would not see the other transaction's message."""
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    # The larger of two values: PostgreSQL's greatest(), SQLite's max() of several arguments.
    newest = getattr(func, "greatest" if postgresql else "max")
    from_organisation = None if message.from_staff else message.id
    upsert = writes.upsert(MessageThread).values(
        application_id=message.application_id, last_message_id=message.id, messages=1,
        last_from_organisation_id=from_organisation)
    # Ids, not the order of the commits, say which message is newest.
    changes = {"messages": MessageThread.messages + 1,
               "last_message_id": newest(MessageThread.last_message_id, upsert.excluded.last_message_id)}
    if from_organisation is not None:
        changes["last_from_organisation_id"] = newest(func.coalesce(MessageThread.last_from_organisation_id, 0),
                                                      upsert.excluded.last_from_organisation_id)
    db.session.execute(
        upsert.on_conflict_do_update(index_elements=[MessageThread.application_id], set_=changes)
        .returning(MessageThread),
        execution_options={"populate_existing": True},  # a row loaded before shows the new figures
    ).scalar_one()


def threads_from_scratch() -> Select:
    """What every thread's kept row holds, worked out from its messages: application_id,
    last_message_id, messages and last_from_organisation_id, a row per thread with messages."""
    return (select(ThreadMessage.application_id, func.max(ThreadMessage.id).label("last_message_id"),
                   func.count(ThreadMessage.id).label("messages"),
                   func.max(case((ThreadMessage.from_staff.is_(False), ThreadMessage.id)))
                   .label("last_from_organisation_id"))
            .group_by(ThreadMessage.application_id))


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

@dataclass(frozen=True, slots=True)
class ThreadApplication:
    """What the list shows of a thread's application."""

    id: int
    reference: str | None
    project_title: str | None
    organisation_name: str


@dataclass(frozen=True, slots=True)
class ThreadSummary:
    """A row of the grants team's list of threads, read as plain columns (building each thread's
    application, organisation, newest message and its author took longer than reading them)."""

    application: ThreadApplication
    messages: int
    last_sent_at: datetime
    last_author: str | None  # None: the author's account is gone
    last_from_staff: bool
    new: int = 0  # messages from the organisation new to the reader


def _new_from_organisation(user: User):
    """Join and condition for the threads with messages from their organisation that ``user``, a member
    of the grants team, has not read: its newest from the organisation is after their last read."""
    joined = and_(ThreadRead.application_id == MessageThread.application_id, ThreadRead.user_id == user.id)
    return joined, MessageThread.last_from_organisation_id > func.coalesce(ThreadRead.last_read_message_id, 0)


def threads_for_staff(user: User, page: int, only_new: bool = False) -> tuple[Page, list[ThreadSummary]]:
    """Threads with messages, the one written in last first, a page at a time, with how many of each
    one's messages from the organisation ``user`` has not read (``only_new``: only threads with some).
    Pages over the kept rows in the order of their index: a page costs the same however many threads."""
    query = select(MessageThread).options(lazyload("*")).order_by(MessageThread.last_message_id.desc())
    if only_new:
        joined, has_new = _new_from_organisation(user)
        query = query.outerjoin(ThreadRead, joined).where(has_new)
    results = paginate(query, page, THREADS_PER_PAGE, load=_summaries)
    counts = new_counts([summary.application.id for summary in results.items], user)
    summaries = [replace(summary, new=counts.get(summary.application.id, 0)) for summary in results.items]
    return results, summaries


def _summaries(application_ids: list[int]) -> dict[int, ThreadSummary]:
    """The list's rows of these threads (one statement), by application id."""
    rows = db.session.execute(
        select(MessageThread.application_id, MessageThread.messages, Application.reference,
               Application.project_title, Organisation.name, ThreadMessage.sent_at, User.full_name,
               ThreadMessage.from_staff)
        .join(Application, Application.id == MessageThread.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .join(ThreadMessage, ThreadMessage.id == MessageThread.last_message_id)
        .outerjoin(User, User.id == ThreadMessage.author_id)
        .where(MessageThread.application_id.in_(application_ids))
    )
    return {application_id: ThreadSummary(ThreadApplication(application_id, reference, title, organisation),
                                          messages, sent_at, author, from_staff)
            for application_id, messages, reference, title, organisation, sent_at, author, from_staff in rows}


def threads_with_new(user: User) -> int:
    """How many threads have messages from organisations that ``user``, a member of the grants team,
    has not read."""
    joined, has_new = _new_from_organisation(user)
    return db.session.scalar(
        select(func.count()).select_from(MessageThread).outerjoin(ThreadRead, joined).where(has_new)
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
