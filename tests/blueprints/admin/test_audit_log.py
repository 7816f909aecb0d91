"""Browsing the audit log: by who, what, which record and which UK days, a page at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from grants.interfaces.admin.audit_log import AuditFilter, search_events
from grants.models.audit import AuditEvent
from tests.helpers import error_messages, page


@pytest.fixture
def log(db):
    """``log(when, ...)``: add an audit event that happened at ``when`` (UTC)."""

    def _event(
        when: datetime,
        action="grant.tested",
        entity=("Thing", "1"),
        actor="Pat Lee <pat@example.org>",
        summary="Something happened",
        changes=None,
    ) -> AuditEvent:
        event = AuditEvent(
            occurred_at=when,
            actor_label=actor,
            action=action,
            entity_type=entity[0],
            entity_id=entity[1],
            summary=summary,
            changes=changes or {},
        )
        db.session.add(event)
        db.session.flush()
        return event

    return _event


def _utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _ids(results) -> list[int]:
    return [event.id for event in results.items]


def _summaries(response) -> list[str]:
    return [row.select("td")[2].contents[0].strip() for row in page(response).select("tbody tr")]


# Whole days in UK time ------------------------------------------------------------------------


def test_a_summer_day_runs_from_23_00_utc_the_day_before(log):
    before = log(_utc(2024, 6, 30, 22, 59, 59))  # 23:59:59 on 30 June in London (BST)
    first = log(_utc(2024, 6, 30, 23, 0))  # midnight starting 1 July in London
    last = log(_utc(2024, 7, 1, 22, 59, 59))
    after = log(_utc(2024, 7, 1, 23, 0))  # already 2 July in London
    results = search_events(AuditFilter(date_from=date(2024, 7, 1), date_to=date(2024, 7, 1)))
    assert _ids(results) == [last.id, first.id]
    assert before.id not in _ids(results) and after.id not in _ids(results)


def test_a_winter_day_is_the_utc_day(log):
    log(_utc(2024, 1, 14, 23, 59, 59))
    first = log(_utc(2024, 1, 15, 0, 0))
    last = log(_utc(2024, 1, 15, 23, 59, 59))
    log(_utc(2024, 1, 16, 0, 0))
    assert _ids(
        search_events(AuditFilter(date_from=date(2024, 1, 15), date_to=date(2024, 1, 15)))
    ) == [last.id, first.id]


def test_the_days_the_clocks_change_are_23_and_25_hours_long(log):
    # 31 March 2024: clocks go forward at 01:00 UTC. 27 October 2024: back at 01:00 UTC.
    spring = [log(_utc(2024, 3, 31, 0, 0)), log(_utc(2024, 3, 31, 22, 59))]
    log(_utc(2024, 3, 31, 23, 0))  # 1 April in London
    autumn = [log(_utc(2024, 10, 26, 23, 0)), log(_utc(2024, 10, 27, 23, 59))]
    log(_utc(2024, 10, 26, 22, 59))  # 26 October in London
    assert set(
        _ids(search_events(AuditFilter(date_from=date(2024, 3, 31), date_to=date(2024, 3, 31))))
    ) == {e.id for e in spring}
    assert set(
        _ids(search_events(AuditFilter(date_from=date(2024, 10, 27), date_to=date(2024, 10, 27))))
    ) == {e.id for e in autumn}


def test_either_end_of_the_date_range_may_be_left_open(log):
    old = log(_utc(2023, 5, 1, 12))
    new = log(_utc(2025, 5, 1, 12))
    assert _ids(search_events(AuditFilter(date_from=date(2024, 1, 1)))) == [new.id]
    assert _ids(search_events(AuditFilter(date_to=date(2024, 1, 1)))) == [old.id]


# Other filters ---------------------------------------------------------------------------------


def test_filters_by_who_case_insensitively_and_with_wildcards_taken_literally(log):
    pat = log(_utc(2024, 5, 1), actor="Pat Lee <pat@example.org>")
    log(_utc(2024, 5, 2), actor="Sam Ash <sam@example.org>")
    percent = log(_utc(2024, 5, 3), actor="100% Sure <sure@example.org>")
    assert _ids(search_events(AuditFilter(actor="PAT@EXAMPLE"))) == [pat.id]
    assert _ids(search_events(AuditFilter(actor="pat lee"))) == [pat.id]
    assert _ids(search_events(AuditFilter(actor="%"))) == [percent.id]
    assert _ids(search_events(AuditFilter(actor="_"))) == []


def test_filters_by_action_record_type_and_exact_record_id(log):
    wanted = log(_utc(2024, 5, 1), action="user.created", entity=("User", "1"))
    log(_utc(2024, 5, 2), action="user.created", entity=("User", "10"))
    log(_utc(2024, 5, 3), action="user.deactivated", entity=("User", "1"))
    log(_utc(2024, 5, 4), action="user.created", entity=("Organisation", "1"))
    criteria = AuditFilter(action="user.created", entity_type="User", entity_id="1")
    assert _ids(search_events(criteria)) == [wanted.id]


def test_events_come_newest_first_fifty_to_a_page(log):
    events = [log(_utc(2024, 5, 1, 0, minute)) for minute in range(55)]
    first, second = search_events(AuditFilter(), page=1), search_events(AuditFilter(), page=2)
    newest_first = [e.id for e in reversed(events)]
    assert (first.total, first.pages) == (55, 2)
    assert _ids(first) == newest_first[:50] and _ids(second) == newest_first[50:]


# The page --------------------------------------------------------------------------------------


def test_the_page_filters_by_uk_dates_typed_in_day_month_year_boxes(as_role, log):
    log(_utc(2024, 6, 30, 22, 59), summary="Late on 30 June")
    log(_utc(2024, 6, 30, 23, 30), summary="Early on 1 July")
    response = as_role("admin").get(
        "/admin/audit?date_from=1&date_from=7&date_from=2024&date_to=1&date_to=7&date_to=2024"
    )
    assert response.status_code == 200, error_messages(response)
    assert _summaries(response) == ["Early on 1 July"]
    assert "1 July 2024 at 12:30am" in response.get_data(as_text=True)


def test_the_page_filters_by_who_what_and_which_record(as_role, users, log):
    log(_utc(2024, 5, 1), action="user.created", entity=("User", "7"), summary="Wanted")
    log(_utc(2024, 5, 2), action="user.created", entity=("User", "8"), summary="Other record")
    log(
        _utc(2024, 5, 3),
        action="user.created",
        entity=("User", "7"),
        actor="Sam <sam@example.org>",
        summary="Other person",
    )
    response = as_role("admin").get(
        "/admin/audit?actor=pat&action=user.created&entity_type=User&entity_id=7"
    )
    assert _summaries(response) == ["Wanted"]
    soup = page(response)
    assert soup.select_one("#action option[selected]")["value"] == "user.created"
    assert soup.select_one("#entity_type option[selected]")["value"] == "User"
    assert soup.select_one("#actor")["value"] == "pat"


def test_filter_choices_are_the_actions_and_record_types_in_the_log(as_role, log):
    log(_utc(2024, 5, 1), action="zz.first", entity=("Zebra", "1"))
    soup = page(as_role("admin").get("/admin/audit"))
    assert "zz.first" in [o["value"] for o in soup.select("#action option")]
    assert "Zebra" in [o["value"] for o in soup.select("#entity_type option")]


def test_an_action_not_in_the_log_finds_nothing(as_role, log):
    log(_utc(2024, 5, 1))
    response = as_role("admin").get("/admin/audit?action=no.such.action")
    assert response.status_code == 200 and error_messages(response) == []
    assert "No events found" in response.get_data(as_text=True)


def test_each_event_shows_its_changes_before_and_after(as_role, log):
    log(
        _utc(2024, 5, 1),
        changes={
            "town": {"before": "Exeter", "after": "Truro"},
            "county": {"before": None, "after": "Cornwall"},
            "roles": {"before": ["panel_member"], "after": ["admin", "panel_member"]},
            "active": {"before": True, "after": False},
        },
    )
    cells = page(as_role("admin").get("/admin/audit")).select_one("tbody tr").select("td")
    assert "Pat Lee <pat@example.org>" in cells[1].get_text()
    changes = " ".join(cells[3].get_text(" ").split())
    assert "town Exeter → Truro" in changes and "county (none) → Cornwall" in changes
    assert "roles panel_member → admin, panel_member" in changes
    assert "active True → False" in changes


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=31&date_from=2&date_from=2024", "From date must be a real date"),
        ("date_from=&date_from=2&date_from=2024", "From date must include a day"),
        ("date_to=1&date_to=&date_to=", "To date must include a month and year"),
        ("date_to=1&date_to=2&date_to=24", "To date must include a year with 4 numbers, like 2024"),
        (
            "date_from=2&date_from=2&date_from=2024&date_to=1&date_to=2&date_to=2024",
            "To date must be the same as or after the from date",
        ),
        (f"entity_id={'9' * 81}", "Record id must be 80 characters or fewer"),
    ],
)
def test_a_mistake_in_the_filters_is_shown_in_the_error_summary(as_role, query, message):
    response = as_role("admin").get(f"/admin/audit?{query}")
    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert page(response).title.get_text().startswith("Error: ")


def test_the_pages_keep_every_filter_including_whole_dates(as_role, log):
    for minute in range(55):
        log(_utc(2024, 7, 1, 12, minute), summary=f"Event {minute:02d}")
    log(_utc(2024, 8, 1, 12), summary="Outside the dates")
    admin = as_role("admin")
    first = admin.get(
        "/admin/audit?actor=pat&date_from=1&date_from=7&date_from=2024"
        "&date_to=31&date_to=7&date_to=2024"
    )
    assert len(_summaries(first)) == 50
    next_link = page(first).select_one(".govuk-pagination__next a")["href"]
    query = parse_qs(urlsplit(next_link).query)
    assert query["date_from"] == ["1", "7", "2024"] and query["date_to"] == ["31", "7", "2024"]
    assert query["actor"] == ["pat"] and query["page"] == ["2"]
    second = admin.get(next_link)
    assert error_messages(second) == []
    assert _summaries(second) == [f"Event {minute:02d}" for minute in range(4, -1, -1)]


def test_the_user_page_links_to_that_users_events(as_role, users, log):
    person = users["panel_member"]
    log(_utc(2024, 5, 1), entity=("User", str(person.id)), summary="About the panel member")
    log(
        _utc(2024, 5, 2),
        entity=("User", str(users["commissioner"].id)),
        summary="About someone else",
    )
    admin = as_role("admin")
    link = page(admin.get(f"/admin/users/{person.id}")).find(
        "a", string="See the audit log for this account"
    )
    assert _summaries(admin.get(link["href"])) == ["About the panel member"]


@pytest.mark.parametrize("number", ["0", "-3"])
def test_a_page_number_below_one_is_not_found(as_role, number):
    assert as_role("admin").get(f"/admin/audit?page={number}").status_code == 404
