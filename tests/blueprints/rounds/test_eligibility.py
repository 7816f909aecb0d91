"""The eligibility check: each reason a round rules an organisation out, what to do next when it
does not, and nothing written to the database for anyone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from grants.models.organisations import LegalType
from grants.models.types import utcnow
from tests.factories import FundingRoundFactory
from tests.helpers import error_messages, page, post

ELIGIBLE = {
    "legal_type": "registered_charity",
    "in_area": "yes",
    "annual_income": "40,000",
    "amount": "£3,000",
}


@pytest.fixture
def funding_round(db):
    return FundingRoundFactory(
        legal_types=[LegalType.REGISTERED_CHARITY, LegalType.CIO],
        max_annual_income=Decimal("100000"),
        min_award=Decimal("1000"),
        max_award=Decimal("5000"),
    )


def _check(client, funding_round, **changes):
    return post(client, f"/rounds/{funding_round.id}/eligibility", ELIGIBLE | changes)


def _text(response) -> str:
    return " ".join(page(response).select_one("main").get_text(" ").split())


def _eligible_rounds(client) -> list[int]:
    with client.session_transaction() as session:
        return session.get("eligible_rounds", [])


def test_the_questions(client, funding_round):
    soup = page(client.get(f"/rounds/{funding_round.id}/eligibility"))
    assert len(soup.select('input[name="legal_type"][type="radio"]')) == len(LegalType)
    assert [r["value"] for r in soup.select('input[name="in_area"]')] == ["yes", "no"]
    legends = [" ".join(legend.get_text().split()) for legend in soup.select("legend")]
    assert (
        "Will the work take place in Devon, Cornwall, Plymouth, Torbay or the Isles of Scilly?"
        in legends
    )
    assert soup.select_one("#annual_income") is not None and soup.select_one("#amount") is not None


def test_an_applicants_organisation_fills_in_what_it_can(as_role, funding_round, users):
    soup = page(as_role("applicant").get(f"/rounds/{funding_round.id}/eligibility"))
    assert soup.select_one('input[name="legal_type"][value="registered_charity"]').has_attr(
        "checked"
    )
    assert soup.select_one("#annual_income")["value"] == "25000.00"


def test_every_question_must_be_answered(client, funding_round):
    response = post(client, f"/rounds/{funding_round.id}/eligibility", {})
    assert error_messages(response) == [
        "Select the type of organisation",
        "Select yes if the work will take place in the area",
        "Enter your organisation's annual income",
        "Enter how much you want to ask for",
    ]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"legal_type": "spaceship"}, "Select the type of organisation"),
        ({"in_area": "maybe"}, "Select yes if the work will take place in the area"),
        ({"annual_income": "-1"}, "Annual income must be 0 or more"),
        ({"annual_income": "a lot"}, "Annual income must be a number, like 12500"),
        ({"amount": "0"}, "Amount must be more than £0"),
    ],
)
def test_answers_are_checked(client, funding_round, changes, message):
    assert error_messages(_check(client, funding_round, **changes)) == [message]


def test_an_eligible_answer_says_so_and_is_remembered_in_the_session(client, funding_round):
    other = FundingRoundFactory()
    _check(client, other)
    response = _check(client, funding_round)
    assert response.status_code == 200
    assert page(response).h1.get_text(strip=True) == "You can apply to this round"
    assert _eligible_rounds(client) == [other.id, funding_round.id]
    _check(client, funding_round)  # checking again does not list it twice
    assert _eligible_rounds(client) == [other.id, funding_round.id]


def test_a_later_ineligible_answer_is_forgotten(client, funding_round):
    _check(client, funding_round)
    _check(client, funding_round, in_area="no")
    assert _eligible_rounds(client) == []


def _problems(response) -> list[str]:
    return [
        " ".join(p.get_text(" ").split()) for p in page(response).select("main .govuk-inset-text")
    ]


def test_a_type_of_organisation_the_round_does_not_fund(client, funding_round):
    response = _check(client, funding_round, legal_type="cic")
    assert page(response).h1.get_text(strip=True) == "You cannot apply to this round"
    [problem] = _problems(response)
    assert problem.startswith(
        "Your type of organisation, community interest company (CIC), cannot apply to this round. "
        "It is open to these types of organisation: registered charity and charitable "
        "incorporated organisation (CIO)."
    )
    assert "could lead the project with you as a partner" in problem
    assert _eligible_rounds(client) == []


def test_work_outside_the_area(client, funding_round):
    [problem] = _problems(_check(client, funding_round, in_area="no"))
    assert problem.startswith(
        "This round funds work in Devon, Cornwall, Plymouth, Torbay or the Isles of Scilly only."
    )
    assert "contact the Police and Crime Commissioner for that area" in problem


def test_income_above_the_rounds_limit(client, funding_round):
    [problem] = _problems(_check(client, funding_round, annual_income="100000.01"))
    assert problem.startswith(
        "Organisations with an annual income above £100,000 cannot apply to this round. "
        "You told us your income is £100,000."
    )
    assert _problems(_check(client, funding_round, annual_income="100000")) == []


def test_income_is_not_limited_when_the_round_sets_no_limit(client, funding_round, db):
    funding_round.max_annual_income = None
    db.session.flush()
    assert _problems(_check(client, funding_round, annual_income="5000000")) == []


@pytest.mark.parametrize(
    "amount, reason, advice",
    [
        (
            "999.99",
            "You want to ask for £999.99.",
            "You could ask for at least £1,000 if your project needs it",
        ),
        ("5000.01", "You want to ask for £5,000.01.", "You could ask for £5,000 or less"),
    ],
)
def test_an_amount_outside_the_rounds_range(client, funding_round, amount, reason, advice):
    [problem] = _problems(_check(client, funding_round, amount=amount))
    assert problem.startswith(f"This round gives grants of between £1,000 and £5,000. {reason}")
    assert advice in problem


@pytest.mark.parametrize("amount", ["1000", "5000"])
def test_the_award_limits_themselves_are_allowed(client, funding_round, amount):
    assert _problems(_check(client, funding_round, amount=amount)) == []


def test_every_reason_is_given_at_once_with_the_opccs_contact(client, funding_round, app):
    response = _check(
        client,
        funding_round,
        legal_type="faith_group",
        in_area="no",
        annual_income="1m",
        amount="1",
    )
    assert error_messages(response) == ["Annual income must be a number, like 12500"]
    response = _check(
        client,
        funding_round,
        legal_type="faith_group",
        in_area="no",
        annual_income="200000",
        amount="1",
    )
    assert len(_problems(response)) == 4
    assert page(response).select_one(f'a[href="mailto:{app.config["MAIL_SENDER"]}"]') is not None


# What an eligible visitor does next


def test_a_visitor_is_asked_to_create_an_account_or_sign_in_and_come_back(client, funding_round):
    soup = page(_check(client, funding_round))
    links = {a.get_text(strip=True): a["href"] for a in soup.select("main a")}
    # A new account goes on to set up the organisation; signing in comes back to this answer.
    for text, path, after in (("Create an account", "/register", "/organisations/new"),
                              ("Sign in", "/sign-in", f"/rounds/{funding_round.id}/eligibility/result")):
        target = urlsplit(links[text])
        assert target.path == path
        assert parse_qs(target.query)["next"] == [after]
    assert soup.select_one('form[action^="/applications/start"]') is None


def test_an_applicant_with_an_organisation_can_start_an_application(as_role, funding_round, app):
    soup = page(_check(as_role("applicant"), funding_round))
    with app.test_request_context():
        from flask import url_for

        action = url_for("applications.start", round_id=funding_round.id)
    form = soup.select_one(f'main form[action="{action}"]')
    assert form is not None and form.get("method") == "post"
    assert form.select_one('input[name="csrf_token"]') is not None
    assert "Start your application" in form.get_text()


def test_an_applicant_without_an_organisation_is_sent_to_set_it_up(as_role, funding_round):
    soup = page(_check(as_role("applicant_no_org"), funding_round))
    assert (
        soup.select_one('main a[href="/organisations/new"]').get_text(strip=True)
        == "Set up your organisation"
    )
    assert soup.select_one('main form[action^="/applications"]') is None


def test_staff_are_told_their_account_cannot_apply(as_role, funding_round):
    soup = page(_check(as_role("panel_member"), funding_round))
    assert "staff account, which cannot apply" in soup.get_text()
    assert soup.select_one('main form[action^="/applications"]') is None


@pytest.mark.parametrize(
    "opens, closes, notice",
    [
        (
            timedelta(days=2),
            timedelta(days=30),
            "This round is not open yet. It opens for applications on",
        ),
        (
            timedelta(days=-30),
            timedelta(days=-2),
            "This round is not open for applications. It closed on",
        ),
    ],
)
def test_a_round_that_is_not_open_says_so_and_offers_no_start(as_role, db, opens, closes, notice):
    funding_round = FundingRoundFactory(opens_at=utcnow() + opens, closes_at=utcnow() + closes)
    client = as_role("applicant")
    assert notice in _text(client.get(f"/rounds/{funding_round.id}/eligibility"))
    response = _check(client, funding_round)
    assert notice in _text(response)
    assert page(response).select_one('main form[action^="/applications"]') is None


# Nothing is written


def _row_counts(db) -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


@pytest.mark.parametrize("who", [None, "applicant", "applicant_no_org", "grants_officer"])
@pytest.mark.parametrize(
    "answers",
    [
        ELIGIBLE,
        ELIGIBLE | {"legal_type": "cic", "in_area": "no", "amount": "99999"},
        {"amount": "x"},
    ],
    ids=["eligible", "ineligible", "invalid"],
)
def test_the_check_writes_nothing_to_the_database(client, as_role, funding_round, db, who, answers):
    visitor = client if who is None else as_role(who)
    before = _row_counts(db)
    visitor.get(f"/rounds/{funding_round.id}/eligibility")
    response = post(visitor, f"/rounds/{funding_round.id}/eligibility", answers)
    assert response.status_code == 200
    db.session.expire_all()
    assert _row_counts(db) == before
