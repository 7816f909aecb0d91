"""Message threads (issue 24): a row per application's thread with messages, its newest message, how
many it has and its newest from the organisation, kept in the transaction of each message
(grants.interfaces.messages.threads.posting), so that the grants team's list of threads pages over
these rows in the order of their index instead of grouping every message. Filled here from the
messages already sent.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 09:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "message_threads",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("last_message_id", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("last_from_organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_message_threads_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_message_threads")),
    )
    op.execute(
        "INSERT INTO message_threads (application_id, last_message_id, messages, last_from_organisation_id) "
        "SELECT application_id, max(id), count(*), max(CASE WHEN NOT from_staff THEN id END) "
        "FROM thread_messages GROUP BY application_id"
    )
    # Built after the rows are in: one sort rather than an index entry per row inserted. The list reads
    # a page's ids and counts the threads from this index alone (on PostgreSQL).
    op.create_index("ix_message_threads_last_message_id", "message_threads", ["last_message_id"], unique=True,
                    postgresql_include=["application_id"])


def downgrade():
    op.drop_index("ix_message_threads_last_message_id", table_name="message_threads")
    op.drop_table("message_threads")
