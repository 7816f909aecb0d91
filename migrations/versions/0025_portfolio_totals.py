"""Portfolio totals (issue 24): the awards dashboard's and plan delivery's figures kept as rows, a row
per round and financial year (``portfolio_buckets``) and per code of each breakdown
(``portfolio_figures``), worked out again in the transaction of each change that moves them
(grants.interfaces.awards.portfolio_totals). ``portfolio_to_build`` has a row while they are still to
be built: a database with awards gets one here, and the dashboard's first read builds them.
Indexes for pages whose cost stays flat: awards by start date (the portfolio's years), the monitoring
returns still owed by due date (partial), and the officers' application list (an area's applications,
and a round's listing with the columns its sorts read).

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
        "portfolio_to_build",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_to_build")),
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
    # Indexes of the flat pages: the portfolio's years, the returns still owed, the officers' list.
    op.create_index(op.f("ix_awards_start_date"), "awards", ["start_date"], unique=False)
    owed = sa.text("status NOT IN ('submitted', 'accepted')")
    op.create_index("ix_monitoring_returns_owed_due_date", "monitoring_returns", ["due_date"], unique=False,
                    postgresql_where=owed, sqlite_where=owed)
    op.create_index("ix_application_local_authorities_local_authority", "application_local_authorities",
                    ["local_authority_id", "application_id"], unique=False)
    op.create_index("ix_applications_round_listing", "applications", ["round_id", "stage", "status"], unique=False,
                    postgresql_include=["id", "organisation_id", "reference", "amount_requested", "submitted_at"])
    # A database with awards has its totals to build (on the first read); an empty one's are right already.
    op.execute(
        "INSERT INTO portfolio_to_build (id, since) SELECT 1, CURRENT_TIMESTAMP WHERE EXISTS (SELECT 1 FROM awards)"
    )


def downgrade():
    op.drop_index("ix_applications_round_listing", table_name="applications")
    op.drop_index("ix_application_local_authorities_local_authority", table_name="application_local_authorities")
    op.drop_index("ix_monitoring_returns_owed_due_date", table_name="monitoring_returns")
    op.drop_index(op.f("ix_awards_start_date"), table_name="awards")
    op.drop_table("portfolio_figures")
    op.drop_table("portfolio_buckets")
    op.drop_table("portfolio_to_build")
