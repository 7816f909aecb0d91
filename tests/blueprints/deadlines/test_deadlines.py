"""The deadlines page for staff and grantees, and the secret calendar feed Outlook subscribes to."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from grants.formatting import london_today, long_date
from grants.models.applications import ApplicationStatus
from grants.models.audit import AuditEvent
from grants.models.awards import AwardStatus, InstalmentStatus
from grants.models.calendar_feeds import CalendarFeed
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, AwardFactory, FundingRoundFactory
from tests.helpers import page, post


@pytest.fixture
def dated(db, users):
    """Organisation A: an accepted award (instalment 1 due, returns due) and an offer to accept;
    organisation B: an accepted award of its own; an open round with A's draft application."""
    today = london_today()
    accepted = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED, accepted_at=utcnow(),
                            accepted_name="Alex Contact", accepted_position="Chair")
    accepted.instalments[0].status = InstalmentStatus.DUE
    accepted.instalments[0].due_date = today + timedelta(days=3)
    offered = AwardFactory(organisation=users["org_a"], offer_deadline=utcnow() + timedelta(days=10))
    other = AwardFactory(organisation=users["org_b"], status=AwardStatus.ACCEPTED, accepted_at=utcnow())
    funding_round = FundingRoundFactory(name="Summer community fund", closes_at=utcnow() + timedelta(days=20))
    draft = ApplicationFactory(funding_round=funding_round, organisation=users["org_a"],
                               status=ApplicationStatus.DRAFT, reference="CGS-2026-0777")
    db.session.flush()
    return {"accepted": accepted, "offered": offered, "other": other, "round": funding_round, "draft": draft,
            "today": today}


def rows(response) -> dict[str, list[str]]:
    """Each deadline row by its id: the cells a reader sees, in order."""
    return {row["id"]: [" ".join(cell.get_text(" ", strip=True).split()) for cell in row.select("td, th")]
            for row in page(response).select("tr[id^=deadline-]")}


def test_staff_see_every_organisations_deadlines_by_date(as_role, dated):
    response = as_role("grants_officer").get("/deadlines")
    assert response.status_code == 200
    found = rows(response)
    accepted, other = dated["accepted"], dated["other"]
    instalment = accepted.instalments[0]
    assert found[f"deadline-instalment-{instalment.id}"] == [
        long_date(dated["today"] + timedelta(days=3)),
        f"Instalment due Instalment 1 of {accepted.application.reference}",
        "Organisation A", "£2,000.00, waiting for approval"]
    first_return = accepted.returns[0]
    assert found[f"deadline-return-{first_return.id}"][0] == long_date(first_return.due_date)
    assert found[f"deadline-return-{first_return.id}"][2] == "Organisation A"
    assert found[f"deadline-return-{first_return.id}"][3] == "Not started"  # a status, with no full stop
    assert found[f"deadline-return-{other.returns[0].id}"][2] == "Organisation B"
    offer = found[f"deadline-offer-{dated['offered'].id}"]
    assert offer[0] == long_date(utcnow() + timedelta(days=10))
    assert offer[3].startswith("£") and " offered. Accept by " in offer[3]
    assert offer[3].endswith("(UK time), or the offer lapses.")
    closes = found[f"deadline-round-{dated['round'].id}"]
    assert closes[1] == "Round closes Summer community fund closes"
    # In date order, each under its month's heading (31 March 2027 is under "March 2027").
    dates = [date_of(cells[0]) for cells in found.values()]
    assert dates == sorted(dates)
    soup = page(response)
    for table in soup.select("table.opcc-deadlines"):
        heading = table.find_previous("h2").get_text(strip=True)
        for row in table.select("tbody tr"):
            on = date_of(row.td.get_text(strip=True))
            assert heading == (f"{on:%B %Y}" if on >= dated["today"] else "Outstanding from before today")


def date_of(text: str) -> date:
    from datetime import datetime

    return datetime.strptime(text, "%d %B %Y").date()


def test_a_grantee_sees_only_their_organisations_deadlines(as_role, dated):
    found = rows(as_role("applicant").get("/deadlines"))
    accepted, other = dated["accepted"], dated["other"]
    assert f"deadline-instalment-{accepted.instalments[0].id}" in found
    assert found[f"deadline-offer-{dated['offered'].id}"][1] == (
        f"Offer to accept Accept the grant offer {dated['offered'].application.reference}")
    assert f"deadline-round-{dated['round'].id}-application-{dated['draft'].id}" in found
    assert not any(str(other.application.reference) in " ".join(cells) for cells in found.values())
    assert f"deadline-return-{other.returns[0].id}" not in found
    # Organisation B's grantee sees B's and nothing of A's.
    found_b = rows(as_role("applicant_b").get("/deadlines"))
    assert f"deadline-return-{other.returns[0].id}" in found_b
    assert f"deadline-return-{accepted.returns[0].id}" not in found_b


