"""Fixtures for the funding rounds pages: signed-in staff, and a complete, valid round form."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.models.audit import AuditEvent
from grants.models.organisations import LegalType
from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


@pytest.fixture
def admin(as_role):
    return as_role("admin")


@pytest.fixture
def reference_ids(db) -> dict[str, list[str]]:
    """The ids of each reference list, as the checkboxes send them."""

    def ids(model) -> list[str]:
        return [str(i) for i in db.session.scalars(select(model.id).order_by(model.position))]

    return {
        "local_authorities": ids(LocalAuthority),
        "approaches": ids(PlanApproach),
        "adder_strands": ids(AdderStrand),
        "outcomes": ids(DrugsOutcome),
    }


@pytest.fixture
def round_form(reference_ids):
    """``round_form(**changes)``: what the create or edit page sends for a valid round."""

    def _form(**changes) -> dict:
        form = {
            "name": "Safer Streets Community Fund 2026",
            "description": "Grants for **community** projects.",
            "guidance": "Read this first.",
            "opens_on": ["1", "6", "2026"],
            "opens_time": "9:00am",
            "closes_on": ["31", "7", "2026"],
            "closes_time": "12pm",
            "total_budget": "£150,000",
            "min_award": "1,000",
            "max_award": "10000",
            "max_project_months": "12",
            "max_annual_income": "",
            "legal_types": [LegalType.REGISTERED_CHARITY.value, LegalType.CIC.value],
            "local_authorities": reference_ids["local_authorities"][:2],
            "approaches": reference_ids["approaches"][:1],
            "adder_strands": reference_ids["adder_strands"],
            "outcomes": reference_ids["outcomes"][:3],
        }
        return form | changes

    return _form


@pytest.fixture
def events(db):
    """``events(action)``: the audit events with that action, oldest first."""

    def _events(action: str) -> list[AuditEvent]:
        return list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )

    return _events
