"""Files uploaded in answer to a monitoring return's file questions: ``return_documents``, one row a file,
kept as an application's documents are (a random stored name, the type checked by content, its size and
SHA-256), named in the return's answers as "file:<question id>". A new table only, so the same
``CREATE TABLE`` on SQLite and PostgreSQL; a return's documents go with it.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 18:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "return_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(100), nullable=False),
        sa.Column("original_filename", sa.String(255), nullable=False),
        sa.Column("stored_name", sa.String(80), nullable=False),
        sa.Column("content_type", sa.String(120), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["return_id"], ["monitoring_returns.id"],
                                name=op.f("fk_return_documents_return_id_monitoring_returns"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_return_documents_uploaded_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_documents")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_return_documents_stored_name")),
    )
    op.create_index(op.f("ix_return_documents_return_id"), "return_documents", ["return_id"])


def downgrade():
    op.drop_index(op.f("ix_return_documents_return_id"), table_name="return_documents")
    op.drop_table("return_documents")
