"""Changing a round: everything until it opens, then only its words; the audit trail; and two
people editing at once (optimistic locking: the later save is refused, nothing is overwritten)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from freezegun import freeze_time
from sqlalchemy import update

from grants.models.organisations import LEGAL_TYPE_LABELS
from grants.models.rounds import FundingRound
from grants.models.types import utcnow
from tests.factories import FundingRoundFactory
from tests.helpers import error_messages, page, post

CONFLICT = (
    "This round was changed by someone else while you were editing. The page now shows their "
    "changes; nothing of yours has been saved"
)


def _scheduled_round(opens_in=timedelta(days=7), **kwargs):
    """Published, not yet open (its rules can still change), times in whole minutes as typed."""
    opens_at = (utcnow() + opens_in).replace(second=0, microsecond=0)
    return FundingRoundFactory(opens_at=opens_at, closes_at=opens_at + timedelta(days=30), **kwargs)


def _edit_form(officer, funding_round) -> dict:
    """What the edit page sends back when nothing is changed, read from the page itself."""
    soup = page(officer.get(f"/rounds/{funding_round.id}/edit"))
    form = {}
    for element in soup.select("form[method=post] input, form[method=post] textarea"):
        name = element.get("name")
        if not name or name == "csrf_token" or element.get("type") == "submit":
            continue
        if element.get("type") == "radio":  # as a browser sends it: the chosen one only
            if element.has_attr("checked"):
                form[name] = element["value"]
            continue
        if element.get("type") == "checkbox":
            if element.has_attr("checked"):
                form.setdefault(name, []).append(element["value"])
            else:
                form.setdefault(name, [])
            continue
        value = element.get_text() if element.name == "textarea" else element.get("value", "")
        if name in form:
            form[name] = [*([form[name]] if isinstance(form[name], str) else form[name]), value]
        else:
            form[name] = value
    for select in soup.select("form[method=post] select"):
        chosen = select.select_one("option[selected]")
        form[select["name"]] = chosen["value"] if chosen else ""
    return form


def test_the_edit_page_shows_the_round_in_uk_time(officer, db):
    funding_round = _scheduled_round()
    funding_round.opens_at = datetime(2030, 1, 15, 9, 30, tzinfo=UTC)
    funding_round.closes_at = datetime(2030, 7, 1, 16, 0, tzinfo=UTC)
    db.session.flush()
    form = _edit_form(officer, funding_round)
    assert form["opens_on"] == ["15", "01", "2030"] and form["opens_time"] == "9:30am"
    assert form["closes_on"] == ["01", "07", "2030"] and form["closes_time"] == "5pm"  # BST
    assert form["total_budget"] == "200000.00"
    assert form["version"] == str(funding_round.version)


def test_saving_the_page_unchanged_changes_nothing(officer, db, events):
    funding_round = _scheduled_round()
    response = post(officer, f"/rounds/{funding_round.id}/edit", _edit_form(officer, funding_round))
    assert response.status_code == 302, error_messages(response)
    assert "Nothing was changed" in officer.get(response.headers["Location"]).get_data(as_text=True)
    assert events("round.updated") == []


def test_a_change_is_saved_and_audited_with_before_and_after(
    officer, db, events, users, reference_ids
):
    funding_round = _scheduled_round(name="Old name", max_annual_income=None)
    version = funding_round.version
    form = _edit_form(officer, funding_round) | {
        "name": "Renamed round",
        "max_award": "7,500",
        "max_annual_income": "250000",
        "local_authorities": reference_ids["local_authorities"][3:],  # Plymouth and Torbay
        "legal_types": ["cic"],
    }
    response = post(officer, f"/rounds/{funding_round.id}/edit", form)
    assert response.status_code == 302, error_messages(response)
    db.session.refresh(funding_round)
    assert funding_round.name == "Renamed round"
    assert funding_round.max_award == Decimal("7500.00")
    assert funding_round.max_annual_income == Decimal("250000.00")
    assert [la.name for la in funding_round.local_authorities] == ["Plymouth", "Torbay"]
    assert funding_round.version == version + 1

    [event] = events("round.updated")
    assert event.actor_id == users["grants_officer"].id
    assert event.changes == {
        "name": {"before": "Old name", "after": "Renamed round"},
        "max_award": {"before": "5000.00", "after": "7500.00"},
        "max_annual_income": {"before": None, "after": "250000.00"},
        "local_authorities": {
            "before": ["Cornwall", "Devon", "Isles of Scilly", "Plymouth", "Torbay"],
            "after": ["Plymouth", "Torbay"],
        },
        "legal_types": {
            "before": sorted(LEGAL_TYPE_LABELS.values()),
            "after": ["Community interest company (CIC)"],
        },
    }


def test_a_change_to_the_lists_alone_is_audited_and_bumps_the_version(
    officer, db, events, reference_ids
):
    funding_round = _scheduled_round()
    version = funding_round.version
    form = _edit_form(officer, funding_round) | {
        "adder_strands": reference_ids["adder_strands"][:1]
    }
    assert post(officer, f"/rounds/{funding_round.id}/edit", form).status_code == 302
    db.session.refresh(funding_round)
    assert [s.name for s in funding_round.adder_strands] == ["Addiction"]
    assert funding_round.version == version + 1
    [event] = events("round.updated")
    assert set(event.changes) == {"adder_strands"}


def test_the_checks_of_the_create_page_apply_when_changing(officer, db):
    funding_round = _scheduled_round()
    form = _edit_form(officer, funding_round) | {"min_award": "9000", "max_award": "8000"}
    response = post(officer, f"/rounds/{funding_round.id}/edit", form)
    assert error_messages(response) == [
        "Minimum award must be the same as or less than the maximum award"
    ]
    db.session.refresh(funding_round)
    assert funding_round.min_award == Decimal("1000.00")


def test_a_round_that_does_not_exist_is_not_found(officer):
    assert officer.get("/rounds/999999/edit").status_code == 404
    assert officer.get("/rounds/manage/999999").status_code == 404


# Optimistic locking


def _someone_else_saves(db, funding_round, **changes):
    for key, value in changes.items():
        setattr(funding_round, key, value)
    db.session.flush()


def test_a_save_over_someone_elses_newer_change_is_refused(officer, db, events):
    funding_round = _scheduled_round(name="Original name")
    mine = _edit_form(officer, funding_round) | {"name": "My name", "max_award": "6000"}
    _someone_else_saves(db, funding_round, name="Their name", guidance="Their guidance")

    response = post(officer, f"/rounds/{funding_round.id}/edit", mine)

    assert response.status_code == 200
    assert error_messages(response) == [CONFLICT]
    db.session.refresh(funding_round)
    assert (funding_round.name, funding_round.guidance, funding_round.max_award) == (
        "Their name",
        "Their guidance",
        Decimal("5000.00"),
    )
    assert events("round.updated") == []
    soup = page(response)
    # The form now holds the newer values and version, so saving again is a deliberate choice.
    assert soup.select_one("#name")["value"] == "Their name"
    assert soup.select_one("#guidance").get_text() == "Their guidance"
    assert soup.select_one('input[name="version"]')["value"] == str(funding_round.version)
    # What was typed and not saved is shown, so it is not lost.
    unsaved = {
        " ".join(row.select_one("dt").get_text().split()): " ".join(
            row.select_one("dd").get_text().split()
        )
        for row in soup.select("#version .govuk-summary-list__row")
    }
    assert unsaved == {
        "Name of the round": "My name",
        "Maximum award": "£6,000.00",
        "Guidance for applicants (optional)": "Read the **guidance** before you apply.",
    }
    assert soup.select_one(".govuk-error-summary a")["href"] == "#version"


def test_after_a_conflict_saving_again_works(officer, db):
    funding_round = _scheduled_round()
    _someone_else_saves(db, funding_round, name="Their name")
    form = _edit_form(officer, funding_round) | {"max_award": "6000"}
    response = post(officer, f"/rounds/{funding_round.id}/edit", form)
    assert response.status_code == 302, error_messages(response)
    db.session.refresh(funding_round)
    assert (funding_round.name, funding_round.max_award) == ("Their name", Decimal("6000.00"))


def test_a_form_without_its_version_is_refused_as_a_conflict(officer, db):
    funding_round = _scheduled_round(name="Original name")
    form = _edit_form(officer, funding_round) | {"name": "New name"}
    del form["version"]
    assert error_messages(post(officer, f"/rounds/{funding_round.id}/edit", form)) == [CONFLICT]
    db.session.refresh(funding_round)
    assert funding_round.name == "Original name"


# The rules freeze when a published round opens


FROZEN_NOTICE = "so its dates, budget, award limits, project length, income limit and the lists"


def test_once_open_an_officer_can_change_only_the_words(officer, db, events):
    funding_round = FundingRoundFactory()  # open since 10 days ago
    assert funding_round.rules_frozen()
    soup = page(officer.get(f"/rounds/{funding_round.id}/edit"))
    assert FROZEN_NOTICE in soup.get_text(" ")
    assert soup.select_one("#total_budget") is None and soup.select_one("#legal_types") is None
    assert soup.select_one("#opens_on-day") is None

    form = _edit_form(officer, funding_round) | {
        "name": "Clearer name",
        "description": "New *words*",
    }
    response = post(officer, f"/rounds/{funding_round.id}/edit", form)
    assert response.status_code == 302, error_messages(response)
    db.session.refresh(funding_round)
    assert (funding_round.name, funding_round.description) == ("Clearer name", "New *words*")
    [event] = events("round.updated")
    assert set(event.changes) == {"name", "description"}


def test_rules_sent_to_a_round_that_has_opened_are_refused_with_a_message(officer, db, events):
    funding_round = _scheduled_round(opens_in=timedelta(minutes=5), name="Before")
    # A page loaded before the round opened sends the whole form.
    stale = _edit_form(officer, funding_round) | {
        "name": "After",
        "total_budget": "999999",
        "max_project_months": "36",
    }

    with freeze_time(funding_round.opens_at + timedelta(minutes=1)):
        response = post(officer, f"/rounds/{funding_round.id}/edit", stale)

    assert response.status_code == 200
    [message] = error_messages(response)
    assert message.startswith("This round opened while you were editing")
    db.session.refresh(funding_round)
    assert (funding_round.name, funding_round.total_budget, funding_round.max_project_months) == (
        "Before",
        Decimal("200000.00"),
        12,
    )
    assert events("round.updated") == []


def test_the_rules_of_a_draft_never_freeze(officer, db):
    funding_round = FundingRoundFactory(published_at=None)  # its opening time has passed
    assert not funding_round.rules_frozen()
    form = _edit_form(officer, funding_round) | {"total_budget": "300000"}
    assert post(officer, f"/rounds/{funding_round.id}/edit", form).status_code == 302
    db.session.refresh(funding_round)
    assert funding_round.total_budget == Decimal("300000.00")


def test_the_rules_freeze_at_the_opening_time(officer, db):
    funding_round = _scheduled_round(opens_in=timedelta(hours=1))
    with freeze_time(funding_round.opens_at - timedelta(seconds=1)):
        assert (
            page(officer.get(f"/rounds/{funding_round.id}/edit")).select_one("#total_budget")
            is not None
        )
    with freeze_time(funding_round.opens_at):
        assert (
            page(officer.get(f"/rounds/{funding_round.id}/edit")).select_one("#total_budget")
            is None
        )


def test_administrators_do_not_edit_rounds(as_role):
    funding_round = FundingRoundFactory()
    assert as_role("admin").get(f"/rounds/{funding_round.id}/edit").status_code == 403


def test_a_change_saved_between_loading_and_saving_is_caught_by_the_database(
    officer, db, monkeypatch
):
    """The version check in the UPDATE itself: another save lands after the round was read."""
    from grants.interfaces.rounds import funding_rounds as interface

    funding_round = _scheduled_round(name="Original name")
    form = _edit_form(officer, funding_round) | {"name": "My name"}
    check = interface._check_version

    def someone_else_commits_meanwhile(round_being_saved, expected_version):
        check(round_being_saved, expected_version)
        table = FundingRound.__table__
        db.session.execute(
            update(table)
            .where(table.c.id == round_being_saved.id)
            .values(name="Their name", version=table.c.version + 1)
        )

    monkeypatch.setattr(interface, "_check_version", someone_else_commits_meanwhile)
    response = post(officer, f"/rounds/{funding_round.id}/edit", form)

    assert error_messages(response) == [CONFLICT]
    db.session.refresh(funding_round)
    # (The test's "other" save shares the test's transaction, so the view's rollback undoes it too.)
    assert funding_round.name != "My name"
