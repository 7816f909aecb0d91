"""Email that is never lost (issue 23): each message is recorded in the transaction that causes it and
sent after the commit, retried with backoff, never by two senders at once, and given up on after the
last attempt, for an administrator to see and send again: ``outbox_messages.attempts``,
``next_attempt_at``, ``claimed_until`` and ``sent_at``, and an index on ``status``.

Columns are added with plain ``ALTER TABLE`` on SQLite, never batch mode (see 0016 and 0018).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 00:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

TIMES = ("next_attempt_at", "claimed_until", "sent_at")


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE outbox_messages ADD COLUMN attempts INTEGER DEFAULT '0' NOT NULL")
        for column in TIMES:
            op.execute(f"ALTER TABLE outbox_messages ADD COLUMN {column} DATETIME")
    else:
        op.add_column("outbox_messages", sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        for column in TIMES:
            op.add_column("outbox_messages", sa.Column(column, sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f("ix_outbox_messages_status"), "outbox_messages", ["status"])


def downgrade():
    op.drop_index(op.f("ix_outbox_messages_status"), table_name="outbox_messages")
    if op.get_bind().dialect.name == "sqlite":
        for column in ("attempts", *TIMES):
            op.execute(f"ALTER TABLE outbox_messages DROP COLUMN {column}")
    else:
        for column in ("attempts", *TIMES):
            op.drop_column("outbox_messages", column)
