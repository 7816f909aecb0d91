"""Officers set, move and clear a round's scoring deadline with the panel settings, and see who is
late once it has passed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from grants.blueprints.rounds.uk_time import uk_moment
from grants.extensions import db as _db
from grants.formatting import london_today
from grants.models.audit import AuditEvent
from grants.models.panel import PanelReminder
from grants.models.types import utcnow
from tests.helpers import error_messages, page, post

SETTINGS = {"scorers_per_bid": "3", "aggregation": "mean", "normalise": "no"}


def _text(response) -> str:
    return " ".join(page(response).select_one("main").get_text(" ").split())


def _day(value) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def _save(officer, panel_round, day=None, at="", **extra):
    data = {**SETTINGS, "scoring_deadline": _day(day) if day else ["", "", ""], "scoring_deadline_time": at, **extra}
    return post(officer, f"/panel/rounds/{panel_round.id}/settings", data)


def _summary(response) -> dict[str, str]:
    rows = page(response).select("#deadline-summary .govuk-summary-list__row")
    return {" ".join(row.select_one("dt").get_text().split()): " ".join(row.select_one("dd").get_text().split())
            for row in rows}


def _events() -> list[AuditEvent]:
    return list(_db.session.scalars(select(AuditEvent).where(AuditEvent.action == "panel.scoring_deadline_set")
                                    .order_by(AuditEvent.id)))


def test_a_date_alone_is_due_at_the_end_of_that_day(officer, panel_round, bids):
    day = london_today() + timedelta(days=10)
    page_before = officer.get(f"/panel/rounds/{panel_round.id}")
    assert _summary(page_before) == {"Scores due by": "No deadline set"}
    assert "Leave it empty for the end of the day (11:59pm)" in _text(page_before)

    response = _save(officer, panel_round, day)
    assert response.status_code == 302
    assert panel_round.scoring_deadline == uk_moment(day, datetime.min.time().replace(hour=23, minute=59))
    shown = officer.get(f"/panel/rounds/{panel_round.id}")
    assert _summary(shown) == {"Scores due by": f"{day.day} {day:%B %Y} at 11:59pm (UK time)",
                               "Score sheets in": "0 of 0"}
    form = page(shown).select_one("#settings ~ form")
    assert form.select_one("#scoring_deadline-day")["value"] == str(day.day)
    assert form.select_one("#scoring_deadline_time")["value"] == "11:59pm"
    [event] = _events()
    assert event.summary == f"Scoring deadline for Community Safety Fund 2026 set to {day.day} {day:%B %Y} at 11:59pm"


def test_an_officer_moves_the_deadline_to_a_time_and_clears_it(officer, panel_round, bids):
    day = london_today() + timedelta(days=5)
    assert _save(officer, panel_round, day, "5pm").status_code == 302
    assert _summary(officer.get(f"/panel/rounds/{panel_round.id}"))["Scores due by"] == (
        f"{day.day} {day:%B %Y} at 5pm (UK time)")
    # Saving the same again changes nothing and audits nothing more.
    assert _save(officer, panel_round, day, "5pm").status_code == 302
    assert _save(officer, panel_round).status_code == 302
    assert panel_round.scoring_deadline is None
    assert _summary(officer.get(f"/panel/rounds/{panel_round.id}")) == {"Scores due by": "No deadline set"}
    assert [event.summary for event in _events()] == [
        f"Scoring deadline for Community Safety Fund 2026 set to {day.day} {day:%B %Y} at 5pm",
        "Scoring deadline removed for Community Safety Fund 2026",
    ]


@pytest.mark.parametrize("day, at, message", [
    (["31", "2", "2030"], "", "Scoring deadline must be a real date"),
    (["", "6", "2030"], "", "Scoring deadline must include a day"),
    (["1", "6", "30"], "", "Scoring deadline must include a year with 4 numbers, like 2030"),
    (["", "", ""], "5pm", "Enter the date of the scoring deadline, or leave the time empty"),
    (["1", "6", "2030"], "25 o'clock", "Scoring deadline time must be a real time, like 9am, 5:30pm or 17:00"),
    (["29", "3", "20x0"], "", "Scoring deadline must be a real date"),
    (["31", "3", "2030"], "1:30am", "Scoring deadline time does not exist on 31 March 2030: the clocks go forward "
                                    "from 1am to 2am. Enter 2am or later"),
])
def test_the_deadline_is_checked(officer, panel_round, day, at, message):
    response = post(officer, f"/panel/rounds/{panel_round.id}/settings",
                    {**SETTINGS, "scoring_deadline": day, "scoring_deadline_time": at})
    assert response.status_code == 200
    assert error_messages(response) == [message.replace("’", "'")]
    assert panel_round.scoring_deadline is None
    assert _events() == []


def test_a_new_deadline_must_be_in_the_future_and_after_the_round_closes(officer, panel_round):
    yesterday = london_today() - timedelta(days=1)
    response = _save(officer, panel_round, yesterday, "9am")
    assert error_messages(response) == ["Scoring deadline must be in the future"]
    panel_round.closes_at = utcnow() + timedelta(days=20)
    response = _save(officer, panel_round, london_today() + timedelta(days=3))
    [message] = error_messages(response)
    assert message.startswith("Scoring deadline must be after the round closes (")
    assert panel_round.scoring_deadline is None


def test_a_passed_deadline_is_kept_when_other_settings_are_saved(officer, panel_round):
    passed = utcnow() - timedelta(hours=2)
    panel_round.scoring_deadline = passed
    _db.session.flush()
    form = page(officer.get(f"/panel/rounds/{panel_round.id}")).select_one("#settings ~ form")
    day = [form.select_one(f"#scoring_deadline-{box}")["value"] for box in ("day", "month", "year")]
    at = form.select_one("#scoring_deadline_time")["value"]
    response = post(officer, f"/panel/rounds/{panel_round.id}/settings",
                    {**SETTINGS, "scorers_per_bid": "2", "scoring_deadline": day, "scoring_deadline_time": at})
    assert response.status_code == 302, error_messages(response)
    assert panel_round.scorers_per_bid == 2
    assert panel_round.scoring_deadline == passed  # unchanged, not even to the minute


def test_commissioners_see_the_deadline_without_the_form(as_role, panel_round):
    panel_round.scoring_deadline = datetime(2099, 1, 15, 17, 0, tzinfo=UTC)
    _db.session.flush()
    response = as_role("commissioner").get(f"/panel/rounds/{panel_round.id}")
    assert _summary(response)["Scores due by"] == "15 January 2099 at 5pm (UK time)"
    assert page(response).select_one("#scoring_deadline-day") is None


def test_before_the_deadline_officers_see_how_many_sheets_are_in(officer, panel_round, bids, panel, seat,
                                                                 submit_scores):
    panel_round.scoring_deadline = utcnow() + timedelta(days=2)
    seat(panel[0], bids[0], bids[1])
    submit_scores(panel[0], bids[0], fit=3, value=3)
    response = officer.get(f"/panel/rounds/{panel_round.id}")
    assert _summary(response)["Score sheets in"] == "1 of 2"
    assert page(response).select_one("table#late") is None
    assert "Late" not in _text(response)


def test_after_the_deadline_officers_see_who_is_late(officer, panel_round, bids, panel, seat, submit_scores):
    a, b, c = panel
    deadline = utcnow() - timedelta(hours=3)
    panel_round.scoring_deadline = deadline
    seat(a, *bids)
    seat(b, bids[0])
    seat(c, bids[1], conflicted=[bids[2]])
    submit_scores(a, bids[0], fit=3, value=3)
    submit_scores(c, bids[1], fit=3, value=3)
    _db.session.add(PanelReminder(round_id=panel_round.id, user_id=a.id, kind="on", deadline=deadline, unscored=2,
                                  sent_at=datetime(2026, 12, 1, 6, 0, tzinfo=UTC)))
    _db.session.flush()
    response = officer.get(f"/panel/rounds/{panel_round.id}")
    table = page(response).select_one("table#late")
    assert " ".join(table.select_one("caption").get_text().split()) == "Late"
    rows = [[" ".join(cell.get_text().split()) for cell in row.select("th, td")] for row in table.select("tbody tr")]
    assert rows == [["Panel Member A", "2", "1 December 2026 at 6am"], ["Panel Member B", "1", "Not reminded"]]
    # The members table marks them too.
    members = {" ".join(row.select_one("th").get_text(" ").split()) for row in page(response).select(
        "#members ~ div table tbody tr")}
    assert "Panel Member A Late member.a@example.org" in members
    assert "Panel Member C member.c@example.org" in members


def test_after_the_deadline_with_every_sheet_in_no_one_is_late(officer, panel_round, bids, panel, seat, submit_scores):
    panel_round.scoring_deadline = utcnow() - timedelta(hours=3)
    seat(panel[0], bids[0])
    submit_scores(panel[0], bids[0], fit=3, value=3)
    response = officer.get(f"/panel/rounds/{panel_round.id}")
    assert page(response).select_one("table#late") is None
    assert "The deadline has passed and no one is late: every assigned bid has been scored." in _text(response)


def test_members_see_when_their_scores_are_due(as_member, panel_round, bids, panel, seat):
    panel_round.scoring_deadline = datetime(2099, 1, 15, 17, 0, tzinfo=UTC)
    seat(panel[0], bids[0])
    text = _text(as_member(panel[0]).get("/panel"))
    assert "Scores are due by 15 January 2099 at 5pm (UK time)." in text