def test_paid_instalments_and_sent_returns_are_not_deadlines(db, as_role, dated):
    accepted = dated["accepted"]
    accepted.instalments[0].status = InstalmentStatus.PAID
    from grants.models.awards import ReturnStatus

    accepted.returns[0].status = ReturnStatus.SUBMITTED
    db.session.flush()
    found = rows(as_role("finance_officer").get("/deadlines"))
    assert f"deadline-instalment-{accepted.instalments[0].id}" not in found
    assert f"deadline-return-{accepted.returns[0].id}" not in found
    assert f"deadline-return-{accepted.returns[1].id}" in found


@pytest.mark.parametrize("role", ["panel_member"])
def test_panel_members_have_no_deadlines_page(as_role, role):
    assert as_role(role).get("/deadlines").status_code == 403


# The calendar feed -------------------------------------------------------------------------------

def make_address(client) -> str:
    response = post(client, "/deadlines/calendar")
    assert response.status_code == 200
    address = page(response).select_one("#calendar-address")["value"]
    assert address.startswith("http") and "/deadlines.ics?token=" in address
    return address[address.index("/deadlines.ics"):]


def events(app, path: str) -> dict[str, object]:
    response = app.test_client().get(path)  # no session: as a calendar app fetches it
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return {str(event["UID"]).split("@")[0]: event for event in calendar.walk("VEVENT")}


def test_a_grantees_feed_has_their_deadlines_as_all_day_events_and_nobody_elses(app, as_role, dated):
    path = make_address(as_role("applicant"))
    found = events(app, path)
    accepted, other = dated["accepted"], dated["other"]
    instalment = found[f"instalment-{accepted.instalments[0].id}"]
    assert instalment.decoded("DTSTART") == dated["today"] + timedelta(days=3)  # a date: an all-day event
    assert instalment["DTSTART"].params["VALUE"] == "DATE"
    assert instalment.decoded("DTEND") == dated["today"] + timedelta(days=4)
    assert str(instalment["SUMMARY"]) == f"Instalment 1 of your grant {accepted.application.reference}"
    assert f"/grants/{accepted.id}" in str(instalment["URL"])
    assert instalment.get("DTSTAMP") is not None
    assert f"return-{accepted.returns[0].id}" in found
    assert found[f"return-{accepted.returns[0].id}"].decoded("DTSTART") == accepted.returns[0].due_date
    assert f"offer-{dated['offered'].id}" in found
    theirs = {f"return-{r.id}" for r in other.returns} | {f"instalment-{i.id}" for i in other.instalments}
    assert not theirs & set(found)
    body = app.test_client().get(path).get_data(as_text=True)
    assert other.application.reference not in body and "Organisation B" not in body


def test_the_feed_is_rfc_5545_text_with_stable_uids(app, as_role, dated, db):
    """CRLF line ends, no line longer than 75 octets, commas escaped, the same UIDs on each fetch."""
    dated["round"].name = "Summer fund, rounds; and more " * 4  # long, with a comma and a semicolon
    db.session.flush()
    path = make_address(as_role("grants_officer"))
    data = app.test_client().get(path).data
    lines = data.split(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    assert b"Summer fund\\, rounds\\; and more" in data.replace(b"\r\n ", b"")
    assert lines[0] == b"BEGIN:VCALENDAR"
    first, second = events(app, path), events(app, path)
    assert set(first) == set(second)
    assert f"round-{dated['round'].id}" in first
    assert str(first[f"round-{dated['round'].id}"]["SUMMARY"]).startswith("Summer fund, rounds; and more")
    assert f"return-{dated['other'].returns[0].id}" in first  # staff: every organisation


def test_a_wrong_token_or_none_is_not_found(app, as_role, dated):
    make_address(as_role("applicant"))
    client = app.test_client()
    assert client.get("/deadlines.ics").status_code == 404
    assert client.get("/deadlines.ics?token=not-the-token").status_code == 404


def test_a_new_address_stops_the_old_one(app, as_role, dated, db):
    client = as_role("applicant")
    old = make_address(client)
    new = make_address(client)
    assert old != new
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200
    assert db.session.scalar(select(CalendarFeed.token_hash)) != new.split("token=")[1]  # a digest is kept
    soup = page(client.get("/deadlines"))
    assert "You made your calendar address on" in soup.select_one("#calendar-status").get_text()
    assert soup.select_one("#calendar-address") is None  # shown once only
    actions = [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["calendar_feed.created", "calendar_feed.renewed"]


def test_stopping_the_feed_stops_its_address(app, as_role, dated, db):
    client = as_role("applicant")
    path = make_address(client)
    response = post(client, "/deadlines/calendar/stop", follow_redirects=True)
    assert "Your calendar feed has stopped" in response.get_data(as_text=True)
    assert app.test_client().get(path).status_code == 404
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)) == (
        "calendar_feed.stopped")


def test_a_deactivated_persons_feed_stops(app, as_role, users, dated, db):
    path = make_address(as_role("applicant"))
    users["applicant"].active = False
    db.session.flush()
    assert app.test_client().get(path).status_code == 404
