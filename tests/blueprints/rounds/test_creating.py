"""Creating a round: the form's checks, UK times stored in UTC, and the audit record."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.models.organisations import LegalType
from grants.models.rounds import FundingRound, RoundState
from tests.helpers import error_messages, page, post


def _only_round(db) -> FundingRound:
    return db.session.scalars(select(FundingRound)).one()


def test_an_officer_creates_a_draft_round(officer, round_form, db, events, users):
    response = post(officer, "/rounds/manage/new", round_form())
    assert response.status_code == 302, error_messages(response)
    funding_round = _only_round(db)
    assert response.headers["Location"] == f"/rounds/manage/{funding_round.id}"
    assert funding_round.state() is RoundState.DRAFT
    assert funding_round.name == "Safer Streets Community Fund 2026"
    # 9:00am and 12pm UK summer time are 8:00 and 11:00 UTC.
    assert funding_round.opens_at == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    assert funding_round.closes_at == datetime(2026, 7, 31, 11, 0, tzinfo=UTC)
    assert (funding_round.total_budget, funding_round.min_award, funding_round.max_award) == (
        Decimal("150000.00"),
        Decimal("1000.00"),
        Decimal("10000.00"),
    )
    assert funding_round.max_project_months == 12
    assert funding_round.max_annual_income is None
    assert set(funding_round.legal_types) == {LegalType.REGISTERED_CHARITY, LegalType.CIC}
    assert [la.name for la in funding_round.local_authorities] == ["Cornwall", "Isles of Scilly"]
    assert len(funding_round.approaches) == 1 and len(funding_round.outcomes) == 3

    [event] = events("round.created")
    assert event.actor_id == users["grants_officer"].id
    assert event.entity_id == str(funding_round.id)
    assert event.changes["name"] == {"before": None, "after": "Safer Streets Community Fund 2026"}
    assert event.changes["local_authorities"] == {
        "before": None,
        "after": ["Cornwall", "Isles of Scilly"],
    }
    assert event.changes["legal_types"]["after"] == [
        "Community interest company (CIC)",
        "Registered charity",
    ]
    assert event.changes["opens_at"]["after"] == "2026-06-01T08:00:00+00:00"


def test_the_form_shows_every_list_as_checkboxes(officer, reference_ids):
    soup = page(officer.get("/rounds/manage/new"))
    assert len(soup.select('input[name="legal_types"][type="checkbox"]')) == len(LegalType)
    for name, ids in reference_ids.items():
        assert len(soup.select(f'input[name="{name}"][type="checkbox"]')) == len(ids)
    assert soup.select_one('input[name="opens_time"]') is not None
    legends = [" ".join(legend.get_text().split()) for legend in soup.select("legend")]
    assert legends == [
        "Opening date",
        "Closing date",
        "Expressions of interest close (optional)",
        "Does the panel score expressions of interest as well as full applications?",
        "Which types of organisation can apply?",
        "Which local authority areas can the work be in?",
        "Which of the plan's approaches does the round fund?",
        "Which ADDER strands does the round fund?",
        "Which Combating Drugs outcomes does the round fund?",
        "How are grants paid?",
        "VAT on budgets and claims",
    ]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": ""}, "Enter the name of the round"),
        ({"description": "  "}, "Enter a description of the round"),
        ({"opens_on": ["", "", ""]}, "Enter the opening date"),
        ({"opens_on": ["31", "2", "2026"]}, "Opening date must be a real date"),
        ({"opens_on": ["", "2", "2026"]}, "Opening date must include a day"),
        ({"closes_time": ""}, "Enter the closing time"),
        ({"opens_time": "25:00"}, "Opening time must be a real time, like 9am, 5:30pm or 17:00"),
        ({"opens_time": "soon"}, "Opening time must be a real time, like 9am, 5:30pm or 17:00"),
        (
            {"closes_on": ["1", "5", "2026"]},
            "Closing date and time must be after the opening date and time",
        ),
        (
            {"closes_on": ["1", "6", "2026"], "closes_time": "9am"},
            "Closing date and time must be after the opening date and time",
        ),
        ({"total_budget": ""}, "Enter the total budget"),
        ({"total_budget": "0"}, "Total budget must be more than £0"),
        ({"total_budget": "lots"}, "Total budget must be a number, like 12500"),
        ({"min_award": "-5"}, "Minimum award must be more than £0"),
        (
            {"min_award": "20000", "max_award": "10000"},
            "Minimum award must be the same as or less than the maximum award",
        ),
        (
            {"max_award": "200000"},
            "Maximum award must be the same as or less than the total budget, £150,000.00",
        ),
        ({"max_project_months": ""}, "Enter the maximum project length in months"),
        ({"max_project_months": "0"}, "Maximum project length must be between 1 and 36 months"),
        ({"max_project_months": "37"}, "Maximum project length must be between 1 and 36 months"),
        ({"max_project_months": "6.5"}, "Maximum project length must be a whole number, like 40"),
        ({"max_annual_income": "0"}, "Annual income limit must be more than £0"),
        ({"legal_types": []}, "Select at least one type of organisation that can apply"),
        (
            {"legal_types": ["pirate_ship"]},
            "Select at least one type of organisation that can apply",
        ),
        ({"local_authorities": []}, "Select at least one local authority area"),
        ({"local_authorities": ["999999"]}, "Select at least one local authority area"),
        ({"approaches": []}, "Select at least one of the plan's approaches"),
        ({"adder_strands": []}, "Select at least one ADDER strand"),
        ({"outcomes": []}, "Select at least one Combating Drugs outcome"),
    ],
)
def test_problems_are_explained_and_nothing_is_saved(officer, round_form, db, changes, message):
    response = post(officer, "/rounds/manage/new", round_form(**changes))
    assert response.status_code == 200
    assert message in error_messages(response)
    assert page(response).title.get_text().startswith("Error: ")
    assert db.session.scalars(select(FundingRound)).all() == []


def test_an_error_summary_lists_problems_in_the_order_of_the_page(officer, round_form):
    response = post(
        officer,
        "/rounds/manage/new",
        round_form(name="", outcomes=[], opens_time="", total_budget=""),
    )
    assert error_messages(response) == [
        "Enter the name of the round",
        "Enter the opening time",
        "Enter the total budget",
        "Select at least one Combating Drugs outcome",
    ]


def test_what_was_typed_is_shown_again_after_an_error(officer, round_form):
    soup = page(
        post(
            officer,
            "/rounds/manage/new",
            round_form(name="", total_budget="£150,000", opens_time="5:30pm"),
        )
    )
    assert soup.select_one("#total_budget")["value"] == "£150,000"
    assert soup.select_one("#opens_time")["value"] == "5:30pm"
    assert soup.select_one('input[name="legal_types"][value="cic"]').has_attr("checked")
    assert not soup.select_one('input[name="legal_types"][value="faith_group"]').has_attr("checked")


@pytest.mark.parametrize(
    "day, typed, expected_utc",
    [
        # The clocks go forward at 1am on Sunday 29 March 2026: before it UK time is UTC...
        (["28", "3", "2026"], "17:00", datetime(2026, 3, 28, 17, 0, tzinfo=UTC)),
        (["29", "3", "2026"], "12:30am", datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),
        # ...after it, UTC + 1.
        (["29", "3", "2026"], "9am", datetime(2026, 3, 29, 8, 0, tzinfo=UTC)),
        (["30", "3", "2026"], "17:00", datetime(2026, 3, 30, 16, 0, tzinfo=UTC)),
        # They go back at 2am on Sunday 25 October 2026.
        (["24", "10", "2026"], "5:00pm", datetime(2026, 10, 24, 16, 0, tzinfo=UTC)),
        (["26", "10", "2026"], "5:00pm", datetime(2026, 10, 26, 17, 0, tzinfo=UTC)),
        (["1", "1", "2027"], "midnight", datetime(2027, 1, 1, 0, 0, tzinfo=UTC)),
        (["1", "7", "2026"], "12am", datetime(2026, 6, 30, 23, 0, tzinfo=UTC)),
    ],
)
def test_uk_times_either_side_of_the_clock_change_are_stored_in_utc(
    officer, round_form, db, day, typed, expected_utc
):
    form = round_form(
        opens_on=day, opens_time=typed, closes_on=["31", "12", "2027"], closes_time="12pm"
    )
    response = post(officer, "/rounds/manage/new", form)
    assert response.status_code == 302, error_messages(response)
    assert _only_round(db).opens_at == expected_utc


@pytest.mark.parametrize(
    "day, typed, message",
    [
        (
            ["29", "3", "2026"],
            "1:30am",
            "Opening time does not exist on 29 March 2026: the clocks go forward from 1am to 2am. "
            "Enter 2am or later",
        ),
        (
            ["25", "10", "2026"],
            "01:30",
            "Opening time happens twice on 25 October 2026: the clocks go back from 2am to 1am. "
            "Enter 2am or later",
        ),
    ],
)
def test_a_time_the_clock_change_skips_or_repeats_is_refused(
    officer, round_form, db, day, typed, message
):
    response = post(officer, "/rounds/manage/new", round_form(opens_on=day, opens_time=typed))
    assert error_messages(response) == [message]
    assert db.session.scalars(select(FundingRound)).all() == []


def test_only_grants_officers_create_rounds(as_role, round_form, db):
    for role in ("admin", "applicant", "panel_member", "finance_officer", "commissioner"):
        assert post(as_role(role), "/rounds/manage/new", round_form()).status_code == 403
    assert db.session.scalars(select(FundingRound)).all() == []
