"""Communications (issue 23): message threads on applications (``thread_messages``,
``message_attachments``, ``thread_reads``), messages to chosen groups (``bulk_messages`` and their
``bulk_message_recipients``), editable email templates (``email_template_versions``), slow exports
made by jobs (``export_files``), and the panel's scoring deadline (``funding_rounds.scoring_deadline``,
with ``panel_reminders`` so that each reminder goes once).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 03:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bulk_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group", sa.String(length=40), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("criteria", sa.JSON(), server_default="{}", nullable=False),
        sa.Column("group_label", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["funding_rounds.id"],
            name=op.f("fk_bulk_messages_round_id_funding_rounds"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["users.id"], name=op.f("fk_bulk_messages_sent_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_messages")),
    )
    with op.batch_alter_table("bulk_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bulk_messages_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bulk_messages_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "email_template_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_email_template_versions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_template_versions")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_email_template_versions_key_version")),
    )
    with op.batch_alter_table("email_template_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_email_template_versions_key"), ["key"], unique=False)

    op.create_table(
        "export_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("parameters", sa.JSON(), server_default="{}", nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("content_type", sa.String(length=120), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_export_files_requested_by_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_files")),
    )
    with op.batch_alter_table("export_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_export_files_requested_by_id"), ["requested_by_id"], unique=False)

    op.create_table(
        "panel_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unscored", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["funding_rounds.id"],
            name=op.f("fk_panel_reminders_round_id_funding_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_panel_reminders_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_reminders")),
        sa.UniqueConstraint(
            "round_id", "user_id", "kind", "deadline", name=op.f("uq_panel_reminders_round_id_user_id_kind_deadline")
        ),
    )
    with op.batch_alter_table("panel_reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_reminders_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_panel_reminders_user_id"), ["user_id"], unique=False)

    op.create_table(
        "bulk_message_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bulk_message_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bulk_message_id"],
            ["bulk_messages.id"],
            name=op.f("fk_bulk_message_recipients_bulk_message_id_bulk_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_bulk_message_recipients_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_bulk_message_recipients_outbox_message_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_bulk_message_recipients_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_message_recipients")),
        sa.UniqueConstraint("bulk_message_id", "email", name=op.f("uq_bulk_message_recipients_bulk_message_id_email")),
    )
    with op.batch_alter_table("bulk_message_recipients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bulk_message_recipients_bulk_message_id"), ["bulk_message_id"], unique=False
        )

    op.create_table(
        "thread_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("from_staff", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_thread_messages_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_thread_messages_author_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_messages")),
    )
    with op.batch_alter_table("thread_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_thread_messages_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_thread_messages_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "thread_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_read_message_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_thread_reads_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_thread_reads_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_reads")),
        sa.UniqueConstraint("application_id", "user_id", name=op.f("uq_thread_reads_application_id_user_id")),
    )
    with op.batch_alter_table("thread_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_thread_reads_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_thread_reads_user_id"), ["user_id"], unique=False)

    op.create_table(
        "message_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["thread_messages.id"],
            name=op.f("fk_message_attachments_message_id_thread_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_attachments")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_message_attachments_stored_name")),
    )
    with op.batch_alter_table("message_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_attachments_message_id"), ["message_id"], unique=False)

    # A plain ALTER TABLE on SQLite, never batch mode (see 0016 and 0018).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE funding_rounds ADD COLUMN scoring_deadline DATETIME")
    else:
        op.add_column("funding_rounds", sa.Column("scoring_deadline", sa.DateTime(timezone=True), nullable=True))



def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE funding_rounds DROP COLUMN scoring_deadline")
    else:
        op.drop_column("funding_rounds", "scoring_deadline")

    with op.batch_alter_table("message_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_attachments_message_id"))

    op.drop_table("message_attachments")
    with op.batch_alter_table("thread_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thread_reads_user_id"))
        batch_op.drop_index(batch_op.f("ix_thread_reads_application_id"))

    op.drop_table("thread_reads")
    with op.batch_alter_table("thread_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thread_messages_sent_at"))
        batch_op.drop_index(batch_op.f("ix_thread_messages_application_id"))

    op.drop_table("thread_messages")
    with op.batch_alter_table("bulk_message_recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bulk_message_recipients_bulk_message_id"))

    op.drop_table("bulk_message_recipients")
    with op.batch_alter_table("panel_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_reminders_user_id"))
        batch_op.drop_index(batch_op.f("ix_panel_reminders_round_id"))

    op.drop_table("panel_reminders")
    with op.batch_alter_table("export_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_files_requested_by_id"))

    op.drop_table("export_files")
    with op.batch_alter_table("email_template_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_template_versions_key"))

    op.drop_table("email_template_versions")
    with op.batch_alter_table("bulk_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bulk_messages_sent_at"))
        batch_op.drop_index(batch_op.f("ix_bulk_messages_round_id"))

    op.drop_table("bulk_messages")
