"""Two-stage rounds and partner organisations on a bid.

- ``funding_rounds.eoi_closes_at``: a round with an expression-of-interest stage takes expressions of
  interest until then (full applications, by invitation, until ``closes_at``); ``panel_scores_eoi``:
  whether the panel scores expressions of interest as well as full bids.
- ``applications.stage`` (``full`` for every application kept so far), the full application's
  ``expression_of_interest_id``, and an expression of interest's shortlisting (reason, when, by whom).
- ``application_partners``: the partner organisations a lead organisation names on its bid, and the
  contact each may invite to the application.

Columns are added with plain ``ALTER TABLE`` on SQLite, never batch mode (see 0016): recreating
``applications`` with foreign keys on would cascade its drop into the tables that refer to it.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 17:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

STAGE_CHECK = "stage IN ('expression_of_interest', 'full')"


def _add_sqlite(table: str, definition: str) -> None:
    op.execute(f"ALTER TABLE {table} ADD COLUMN {definition}")


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        _add_sqlite("funding_rounds", "eoi_closes_at DATETIME")
        _add_sqlite("funding_rounds", "panel_scores_eoi BOOLEAN DEFAULT 0 NOT NULL")
        _add_sqlite("applications", "stage VARCHAR(30) DEFAULT 'full' NOT NULL "
                                    f"CONSTRAINT ck_applications_application_stage CHECK ({STAGE_CHECK})")
        _add_sqlite("applications", "expression_of_interest_id INTEGER REFERENCES applications (id)")
        _add_sqlite("applications", "shortlist_reason TEXT")
        _add_sqlite("applications", "shortlisted_at DATETIME")
        _add_sqlite("applications", "shortlisted_by_id INTEGER REFERENCES users (id)")
    else:
        op.add_column("funding_rounds", sa.Column("eoi_closes_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column("funding_rounds", sa.Column("panel_scores_eoi", sa.Boolean(), server_default=sa.false(),
                                                  nullable=False))
        op.add_column("applications", sa.Column("stage", sa.String(30), server_default="full", nullable=False))
        op.create_check_constraint(op.f("ck_applications_application_stage"), "applications", STAGE_CHECK)
        op.add_column("applications", sa.Column("expression_of_interest_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_applications_expression_of_interest_id_applications", "applications",
                              "applications", ["expression_of_interest_id"], ["id"])
        op.add_column("applications", sa.Column("shortlist_reason", sa.Text(), nullable=True))
        op.add_column("applications", sa.Column("shortlisted_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column("applications", sa.Column("shortlisted_by_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_applications_shortlisted_by_id_users", "applications", "users",
                              ["shortlisted_by_id"], ["id"])
    # One full application per expression of interest (a unique index works the same on both databases).
    op.create_index("ix_applications_expression_of_interest_id", "applications", ["expression_of_interest_id"],
                    unique=True)

    op.create_table(
        "application_partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("charity_number", sa.String(20), nullable=True),
        sa.Column("company_number", sa.String(20), nullable=True),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("budget_share", sa.Numeric(12, 2), nullable=False),
        sa.Column("contact_name", sa.String(200), nullable=True),
        sa.Column("contact_email", sa.String(254), nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=True),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("invite_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name="fk_application_partners_application_id_applications", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invited_by_id"], ["users.id"],
                                name="fk_application_partners_invited_by_id_users", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name="fk_application_partners_user_id_users", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_application_partners"),
        sa.UniqueConstraint("token_hash", name="uq_application_partners_token_hash"),
    )
    op.create_index("ix_application_partners_application_id", "application_partners", ["application_id"])
    op.create_index("ix_application_partners_user_id", "application_partners", ["user_id"])


def downgrade():
    op.drop_index("ix_application_partners_user_id", table_name="application_partners")
    op.drop_index("ix_application_partners_application_id", table_name="application_partners")
    op.drop_table("application_partners")
    op.drop_index("ix_applications_expression_of_interest_id", table_name="applications")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite 3.35 and later; the stage column's CHECK goes with it.
        for column in ("shortlisted_by_id", "shortlisted_at", "shortlist_reason", "expression_of_interest_id",
                       "stage"):
            op.execute(f"ALTER TABLE applications DROP COLUMN {column}")
        for column in ("panel_scores_eoi", "eoi_closes_at"):
            op.execute(f"ALTER TABLE funding_rounds DROP COLUMN {column}")
    else:
        op.drop_constraint("fk_applications_shortlisted_by_id_users", "applications", type_="foreignkey")
        op.drop_constraint("fk_applications_expression_of_interest_id_applications", "applications",
                           type_="foreignkey")
        op.drop_constraint(op.f("ck_applications_application_stage"), "applications", type_="check")
        for column in ("shortlisted_by_id", "shortlisted_at", "shortlist_reason", "expression_of_interest_id",
                       "stage"):
            op.drop_column("applications", column)
        op.drop_column("funding_rounds", "panel_scores_eoi")
        op.drop_column("funding_rounds", "eoi_closes_at")
