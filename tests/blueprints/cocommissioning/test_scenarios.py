"""Co-commissioning scenarios through the pages: who may open them, making a scenario from the
form (every refusal named in the issue), versions, copies, the preferred option, and the figures
shown against the pure model."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.interfaces.cocommissioning import scenarios as co
from grants.modelling.cocommissioning import run
from grants.models.audit import AuditEvent
from grants.models.cocommissioning import CoCommissioningScenario
from tests.blueprints.cocommissioning.conftest import scenario_form
from tests.factories import make_scenario
from tests.helpers import error_messages, page, post

USERS = ["finance_officer", "commissioner", "admin"]
OTHERS = ["applicant", "panel_member", "grants_officer"]


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


@pytest.mark.parametrize("actor", USERS)
def test_the_pages_open_for_finance_commissioner_and_admin(scenario, as_role, actor):
    client = as_role(actor)
    for url in ("/co-commissioning", "/co-commissioning/new", f"/co-commissioning/{scenario.id}",
                f"/co-commissioning/{scenario.id}/edit", f"/co-commissioning/{scenario.id}/drop-out",
                f"/co-commissioning/{scenario.id}/sensitivity", "/co-commissioning/reference-figures"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("actor", OTHERS)
def test_everyone_else_is_refused(scenario, as_role, actor):
    client = as_role(actor)
    for url in ("/co-commissioning", "/co-commissioning/new", f"/co-commissioning/{scenario.id}",
                f"/co-commissioning/{scenario.id}/scenario.xlsx", "/co-commissioning/reference-figures"):
        assert client.get(url).status_code == 403, url
    assert post(client, f"/co-commissioning/{scenario.id}/copy").status_code == 403


def test_a_scenario_that_does_not_exist_is_not_found(as_role):
    client = as_role("commissioner")
    for url in ("/co-commissioning/999999", "/co-commissioning/999999/edit", "/co-commissioning/999999/drop-out",
                "/co-commissioning/999999/sensitivity", "/co-commissioning/999999/scenario.xlsx",
                "/co-commissioning/compare?ids=999998&ids=999999"):
        assert client.get(url).status_code == 404, url


def test_the_list_shows_each_scenario_with_its_total_and_preference(scenario, as_role, users, db):
    co.mark_preferred(scenario, "Cheapest for most partners", users["commissioner"])
    db.session.commit()
    soup = page(as_role("finance_officer").get("/co-commissioning"))
    row = _text(soup.select_one(f"#scenario-{scenario.id}"))
    total = run(co.to_model(scenario)).total_pence
    assert scenario.name in row and "Criminal justice treatment pathway" in row and "3 years" in row
    assert "Dorset" in row and "Wiltshire and Swindon" in row
    assert f"£{(total + 50) // 100:,}" in row
    assert "Preferred option" in row and "Cheapest for most partners" in row
    assert soup.select_one("#create-scenario")["href"] == "/co-commissioning/new"
    assert soup.select_one("#reference-figures")["href"] == "/co-commissioning/reference-figures"


def test_making_a_scenario_reads_pounds_to_the_penny_and_audits(as_role, db):
    client = as_role("finance_officer")
    response = post(client, "/co-commissioning/new", scenario_form(setup="£150,000.01", fixed_annual="400,000"))
    assert response.status_code == 302
    row = db.session.scalar(select(CoCommissioningScenario).where(CoCommissioningScenario.name == "South West pathway"))
    assert response.headers["Location"] == f"/co-commissioning/{row.id}"
    assert (row.setup_pence, row.fixed_annual_pence, row.cost_per_client_pence) == (15_000_001, 40_000_000, 120_000)
    assert row.take_up_percent == Decimal(60) and row.inflation_percent == Decimal(2)
    assert {k: Decimal(v) for k, v in row.weights.items() if Decimal(v)} == {"need": 25, "caseload": 75}
    assert row.version == 1 and row.partner_codes == ["avon-somerset", "devon-cornwall", "dorset", "gloucestershire",
                                                      "wiltshire"]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cocommissioning.scenario_created"))


def test_curve_floor_cap_and_phase_in_are_saved(as_role, db):
    response = post(as_role("commissioner"), "/co-commissioning/new", scenario_form(
        scale_kind="curve", scale_exponent="0.8", floor_kind="percent", floor_percent="10", cap_kind="amount",
        cap_amount="£2,000,000", phase_in_years="2", weight_need="", weight_caseload="", weight_population="100"))
    assert response.status_code == 302, error_messages(response)
    row = db.session.scalar(select(CoCommissioningScenario).where(CoCommissioningScenario.name == "South West pathway"))
    assert row.scale_percent is None and row.scale_exponent == Decimal("0.8")
    assert row.floor_percent == Decimal(10) and row.cap_pence == 200_000_000 and row.phase_in_years == 2


REFUSALS = [
    ({"partner_codes": ["dorset"]}, "A joint option needs at least two partners", "partner_codes"),
    ({"weight_need": "50", "weight_caseload": "30"}, "The weights add up to 80%: they must add up to 100%",
     "weight_equal"),
    ({"floor_kind": "percent", "floor_percent": "20", "cap_kind": "percent", "cap_percent": "10"},
     "The cap (10%) is below the floor (20%)", "cap_percent"),
    ({"floor_kind": "amount", "floor_amount": "500,000", "cap_kind": "amount", "cap_amount": "400,000"},
     "The cap (£400,000.00) is below the floor (£500,000.00)", "cap_amount"),
    ({"setup": "-£5,000"}, "The set-up cost must not be negative", "setup"),
    ({"cost_per_client": "-1"}, "The cost per client must not be negative", "cost_per_client"),
    ({"years": "11"}, "The contract must be between 1 and 10 years", "years"),
    ({"setup": "12.345"}, "Set-up cost must not have more than 2 decimal places", "setup"),
    ({"setup": ""}, "Enter the set-up cost", "setup"),
    ({"take_up_percent": "lots"}, "Take-up must be a number, like 60", "take_up_percent"),
    ({"scale_kind": "curve", "scale_exponent": "1.5"},
     "The economies-of-scale exponent must be more than 0 and at most 1", "scale_exponent"),
    ({"name": "  "}, "Enter a name for the scenario", "name"),
]


@pytest.mark.parametrize("changes, message, field", REFUSALS)
def test_each_bad_input_gets_its_message_in_the_summary_and_on_the_field(as_role, db, changes, message, field):
    response = post(as_role("commissioner"), "/co-commissioning/new", scenario_form(**changes))
    assert response.status_code == 200
    assert any(text.startswith(message) for text in error_messages(response)), error_messages(response)
    soup = page(response)
    link = next(a for a in soup.select(".govuk-error-summary__list a") if _text(a).startswith(message))
    assert link["href"] == f"#{field}"
    assert soup.select_one(f"#{field}-error") and message in _text(soup.select_one(f"#{field}-error"))
    assert soup.title.get_text().startswith("Error:")
    assert db.session.scalar(select(CoCommissioningScenario).where(
        CoCommissioningScenario.name == "South West pathway")) is None


def test_a_split_needing_a_figure_an_area_has_as_zero_is_refused(as_role, users, db):
    area = co.area_by_code("dorset")
    values = {"population_15_64": {**area.figures["population_15_64"], "value": 0}}
    co.update_area(area, values, area.lock_version, users["admin"])
    db.session.commit()
    response = post(as_role("commissioner"), "/co-commissioning/new",
                    scenario_form(weight_need="", weight_caseload="", weight_population_15_64="100"))
    message = "A split by population aged 15-64 needs the population aged 15 to 64 of every partner: Dorset has 0"
    assert message in error_messages(response)
    assert message in _text(page(response).select_one("#weight_population_15_64-error"))


def test_each_partner_alone_needs_only_one_partner(as_role):
    response = post(as_role("commissioner"), "/co-commissioning/new",
                    scenario_form(partner_codes=["dorset"], joint="alone"))
    assert response.status_code == 302, error_messages(response)


def test_changing_a_scenario_saves_a_new_version_and_keeps_the_old(scenario, as_role, db):
    client = as_role("finance_officer")
    form_page = page(client.get(f"/co-commissioning/{scenario.id}/edit"))
    assert "Saving your changes makes version 2" in _text(form_page.select_one("#new-version"))
    assert form_page.select_one("#setup")["value"] == "150000.00"
    assert form_page.select_one("#weight_need")["value"] == "25"
    response = post(client, f"/co-commissioning/{scenario.id}/edit", scenario_form(name=scenario.name, years="5"))
    assert response.status_code == 302
    revised = db.session.scalar(select(CoCommissioningScenario).where(
        CoCommissioningScenario.family_id == scenario.family_id, CoCommissioningScenario.version == 2))
    assert response.headers["Location"] == f"/co-commissioning/{revised.id}"
    assert revised.years == 5 and revised.is_latest
    db.session.refresh(scenario)
    assert scenario.years == 3 and not scenario.is_latest

    latest = page(client.get(f"/co-commissioning/{revised.id}"))
    assert "This is version 2 of 2" in _text(latest.select_one("#version-of"))
    assert latest.select_one("#edit") and latest.select_one(f"#versions a[href='/co-commissioning/{scenario.id}']")
    older = page(client.get(f"/co-commissioning/{scenario.id}"))
    assert "This is version 1 of 2" in _text(older.select_one("#version-of"))
    assert "older version and cannot be changed" in _text(older.select_one("#older-version"))
    assert older.select_one("#edit") is None
    refused = client.get(f"/co-commissioning/{scenario.id}/edit")
    assert refused.status_code == 302 and refused.headers["Location"] == f"/co-commissioning/{scenario.id}"
    # The list shows only the latest version.
    listed = page(client.get("/co-commissioning"))
    assert listed.select_one(f"#scenario-{revised.id}") and not listed.select_one(f"#scenario-{scenario.id}")


def test_copying_makes_a_new_scenario(scenario, as_role, db):
    response = post(as_role("finance_officer"), f"/co-commissioning/{scenario.id}/copy")
    copy = db.session.scalar(select(CoCommissioningScenario).where(
        CoCommissioningScenario.name == f"Copy of {scenario.name}"))
    assert response.headers["Location"] == f"/co-commissioning/{copy.id}"
    assert copy.family_id == copy.id != scenario.family_id and copy.version == 1
    assert co.input_of(copy).weights == co.input_of(scenario).weights


def test_only_the_commissioner_marks_the_preferred_option_with_a_note(scenario, as_role, users, db):
    other = make_scenario(users["commissioner"], name="Three forces")
    db.session.commit()
    for actor in ("finance_officer", "admin"):
        client = as_role(actor)
        assert post(client, f"/co-commissioning/{scenario.id}/preferred", {"note": "Why"}).status_code == 403
        assert page(client.get(f"/co-commissioning/{scenario.id}")).select_one("#mark-preferred") is None
    commissioner = as_role("commissioner")
    refused = post(commissioner, f"/co-commissioning/{scenario.id}/preferred", {"note": " "})
    assert refused.status_code == 200
    assert error_messages(refused) == ["Enter why this is the preferred option"]
    assert page(refused).select_one("#note-error")
    assert post(commissioner, f"/co-commissioning/{scenario.id}/preferred",
                {"note": "Best value for the region"}).status_code == 302
    db.session.refresh(scenario)
    assert scenario.preferred and scenario.preferred_note == "Best value for the region"
    shown = page(commissioner.get(f"/co-commissioning/{scenario.id}"))
    assert "Best value for the region" in _text(shown.select_one("#preferred-note"))
    # Only one preferred option: choosing another clears the first.
    post(commissioner, f"/co-commissioning/{other.id}/preferred", {"note": "Cheaper overall"})
    db.session.refresh(scenario)
    db.session.refresh(other)
    assert other.preferred and not scenario.preferred
    assert post(commissioner, f"/co-commissioning/{other.id}/preferred/clear").status_code == 302
    db.session.refresh(other)
    assert not other.preferred
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"cocommissioning.scenario_preferred", "cocommissioning.scenario_preference_cleared"} <= actions


def test_the_scenario_page_shows_the_pure_models_figures(scenario, as_role):
    soup = page(as_role("commissioner").get(f"/co-commissioning/{scenario.id}"))
    result = run(co.to_model(scenario))
    for outcome in result.partners:
        cells = [_text(td) for td in soup.select(f"#partners-{outcome.code} td")]
        assert cells[1] == _pounds(outcome.contribution_pence)
        assert cells[2] == _pounds(outcome.standalone_pence)
        assert cells[3].startswith(_pounds(outcome.saving_pence))
        assert ("Better off alone" in cells[3]) == (outcome.saving_pence < 0)
    total = [_text(td) for td in soup.select("#partners-total td")]
    assert total[1] == f"{_pounds(result.total_pence)}" and total[3] == _pounds(result.saving_pence)
    years = _text(soup.select_one("#years-joint"))
    assert all(_pounds(cost) in years for cost in result.year_costs)
    assert len(soup.select("#social-return tbody tr")) == 5 and soup.select("#assumptions li")
    for chart in ("contributions-chart", "savings-chart"):
        svg = soup.select_one(f"svg#{chart}")
        assert svg["role"] == "img" and svg.select_one("title") and svg["aria-labelledby"].startswith(f"{chart}-title")
        assert len(svg.select("rect")) == 5
    assert len(soup.select("#contributions-table tbody tr")) == 5 and len(soup.select("#savings-table tbody tr")) == 5
    assert "Dorset" in _text(soup.select_one("#inputs"))


@pytest.mark.visible_text(allow=['<script>alert("x")</script>'])  # the name typed, shown as typed
def test_a_name_with_markup_is_shown_as_text(as_role, users, db):
    row = make_scenario(users["commissioner"], name='<script>alert("x")</script>')
    db.session.commit()
    html = as_role("commissioner").get(f"/co-commissioning/{row.id}").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def _pounds(pence: int) -> str:
    sign, pence = ("-", -pence) if pence < 0 else ("", pence)
    return f"{sign}£{pence // 100:,}.{pence % 100:02d}"
