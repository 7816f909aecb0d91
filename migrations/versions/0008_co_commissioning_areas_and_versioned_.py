"""Co-commissioning: South West areas with sourced figures, and versioned scenarios

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 14:41:55.627026

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cocommissioning_scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("caseload_kind", sa.String(length=40), nullable=False),
        sa.Column("partner_codes", sa.JSON(), nullable=False),
        sa.Column("joint", sa.Boolean(), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("setup_pence", sa.BigInteger(), nullable=False),
        sa.Column("fixed_annual_pence", sa.BigInteger(), nullable=False),
        sa.Column("cost_per_client_pence", sa.BigInteger(), nullable=False),
        sa.Column("take_up_percent", sa.Numeric(precision=7, scale=3), nullable=False),
        sa.Column("inflation_percent", sa.Numeric(precision=7, scale=3), nullable=False),
        sa.Column("scale_percent", sa.Numeric(precision=7, scale=3), nullable=True),
        sa.Column("scale_exponent", sa.Numeric(precision=7, scale=4), nullable=True),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("floor_percent", sa.Numeric(precision=7, scale=3), nullable=True),
        sa.Column("floor_pence", sa.BigInteger(), nullable=True),
        sa.Column("cap_percent", sa.Numeric(precision=7, scale=3), nullable=True),
        sa.Column("cap_pence", sa.BigInteger(), nullable=True),
        sa.Column("phase_in_years", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("reference_snapshot", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("based_on_id", sa.Integer(), nullable=True),
        sa.Column("is_latest", sa.Boolean(), nullable=False),
        sa.Column("preferred", sa.Boolean(), nullable=False),
        sa.Column("preferred_note", sa.Text(), nullable=False),
        sa.Column("preferred_by_id", sa.Integer(), nullable=True),
        sa.Column("preferred_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["based_on_id"],
            ["cocommissioning_scenarios.id"],
            name=op.f("fk_cocommissioning_scenarios_based_on_id_cocommissioning_scenarios"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_cocommissioning_scenarios_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["preferred_by_id"],
            ["users.id"],
            name=op.f("fk_cocommissioning_scenarios_preferred_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cocommissioning_scenarios")),
        sa.UniqueConstraint("family_id", "version", name=op.f("uq_cocommissioning_scenarios_family_id_version")),
    )
    with op.batch_alter_table("cocommissioning_scenarios", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cocommissioning_scenarios_family_id"), ["family_id"], unique=False)

    op.create_table(
        "commissioning_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("pcc_name", sa.String(length=200), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_commissioning_areas_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commissioning_areas")),
        sa.UniqueConstraint("code", name=op.f("uq_commissioning_areas_code")),
    )


def downgrade():
    op.drop_table("commissioning_areas")
    with op.batch_alter_table("cocommissioning_scenarios", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cocommissioning_scenarios_family_id"))

    op.drop_table("cocommissioning_scenarios")
