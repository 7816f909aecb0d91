"""Panel members' counts (issue 24): each member's bids assigned and score sheets submitted in a round,
recorded on their seat (``panel_members``) when the round is decided, so that the member's queue reads
its past rounds instead of counting them. Rounds already decided get theirs here, counted as the queue
counted them; an undecided round's stay empty until its decision.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 09:55:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


DECIDED = "SELECT id FROM funding_rounds WHERE decided_at IS NOT NULL"


def upgrade():
    op.add_column("panel_members", sa.Column("assigned", sa.Integer(), nullable=True))
    op.add_column("panel_members", sa.Column("submitted", sa.Integer(), nullable=True))
    # Counted in one pass over the decided rounds' assignments into a table of their own, then read a
    # seat at a time by its key (counting per seat would go over its round's assignments again each time).
    op.create_table(
        "panel_member_counts_0026",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned", sa.Integer(), nullable=False),
        sa.Column("submitted", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("round_id", "user_id", name=op.f("pk_panel_member_counts_0026")),
    )
    op.execute(
        f"""
        INSERT INTO panel_member_counts_0026 (round_id, user_id, assigned, submitted)
        SELECT a.round_id, a.user_id, count(*), count(s.id)
        FROM scoring_assignments a
        LEFT JOIN score_sheets s ON s.application_id = a.application_id AND s.user_id = a.user_id
                                 AND s.status = 'submitted'
        WHERE a.round_id IN ({DECIDED})
        GROUP BY a.round_id, a.user_id
        """
    )
    op.execute(
        f"""
        UPDATE panel_members SET
            assigned = coalesce((SELECT c.assigned FROM panel_member_counts_0026 c
                                 WHERE c.round_id = panel_members.round_id AND c.user_id = panel_members.user_id), 0),
            submitted = coalesce((SELECT c.submitted FROM panel_member_counts_0026 c
                                  WHERE c.round_id = panel_members.round_id AND c.user_id = panel_members.user_id), 0)
        WHERE round_id IN ({DECIDED})
        """
    )
    op.drop_table("panel_member_counts_0026")


def downgrade():
    with op.batch_alter_table("panel_members", schema=None) as batch_op:
        batch_op.drop_column("submitted")
        batch_op.drop_column("assigned")
