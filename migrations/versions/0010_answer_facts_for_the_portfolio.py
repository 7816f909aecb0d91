"""Answer facts for the portfolio: ADDER strands, outcomes and people reached as rows

An application's ADDER strands and outcomes, and a return's people reached, as rows kept in step
with the JSON answers (grants.models.answer_facts), filled here from the answers already written.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 17:42:35.815067

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The rules of grants.models.answer_facts as they were when this revision was written, copied so
# that the migration does not change when the application's code does.
CODE_LENGTH = FIELD_LENGTH = 60
LARGEST = 2**63 - 1
BATCH = 1000


def _codes(answers, name):
    values = answers.get(name) if isinstance(answers, dict) else None
    if not isinstance(values, list):
        return []
    return list(dict.fromkeys(v for v in values if isinstance(v, str) and len(v) <= CODE_LENGTH))


def _whole_number(value):
    if isinstance(value, list):
        value = value[0] if len(value) == 1 else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        return int(text) if text.isascii() and text.isdigit() else None
    return None


def _people(answers):
    people = answers.get("people") if isinstance(answers, dict) else None
    if not isinstance(people, dict):
        return {}
    found = {}
    for name, value in people.items():
        if isinstance(name, str) and name.startswith("people_") and len(name) <= FIELD_LENGTH:
            number = _whole_number(value)
            if number is not None and number <= LARGEST:
                found[name] = number
    return found


def _fill(bind, query, table, rows_of):
    result = bind.execute(query)
    while chunk := result.fetchmany(BATCH):
        rows = [row for key, answers in chunk for row in rows_of(key, answers)]
        if rows:
            bind.execute(table.insert(), rows)


def upgrade():
    strands = op.create_table(
        "application_adder_strands",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_adder_strands_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("application_id", "code", name=op.f("pk_application_adder_strands")),
    )
    outcomes = op.create_table(
        "application_outcomes",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_outcomes_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("application_id", "code", name=op.f("pk_application_outcomes")),
    )
    people = op.create_table(
        "monitoring_return_people",
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["monitoring_returns.id"],
            name=op.f("fk_monitoring_return_people_return_id_monitoring_returns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("return_id", "field", name=op.f("pk_monitoring_return_people")),
    )

    bind = op.get_bind()
    sections = sa.table(
        "application_sections",
        sa.column("application_id", sa.Integer),
        sa.column("key", sa.String),
        sa.column("answers", sa.JSON),
    )
    returns = sa.table("monitoring_returns", sa.column("id", sa.Integer), sa.column("answers", sa.JSON))
    priorities = sa.select(sections.c.application_id, sections.c.answers).where(sections.c.key == "priorities")
    for table, name in ((strands, "adder_strands"), (outcomes, "outcomes")):
        _fill(
            bind,
            priorities,
            table,
            lambda application_id, answers, name=name: [
                {"application_id": application_id, "code": code} for code in _codes(answers, name)
            ],
        )
    _fill(
        bind,
        sa.select(returns.c.id, returns.c.answers),
        people,
        lambda return_id, answers: [
            {"return_id": return_id, "field": field, "number": number} for field, number in _people(answers).items()
        ],
    )


def downgrade():
    op.drop_table("monitoring_return_people")
    op.drop_table("application_outcomes")
    op.drop_table("application_adder_strands")
