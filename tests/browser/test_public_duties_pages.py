"""The public-duty pages not walked by another journey, opened in Chromium on the demo with axe on each:
the subsidy ledger of the organisation near the MFA limit and the subsidy database list; a round's
due-diligence checklist; the commissioner's signed decision notice as staff see it; and the demo
applicant's subsidy-control and confidentiality sections, answered."""

from __future__ import annotations

import pytest

from tests.browser.person import Person

pytestmark = pytest.mark.browser


def test_officers_read_the_ledger_the_subsidy_list_and_a_checklist(new_page, axe):
    officer = Person(new_page(), axe)
    officer.sign_in("officer@example.org")
    officer.goto("/organisations")
    officer.follow("Penwith Community Kitchen CIC")
    officer.follow("Subsidy ledger")
    text = " ".join(officer.text().split())
    assert "Headroom £1,850.00" in text and "Subsidy Control Act 2022, section 36(1)" in text
    officer.follow("Subsidies listed for the subsidy database")
    assert officer.heading() == "Subsidies for the subsidy database"
    officer.goto("/rounds/manage")
    officer.follow("Commissioners Grant 2026: young people and county lines", exact=False)
    officer.follow("See or change the round's due-diligence checklist")
    assert officer.heading() == "Due-diligence checklist"
    assert "Safeguarding policy" in officer.text()
    officer.sign_out()

    commissioner = Person(new_page(), axe)
    commissioner.sign_in("commissioner@example.org")
    commissioner.goto("/decisions/notices")
    commissioner.follow("PCC/D/", exact=False)
    assert "Signed" in commissioner.text() and "Section 9 of the Police Reform" in commissioner.text()


def test_the_applicant_answers_subsidy_control_and_confidentiality(new_page, axe):
    applicant = Person(new_page(), axe, typed=("Our referral partners' names",))
    applicant.sign_in("applicant@example.org")
    applicant.goto("/applications")
    applicant.follow("Night-time Safe Space, Union Street", exact=False)
    task_list = "/" + applicant.page.url.split("//", 1)[1].split("/", 1)[1]
    applicant.goto(f"{task_list}/confidentiality")
    assert applicant.heading() == "Confidential information"
    applicant.goto(f"{task_list}/subsidy-control")
    assert applicant.heading() == "Subsidy control"
    applicant.press("Save and continue")  # nothing answered: the error state
    assert applicant.errors(), "a question left unanswered is named"
