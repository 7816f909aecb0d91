"""Creating, accepting, extending, withdrawing and editing awards, through grants.interfaces.awards.awarding."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest

from grants.interfaces.awards import awarding as awards
from grants.models.applications import ApplicationStatus
from grants.models.awards import AwardStatus, InstalmentStatus, InstalmentTrigger, MonitoringFrequency
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, AwardFactory, FundingRoundFactory, OrganisationFactory


@pytest.fixture
def decided_round(db):
    return FundingRoundFactory(opens_at=utcnow() - timedelta(days=120), closes_at=utcnow() - timedelta(days=90),
                               published_at=utcnow() - timedelta(days=121), decided_at=utcnow() - timedelta(days=30),
                               total_budget=Decimal("10000.00"))



def terms(officer, amount="4000.00", reason=None, instalments=None, **changes):
    today = utcnow().date()
    amount = Decimal(amount)
    half = amount / 2
    plan = instalments or (
        awards.InstalmentPlan(half, today + timedelta(days=10), InstalmentTrigger.ON_ACCEPTANCE),
        awards.InstalmentPlan(amount - half, today + timedelta(days=200), InstalmentTrigger.AFTER_RETURN),
    )
    values = dict(amount=amount, amount_reason=reason, start_date=today + timedelta(days=10),
                  end_date=today + timedelta(days=375), standard_conditions=("monitoring",), special_conditions="",
                  monitoring_frequency=MonitoringFrequency.QUARTERLY, officer=officer,
                  offer_deadline=utcnow() + timedelta(days=28), instalments=plan)
    values.update(changes)
    return awards.AwardTerms(**values)


_REFERENCE_NUMBERS = itertools.count(1)


def application(decided_round, amount="4000.00"):
    return ApplicationFactory(funding_round=decided_round, organisation=OrganisationFactory(),
                              status=ApplicationStatus.SUCCESSFUL, amount_requested=Decimal(amount),
                              reference=f"CGS-2026-{next(_REFERENCE_NUMBERS):04d}")


def test_an_award_is_offered_with_its_instalments_and_returns(decided_round, users):
    officer = users["grants_officer"]
    award = awards.create_award(application(decided_round), terms(officer), officer)
    assert award.status is AwardStatus.OFFERED and award.amount == Decimal("4000.00")
    assert [i.amount for i in award.instalments] == [Decimal("2000.00"), Decimal("2000.00")]
    assert len(award.returns) == 5 and award.returns[-1].final  # a year and a bit, quarterly
    assert awards.committed(decided_round) == Decimal("4000.00")


@pytest.mark.parametrize("change, field, message", [
    (dict(amount=Decimal("0")), "amount", "more than £0"),
    (dict(amount=Decimal("3500.00")), "amount_reason", "differs from the £4,000.00 asked for"),
    (dict(end_date=utcnow().date()), "end_date", "on or after the start date"),
    (dict(offer_deadline=utcnow() - timedelta(minutes=1)), "offer_deadline", "in the future"),
])
def test_bad_terms_are_refused_with_the_field(decided_round, users, change, field, message):
    officer = users["grants_officer"]
    with pytest.raises(awards.AwardError, match=message) as refused:
        awards.create_award(application(decided_round), terms(officer, **change), officer)
    assert refused.value.field == field


def test_instalments_must_add_up_to_the_penny_and_fall_in_the_period(decided_round, users):
    officer = users["grants_officer"]
    today = utcnow().date()
    short = (awards.InstalmentPlan(Decimal("3999.99"), today + timedelta(days=20), InstalmentTrigger.ON_DATE),)
    with pytest.raises(awards.AwardError, match="add up to £3,999.99: they must add up to the award of £4,000"):
        awards.create_award(application(decided_round), terms(officer, instalments=short), officer)
    late = (awards.InstalmentPlan(Decimal("4000.00"), today + timedelta(days=900), InstalmentTrigger.ON_DATE),)
    with pytest.raises(awards.AwardError, match="within the award period"):
        awards.create_award(application(decided_round), terms(officer, instalments=late), officer)


def test_the_rounds_budget_is_never_overspent(decided_round, users):
    officer = users["grants_officer"]
    awards.create_award(application(decided_round, "5000.00"), terms(officer, "5000.00"), officer)
    awards.create_award(application(decided_round, "4000.00"), terms(officer, "4000.00"), officer)
    with pytest.raises(awards.AwardError, match=r"£1,000.00 left .* over it by £1,000.00"):
        awards.create_award(application(decided_round, "2000.00"), terms(officer, "2000.00"), officer)
    assert awards.committed(decided_round) == Decimal("9000.00")


def test_only_successful_applications_and_only_once(decided_round, users):
    officer = users["grants_officer"]
    app = application(decided_round)
    awards.create_award(app, terms(officer), officer)
    with pytest.raises(awards.AwardError, match="already has an award"):
        awards.create_award(app, terms(officer), officer)
    app.status = ApplicationStatus.UNSUCCESSFUL
    with pytest.raises(awards.AwardError, match="Only a successful application"):
        awards.create_award(app, terms(officer), officer)


def test_acceptance_is_named_and_dated_and_makes_the_first_instalment_due(db, users):
    award = AwardFactory(organisation=users["org_a"])
    awards.accept_offer(award, users["applicant"], "Sam Trelawny", "Chair of trustees", True)
    assert award.status is AwardStatus.ACCEPTED and award.accepted_name == "Sam Trelawny"
    assert award.accepted_at is not None
    assert [i.status for i in award.instalments] == [InstalmentStatus.DUE, InstalmentStatus.SCHEDULED]
    with pytest.raises(awards.AwardError, match="already been accepted"):
        awards.accept_offer(award, users["applicant"], "Sam Trelawny", "Chair", True)


@pytest.mark.parametrize("name, position, confirmed, field", [
    ("", "Chair", True, "name"), ("Sam", " ", True, "position"), ("Sam", "Chair", False, "confirm"),
])
def test_acceptance_needs_the_whole_declaration(db, users, name, position, confirmed, field):
    award = AwardFactory(organisation=users["org_a"])
    with pytest.raises(awards.AwardError) as refused:
        awards.accept_offer(award, users["applicant"], name, position, confirmed)
    assert refused.value.field == field and award.status is AwardStatus.OFFERED


def test_a_lapsed_or_withdrawn_offer_cannot_be_accepted(db, users):
    lapsed = AwardFactory(organisation=users["org_a"], offer_deadline=utcnow() - timedelta(minutes=1))
    assert awards.effective_status(lapsed) is AwardStatus.LAPSED
    with pytest.raises(awards.AwardError, match="has lapsed"):
        awards.accept_offer(lapsed, users["applicant"], "Sam", "Chair", True)
    withdrawn = AwardFactory(organisation=users["org_a"])
    awards.withdraw_offer(withdrawn, "The project is no longer going ahead", users["grants_officer"])
    with pytest.raises(awards.AwardError, match="withdrawn"):
        awards.accept_offer(withdrawn, users["applicant"], "Sam", "Chair", True)


def test_lapsing_and_extending(db, users):
    award = AwardFactory(offer_deadline=utcnow() - timedelta(hours=1))
    assert awards.lapse_overdue_offers() == [award]
    assert award.status is AwardStatus.LAPSED
    with pytest.raises(awards.AwardError, match="in the future"):
        awards.extend_offer(award, utcnow() - timedelta(minutes=5), users["grants_officer"])
    awards.extend_offer(award, utcnow() + timedelta(days=7), users["grants_officer"])
    assert award.status is AwardStatus.OFFERED
    with pytest.raises(awards.AwardError, match="later than the current one"):
        awards.extend_offer(award, utcnow() + timedelta(days=6), users["grants_officer"])


def test_another_organisations_award_is_not_found(db, users):
    from werkzeug.exceptions import NotFound

    award = AwardFactory(organisation=users["org_a"])
    assert awards.award_for_member(users["applicant"], award.id) is award
    with pytest.raises(NotFound):
        awards.award_for_member(users["applicant_b"], award.id)


def test_an_edit_based_on_an_old_version_is_refused(db, users):
    award = AwardFactory()
    seen = award.version
    awards.update_offer(award, seen, {"special_conditions": "Send photos"}, users["grants_officer"])
    with pytest.raises(awards.StaleAward, match="Someone else changed this award"):
        awards.update_offer(award, seen, {"special_conditions": "Something else"}, users["grants_officer"])
    assert award.special_conditions == "Send photos"
