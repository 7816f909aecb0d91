"""/rounds/<id>/form.json: the round's current form as a JSON download, for the staff who run rounds."""

from __future__ import annotations

import json

import pytest

from grants.form_definitions import Kind, dump, dumps, loads, standard
from grants.interfaces.round_forms import versions
from tests.blueprints.round_forms.conftest import HOTSPOTS, edited


def test_an_officer_downloads_the_rounds_application_form(as_role, draft_round, users):
    versions.save(draft_round, Kind.APPLICATION, edited(extra=HOTSPOTS), users["grants_officer"])

    response = as_role("grants_officer").get(f"/rounds/{draft_round.id}/form.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=round-{draft_round.id}-application-form.json"
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data(as_text=True) == dumps(edited(extra=HOTSPOTS))
    assert loads(response.get_data()) == edited(extra=HOTSPOTS)


def test_a_round_without_a_form_of_its_own_downloads_the_standard_form(as_role, open_round):
    response = as_role("admin").get(f"/rounds/{open_round.id}/form.json")
    assert response.status_code == 200
    assert response.get_json() == dump(standard(Kind.APPLICATION))


@pytest.mark.parametrize("kind, name", [
    ("application", "application"),
    ("eligibility", "eligibility"),
    ("monitoring", "monitoring"),
    ("expression_of_interest", "expression-of-interest"),
])
def test_each_kind_of_form_downloads_under_its_own_name(as_role, draft_round, kind, name):
    response = as_role("grants_officer").get(f"/rounds/{draft_round.id}/form.json?kind={kind}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f"attachment; filename=round-{draft_round.id}-{name}-form.json"
    assert response.get_json()["kind"] == kind


def test_the_latest_version_is_the_one_downloaded(as_role, draft_round, users):
    versions.save(draft_round, Kind.ELIGIBILITY, edited(Kind.ELIGIBILITY, title="First"), users["grants_officer"])
    versions.save(draft_round, Kind.ELIGIBILITY, edited(Kind.ELIGIBILITY, title="Second"), users["grants_officer"])
    response = as_role("grants_officer").get(f"/rounds/{draft_round.id}/form.json?kind=eligibility")
    assert response.get_json()["title"] == "Second"


@pytest.mark.parametrize("query", ["?kind=budget", "?kind=", "?kind=Application", "?kind=expression-of-interest"])
def test_an_unknown_kind_is_not_found(as_role, draft_round, query):
    assert as_role("grants_officer").get(f"/rounds/{draft_round.id}/form.json{query}").status_code == 404


def test_a_round_that_does_not_exist_is_not_found(as_role):
    assert as_role("grants_officer").get("/rounds/999999/form.json").status_code == 404
    assert as_role("admin").get("/rounds/999999/form.json").status_code == 404


@pytest.mark.parametrize("actor", ["applicant", "panel_member", "finance_officer", "commissioner"])
def test_only_the_staff_who_run_rounds_may_download_a_form(as_role, open_round, actor):
    response = as_role(actor).get(f"/rounds/{open_round.id}/form.json")
    assert response.status_code == 403
    assert "attachment" not in response.headers.get("Content-Disposition", "")


def test_a_visitor_is_sent_to_sign_in(client, open_round):
    response = client.get(f"/rounds/{open_round.id}/form.json")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_the_download_is_valid_json_of_the_format(as_role, open_round):
    body = as_role("grants_officer").get(f"/rounds/{open_round.id}/form.json?kind=monitoring").get_data(as_text=True)
    document = json.loads(body)
    assert document["format"] == "pcc-grants-form/1"
    assert loads(body) == standard(Kind.MONITORING)
