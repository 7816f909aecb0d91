"""Reference facts as the plan and the Census state them (issue 22), for the co-commissioning areas
already stored (a new database is seeded with them by grants.interfaces.cocommissioning.areas):

- Devon and Cornwall's PCC is "… for Devon, Cornwall and the Isles of Scilly";
- each area's population aged 15 to 64 is the Census 2021 figure (ONS table TS007A), no longer an assumed
  61% of the whole population, and the estimated opiate and crack users assumed from it follow;
- Devon and Cornwall's 8,178 users are credited to the Drugs strategic intentions plan 2022-2025.

Only figures still as the reference data set them change: a figure someone entered is kept. Each
changed area's lock version moves on, so that a form loaded before is refused rather than overwriting.
The downgrade leaves the data as it is (the old figures were assumptions).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 00:30:00

"""

import json
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

SEEDED_BY = "Reference data"
CENSUS_15_64_SOURCE = "Census 2021 (ONS table TS007A), aged 15 to 64, sum of the area's local authorities"
AGED_15_64 = {"avon-somerset": 1_114_410, "devon-cornwall": 1_076_402, "dorset": 466_122,
              "gloucestershire": 399_360, "wiltshire": 466_117}
OCU_PER_1000 = Decimal("9.5")
DEVON_CORNWALL_PCC = ("Police and Crime Commissioner for Devon and Cornwall",
                      "Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly")
DEVON_CORNWALL_OCU_SOURCE = ("Drugs strategic intentions plan 2022-2025, OPCC for Devon, Cornwall and the Isles of "
                             "Scilly (it says 7.8 per 1,000 aged 15-64; on the Census 2021 figure it is 7.6)")

areas = sa.table(
    "commissioning_areas",
    sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("pcc_name", sa.String),
    sa.column("figures", sa.JSON), sa.column("lock_version", sa.Integer),
)


def _seeded(entry) -> bool:
    return isinstance(entry, dict) and entry.get("set_by") == SEEDED_BY


def upgrade():
    bind = op.get_bind()
    for row in bind.execute(sa.select(areas.c.id, areas.c.code, areas.c.pcc_name, areas.c.figures,
                                      areas.c.lock_version)).all():
        figures = row.figures if isinstance(row.figures, dict) else json.loads(row.figures or "{}")
        figures = json.loads(json.dumps(figures))  # a copy to change
        changed = False
        aged = AGED_15_64.get(row.code)
        if aged is not None and _seeded(figures.get("population_15_64")):
            figures["population_15_64"].update(value=aged, source=CENSUS_15_64_SOURCE, year="2021", assumption=False)
            changed = True
            ocu = figures.get("ocu")
            if row.code != "devon-cornwall" and _seeded(ocu) and ocu.get("assumption"):
                ocu["value"] = int((Decimal(aged) * OCU_PER_1000 / 1000).quantize(Decimal(1), ROUND_HALF_UP))
        if row.code == "devon-cornwall" and _seeded(figures.get("ocu")):
            figures["ocu"]["source"] = DEVON_CORNWALL_OCU_SOURCE
            changed = True
        pcc_name = DEVON_CORNWALL_PCC[1] if row.pcc_name == DEVON_CORNWALL_PCC[0] else row.pcc_name
        if changed or pcc_name != row.pcc_name:
            bind.execute(areas.update().where(areas.c.id == row.id).values(
                figures=figures, pcc_name=pcc_name, lock_version=row.lock_version + 1))


def downgrade():
    pass
