"""The applicant's subsidy-control section: who gets it, what it checks, check-answers and submission,
and the declared amounts entering the ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.extensions import db
from grants.formatting import london_today, long_date
from grants.interfaces.subsidy import declaration as declarations
from grants.interfaces.subsidy import ledger
from grants.models.applications import ApplicationStatus
from grants.models.organisations import LegalType
from grants.models.subsidy import AssistanceKind, AssistanceSource, SubsidyEntry
from tests.blueprints.applications.answers import VALID
from tests.blueprints.applications.conftest import add_required_documents
from tests.factories import ApplicationFactory, FundingRoundFactory
from tests.helpers import error_messages, page, post
from tests.visible_text import seen_text


@pytest.fixture
def applicant(as_role):
    return as_role("applicant")


def _draft(users, legal_type):
    organisation = users["org_a"]
    organisation.legal_type = legal_type
    if legal_type is LegalType.CIC:
        organisation.charity_number, organisation.company_number = None, "11223344"
    db.session.flush()
    return ApplicationFactory(funding_round=FundingRoundFactory(name="Community Safety Fund 2026"),
                              organisation=organisation, project_title=None)


def _row(index, giver, day, amount, kind="mfa"):
    return {f"amounts-{index}-giver": giver, f"amounts-{index}-given_on": [str(day.day), str(day.month), str(day.year)],
            f"amounts-{index}-amount": amount, f"amounts-{index}-kind": kind}


def _url(application):
    return f"/applications/{application.id}/subsidy-control"


def test_a_cic_has_the_task_counted_and_required(applicant, users):
    draft = _draft(users, LegalType.CIC)
    text = seen_text(applicant.get(f"/applications/{draft.id}"))
    assert "Subsidy control" in text and "Assistance your organisation has had from public bodies" in text
    check = seen_text(applicant.get(f"/applications/{draft.id}/check"))
    assert "Complete the section ‘Subsidy control’" in check


def test_a_charity_may_answer_and_is_not_held_up(applicant, users):
    draft = _draft(users, LegalType.REGISTERED_CHARITY)
    assert "Subsidy control" not in seen_text(applicant.get(f"/applications/{draft.id}"))  # not a task
    check = applicant.get(f"/applications/{draft.id}/check")
    assert "Optional: answer only if your charity trades or the project sells goods or services" in seen_text(check)
    assert page(check).find("a", href=_url(draft)) is not None
    assert "Complete the section ‘Subsidy control’" not in seen_text(applicant.get(f"/applications/{draft.id}/check"))


@pytest.mark.parametrize("legal_type", [LegalType.UNINCORPORATED_GROUP, LegalType.FAITH_GROUP,
                                        LegalType.STATUTORY_BODY])
def test_groups_and_statutory_bodies_do_not_get_the_task(applicant, users, legal_type):
    draft = _draft(users, legal_type)
    assert "Subsidy control" not in seen_text(applicant.get(f"/applications/{draft.id}"))
    assert applicant.get(_url(draft)).status_code == 404


def test_another_organisation_cannot_open_it(as_role, users):
    draft = _draft(users, LegalType.CIC)
    assert as_role("applicant_b").get(_url(draft)).status_code == 404


def test_a_valid_declaration_completes_the_section_and_shows_on_check_answers(applicant, users):
    draft = _draft(users, LegalType.CIC)
    day = london_today() - timedelta(days=100)
    response = post(applicant, _url(draft), {"economic": "yes", **_row(0, "Cornwall Council", day, "12,500.50"),
                                             "complete_list": "y"})
    assert response.status_code == 302
    declared = declarations.declaration(draft)
    assert declared.economic and declared.amounts[0].amount == declarations.Decimal("12500.50")
    check = seen_text(applicant.get(f"/applications/{draft.id}/check"))
    assert "£12,500.50 from Cornwall Council" in check
    assert "Complete the section ‘Subsidy control’" not in check


def test_mistakes_are_listed_and_what_was_typed_is_kept(applicant, users):
    draft = _draft(users, LegalType.CIC)
    too_old = declarations.window_start(london_today()) - timedelta(days=1)
    data = {"economic": "yes", **_row(0, "", london_today(), "-5"), **_row(1, "Devon County Council", too_old, "1.234"),
            **_row(2, "Plymouth City Council", london_today(), "100", kind="")}
    response = post(applicant, _url(draft), data)
    assert response.status_code == 200
    assert error_messages(response) == [
        "Enter who gave assistance 1",
        "Amount of assistance 1 must be more than £0",
        f"Date of assistance 2 must be on or after {long_date(declarations.window_start(london_today()))}: "
        "list only what you had in this financial year and the two before it",
        "Amount of assistance must not have more than 2 decimal places",
        "Select the kind of assistance 3",
        "Confirm that you have listed all the assistance your organisation has had",
    ]
    form = page(response)
    assert form.select_one("input[name=amounts-1-giver]")["value"] == "Devon County Council"
    assert declarations.status(draft) == "In progress"
    again = page(applicant.get(_url(draft)))  # kept: coming back shows it as typed
    assert again.select_one("input[name=amounts-2-giver]")["value"] == "Plymouth City Council"


def test_no_answer_and_a_future_date_are_refused(applicant, users):
    draft = _draft(users, LegalType.CIC)
    assert error_messages(post(applicant, _url(draft), {})) == [
        "Select yes if your organisation trades or the project is an economic activity"]
    future = post(applicant, _url(draft), {"economic": "yes", "complete_list": "y",
                                           **_row(0, "Cornwall Council", london_today() + timedelta(days=1), "10")})
    assert future.status_code == 200, future.headers
    assert error_messages(future) == ["Date of assistance 1 must be today or in the past"]


def test_add_another_adds_a_row_without_errors(applicant, users):
    draft = _draft(users, LegalType.CIC)
    response = post(applicant, _url(draft), {"economic": "yes", **_row(0, "Cornwall Council", london_today(), "10"),
                                             "action-add-amounts": "1"})
    assert response.status_code == 200 and error_messages(response) == []
    assert page(response).select_one("input[name=amounts-1-giver]") is not None
    assert page(response).select_one("input[name=amounts-0-giver]")["value"] == "Cornwall Council"


def test_no_economic_activity_skips_the_amounts(applicant, users):
    draft = _draft(users, LegalType.REGISTERED_CHARITY)
    response = post(applicant, _url(draft), {"economic": "no", **_row(0, "", london_today(), "oops")})
    assert response.status_code == 302
    assert declarations.declaration(draft) == declarations.Declaration(economic=False, amounts=())


def test_submission_puts_the_declared_amounts_in_the_ledger_once(applicant, users):
    draft = _draft(users, LegalType.CIC)
    for key, answers in VALID.items():
        assert post(applicant, f"/applications/{draft.id}/sections/{key}",
                    {**answers, "action-continue": "1"}).status_code == 302
    add_required_documents(db, draft)
    day = london_today() - timedelta(days=10)
    post(applicant, _url(draft), {"economic": "yes", "complete_list": "y", **_row(0, "Cornwall Council", day, "5000"),
                                  **_row(1, "Home Office", day, "7000", kind="spei")})
    stale = SubsidyEntry(organisation_id=draft.organisation_id, kind=AssistanceKind.MFA,
                         source=AssistanceSource.DECLARED, giver="Old", given_on=day, amount=1, application_id=draft.id)
    db.session.add(stale)
    db.session.flush()
    response = post(applicant, f"/applications/{draft.id}/submit")
    assert response.status_code == 302
    db.session.refresh(draft)
    assert draft.status is ApplicationStatus.SUBMITTED
    entries = ledger.entries(draft.organisation_id)
    assert sorted((e.giver, e.amount, e.kind.value) for e in entries) == [
        ("Cornwall Council", 5000, "mfa"), ("Home Office", 7000, "spei")]
    assert all(e.application_id == draft.id and e.source is AssistanceSource.DECLARED for e in entries)
    assert ledger.position(draft.organisation_id).total == 12000


def test_a_declaration_that_has_left_the_window_stops_submission(users):
    draft = _draft(users, LegalType.CIC)
    declared = declarations.Declaration(True, (declarations.DeclaredAmount(
        "Cornwall Council", declarations.window_start(london_today()), declarations.Decimal(5), AssistanceKind.MFA),))
    declarations.save(draft, {}, declared, users["applicant"])
    start = declarations.window_start(london_today())
    next_year = start.replace(year=start.year + 3)
    assert declarations.window_problems(draft, next_year) == [
        "Check your answers in ‘Subsidy control’: a date of assistance is no longer in the period asked about"]
    assert declarations.window_problems(draft) == []
