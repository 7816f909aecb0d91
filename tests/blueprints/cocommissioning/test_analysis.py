"""Drop-out, sensitivity and comparison pages, and the spreadsheets."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from grants.interfaces.cocommissioning import scenarios as co
from grants.modelling.cocommissioning import run
from grants.modelling.cocommissioning_analysis import drop_out
from tests.factories import make_scenario
from tests.helpers import error_messages, page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


def test_drop_out_shows_what_each_remaining_partner_pays(scenario, as_role):
    soup = page(as_role("finance_officer").get(f"/co-commissioning/{scenario.id}/drop-out"))
    outcomes = drop_out(co.to_model(scenario))
    assert len(outcomes) == 5
    dorset = next(o for o in outcomes if o.leaver == "dorset")
    summary = _text(soup.select_one("#summary-dorset"))
    assert summary.startswith("Without Dorset:") and "Avon and Somerset" in summary
    rows = soup.select("#table-dorset tbody tr")
    assert len(rows) == 4
    avon = next(r for r in rows if "Avon and Somerset" in _text(r))
    pence = dorset.result.partner("avon-somerset").contribution_pence
    assert f"£{pence // 100:,}.{pence % 100:02d}" in _text(avon)


def test_sensitivity_gives_break_even_points_and_a_chart_with_its_table(scenario, as_role):
    client = as_role("commissioner")
    soup = page(client.get(f"/co-commissioning/{scenario.id}/sensitivity?parameter=scale&low=50&high=100"))
    answers = [_text(li) for li in soup.select("#break-even li")]
    assert len(answers) == 5
    assert any("Avon and Somerset would be better off alone above a scale factor of" in a for a in answers)
    assert any(a.startswith("Dorset would not be better off alone") for a in answers)
    assert len(soup.select("#sensitivity-table thead th")) == 12  # partner + 11 values
    assert len(soup.select("#sensitivity-table tbody tr")) == 5
    svg = soup.select_one("svg#sensitivity-chart")
    assert svg["role"] == "img" and len(svg.select("polyline")) == 5
    # Take-up and the cost per client (in pounds) too; a first visit uses a default range.
    assert page(client.get(f"/co-commissioning/{scenario.id}/sensitivity?parameter=take_up&low=10&high=100")
                ).select("#break-even li")
    assert page(client.get(f"/co-commissioning/{scenario.id}/sensitivity?parameter=cost_per_client&low=600&high=2400")
                ).select("#sensitivity-table")
    assert page(client.get(f"/co-commissioning/{scenario.id}/sensitivity")).select("#sensitivity-table")


def test_bad_ranges_get_specific_messages(scenario, as_role):
    client = as_role("commissioner")
    url = f"/co-commissioning/{scenario.id}/sensitivity?parameter="
    cases = [
        ("scale&low=90&high=60", "The low end of the range must be below the high end"),
        ("scale&low=0&high=100", "The percentage must be more than 0% and at most 100%"),
        ("scale&low=50&high=120", "The percentage must be more than 0% and at most 100%"),
        ("take_up&low=10&high=150", "Take-up must be between 0% and 100%"),
        ("cost_per_client&low=-5&high=100", "The cost per client must not be negative"),
        ("scale&low=&high=100", "Enter the low end of the range"),
        ("scale&low=abc&high=100", "The low end of the range must be a number, like 50"),
    ]
    for query, message in cases:
        response = client.get(url + query)
        assert response.status_code == 200
        assert message in error_messages(response), (query, error_messages(response))
        assert page(response).select_one("#sensitivity-table") is None


def test_comparing_two_to_four_scenarios(scenario, as_role, users, db):
    other = make_scenario(users["commissioner"], name="Three forces",
                          partner_codes=["dorset", "gloucestershire", "wiltshire"])
    db.session.commit()
    soup = page(as_role("finance_officer").get(f"/co-commissioning/compare?ids={scenario.id}&ids={other.id}"))
    headers = [_text(th) for th in soup.select("#comparison thead th")]
    assert scenario.name in headers[0] and "Three forces" in headers[1]
    totals = _text(soup.select_one("#comparison-total"))
    first, second = run(co.to_model(scenario)), run(co.to_model(other))
    assert f"£{(first.total_pence + 50) // 100:,}" in totals and f"£{(second.total_pence + 50) // 100:,}" in totals
    assert "Not a partner" in _text(soup.select_one("#contribution-avon-somerset"))
    assert soup.select_one("svg#comparison-chart")["role"] == "img"
    download = soup.select_one("#download")["href"]
    assert download == f"/co-commissioning/compare/comparison.xlsx?ids={scenario.id}&ids={other.id}"


def test_comparing_one_or_five_scenarios_is_refused_with_a_message(scenario, as_role, users, db):
    others = [make_scenario(users["commissioner"], name=f"Option {n}") for n in range(4)]
    db.session.commit()
    client = as_role("commissioner")
    one = client.get(f"/co-commissioning/compare?ids={scenario.id}")
    assert one.status_code == 200
    assert error_messages(one) == ["Select at least two scenarios to compare: you selected 1"]
    assert page(one).select_one("#ids-error") and page(one).select_one(f"#scenarios input[value='{scenario.id}']"
                                                                        ).has_attr("checked")
    ids = "&".join(f"ids={row.id}" for row in [scenario, *others])
    five = client.get(f"/co-commissioning/compare?{ids}")
    assert error_messages(five) == ["Select no more than four scenarios to compare: you selected 5"]
    assert page(five).select_one(".govuk-error-summary a")["href"] == "#ids"
    refused = client.get(f"/co-commissioning/compare/comparison.xlsx?ids={scenario.id}")
    assert refused.status_code == 302


def test_the_spreadsheets_are_xlsx_attachments(scenario, as_role, users, db):
    other = make_scenario(users["commissioner"], name="Three forces")
    db.session.commit()
    client = as_role("finance_officer")
    single = client.get(f"/co-commissioning/{scenario.id}/scenario.xlsx")
    assert single.status_code == 200 and single.mimetype == XLSX
    assert single.headers["Content-Disposition"].startswith("attachment;")
    assert "co-commissioning-five-forces-need-and-caseload-v1.xlsx" in single.headers["Content-Disposition"]
    assert load_workbook(BytesIO(single.data)).sheetnames
    both = client.get(f"/co-commissioning/compare/comparison.xlsx?ids={scenario.id}&ids={other.id}")
    assert both.status_code == 200 and both.mimetype == XLSX
    assert both.headers["Content-Disposition"].startswith("attachment;")
    assert load_workbook(BytesIO(both.data)).sheetnames
