"""The message threads' kept rows (``message_threads``, grants.interfaces.messages.threads) against the
same figures worked out from scratch over the thread's messages: a row per thread with messages, its
newest message, its count and its newest from the organisation."""

from __future__ import annotations

from sqlalchemy import exc, select

from grants.extensions import db
from grants.interfaces.messages.threads import threads_from_scratch
from grants.models.messages import MessageThread


def problems() -> list[str]:
    """What the kept rows got wrong, a line per thread ([] when every row is right, or when the test
    left nothing to read: no active session, or a transaction a refused write made unusable)."""
    try:
        if not db.session().is_active:
            return []
        kept = {row[0]: tuple(row) for row in db.session.execute(select(
            MessageThread.application_id, MessageThread.last_message_id, MessageThread.messages,
            MessageThread.last_from_organisation_id))}
        scratch = {row[0]: tuple(row) for row in db.session.execute(threads_from_scratch())}
    except exc.SQLAlchemyError:
        return []
    return [f"application {application_id}: kept {kept.get(application_id)}, from its messages "
            f"{scratch.get(application_id)} (application, last message, messages, last from the organisation)"
            for application_id in sorted(kept.keys() | scratch.keys())
            if kept.get(application_id) != scratch.get(application_id)]
