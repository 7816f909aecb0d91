"""Demo co-commissioning scenarios for the criminal justice treatment pathway: all five PCCs with a
hybrid split (the preferred option, with a note from the demo commissioner), Devon and Cornwall with
Dorset by population (in two versions), and each PCC alone for comparison.

The costs are illustrative, not quotes: set-up £150,000, £400,000 a year to run the service alone,
£1,200 per client, 60% take-up, 2% inflation, a three-year contract. Goes through the
co-commissioning interface; idempotent (matched by name).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy import select

from grants.extensions import db
from grants.interfaces.auth import accounts
from grants.interfaces.cocommissioning import scenarios as cocommissioning
from grants.interfaces.cocommissioning.scenarios import ScenarioInput
from grants.models.cocommissioning import CoCommissioningScenario

ALL_FIVE = ["avon-somerset", "devon-cornwall", "dorset", "gloucestershire", "wiltshire"]
ILLUSTRATIVE = "Illustrative costs for the demonstration, not quotes or agreed figures."
BASE = ScenarioInput(
    name="", service="cj_pathway", caseload_kind="probation_orders", partner_codes=ALL_FIVE, joint=True, years=3,
    setup_pence=150_000_00, fixed_annual_pence=400_000_00, cost_per_client_pence=1_200_00,
    take_up_percent=Decimal(60), inflation_percent=Decimal(2), scale_percent=Decimal(75), scale_exponent=None,
    weights={"need": Decimal(25), "caseload": Decimal(75)},
)
# Without a cap the two largest areas would pay more than running the service alone: capping every
# PCC at £800,000 a year leaves each of them better off, and the others still save.
HYBRID = replace(BASE, name="All five PCCs, hybrid split (25% need, 75% caseload)", cap_pence=800_000_00,
                 notes=f"{ILLUSTRATIVE} The split follows the hybrid the national pooled treatment budget once used; "
                       "no PCC pays more than £800,000 in a year.")
PAIR = replace(BASE, name="Devon and Cornwall, Dorset, and Wiltshire and Swindon: population split",
               partner_codes=["devon-cornwall", "dorset", "wiltshire"],
               weights={"population": Decimal(100)}, scale_percent=Decimal(85), notes=ILLUSTRATIVE)
# Version 1 leaves Devon and Cornwall paying more than alone; version 2 re-estimates the joint fixed
# costs and caps each PCC at £800,000 a year, so that all three save.
PAIR_REVISED = replace(PAIR, scale_percent=Decimal(80), cap_pence=800_000_00,
                       notes=f"{ILLUSTRATIVE} Version 2: joint fixed costs re-estimated at 80% of the standalone "
                             "ones, and no PCC pays more than £800,000 in a year.")
ALONE = replace(BASE, name="Each PCC alone", joint=False, weights={}, notes=f"{ILLUSTRATIVE} For comparison.")
PREFERRED_NOTE = ("Every PCC pays less than running the pathway alone over the three years, and the split "
                  "follows need and caseload. To take to the regional PCC board.")


def _existing(name: str) -> CoCommissioningScenario | None:
    return db.session.scalar(select(CoCommissioningScenario).where(CoCommissioningScenario.name == name)
                             .order_by(CoCommissioningScenario.version.desc()))


def seed_cocommissioning() -> None:
    """The demo scenarios, unless they exist; the caller commits."""
    commissioner = accounts.get_user_by_email("commissioner@example.org")
    if commissioner is None:
        return
    cocommissioning.ensure_areas()
    if _existing(HYBRID.name) is None:
        hybrid = cocommissioning.create_scenario(HYBRID, commissioner)
        cocommissioning.mark_preferred(hybrid, PREFERRED_NOTE, commissioner)
    if _existing(PAIR.name) is None:
        pair = cocommissioning.create_scenario(PAIR, commissioner)
        cocommissioning.revise_scenario(pair, PAIR_REVISED, commissioner)
    if _existing(ALONE.name) is None:
        cocommissioning.create_scenario(ALONE, commissioner)
