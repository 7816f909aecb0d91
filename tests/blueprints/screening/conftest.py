from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest

from grants.models.applications import ApplicationSection, ApplicationStatus
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory, OrganisationFactory
from tests.helpers import counting_statements

PROJECT_ANSWERS = {
    "title": ["Harbour Recovery Café"],
    "summary": ["A weekly recovery café in Plymouth run by people with lived experience."],
    "activities": ["Weekly café sessions, peer mentoring and family drop-ins."],
    "need": ["There is no evening peer support in Stonehouse."],
}


@pytest.fixture
def funding_round(db):
    return FundingRoundFactory(name="Community Safety Fund 2026")


@pytest.fixture
def make_application(db, funding_round):
    """``make_application(status=..., amount="4000.00", answers={section: {field: [values]}}, ...)``.

    Submitted (or later) applications get a reference and a submission time an hour apart, the
    first made the most recent; drafts get neither.
    """
    numbers = itertools.count(1)

    def _make(
        status=ApplicationStatus.SUBMITTED,
        amount: str | None = "4000.00",
        answers: dict | None = None,
        organisation=None,
        **kwargs,
    ):
        number = next(numbers)
        submitted = status is not ApplicationStatus.DRAFT
        values = {
            "funding_round": funding_round,
            "organisation": organisation or OrganisationFactory(),
            "status": status,
            "reference": f"CGS-2026-{number:04d}" if submitted else None,
            "amount_requested": Decimal(amount) if amount is not None else None,
            "submitted_at": utcnow() - timedelta(hours=number) if submitted else None,
            **kwargs,
        }
        application = ApplicationFactory(**values)
        for key, section_answers in (answers or {}).items():
            application.sections.append(ApplicationSection(key=key, answers=section_answers, complete=True))
        db.session.flush()
        return application

    return _make


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


@pytest.fixture
def count_queries(db):
    """``with count_queries() as statements:`` lists the SQL statements run inside the block."""
    return counting_statements
