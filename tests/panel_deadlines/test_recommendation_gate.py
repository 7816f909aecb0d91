"""Before the scoring deadline the recommendation waits for every assigned score sheet, unless an
officer runs it early with a reason, which is audited, kept with the recommendation and shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.extensions import db as _db
from grants.formatting import london_datetime
from grants.models.audit import AuditEvent
from grants.models.panel import FundingRecommendationRecord
from grants.models.types import utcnow
from tests.helpers import error_messages, page, post

RULES = {"quality_threshold": "0", "objective": "total_score", "max_share": ""}
REASON = "The commissioner's decision meeting is on Friday, before the deadline."


def _text(response) -> str:
    return " ".join(page(response).select_one("main").get_text(" ").split())


def _plain(text: str) -> str:
    return text.replace("’", "'")


def _run(client, funding_round, **data):
    return post(client, f"/panel/rounds/{funding_round.id}/recommendation/run", {**RULES, **data})


def _records() -> list[FundingRecommendationRecord]:
    return list(_db.session.scalars(select(FundingRecommendationRecord)))


def _events(action: str) -> list[AuditEvent]:
    return list(_db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def one_sheet_missing(panel_round, bids, panel, seat, submit_scores):
    """Member A is assigned all three bids and has submitted two; the deadline is in 2 days."""
    panel_round.scoring_deadline = utcnow() + timedelta(days=2)
    seat(panel[0], *bids)
    submit_scores(panel[0], bids[0], fit=4, value=4)
    submit_scores(panel[0], bids[1], fit=3, value=3)
    return bids


def _waiting(funding_round) -> str:
    return (f"The panel’s scores are due by {london_datetime(funding_round.scoring_deadline)} and 1 score sheet is "
            "not in yet. Wait for the deadline or for every sheet, or run the recommendation now and give your reason")


def test_before_the_deadline_with_a_sheet_missing_it_is_refused(officer, panel_round, one_sheet_missing):
    shown = officer.get(f"/panel/rounds/{panel_round.id}/recommendation")
    assert _plain(_waiting(panel_round)) in _plain(_text(shown))
    assert page(shown).select_one("input[name=run_early]") is not None

    response = _run(officer, panel_round)
    assert response.status_code == 200
    assert [_plain(message) for message in error_messages(response)] == [_plain(_waiting(panel_round))]
    assert _records() == []
    assert _events("funding.recommendation_run") == []


def test_the_reason_is_required_to_run_early(officer, panel_round, one_sheet_missing):
    response = _run(officer, panel_round, run_early="y", early_reason="   ")
    assert response.status_code == 200
    assert error_messages(response) == ["Enter why the recommendation must be run before the scoring deadline"]
    assert _records() == []


def test_an_officer_runs_it_early_with_a_reason(officer, as_role, users, panel_round, one_sheet_missing):
    response = _run(officer, panel_round, run_early="y", early_reason=REASON)
    assert response.status_code == 302
    [record] = _records()
    assert record.result["run_early"]["reason"] == REASON
    assert record.result["run_early"]["missing"] == 1
    [event] = _events("funding.recommendation_run_early")
    name = users["grants_officer"].full_name
    assert event.summary == (
        f"Funding recommendation for Community Safety Fund 2026 run before the scoring deadline "
        f"({london_datetime(panel_round.scoring_deadline)}) with 1 score sheet not in, by {name}: {REASON}")
    shown = officer.get(f"/panel/rounds/{panel_round.id}/recommendation")
    inset = " ".join(page(shown).select_one("#run-early").get_text().split())
    assert inset == f"Run before the scoring deadline by {name}: {REASON}"
    # The commissioner reads it too.
    commissioner = as_role("commissioner")
    assert f"Run before the scoring deadline by {name}: {REASON}" in _text(
        commissioner.get(f"/panel/rounds/{panel_round.id}/recommendation"))


def test_every_sheet_in_before_the_deadline_runs_without_a_reason(officer, panel_round, panel, one_sheet_missing,
                                                                  submit_scores):
    submit_scores(panel[0], one_sheet_missing[2], fit=2, value=2)
    shown = officer.get(f"/panel/rounds/{panel_round.id}/recommendation")
    assert page(shown).select_one("input[name=run_early]") is None
    assert _run(officer, panel_round).status_code == 302
    [record] = _records()
    assert record.result["run_early"] is None
    assert _events("funding.recommendation_run_early") == []
    assert "Run before the scoring deadline" not in _text(officer.get(f"/panel/rounds/{panel_round.id}/recommendation"))


@pytest.mark.parametrize("deadline", [timedelta(hours=-1), None])
def test_after_the_deadline_or_with_none_it_runs_as_before(officer, panel_round, one_sheet_missing, deadline):
    panel_round.scoring_deadline = None if deadline is None else utcnow() + deadline
    _db.session.flush()
    assert _run(officer, panel_round).status_code == 302
    [record] = _records()
    assert record.result["run_early"] is None
    assert [entry["reference"] for entry in record.result["short_of_scores"]] == [
        bid.reference for bid in one_sheet_missing]  # short of the round's 3 scorers, as before
