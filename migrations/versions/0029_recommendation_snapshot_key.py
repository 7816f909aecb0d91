"""A funding recommendation is a snapshot that never changes: each gets a random ``snapshot_key`` under
which a worker keeps its result as read, so the recommendation page of a 10,000-bid round reads the
record's few columns instead of its whole result (issue 24). Existing records are given one here.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 17:20:00

"""

from uuid import uuid4

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    # Left nullable in the schema: NOT NULL would have SQLite copy the table, which the funding
    # decisions refer to. The app always writes it.
    op.add_column("funding_recommendations", sa.Column("snapshot_key", sa.String(length=32), nullable=True))
    connection = op.get_bind()
    records = sa.table("funding_recommendations", sa.column("id", sa.Integer), sa.column("snapshot_key", sa.String))
    for (record_id,) in connection.execute(sa.select(records.c.id)).all():
        connection.execute(sa.update(records).where(records.c.id == record_id).values(snapshot_key=uuid4().hex))


def downgrade():
    op.drop_column("funding_recommendations", "snapshot_key")
