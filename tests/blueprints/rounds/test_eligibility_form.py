"""The eligibility check asks the round's own eligibility form (docs/form-definitions.md): a question
the round adds is asked, and its answer the ineligible way gives the question's reason next to the
round's settings' reasons; a form without one of the roles skips that setting's check; a question
hidden by show_if is neither asked nor checked. The browser keeps nothing personal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from grants.form_definitions import Kind, dump, load, standard
from grants.interfaces.round_forms import versions
from grants.models.organisations import LegalType
from grants.models.reference import LocalAuthority
from tests.blueprints.rounds.test_eligibility import ELIGIBLE
from tests.factories import FundingRoundFactory
from tests.helpers import error_messages, page, post

LEAD_REASON = "You need a safeguarding lead to apply. The NSPCC can help you appoint one."
SAFEGUARDING_LEAD = {
    "id": "safeguarding_lead", "type": "yes_no", "label": "Do you have a safeguarding lead?",
    "messages": {"required": "Select yes if you have a safeguarding lead"},
    "eligibility": {"ineligible_if": {"equals": "no"}, "reason": LEAD_REASON},
}
CHILDREN = {"id": "children", "type": "yes_no", "label": "Will you work with children?"}
DBS_REASON = "Everyone who works with children must have a DBS check."
DBS = {
    "id": "dbs", "type": "yes_no", "label": "Does everyone who will work with children have a DBS check?",
    "show_if": {"question": "children", "equals": "yes"},
    "eligibility": {"ineligible_if": {"equals": "no"}, "reason": DBS_REASON},
}


def _standard() -> dict[str, Any]:
    return dump(standard(Kind.ELIGIBILITY))


def _with(*questions: dict[str, Any], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """The standard eligibility form with ``questions`` added to its section and ``drop`` taken out."""
    document = _standard()
    section = document["sections"][0]
    section["questions"] = [q for q in section["questions"] if q["id"] not in drop] + list(questions)
    return document


def _give(funding_round, document: dict[str, Any]) -> None:
    """The round's own eligibility form, as an administrator's command would store it on an open round."""
    versions.save(funding_round, Kind.ELIGIBILITY, load(document), by=None, reason="The round's own check")


@pytest.fixture
def funding_round(db):
    return FundingRoundFactory(
        legal_types=[LegalType.REGISTERED_CHARITY, LegalType.CIO],
        max_annual_income=Decimal("100000"),
        min_award=Decimal("1000"),
        max_award=Decimal("5000"),
    )


def _check(client, funding_round, answers: dict[str, str]):
    return post(client, f"/rounds/{funding_round.id}/eligibility", answers)


def _heading(response) -> str:
    return page(response).h1.get_text(strip=True)


def _problems(response) -> list[str]:
    return [" ".join(p.get_text(" ").split()) for p in page(response).select("main .govuk-inset-text")]


def _session(client) -> dict[str, Any]:
    with client.session_transaction() as session:
        return {"eligibility": session.get("eligibility"), "eligible_rounds": session.get("eligible_rounds", [])}


def _legends(response) -> list[str]:
    return [" ".join(legend.get_text().split()) for legend in page(response).select("main legend")]


# A question the round adds ------------------------------------------------------------------------

def test_the_rounds_own_question_is_asked_after_the_standard_ones(client, funding_round):
    _give(funding_round, _with(SAFEGUARDING_LEAD))
    response = client.get(f"/rounds/{funding_round.id}/eligibility")
    assert _legends(response) == [
        "What type of organisation are you?",
        "Will the work take place in Devon, Cornwall, Plymouth, Torbay or the Isles of Scilly?",
        "Do you have a safeguarding lead?",
    ]
    assert [r["value"] for r in page(response).select('input[name="safeguarding_lead"]')] == ["yes", "no"]


def test_the_rounds_own_question_must_be_answered_in_its_own_words(client, funding_round):
    _give(funding_round, _with(SAFEGUARDING_LEAD))
    assert error_messages(_check(client, funding_round, ELIGIBLE)) == ["Select yes if you have a safeguarding lead"]
    tampered = _check(client, funding_round, ELIGIBLE | {"safeguarding_lead": "perhaps"})
    assert error_messages(tampered) == ["Select yes if you have a safeguarding lead"]
    assert _session(client) == {"eligibility": None, "eligible_rounds": []}


def test_answered_the_eligible_way_the_round_can_be_applied_to(client, funding_round):
    _give(funding_round, _with(SAFEGUARDING_LEAD))
    response = _check(client, funding_round, ELIGIBLE | {"safeguarding_lead": "yes"})
    assert _heading(response) == "You can apply to this round"
    assert _problems(response) == []
    assert _session(client)["eligible_rounds"] == [funding_round.id]


def test_answered_the_ineligible_way_its_reason_is_given_and_the_round_cannot_be_started(as_role, funding_round):
    client = as_role("applicant")
    _give(funding_round, _with(SAFEGUARDING_LEAD))
    _check(client, funding_round, ELIGIBLE | {"safeguarding_lead": "yes"})
    response = _check(client, funding_round, ELIGIBLE | {"safeguarding_lead": "no"})
    assert _heading(response) == "You cannot apply to this round"
    assert _problems(response) == [LEAD_REASON]
    kept = _session(client)
    assert kept["eligible_rounds"] == []  # the earlier eligible answer is forgotten
    # The browser keeps the answers read by role and which question ruled the group out, not its answer.
    assert kept["eligibility"] == {
        "round": funding_round.id, "legal_type": "registered_charity", "in_area": True,
        "annual_income": "40000.00", "amount": "3000.00", "ruled_out": ["safeguarding_lead"], "eligible": False,
    }
    # Coming back to the result (as signing in does) gives the same reason.
    again = client.get(f"/rounds/{funding_round.id}/eligibility/result")
    assert _heading(again) == "You cannot apply to this round"
    assert _problems(again) == [LEAD_REASON]
    refused = post(client, f"/applications/start/{funding_round.id}")
    assert (refused.status_code, refused.headers["Location"]) == (302, f"/rounds/{funding_round.id}/eligibility")


def test_its_reason_is_given_alongside_the_rounds_settings_reasons_in_question_order(client, funding_round):
    _give(funding_round, _with(SAFEGUARDING_LEAD))
    response = _check(client, funding_round, ELIGIBLE | {"in_area": "no", "amount": "9000", "safeguarding_lead": "no"})
    problems = _problems(response)
    assert len(problems) == 3
    assert problems[0].startswith("This round funds work in Devon, Cornwall, Plymouth, Torbay or the Isles of Scilly "
                                  "only. For work elsewhere")
    assert problems[1].startswith("This round gives grants of between £1,000 and £5,000. "
                                  "You want to ask for £9,000.00.")
    assert problems[2] == LEAD_REASON


def test_the_area_question_gives_the_rounds_reason_and_advice_once(client, funding_round):
    # The standard in_area question has its own rule too: the round setting's words win, given once.
    [problem] = _problems(_check(client, funding_round, ELIGIBLE | {"in_area": "no"}))
    assert problem.startswith("This round funds work in Devon, Cornwall, Plymouth, Torbay or the Isles of Scilly only.")
    assert "contact the Police and Crime Commissioner for that area" in problem


MARKUP_REASON = '<script>alert("x")</script><b>Not</b> eligible & that is that'


# The reason is meant to be shown as typed (tests/visible_text.py).
@pytest.mark.visible_text(allow=[MARKUP_REASON])
def test_a_reason_with_markup_is_shown_as_text(client, funding_round):
    reason = MARKUP_REASON
    _give(funding_round, _with(SAFEGUARDING_LEAD | {"eligibility": {"ineligible_if": {"equals": "no"},
                                                                      "reason": reason}}))
    response = _check(client, funding_round, ELIGIBLE | {"safeguarding_lead": "no"})
    main = page(response).select_one("main")
    assert main.select("script") == [] and main.select("b") == []
    assert _problems(response) == [reason]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;Not&lt;/b&gt; eligible &amp; that is that" in (
        response.get_data(as_text=True))


# A form without a role skips that setting's check --------------------------------------------------

def test_a_form_without_the_income_question_does_not_check_income(client, as_role, funding_round, db):
    funding_round.max_annual_income = Decimal("10000")  # below the applicant organisation's £25,000
    db.session.flush()
    _give(funding_round, _with(drop=("annual_income",)))
    assert page(client.get(f"/rounds/{funding_round.id}/eligibility")).select_one("#annual_income") is None
    answers = {key: value for key, value in ELIGIBLE.items() if key != "annual_income"}
    response = _check(client, funding_round, answers | {"annual_income": "5000000"})  # not asked: ignored
    assert _heading(response) == "You can apply to this round"
    assert _session(client)["eligibility"]["annual_income"] is None
    # Signed in, the organisation's income does not stand in for an answer the form did not ask.
    applicant = as_role("applicant")
    assert _heading(_check(applicant, funding_round, answers)) == "You can apply to this round"
    assert _problems(applicant.get(f"/rounds/{funding_round.id}/eligibility/result")) == []


def test_the_standard_form_checks_the_applicants_organisation_income(as_role, funding_round, db):
    # The same round asking the standard form: the check reads the income given, and the result shown
    # again reads the organisation's income (£25,000) in its place.
    funding_round.max_annual_income = Decimal("10000")
    db.session.flush()
    applicant = as_role("applicant")
    assert _problems(_check(applicant, funding_round, ELIGIBLE | {"annual_income": "5000"})) == []
    [problem] = _problems(applicant.get(f"/rounds/{funding_round.id}/eligibility/result"))
    assert problem.startswith("Organisations with an annual income above £10,000 cannot apply to this round. "
                              "You told us your income is £25,000.")


def test_a_form_without_the_type_and_amount_questions_checks_neither(client, funding_round):
    _give(funding_round, _with(drop=("legal_type", "amount")))
    response = _check(client, funding_round, {"in_area": "yes", "annual_income": "1000"})
    assert _heading(response) == "You can apply to this round"
    kept = _session(client)["eligibility"]
    assert (kept["legal_type"], kept["amount"]) == (None, None)


# Conditional questions ---------------------------------------------------------------------------

def test_a_hidden_question_is_neither_asked_nor_checked(client, funding_round):
    _give(funding_round, _with(CHILDREN, DBS))
    response = _check(client, funding_round, ELIGIBLE | {"children": "no", "dbs": "no"})
    assert _heading(response) == "You can apply to this round"
    assert _session(client)["eligibility"]["ruled_out"] == []
    response = _check(client, funding_round, ELIGIBLE | {"children": "no"})  # unanswered: not asked
    assert error_messages(response) == []
    assert _heading(response) == "You can apply to this round"


def test_a_shown_question_is_asked_and_checked(client, funding_round):
    _give(funding_round, _with(CHILDREN, DBS))
    assert error_messages(_check(client, funding_round, ELIGIBLE | {"children": "yes"})) == [
        "Select an answer to ‘Does everyone who will work with children have a DBS check?’"]
    response = _check(client, funding_round, ELIGIBLE | {"children": "yes", "dbs": "no"})
    assert _problems(response) == [DBS_REASON]
    assert _heading(_check(client, funding_round, ELIGIBLE | {"children": "yes", "dbs": "yes"})) == (
        "You can apply to this round")


def test_every_section_is_asked_on_one_page_in_order(client, funding_round):
    document = _standard()
    document["sections"].append({"id": "safeguarding", "title": "Safeguarding", "description": "About **you**.",
                                 "questions": [CHILDREN, DBS]})
    _give(funding_round, document)
    soup = page(client.get(f"/rounds/{funding_round.id}/eligibility"))
    assert [h2.get_text(strip=True) for h2 in soup.select("main form h2.govuk-heading-m")] == [
        "Check if you can apply", "Safeguarding"]
    assert soup.select_one("main form strong").get_text() == "you"
    assert len(soup.select('main form input[name="csrf_token"]')) == 1
    response = _check(client, funding_round, ELIGIBLE | {"children": "yes", "dbs": "no"})
    assert _problems(response) == [DBS_REASON]


# What the round's settings put into the questions -------------------------------------------------

def test_a_round_in_part_of_the_area_names_its_own_areas(client, db):
    areas = list(db.session.scalars(select(LocalAuthority).order_by(LocalAuthority.position)))[:2]
    funding_round = FundingRoundFactory(local_authorities=areas)
    where = f"{areas[0].name} or {areas[1].name}"
    response = client.get(f"/rounds/{funding_round.id}/eligibility")
    assert f"Will the work take place in {where}?" in _legends(response)
    [problem] = _problems(_check(client, funding_round, ELIGIBLE | {"in_area": "no"}))
    assert problem.startswith(f"This round funds work in {where} only.")


def test_the_amount_question_says_the_rounds_range_of_awards(client, funding_round):
    soup = page(client.get(f"/rounds/{funding_round.id}/eligibility"))
    assert soup.select_one("#amount-hint").get_text(strip=True) == (
        "This round gives grants of between £1,000 and £5,000")


def test_a_type_of_organisation_the_service_does_not_know_cannot_apply(client, funding_round):
    document = _standard()
    legal_type = document["sections"][0]["questions"][0]
    legal_type["options"].append({"value": "sole_trader", "label": "Sole trader"})
    _give(funding_round, document)
    response = _check(client, funding_round, ELIGIBLE | {"legal_type": "sole_trader"})
    [problem] = _problems(response)
    assert problem.startswith("Your type of organisation cannot apply to this round. It is open to these types of "
                              "organisation: registered charity and charitable incorporated organisation (CIO).")
    kept = _session(client)["eligibility"]
    assert (kept["legal_type"], kept["ruled_out"], kept["eligible"]) == (None, ["legal_type"], False)
    assert _problems(client.get(f"/rounds/{funding_round.id}/eligibility/result")) == [problem]


@pytest.mark.parametrize(("dropped", "said"), [
    ((), "We have filled in your organisation's type and annual income from your answers"),
    (("annual_income",), "We have filled in your organisation's type from your answers"),
    (("legal_type", "annual_income"), "We have filled in the main contact from your account"),
])
def test_setting_up_the_organisation_fills_in_only_what_the_check_asked(as_user, funding_round, dropped, said):
    from grants.models.accounts import Role
    from tests.factories import UserFactory

    if dropped:
        _give(funding_round, _with(drop=dropped))
    newcomer = as_user(UserFactory(roles=[Role.APPLICANT], organisation=None))
    _check(newcomer, funding_round, {key: value for key, value in ELIGIBLE.items() if key not in dropped})
    html = page(newcomer.get("/organisations/new"))
    assert said in html.select_one("main").get_text(" ", strip=True)
    chosen = html.select_one("input[name=legal_type][checked]")
    assert (chosen["value"] if chosen else None) == (None if "legal_type" in dropped else ELIGIBLE["legal_type"])
    income = html.select_one("#annual_income")["value"] if html.select_one("#annual_income").has_attr("value") else ""
    assert (income == "") == ("annual_income" in dropped)
