"""What officers and the grantee see of subsidy control: the officer's refused offer, the section 37
statement and grant power in the agreement, the grantee's confirmation on acceptance, the ledger page
and the subsidy database list with its export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from grants.extensions import db
from grants.formatting import london_today, long_date
from grants.interfaces.awards import awarding
from grants.interfaces.subsidy.declaration import window_start
from grants.models.awards import Award, AwardStatus
from grants.models.subsidy import SubsidyBasis, SubsidyEntry
from tests.blueprints.awards.test_offers import offer_data
from tests.blueprints.subsidy.conftest import declare, ledger_entry, successful, terms
from tests.helpers import error_messages, page, post
from tests.visible_text import seen_text

ACCEPT = {"name": "Morwenna Pascoe", "position": "Director", "confirm": "y"}


@pytest.fixture
def mfa_award(db, users, decided_round):
    organisation = users["org_a"]
    officer = users["grants_officer"]
    application = successful(decided_round, organisation, "150000.00")
    application.project_title = "=HYPERLINK(\"http://evil\")"
    declare(application, officer, amounts=[("Cornwall Council", london_today() - timedelta(days=40), "20000.00")])
    return awarding.create_award(application, terms(officer, "150000.00"), officer)


def test_the_agreement_gives_the_grant_power_and_the_mfa_statement(as_role, mfa_award):
    text = seen_text(as_role("grants_officer").get(f"/awards/{mfa_award.id}/offer-letter"))
    assert "section 9 of the Police Reform and Social Responsibility Act 2011" in text
    assert "conditions as to repayment" in text
    assert "Minimal financial assistance (Subsidy Control Act 2022)" in text
    assert "This grant of £150,000.00 is given to Organisation A on" in text
    assert "keep this letter and your declaration" in text and "for 3 years" in text


def test_an_mfa_award_needs_the_grantees_confirmation(as_role, mfa_award):
    grantee = as_role("applicant")
    refused = post(grantee, f"/grants/{mfa_award.id}/offer", ACCEPT)
    assert refused.status_code == 200
    assert error_messages(refused) == ["Confirm that you have read the statement of minimal financial assistance "
                                       "and will keep it and your declaration for 3 years"]
    assert page(refused).select_one("input[name=name]")["value"] == "Morwenna Pascoe"  # kept
    db.session.refresh(mfa_award)
    assert mfa_award.status is AwardStatus.OFFERED and mfa_award.mfa_confirmed_at is None
    accepted = post(grantee, f"/grants/{mfa_award.id}/offer", {**ACCEPT, "mfa_confirm": "y"})
    assert accepted.status_code == 302
    db.session.refresh(mfa_award)
    assert mfa_award.status is AwardStatus.ACCEPTED and mfa_award.mfa_confirmed_at is not None
    assert "confirmed on" in seen_text(as_role("grants_officer").get(f"/awards/{mfa_award.id}/offer-letter"))


def test_a_grant_that_is_not_a_subsidy_asks_no_confirmation(as_role, users, decided_round):
    officer = users["grants_officer"]
    application = successful(decided_round, users["org_a"])
    award = awarding.create_award(application, terms(officer), officer)  # a charity that did not answer
    assert award.subsidy_basis is SubsidyBasis.NOT_A_SUBSIDY
    grantee = as_role("applicant")
    assert page(grantee.get(f"/grants/{award.id}/offer")).select_one("input[name=mfa_confirm]") is None
    assert "not a subsidy under the Subsidy Control Act 2022" in seen_text(grantee.get(f"/grants/{award.id}/offer"))
    assert post(grantee, f"/grants/{award.id}/offer", ACCEPT).status_code == 302


def test_the_officer_is_told_why_an_offer_over_the_limit_is_refused(as_role, users, decided_round, cic):
    ledger_entry(db, cic, "312000.00")
    application = successful(decided_round, cic, "4000.00")
    declare(application, users["grants_officer"])
    officer = as_role("grants_officer")
    response = post(officer, f"/awards/new/{application.id}", offer_data(users))
    assert response.status_code == 200
    [message] = error_messages(response)
    assert message == ("An award of £4,000.00 cannot be made as minimal financial assistance: with it, Kernow Kitchen "
                       "CIC would have had £316,000.00 of minimal financial assistance and SPEI assistance from "
                       f"{long_date(window_start(london_today()))} to {long_date(london_today())}, over the "
                       "£315,000.00 limit (Subsidy Control Act 2022, section 36(1)) by £1,000.00")
    assert db.session.scalars(db.select(Award)).all() == []


def test_the_ledger_page_shows_total_limit_headroom_and_source(as_role, mfa_award, users):
    ledger_entry(db, users["org_a"], "999.00", london_today() - timedelta(days=3 * 366), giver="Old grant")
    text = seen_text(as_role("finance_officer").get(f"/subsidy/organisations/{users['org_a'].id}"))
    assert "Total in the period £150,000.00" in text
    assert "Limit £315,000.00" in text and "Source of the limit Subsidy Control Act 2022, section 36(1)" in text
    assert "Headroom £165,000.00" in text
    assert "Given by this office" in text and "No: before the period" in text
    award_page = page(as_role("grants_officer").get(f"/awards/{mfa_award.id}"))
    assert award_page.find("a", href=f"/subsidy/organisations/{users['org_a'].id}") is not None
    org_page = page(as_role("grants_officer").get(f"/organisations/{users['org_a'].id}"))
    assert org_page.find("a", href=f"/subsidy/organisations/{users['org_a'].id}") is not None


def test_applicants_cannot_see_ledgers_or_the_database(as_role, users):
    applicant = as_role("applicant")
    for url in (f"/subsidy/organisations/{users['org_a'].id}", "/subsidy/database", "/subsidy/database.csv"):
        assert applicant.get(url).status_code in (403, 404)
    assert as_role("grants_officer").get("/subsidy/organisations/999999").status_code == 404


def test_the_database_lists_mfa_above_the_threshold_and_exports_it_safely(as_role, mfa_award, users, decided_round):
    small = awarding.create_award(successful(decided_round, users["org_b"], "5000.00"),
                                  terms(users["grants_officer"], "5000.00"), users["grants_officer"])
    finance = as_role("finance_officer")
    text = seen_text(finance.get("/subsidy/database"))
    assert "more than £100,000.00 (Subsidy Control Act 2022, section 33 and Schedule 1)" in text
    assert "Organisation A" in text and "£150,000.00" in text and "Organisation B" not in text
    assert small.id
    export = finance.get("/subsidy/database.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "attachment" in export.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0][:9] == ["Granting authority", "Recipient name", "Recipient identifier", "Identifier type",
                           "Subsidy purpose", "Subsidy instrument", "Subsidy amount (£)", "Legal granting date",
                           "Subsidy form"]
    [row] = rows[1:]
    assert row[1] == "Organisation A" and row[5] == "Direct grant" and row[6] == "150000.00"
    assert row[8] == "Minimal financial assistance" and row[9] == "South West"
    assert row[4].startswith("Community Safety Fund") and "=HYPERLINK" in row[4]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_withdrawn_mfa_leaves_the_database_list(as_role, mfa_award, users):
    awarding.withdraw_offer(mfa_award, "Changed plans", users["grants_officer"])
    assert "No award has been given" in seen_text(as_role("grants_officer").get("/subsidy/database"))
    assert db.session.scalars(db.select(SubsidyEntry).where(SubsidyEntry.award_id == mfa_award.id)).all() == []


def test_the_offer_form_shows_the_headroom(as_role, users, decided_round, cic):
    ledger_entry(db, cic, "300000.00")
    application = successful(decided_round, cic, "4000.00")
    declare(application, users["grants_officer"])
    officer = as_role("grants_officer")
    text = seen_text(officer.get(f"/awards/new/{application.id}"))
    assert "so the offer is made as minimal financial assistance" in text
    assert "It has had £300,000.00 of the £315,000.00 limit (Subsidy Control Act 2022, section 36(1))" in text
    assert "an offer of up to £15,000.00 fits" in text
    charity_bid = successful(decided_round, users["org_b"])
    assert "Subsidy control: not a subsidy (no economic activity)" in seen_text(
        officer.get(f"/awards/new/{charity_bid.id}"))
