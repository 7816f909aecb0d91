"""The areas' reference figures: the table with sources and assumptions, and changing an area."""

from __future__ import annotations

from grants.blueprints.cocommissioning.figures import saved_inputs
from grants.interfaces.cocommissioning import scenarios as co
from tests.helpers import error_messages, page, post


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


def _form(area, **changes) -> dict:
    return {**saved_inputs(area), "lock_version": str(area.lock_version), **changes}


def test_the_table_shows_each_figure_with_source_year_and_assumption_tag(as_role):
    soup = page(as_role("finance_officer").get("/co-commissioning/reference-figures"))
    assert len(soup.select("table[id^=area-]")) == 5
    population = _text(soup.select_one("#figure-dorset-population"))
    assert "779,100" in population and "Census 2021" in population and "2021" in population
    assert "Assumption" not in population
    assert "Assumption" in _text(soup.select_one("#figure-dorset-ocu"))
    assert soup.select_one("#edit-dorset") is None  # finance may look, not change


def test_changing_an_areas_figures(as_role, db):
    client = as_role("commissioner")
    assert page(client.get("/co-commissioning/reference-figures")).select_one("#edit-dorset")
    area = co.area_by_code("dorset")
    response = post(client, "/co-commissioning/reference-figures/dorset/edit", _form(
        area, **{"ocu-value": "4,321", "ocu-source": "Local estimate 2024", "ocu-year": "2023-24",
                 "ocu-assumption": ""}))
    assert response.status_code == 302
    db.session.refresh(area)
    assert area.figures["ocu"]["value"] == 4321 and not area.figures["ocu"]["assumption"]
    assert "Local estimate 2024" in _text(page(client.get("/co-commissioning/reference-figures"))
                                          .select_one("#figure-dorset-ocu"))


def test_bad_figures_are_listed_and_shown_on_their_inputs(as_role):
    area = co.area_by_code("dorset")
    response = post(as_role("admin"), "/co-commissioning/reference-figures/dorset/edit", _form(
        area, **{"ocu-value": "lots", "population-year": "last year", "ocu-source": "", "ocu-assumption": ""}))
    assert response.status_code == 200
    messages = error_messages(response)
    assert "The estimated opiate and/or crack users must be a whole number" in messages
    assert any(m.startswith("Enter the year of the population (census 2021) as a year") for m in messages)
    soup = page(response)
    assert soup.select_one("#ocu-value-error") and soup.select_one(".govuk-error-summary a[href='#ocu-value']")


def test_a_stale_edit_shows_a_conflict_not_an_overwrite(as_role, users, db):
    area = co.area_by_code("dorset")
    form = _form(area, **{"ocu-value": "1"})
    co.update_area(area, {"ocu": {**area.figures["ocu"], "value": 999}}, area.lock_version, users["admin"])
    db.session.commit()
    response = post(as_role("commissioner"), "/co-commissioning/reference-figures/dorset/edit", form)
    assert response.status_code == 200
    assert any("Someone else changed this area" in m for m in error_messages(response))
    db.session.refresh(area)
    assert area.figures["ocu"]["value"] == 999
    assert page(response).select_one("#ocu-value")["value"] == "999"


def test_finance_may_not_change_figures(as_role):
    assert as_role("finance_officer").get("/co-commissioning/reference-figures/dorset/edit").status_code == 403
    assert as_role("commissioner").get("/co-commissioning/reference-figures/nowhere/edit").status_code == 404
