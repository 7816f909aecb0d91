"""Portfolio totals (issue 24): the awards dashboard's and plan delivery's figures kept as rows, a row
per round and financial year (``portfolio_buckets``) and per code of each breakdown
(``portfolio_figures``), worked out again in the transaction of each change that moves them
(grants.interfaces.awards.portfolio_totals). ``portfolio_state`` has its one row once they are built:
a database with no awards yet starts built; one with awards builds them on the dashboard's first read.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 06:40:53

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "portfolio_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_state")),
    )
    op.create_table(
        "portfolio_buckets",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("year_starting", sa.Integer(), nullable=False),
        sa.Column("awards", sa.Integer(), nullable=False),
        sa.Column("awarded", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("offered", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("committed", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("paid", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("remaining", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("repaid", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("underspend", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("waived", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("owed", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("worked_out_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["funding_rounds.id"],
            name=op.f("fk_portfolio_buckets_round_id_funding_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "year_starting", name=op.f("pk_portfolio_buckets")),
    )
    op.create_table(
        "portfolio_figures",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("year_starting", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("awards", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("paid", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id", "year_starting"],
            ["portfolio_buckets.round_id", "portfolio_buckets.year_starting"],
            name=op.f("fk_portfolio_figures_round_id_portfolio_buckets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "year_starting", "measure", "code", name=op.f("pk_portfolio_figures")),
    )
    # Nothing to add up yet: the (empty) totals are already right.
    op.execute(
        "INSERT INTO portfolio_state (id, built_at) SELECT 1, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM awards)"
    )


def downgrade():
    op.drop_table("portfolio_figures")
    op.drop_table("portfolio_buckets")
    op.drop_table("portfolio_state")
