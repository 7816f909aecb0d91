"""The built-in social-return parameter set under a name a commissioner would use

Renames the stored set "Default (session 2)" to "National starting values", rewrites its notes, and
says who chose each assumption in words ("the PCC Grants project, as a starting value to check against
local figures") in every stored set, copies included. Data only; going down restores the old words.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

OLD_NAME, NEW_NAME = "Default (session 2)", "National starting values"
OLD_SET_BY = "PCC Grants developers, session 2, placeholder to review"
NEW_SET_BY = "the PCC Grants project, as a starting value to check against local figures"
OLD_NOTES = "The defaults written with the model, each value with its source or marked as an assumption."
NEW_NOTES = (
    "The values shipped with PCC Grants: each gives its published source, or is marked as an "
    "assumption to check against your area's own figures before relying on it."
)

sets = sa.table(
    "sroi_parameter_sets",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("notes", sa.Text),
    sa.column("parameters", sa.JSON),
)


def _reword(old_name, new_name, old_set_by, new_set_by, old_notes, new_notes):
    connection = op.get_bind()
    op.execute(sets.update().where(sets.c.name == old_name).values(name=new_name))
    op.execute(sets.update().where(sets.c.notes == old_notes).values(notes=new_notes))
    for row in connection.execute(sa.select(sets.c.id, sets.c.parameters)).all():
        parameters = row.parameters or {}
        values = parameters.get("values", {})
        changed = parameters.get("name") == old_name
        if changed:
            parameters["name"] = new_name
        for entry in values.values():
            if isinstance(entry, dict) and entry.get("set_by") == old_set_by:
                entry["set_by"] = new_set_by
                changed = True
        if changed:
            connection.execute(sets.update().where(sets.c.id == row.id).values(parameters=parameters))


def upgrade():
    _reword(OLD_NAME, NEW_NAME, OLD_SET_BY, NEW_SET_BY, OLD_NOTES, NEW_NOTES)


def downgrade():
    _reword(NEW_NAME, OLD_NAME, NEW_SET_BY, OLD_SET_BY, NEW_NOTES, OLD_NOTES)
