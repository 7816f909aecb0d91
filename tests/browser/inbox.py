"""A person's email, as the browser tests read it: the served app keeps every message it sends in its
outbox table, and the tests read that table from the served database."""

from __future__ import annotations

from sqlalchemy import Engine, select

from grants.models.mail import OutboxMessage
from tests.helpers import link_in


class Inbox:
    def __init__(self, engine: Engine):
        self.engine = engine

    def link(self, recipient: str, path_prefix: str) -> str:
        """The path of the newest link starting ``path_prefix`` emailed to ``recipient``."""
        messages = OutboxMessage.__table__
        query = (select(messages.c.body).where(messages.c.recipient == recipient.strip().lower())
                 .order_by(messages.c.id.desc()))
        with self.engine.connect() as connection:
            bodies = connection.scalars(query).all()
        link = link_in(bodies, path_prefix)
        if link is None:
            raise AssertionError(f"no {path_prefix} link emailed to {recipient} ({len(bodies)} messages)")
        return link
