"""Indexes for lists: a round's applications by date submitted or amount, awards newest first

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 15:16:43.860946

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index("ix_applications_round_amount", ["round_id", "amount_requested"], unique=False)
        batch_op.create_index("ix_applications_round_submitted", ["round_id", "submitted_at"], unique=False)

    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_awards_offered_at"), ["offered_at"], unique=False)


def downgrade():
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_awards_offered_at"))

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_round_submitted")
        batch_op.drop_index("ix_applications_round_amount")
