"""Round forms: each version of a round's application, eligibility, monitoring and expression-of-interest
forms, stored as the form definition's JSON

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "round_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "application",
                "eligibility",
                "monitoring",
                "expression_of_interest",
                name="round_form_kind",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_round_forms_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["funding_rounds.id"], name=op.f("fk_round_forms_round_id_funding_rounds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_forms")),
        sa.UniqueConstraint("round_id", "kind", "version", name=op.f("uq_round_forms_round_id_kind_version")),
    )


def downgrade():
    op.drop_table("round_forms")
