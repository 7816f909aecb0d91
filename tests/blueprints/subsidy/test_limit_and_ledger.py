"""The MFA limit before an offer (Subsidy Control Act 2022 section 36) and the ledger kept with
awards: offered, revised, varied, withdrawn and lapsed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from grants.formatting import london_today
from grants.interfaces.admin.settings import save_settings
from grants.interfaces.awards import awarding, variations
from grants.interfaces.awards import offers as award_offers
from grants.interfaces.subsidy import declaration as declarations
from grants.interfaces.subsidy import ledger
from grants.models.awards import AwardStatus, VariationKind
from grants.models.organisations import LegalType
from grants.models.subsidy import AssistanceSource, SubsidyBasis, SubsidyEntry
from grants.models.types import utcnow
from tests.blueprints.subsidy.conftest import declare, ledger_entry, successful, terms
from tests.factories import OrganisationFactory


@pytest.mark.parametrize("day, start", [
    (date(2026, 4, 1), date(2024, 4, 1)),  # the first day of a financial year
    (date(2026, 3, 31), date(2023, 4, 1)),  # the last day of one
    (date(2027, 1, 15), date(2024, 4, 1)),
])
def test_the_window_is_the_current_financial_year_and_the_two_before(day, start):
    assert declarations.window_start(day) == start


def _entries(db, organisation):
    return list(db.session.scalars(db.select(SubsidyEntry).where(SubsidyEntry.organisation_id == organisation.id)))


def test_an_economic_project_is_offered_as_mfa_with_its_entry_and_statement(db, users, decided_round, cic):
    officer = users["grants_officer"]
    application = successful(decided_round, cic)
    declare(application, officer, amounts=[("Cornwall Council", london_today() - timedelta(days=30), "10000.00")])
    award = awarding.create_award(application, terms(officer), officer)
    assert award.subsidy_basis is SubsidyBasis.MFA
    assert "£40,000.00" in award.mfa_statement and "minimal financial assistance" in award.mfa_statement
    assert "3 years" in award.mfa_statement
    [entry] = _entries(db, cic)  # the declared amount joins the ledger on submission, not here
    assert entry.source is AssistanceSource.OPCC and entry.amount == Decimal("40000.00") and entry.award_id == award.id


def test_over_the_limit_the_offer_is_refused_and_says_by_how_much(db, users, decided_round, cic):
    officer = users["grants_officer"]
    ledger_entry(db, cic, "300000.00", london_today() - timedelta(days=400))
    application = successful(decided_round, cic, "20000.00")
    declare(application, officer)
    with pytest.raises(awarding.AwardError) as refused:
        awarding.create_award(application, terms(officer, "20000.00"), officer)
    message = str(refused.value)
    assert refused.value.field == "amount"
    assert "cannot be made as minimal financial assistance" in message
    assert "£320,000.00" in message and "£315,000.00 limit" in message and "by £5,000.00" in message
    assert "Subsidy Control Act 2022, section 36(1)" in message


def test_exactly_at_the_limit_is_allowed_and_old_assistance_does_not_count(db, users, decided_round, cic):
    officer = users["grants_officer"]
    ledger_entry(db, cic, "295000.00", london_today() - timedelta(days=10))
    ledger_entry(db, cic, "900000.00", declarations.window_start(london_today()) - timedelta(days=1))
    application = successful(decided_round, cic, "20000.00")
    declare(application, officer)
    award = awarding.create_award(application, terms(officer, "20000.00"), officer)
    assert award.subsidy_basis is SubsidyBasis.MFA
    assert ledger.position(cic.id).headroom == Decimal("0.00")


def test_the_limit_and_its_source_come_from_the_office_settings(db, users, decided_round, cic):
    officer = users["grants_officer"]
    save_settings({"mfa_limit": "50000", "mfa_limit_source": "Test limit"}, officer)
    application = successful(decided_round, cic, "60000.00")
    declare(application, officer)
    with pytest.raises(awarding.AwardError, match=r"over the £50,000.00 limit \(Test limit\) by £10,000.00"):
        awarding.create_award(application, terms(officer, "60000.00"), officer)


def test_no_economic_activity_is_not_a_subsidy_and_not_limited(db, users, decided_round, cic):
    officer = users["grants_officer"]
    ledger_entry(db, cic, "315000.00")
    application = successful(decided_round, cic)
    declare(application, officer, economic=False)
    award = awarding.create_award(application, terms(officer), officer)
    assert award.subsidy_basis is SubsidyBasis.NOT_A_SUBSIDY and award.mfa_statement is None
    assert [e.source for e in _entries(db, cic)] == [AssistanceSource.DECLARED]


def test_a_body_without_the_section_is_not_a_subsidy(db, users, decided_round):
    officer = users["grants_officer"]
    group = OrganisationFactory(legal_type=LegalType.UNINCORPORATED_GROUP, charity_number=None)
    award = awarding.create_award(successful(decided_round, group), terms(officer), officer)
    assert award.subsidy_basis is SubsidyBasis.NOT_A_SUBSIDY
    assert _entries(db, group) == []


def test_a_second_offer_counts_the_first(db, users, decided_round, cic):
    officer = users["grants_officer"]
    first, second = successful(decided_round, cic, "200000.00"), successful(decided_round, cic, "200000.00")
    declare(first, officer)
    declare(second, officer)
    awarding.create_award(first, terms(officer, "200000.00"), officer)
    with pytest.raises(awarding.AwardError, match="£400,000.00 .* by £85,000.00"):
        awarding.create_award(second, terms(officer, "200000.00"), officer)


def test_withdrawing_and_lapsing_take_the_entry_off_and_extending_puts_it_back(db, users, decided_round, cic):
    officer = users["grants_officer"]
    one, two = successful(decided_round, cic), successful(decided_round, cic)
    declare(one, officer)
    declare(two, officer)
    withdrawn = awarding.create_award(one, terms(officer), officer)
    awarding.withdraw_offer(withdrawn, "Project cancelled", officer)
    lapsing = awarding.create_award(two, terms(officer), officer)
    assert [e.award_id for e in _entries(db, cic)] == [lapsing.id]
    lapsing.offer_deadline = utcnow() - timedelta(minutes=1)
    db.session.flush()
    awarding.lapse_overdue_offers()
    assert lapsing.status is AwardStatus.LAPSED and _entries(db, cic) == []
    awarding.extend_offer(lapsing, utcnow() + timedelta(days=7), officer)
    assert [e.amount for e in _entries(db, cic)] == [Decimal("40000.00")]


def test_extending_a_lapsed_offer_is_refused_when_the_limit_has_been_used_meanwhile(db, users, decided_round, cic):
    officer = users["grants_officer"]
    application = successful(decided_round, cic)
    declare(application, officer)
    award = awarding.create_award(application, terms(officer), officer)
    award.offer_deadline = utcnow() - timedelta(minutes=1)
    db.session.flush()
    awarding.lapse_overdue_offers()
    ledger_entry(db, cic, "300000.00")
    with pytest.raises(awarding.AwardError, match="cannot be made as minimal financial assistance"):
        awarding.extend_offer(award, utcnow() + timedelta(days=7), officer)


def test_revising_the_offer_keeps_the_entry_equal_and_is_refused_over_the_limit(db, users, decided_round, cic):
    officer = users["grants_officer"]
    ledger_entry(db, cic, "270000.00")
    application = successful(decided_round, cic)
    declare(application, officer)
    award = awarding.create_award(application, terms(officer), officer)
    lower = terms(officer, "30000.00")
    lower = award_offers.AwardTerms(**{**lower.__dict__, "amount_reason": "Smaller project"})
    assert award_offers.revise_offer(award, award.version, lower, officer)
    assert ledger.award_entry(award).amount == Decimal("30000.00")
    assert "£30,000.00" in award.mfa_statement
    higher = award_offers.AwardTerms(**{**terms(officer, "50000.00").__dict__, "amount_reason": "Bigger"})
    with pytest.raises(awarding.AwardError, match="by £5,000.00"):
        award_offers.revise_offer(award, award.version, higher, officer)
    assert ledger.award_entry(award).amount == Decimal("30000.00")


def test_an_amount_variation_moves_the_entry_and_is_refused_over_the_limit(db, users, decided_round, cic):
    officer = users["grants_officer"]
    applicant = users["applicant"]
    ledger_entry(db, cic, "265000.00")
    application = successful(decided_round, cic)
    declare(application, officer)
    award = awarding.create_award(application, terms(officer), officer)
    award.status = AwardStatus.ACCEPTED
    db.session.flush()
    fits = variations.request_variation(award, VariationKind.AMOUNT, {"amount": Decimal("50000.00")}, "More",
                                      applicant, True)
    variations.decide_variation(fits, True, None, officer)
    assert ledger.award_entry(award).amount == Decimal("50000.00")
    over = variations.request_variation(award, VariationKind.AMOUNT, {"amount": Decimal("50000.01")}, "More",
                                      applicant, True)
    with pytest.raises(awarding.AwardError, match="by £0.01"):
        variations.decide_variation(over, True, None, officer)


def test_declared_amounts_are_counted_once_when_two_applications_declare_them(db, users, decided_round, cic):
    day = london_today() - timedelta(days=5)
    ledger_entry(db, cic, "1000.00", day, giver="Cornwall Council")
    ledger_entry(db, cic, "1000.00", day, giver="cornwall council ")
    assert ledger.position(cic.id).total == Decimal("1000.00")
