from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from grants.interfaces.due_diligence.checklists import default_checklist
from grants.models.applications import ApplicationStatus
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory, OrganisationFactory

REGISTER_FILES = Path(__file__).parents[2] / "data" / "registers"
CHARITY_FILE = REGISTER_FILES / "publicextract.charity.txt"
COMPANY_FILE = REGISTER_FILES / "BasicCompanyDataAsOneFile-2026-12-01.csv"


@pytest.fixture
def funding_round(db):
    """A round with the shipped default checklist (the factories' rounds have none)."""
    return FundingRoundFactory(name="Community Safety Fund 2026", due_diligence=default_checklist())


@pytest.fixture
def make_application(db, funding_round):
    numbers = itertools.count(1)

    def _make(status=ApplicationStatus.SUBMITTED, organisation=None, **kwargs):
        number = next(numbers)
        application = ApplicationFactory(
            funding_round=kwargs.pop("round", funding_round), organisation=organisation or OrganisationFactory(),
            status=status, reference=f"CGS-2026-{number:04d}", amount_requested=Decimal("4000.00"),
            submitted_at=utcnow() - timedelta(hours=number), **kwargs,
        )
        db.session.flush()
        return application

    return _make


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")
