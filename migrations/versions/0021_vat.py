"""VAT: ``funding_rounds.vat_display``, whether a round's budget lines record the VAT in each amount and
whether it is recoverable, and whether its pages show amounts including or without VAT first. Existing
rounds do not record VAT.

Columns are added with plain ``ALTER TABLE`` on SQLite, never batch mode (see 0016 and 0018).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 00:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

VAT_DISPLAY_CHECK = "vat_display IN ('not_asked', 'including', 'excluding')"


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE funding_rounds ADD COLUMN vat_display VARCHAR(20) DEFAULT 'not_asked' NOT NULL "
            f"CONSTRAINT ck_funding_rounds_vat_display CHECK ({VAT_DISPLAY_CHECK})"
        )
    else:
        op.add_column(
            "funding_rounds", sa.Column("vat_display", sa.String(20), server_default="not_asked", nullable=False)
        )
        op.create_check_constraint(op.f("ck_funding_rounds_vat_display"), "funding_rounds", VAT_DISPLAY_CHECK)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE funding_rounds DROP COLUMN vat_display")
    else:
        op.drop_constraint(op.f("ck_funding_rounds_vat_display"), "funding_rounds", type_="check")
        op.drop_column("funding_rounds", "vat_display")
