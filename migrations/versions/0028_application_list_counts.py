"""The officers' application list stays flat (issue 24): each application keeps its organisation's name in
lower case (``organisation_sort``, indexed with the round for the list sorted by organisation, on the
rows the list shows), and each round's counts by status and area are kept as rows
(``application_list_counts``, with a row per round in ``application_list_rounds``, the lock taken to work
them out again: grants.interfaces.screening.list_counts). Both are filled here from the rows.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 10:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

LISTED = "stage = 'full' AND status <> 'draft'"


def upgrade():
    # Left nullable in the schema: making it NOT NULL would have SQLite copy the table, and dropping the
    # old one would delete the rows that cascade from it (its areas, sections…). The app always writes it.
    op.add_column("applications", sa.Column("organisation_sort", sa.String(length=200), nullable=True))
    op.execute("UPDATE applications SET organisation_sort = (SELECT lower(organisations.name) FROM organisations "
               "WHERE organisations.id = applications.organisation_id)")
    op.create_index("ix_applications_round_organisation", "applications", ["round_id", "organisation_sort", "id"],
                    unique=False, postgresql_include=["status", "organisation_id"],
                    postgresql_where=sa.text(LISTED), sqlite_where=sa.text(LISTED))
    op.create_table(
        "application_list_rounds",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("worked_out_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["funding_rounds.id"],
                                name=op.f("fk_application_list_rounds_round_id_funding_rounds"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_application_list_rounds")),
    )
    op.create_table(
        "application_list_counts",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("local_authority_id", sa.Integer(), nullable=False),
        sa.Column("applications", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["application_list_rounds.round_id"],
                                name=op.f("fk_application_list_counts_round_id_application_list_rounds"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id", "status", "local_authority_id", name=op.f("pk_application_list_counts")),
    )
    # Every round's counts from its rows, as grants.interfaces.screening.list_counts works them out.
    op.execute("INSERT INTO application_list_rounds (round_id, worked_out_at) "
               "SELECT id, CURRENT_TIMESTAMP FROM funding_rounds")
    op.execute(f"INSERT INTO application_list_counts (round_id, status, local_authority_id, applications) "
               f"SELECT round_id, status, 0, count(*) FROM applications WHERE {LISTED} GROUP BY round_id, status")
    op.execute("INSERT INTO application_list_counts (round_id, status, local_authority_id, applications) "
               "SELECT a.round_id, a.status, l.local_authority_id, count(*) FROM applications a "
               "JOIN application_local_authorities l ON l.application_id = a.id "
               "WHERE a.stage = 'full' AND a.status <> 'draft' GROUP BY a.round_id, a.status, l.local_authority_id")


def downgrade():
    op.drop_table("application_list_counts")
    op.drop_table("application_list_rounds")
    op.drop_index("ix_applications_round_organisation", table_name="applications",
                  postgresql_where=sa.text(LISTED), sqlite_where=sa.text(LISTED))
    op.drop_column("applications", "organisation_sort")
