from __future__ import annotations

import pytest

from tests.factories import make_scenario

ALL_PARTNERS = ["avon-somerset", "devon-cornwall", "dorset", "gloucestershire", "wiltshire"]


@pytest.fixture
def scenario(db, users):
    """Five forces jointly, saved by the commissioner (tests.factories.make_scenario's defaults)."""
    row = make_scenario(users["commissioner"], name="Five forces, need and caseload")
    db.session.commit()  # the outer test transaction is still rolled back
    return row


@pytest.fixture
def commissioner(as_role):
    return as_role("commissioner")


def scenario_form(**changes) -> dict:
    """What a person would type for a valid scenario, with ``changes`` (None removes a field)."""
    data = {
        "name": "South West pathway", "service": "cj_pathway", "caseload_kind": "probation_orders",
        "partner_codes": ALL_PARTNERS, "joint": "joint", "years": "3", "setup": "£150,000.00",
        "fixed_annual": "400,000", "cost_per_client": "1,200", "take_up_percent": "60", "inflation_percent": "2%",
        "scale_kind": "percent", "scale_percent": "75", "scale_exponent": "", "weight_need": "25",
        "weight_caseload": "75", "floor_kind": "none", "cap_kind": "none", "phase_in_years": "0", "notes": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
