"""Messages between staff and organisations (issue 23): a thread on each application, carried on to
its award, and messages officers send to a chosen group of people.

A thread message is never edited or deleted: it is the record of what was said. Attachments are
checked like every upload (grants.uploads) and stored outside the web root under a random name.
Each thread with messages also has a ``message_threads`` row, its newest message and count, kept in
the transaction of each message, so that the grants team's list of threads reads a row per thread on
its page, never every message.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model
from grants.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User
    from grants.models.applications import Application
    from grants.models.mail import OutboxMessage
    from grants.models.rounds import FundingRound


class ThreadMessage(Model):
    """One message in the thread about an application (and, once awarded, its grant)."""

    __tablename__ = "thread_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Written by staff (True) or by a member of the organisation (False): kept, not derived from the
    # author's roles, which can change.
    from_staff: Mapped[bool] = mapped_column(Boolean)
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    application: Mapped[Application] = relationship()
    author: Mapped[User | None] = relationship()
    attachments: Mapped[list[MessageAttachment]] = relationship(
        back_populates="message", order_by="MessageAttachment.id", cascade="all, delete-orphan")


class MessageThread(Model):
    """The thread on an application as its list shows it: its newest message, how many it has, and its
    newest from the organisation (which says whether it has any new to a member of the grants team).
    Written with each message (grants.interfaces.messages.threads.posting), in its transaction."""

    __tablename__ = "message_threads"
    # The list's order; with the application id in it, a page's ids and the count of threads are read
    # from the index alone on PostgreSQL.
    __table_args__ = (Index("ix_message_threads_last_message_id", "last_message_id", unique=True,
                            postgresql_include=["application_id"]),)

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    # Message ids without foreign keys: an application's deletion removes its messages and this row
    # together, in no set order. Each message is on one thread, so last_message_id is unique and the
    # list's order by it is total.
    last_message_id: Mapped[int] = mapped_column(Integer)
    messages: Mapped[int] = mapped_column(Integer)
    last_from_organisation_id: Mapped[int | None] = mapped_column(Integer)

    application: Mapped[Application] = relationship()
    last_message: Mapped[ThreadMessage] = relationship(
        primaryjoin="foreign(MessageThread.last_message_id) == ThreadMessage.id", viewonly=True)


class MessageAttachment(Model):
    """A file sent with a thread message, stored like an application's documents."""

    __tablename__ = "message_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("thread_messages.id", ondelete="CASCADE"), index=True)
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))

    message: Mapped[ThreadMessage] = relationship(back_populates="attachments")


class ThreadRead(Model):
    """How far a person has read a thread: messages after it are new to them."""

    __tablename__ = "thread_reads"
    __table_args__ = (UniqueConstraint("application_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    last_read_message_id: Mapped[int] = mapped_column(Integer)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BulkMessage(Model):
    """A message an officer sent to a chosen group: who chose it, the group as it was, and the text."""

    __tablename__ = "bulk_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Which group ("round_applicants", "returns_overdue", "round_panel"...) and its settings, such as
    # the round: kept as chosen, so the record says whom it meant even if the group changes later.
    group: Mapped[str] = mapped_column(String(40))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("funding_rounds.id", ondelete="SET NULL"), index=True)
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    group_label: Mapped[str] = mapped_column(String(300))  # the group in words, as the officer saw it
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    funding_round: Mapped[FundingRound | None] = relationship()
    sent_by: Mapped[User | None] = relationship()
    recipients: Mapped[list[BulkMessageRecipient]] = relationship(
        back_populates="bulk_message", order_by="BulkMessageRecipient.id", cascade="all, delete-orphan")


class BulkMessageRecipient(Model):
    """One person a bulk message went to, and the outbox message that carried it."""

    __tablename__ = "bulk_message_recipients"
    __table_args__ = (UniqueConstraint("bulk_message_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bulk_message_id: Mapped[int] = mapped_column(ForeignKey("bulk_messages.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(300), default="")  # the person or organisation, as shown
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))

    bulk_message: Mapped[BulkMessage] = relationship(back_populates="recipients")
    outbox_message: Mapped[OutboxMessage | None] = relationship()
