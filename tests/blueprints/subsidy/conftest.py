"""Fixtures for subsidy control: organisations that may trade, decided rounds, offer terms, and a
completed subsidy-control section."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest

from grants.formatting import london_today
from grants.interfaces.awards import awarding
from grants.interfaces.subsidy import declaration as declarations
from grants.models.applications import ApplicationStatus
from grants.models.awards import InstalmentTrigger, MonitoringFrequency
from grants.models.organisations import LegalType
from grants.models.subsidy import AssistanceKind, AssistanceSource, SubsidyEntry
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory, OrganisationFactory

_numbers = itertools.count(1)


@pytest.fixture
def decided_round(db):
    return FundingRoundFactory(opens_at=utcnow() - timedelta(days=120), closes_at=utcnow() - timedelta(days=90),
                               published_at=utcnow() - timedelta(days=121), decided_at=utcnow() - timedelta(days=30),
                               total_budget=Decimal("500000.00"))


@pytest.fixture
def cic(db):
    return OrganisationFactory(name="Kernow Kitchen CIC", legal_type=LegalType.CIC, company_number="11223344",
                               charity_number=None)


def terms(officer, amount="40000.00"):
    today = utcnow().date()
    amount = Decimal(amount)
    return awarding.AwardTerms(
        amount=amount, amount_reason=None, start_date=today + timedelta(days=10), end_date=today + timedelta(days=375),
        standard_conditions=("monitoring",), special_conditions="", monitoring_frequency=MonitoringFrequency.QUARTERLY,
        officer=officer, offer_deadline=utcnow() + timedelta(days=28),
        instalments=(awarding.InstalmentPlan(amount, today + timedelta(days=10), InstalmentTrigger.ON_ACCEPTANCE),),
    )


def declare(application, user, economic=True, amounts=()):
    """Complete the application's subsidy-control section with ``amounts`` of (giver, date, amount)."""
    declared = declarations.Declaration(economic=economic, amounts=tuple(
        declarations.DeclaredAmount(giver, given_on, Decimal(amount), AssistanceKind.MFA)
        for giver, given_on, amount in amounts))
    declarations.save(application, {}, declared, user)


def successful(decided_round, organisation, amount="40000.00"):
    return ApplicationFactory(funding_round=decided_round, organisation=organisation,
                              status=ApplicationStatus.SUCCESSFUL, amount_requested=Decimal(amount),
                              reference=f"CGS-2026-{7000 + next(_numbers):04d}")


def ledger_entry(db, organisation, amount, given_on: date | None = None, giver="Cornwall Council"):
    entry = SubsidyEntry(organisation_id=organisation.id, kind=AssistanceKind.MFA, source=AssistanceSource.DECLARED,
                         giver=giver, given_on=given_on or london_today(), amount=Decimal(amount))
    db.session.add(entry)
    db.session.flush()
    return entry


__all__ = ["declare", "ledger_entry", "successful", "terms"]
