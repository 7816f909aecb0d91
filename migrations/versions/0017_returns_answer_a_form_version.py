"""Monitoring returns answer a version of their round's monitoring form: each return is given the
version in force (the standard form they were asked: the round's newest version when that is the standard
form, else the standard form stored as version 1, or as version 0 beside a round's own). The
answers returns keep need no change: the standard form's questions are asked with today's field
names (grants/question_forms/monitoring.py), and its stories and problems sections by today's forms.

The standard form is the one shipped with this revision (0017_standard_monitoring_form.json beside it),
so the migration gives the same result whatever later releases ship.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 16:00:00

"""

import json
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

STANDARD = json.loads((Path(__file__).with_name("0017_standard_monitoring_form.json")).read_text("utf-8"))

round_forms = sa.table(
    "round_forms",
    sa.column("id", sa.Integer),
    sa.column("round_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("version", sa.Integer),
    sa.column("definition", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
awards = sa.table("awards", sa.column("id", sa.Integer), sa.column("round_id", sa.Integer))
returns = sa.table("monitoring_returns", sa.column("id", sa.Integer), sa.column("award_id", sa.Integer),
                   sa.column("form_id", sa.Integer))

FOREIGN_KEY = "fk_monitoring_returns_form_id_round_forms"


def _pinned_version(round_id: int) -> int:
    """The version that returns kept before forms were data answer: the standard form they were asked.
    The round's newest version when it is that form; otherwise (a round whose monitoring form was changed
    in the builder before this revision) the standard form stored as version 0, so the round's current
    form stays as it is (as migration 0016 does for applications)."""
    connection = op.get_bind()
    newest = connection.execute(
        sa.select(round_forms.c.id, round_forms.c.definition)
        .where(round_forms.c.round_id == round_id, round_forms.c.kind == "monitoring")
        .order_by(round_forms.c.version.desc()).limit(1)
    ).first()
    if newest is not None and newest.definition == STANDARD:
        return newest.id
    version = 1 if newest is None else 0
    where = (round_forms.c.round_id == round_id, round_forms.c.kind == "monitoring", round_forms.c.version == version)
    existing = connection.execute(sa.select(round_forms.c.id).where(*where)).scalar()
    if existing is None:
        connection.execute(round_forms.insert().values(round_id=round_id, kind="monitoring", version=version,
                                                       definition=STANDARD, created_at=datetime.now(UTC)))
        existing = connection.execute(sa.select(round_forms.c.id).where(*where)).scalar_one()
    return existing


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # Not batch mode (as 0016): recreating a table with foreign keys on would cascade its DROP into
        # the tables that refer to it. SQLite can add a column that refers.
        op.execute("ALTER TABLE monitoring_returns ADD COLUMN form_id INTEGER REFERENCES round_forms (id)")
    else:
        op.add_column("monitoring_returns", sa.Column("form_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FOREIGN_KEY, "monitoring_returns", "round_forms", ["form_id"], ["id"])
    connection = op.get_bind()
    round_ids = connection.execute(
        sa.select(awards.c.round_id).distinct().join(returns, returns.c.award_id == awards.c.id)
    ).scalars().all()
    for round_id in round_ids:
        form_id = _pinned_version(round_id)
        award_ids = sa.select(awards.c.id).where(awards.c.round_id == round_id).scalar_subquery()
        connection.execute(returns.update().where(returns.c.award_id.in_(award_ids)).values(form_id=form_id))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE monitoring_returns DROP COLUMN form_id")  # SQLite 3.35 and later
    else:
        op.drop_constraint(FOREIGN_KEY, "monitoring_returns", type_="foreignkey")
        op.drop_column("monitoring_returns", "form_id")
