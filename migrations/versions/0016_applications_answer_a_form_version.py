"""Applications answer a version of their round's application form: each application is given the
version it answers (the standard form it was asked: the round's newest version when that is the
standard form, else the standard form stored as version 1, or as version 0 beside a round's own), and
the answers kept by today's field names are renamed to the standard form's question ids
(grants/form_definitions/standard/legacy_field_names.json): "priorities" outcomes become drug_outcomes,
"beneficiaries" description becomes people_description, and the "outcomes" rows become
project_outcomes. Nothing else changes, and going down renames them back.

The standard form is the one shipped with this revision (0016_standard_application_form.json beside
it), so the migration gives the same result whatever later releases ship.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 15:00:00

"""

import json
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

STANDARD = json.loads((Path(__file__).with_name("0016_standard_application_form.json")).read_text("utf-8"))
# section key -> {field name as kept today: question id in the standard form}; only those that change.
RENAMED = {
    "priorities": {"outcomes": "drug_outcomes"},
    "beneficiaries": {"description": "people_description"},
    "outcomes": {"outcomes": "project_outcomes"},
}

round_forms = sa.table(
    "round_forms",
    sa.column("id", sa.Integer),
    sa.column("round_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("version", sa.Integer),
    sa.column("definition", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
applications = sa.table("applications", sa.column("id", sa.Integer), sa.column("round_id", sa.Integer),
                        sa.column("form_id", sa.Integer))
sections = sa.table("application_sections", sa.column("application_id", sa.Integer), sa.column("key", sa.String),
                    sa.column("answers", sa.JSON))
stashed = sa.table("stashed_answers", sa.column("token_hash", sa.String), sa.column("section_key", sa.String),
                   sa.column("answers", sa.JSON))


def renamed(key: str, answers: dict, names: dict[str, dict[str, str]]) -> dict:
    """A section's kept answers with its fields renamed: a question's own name, or a row's part
    (``outcomes-0-measure`` becomes ``project_outcomes-0-measure``)."""
    changes = names.get(key, {})
    result = {}
    for name, values in answers.items():
        head, separator, rest = name.partition("-")
        result[changes.get(head, head) + separator + rest] = values
    return result


def pinned_version(connection, round_id: int, kind: str, shipped: dict) -> int:
    """The version that answers kept before forms were data answer: the standard form they were asked.
    The round's newest version when it is that form; otherwise (a round whose form was changed in the
    builder before this revision) the standard form stored as version 0, so the round's current form
    stays as it is and the old answers keep the questions they answered."""
    newest = connection.execute(
        sa.select(round_forms.c.id, round_forms.c.version, round_forms.c.definition)
        .where(round_forms.c.round_id == round_id, round_forms.c.kind == kind)
        .order_by(round_forms.c.version.desc()).limit(1)
    ).first()
    if newest is not None and newest.definition == shipped:
        return newest.id
    version = 1 if newest is None else 0
    existing = connection.execute(sa.select(round_forms.c.id).where(
        round_forms.c.round_id == round_id, round_forms.c.kind == kind, round_forms.c.version == version)).scalar()
    if existing is not None:  # version 0 stored by an earlier run of this revision (down, then up again)
        return existing
    connection.execute(round_forms.insert().values(round_id=round_id, kind=kind, version=version, definition=shipped,
                                                   created_at=datetime.now(UTC)))
    return connection.execute(sa.select(round_forms.c.id).where(
        round_forms.c.round_id == round_id, round_forms.c.kind == kind, round_forms.c.version == version)).scalar_one()


def _rename(names: dict[str, dict[str, str]]) -> None:
    connection = op.get_bind()
    for key in names:
        rows = connection.execute(sa.select(sections.c.application_id, sections.c.answers)
                                  .where(sections.c.key == key)).all()
        for application_id, answers in rows:
            if isinstance(answers, dict):
                connection.execute(sections.update()
                                   .where(sections.c.application_id == application_id, sections.c.key == key)
                                   .values(answers=renamed(key, answers, names)))
        kept = connection.execute(sa.select(stashed.c.token_hash, stashed.c.answers)
                                  .where(stashed.c.section_key == key)).all()
        for token_hash, answers in kept:
            if isinstance(answers, dict):
                connection.execute(stashed.update().where(stashed.c.token_hash == token_hash)
                                   .values(answers=renamed(key, answers, names)))


FOREIGN_KEY = "fk_applications_form_id_round_forms"


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # Not batch mode: recreating a parent table with foreign keys on would cascade its DROP into every
        # table that refers to it (sections, documents, awards). SQLite can add a column that refers.
        # (No ON DELETE: SQLite does not report it for a column's own REFERENCES, and a version in use is
        # never deleted; NO ACTION refuses that as RESTRICT would.)
        op.execute("ALTER TABLE applications ADD COLUMN form_id INTEGER REFERENCES round_forms (id)")
    else:
        op.add_column("applications", sa.Column("form_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FOREIGN_KEY, "applications", "round_forms", ["form_id"], ["id"])
    connection = op.get_bind()
    round_ids = connection.execute(sa.select(applications.c.round_id).distinct()).scalars().all()
    for round_id in round_ids:
        connection.execute(applications.update().where(applications.c.round_id == round_id)
                           .values(form_id=pinned_version(connection, round_id, "application", STANDARD)))
    _rename(RENAMED)


def downgrade():
    _rename({key: {new: old for old, new in names.items()} for key, names in RENAMED.items()})
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE applications DROP COLUMN form_id")  # SQLite 3.35 and later
    else:
        op.drop_constraint(FOREIGN_KEY, "applications", type_="foreignkey")
        op.drop_column("applications", "form_id")
