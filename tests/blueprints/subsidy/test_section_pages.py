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
from grants.models.subsidy import AssistanceKind, AssistanceSource, SubsidyBasis, SubsidyEntry
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


def _subsidy_card(response):
    cards = [card for card in page(response).select(".govuk-summary-card")
             if seen_text(str(card.select_one(".govuk-summary-card__title"))) == "Subsidy control"]
    return cards[0] if cards else None


def _ready_but_for_subsidy_control(client, draft):
    """Every other section and document complete; the organisation's details keep its legal type."""
    legal_type = draft.organisation.legal_type
    for key, answers in VALID.items():
        if key == "organisation":
            answers = {**answers, "legal_type": [legal_type.value],
                       **({} if legal_type.needs_charity_number else {"charity_number": [""]})}
        response = post(client, f"/applications/{draft.id}/sections/{key}", {**answers, "action-continue": "1"})
        assert response.status_code == 302, error_messages(response)
    add_required_documents(db, draft)
    assert draft.organisation.legal_type is legal_type


@pytest.mark.parametrize("legal_type", [LegalType.REGISTERED_CHARITY, LegalType.CIO])
def test_a_charity_has_the_task_counted_and_required(applicant, users, legal_type):
    draft = _draft(users, legal_type)
    task_list = page(applicant.get(f"/applications/{draft.id}"))
    task = task_list.find("a", href=_url(draft))
    assert task is not None and seen_text(str(task)) == "Subsidy control"
    assert "Not yet started" in seen_text(str(task.find_parent("li")))
    sections = len(VALID) + 1  # the round's own sections and this one
    assert f"You have completed 0 of {sections} sections" in seen_text(str(task_list))
    check = applicant.get(f"/applications/{draft.id}/check")
    assert "Complete the section ‘Subsidy control’" in seen_text(check)
    card = seen_text(str(_subsidy_card(check)))
    assert card == "Subsidy control Add subsidy control (Subsidy control) Answered Not started"


def test_a_charity_is_told_what_trading_means(applicant, users):
    form = page(applicant.get(_url(_draft(users, LegalType.REGISTERED_CHARITY))))
    hint = seen_text(str(form.select_one("#economic-hint")))
    assert hint.startswith("A charity trades when it sells goods or services in a market")
    assert "charges people or organisations for its services, or delivers services under a contract" in hint
    assert "If your project is purely charitable and free of charge to the people it helps, answer ‘No’" in hint
    cic_hint = seen_text(str(page(applicant.get(_url(_draft(users, LegalType.CIC)))).select_one("#economic-hint")))
    assert cic_hint.startswith("An economic activity is offering goods or services in a market")


def test_a_charity_cannot_submit_without_the_section(applicant, users):
    draft = _draft(users, LegalType.REGISTERED_CHARITY)
    _ready_but_for_subsidy_control(applicant, draft)
    response = post(applicant, f"/applications/{draft.id}/submit")
    assert response.status_code == 200
    summary = page(response).select_one(".govuk-error-summary")
    assert seen_text(str(summary.select_one(".govuk-error-summary__title"))) == "You cannot submit your application yet"
    assert [seen_text(str(li)) for li in summary.select("li")] == ["Complete the section ‘Subsidy control’"]
    assert summary.select_one("li a")["href"] == _url(draft)
    db.session.refresh(draft)
    assert draft.status is ApplicationStatus.DRAFT and draft.reference is None


def test_a_charity_answering_no_submits_with_no_amounts(applicant, users):
    draft = _draft(users, LegalType.CIO)
    _ready_but_for_subsidy_control(applicant, draft)
    assert post(applicant, _url(draft), {"economic": "no"}).status_code == 302
    task_list = seen_text(applicant.get(f"/applications/{draft.id}"))
    assert f"You have completed {len(VALID) + 1} of {len(VALID) + 1} sections" in task_list
    card = _subsidy_card(applicant.get(f"/applications/{draft.id}/check"))
    assert seen_text(str(card.select_one(".govuk-summary-list__value"))) == "No"
    assert "Assistance had in this financial year" not in seen_text(str(card))
    assert post(applicant, f"/applications/{draft.id}/submit").status_code == 302
    db.session.refresh(draft)
    assert draft.status is ApplicationStatus.SUBMITTED
    assert ledger.entries(draft.organisation_id) == []
    assert ledger.basis_for(draft) is SubsidyBasis.NOT_A_SUBSIDY


def test_a_charity_that_trades_declares_its_amounts(applicant, users):
    draft = _draft(users, LegalType.REGISTERED_CHARITY)
    _ready_but_for_subsidy_control(applicant, draft)
    day = london_today() - timedelta(days=30)
    assert post(applicant, _url(draft), {"economic": "yes", "complete_list": "y",
                                         **_row(0, "Torbay Council", day, "8,000")}).status_code == 302
    assert f"£8,000.00 from Torbay Council on {long_date(day)}" in seen_text(
        applicant.get(f"/applications/{draft.id}/check"))
    assert post(applicant, f"/applications/{draft.id}/submit").status_code == 302
    assert [(e.giver, e.amount) for e in ledger.entries(draft.organisation_id)] == [("Torbay Council", 8000)]
    assert ledger.basis_for(draft) is SubsidyBasis.MFA


def test_an_unincorporated_group_submits_without_the_section(applicant, users):
    draft = _draft(users, LegalType.UNINCORPORATED_GROUP)
    _ready_but_for_subsidy_control(applicant, draft)
    check = applicant.get(f"/applications/{draft.id}/check")
    assert _subsidy_card(check) is None and "Complete the section ‘Subsidy control’" not in seen_text(check)
    assert post(applicant, f"/applications/{draft.id}/submit").status_code == 302
    db.session.refresh(draft)
    assert draft.status is ApplicationStatus.SUBMITTED


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


def test_a_charity_s_bid_submitted_before_the_rule_stands_and_says_it_was_not_answered(as_role, users):
    draft = _draft(users, LegalType.REGISTERED_CHARITY)
    draft.status, draft.reference = ApplicationStatus.SUBMITTED, "CGS-2026-0042"
    db.session.flush()
    card = _subsidy_card(as_role("grants_officer").get(f"/screening/applications/{draft.id}"))
    assert seen_text(str(card)) == "Subsidy control Answered Not answered"
    assert ledger.basis_for(draft) is SubsidyBasis.NOT_A_SUBSIDY
