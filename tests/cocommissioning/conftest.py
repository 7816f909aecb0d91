"""Fixtures for the co-commissioning interface: a commissioner, and a valid input to change."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.interfaces.cocommissioning.scenarios import ScenarioInput
from grants.models.accounts import Role
from grants.models.audit import AuditEvent
from tests.factories import UserFactory

ALL_FIVE = ["avon-somerset", "devon-cornwall", "dorset", "gloucestershire", "wiltshire"]


@pytest.fixture
def commissioner(db):
    return UserFactory(full_name="Chris Commissioner", roles=[Role.COMMISSIONER])


@pytest.fixture
def valid_input() -> ScenarioInput:
    return ScenarioInput(
        name="All five", service="cj_pathway", caseload_kind="probation_orders", partner_codes=list(ALL_FIVE),
        joint=True, years=3, setup_pence=150_000_00, fixed_annual_pence=400_000_00, cost_per_client_pence=1_200_00,
        take_up_percent=Decimal(60), inflation_percent=Decimal(2), scale_percent=Decimal(75), scale_exponent=None,
        weights={"need": Decimal(25), "caseload": Decimal(75)},
    )


@pytest.fixture
def changed(valid_input):
    """``changed(**values)``: the valid input with some fields changed."""
    return lambda **values: replace(valid_input, **values)


@pytest.fixture
def audit_actions(db):
    """``audit_actions()``: the actions logged so far, oldest first."""
    return lambda: list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
