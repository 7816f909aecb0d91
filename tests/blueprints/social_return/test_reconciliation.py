"""The page that explains why the model's figure for the Devon and Cornwall preset differs from the plan's
£59,478,661: the answer first, the waterfall chart and its table, the solved values, the links to it
and who may see it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from grants.interfaces.social_return.parameters import ensure_default_set, parameters_of
from grants.modelling.social_return import estimate, whole_pounds
from grants.modelling.sroi_defaults import GDP_DEFLATOR, devon_and_cornwall_preset
from grants.modelling.sroi_reconciliation import reconcile
from tests.helpers import page

URL = "/social-return/reconciliation"


@pytest.fixture
def stored_set(db):
    row = ensure_default_set()
    db.session.commit()
    return row


def cells(row) -> list[str]:
    return [" ".join(cell.get_text(" ").split()) for cell in row.select("th, td")]


def rows(soup, table_id: str) -> list[list[str]]:
    return [cells(row) for row in soup.select(f"#{table_id} tbody tr")]


def test_the_answer_comes_first_and_names_both_figures(as_role, stored_set):
    soup = page(as_role("commissioner").get(URL))
    assert soup.select_one("h1").get_text() == "Why the model’s figure differs from the plan’s £59,478,661"
    answer = " ".join(soup.select_one("#answer").get_text().split())
    assert answer.startswith("Quote the plan’s £59,478,661 as the estimated gross social and economic benefit")
    assert "published for its period (2022 to 2025)" in answer
    assert "The model’s £125,999,547 is an estimate under stated assumptions" in answer
    assert "Neither figure has been changed to match the other." in answer
    gap = " ".join(soup.select_one("#gap").get_text().split())
    assert gap == ("The model’s figure is 2.1 times the plan’s. The model’s figure is £66,520,886 more than the "
                   "plan’s figure. Two differences the published material supports account for £58,578,492 of "
                   "it; the other £7,942,394 cannot be put down to any published input.")
    # The answer is above the chart.
    text = soup.select_one("main").get_text()
    assert text.index("Which figure to quote") < text.index("From the model’s figure to the plan’s")


def test_the_waterfall_table_reads_step_by_step(as_role, stored_set):
    table = rows(page(as_role("panel_member").get(URL)), "waterfall-table")
    assert [row[0] for row in table] == [
        "The model’s figure",
        "Benefits after treatment (years 2 to 5 for those who complete)",
        "Quality of life (assumed QALY gains)",
        "Not explained by published inputs",
        "The plan’s figure",
    ]
    assert table[0][-1] == "£125,999,547"
    assert [row[-2:] for row in table[1:4]] == [
        ["-£26,209,792", "£99,789,755"], ["-£32,368,700", "£67,421,055"], ["-£7,942,394", "£59,478,661"]]
    assert table[4][-1] == "£59,478,661"
    assert table[1][1] == ("The 1,780 people who complete treatment keep bringing benefits in years 2 to 5, "
                           "falling 20% a year and discounted at 3.5% a year.")
    assert table[1][2].startswith("The treatment year alone (a 1-year horizon). The national tool counts benefits "
                                  "after treatment only for people who recover, and its horizon is not published")
    assert table[2][1].startswith("0.05 QALYs a year for each opiate, alcohol only, non-opiate and alcohol client; "
                                  "0.04 QALYs a year for each non-opiate client, each QALY valued at £70,000")
    assert table[2][2].startswith("No quality-of-life benefit.")
    assert "Drugs strategic intentions plan 2022-2025" in table[4][1]


def test_the_chart_has_one_bar_per_step_and_an_accessible_name(as_role, stored_set):
    soup = page(as_role("commissioner").get(URL))
    svg = soup.select_one("svg#waterfall-chart")
    assert svg["role"] == "img"
    named_by = [soup.select_one(f"#{part}").get_text() for part in svg["aria-labelledby"].split()]
    assert named_by[0] == "Waterfall chart from the model’s figure to the plan’s, one bar per step"
    assert named_by[1].startswith("From the model’s £125,999,547; Benefits after treatment")
    assert named_by[1].endswith("to the plan’s £59,478,661. The table below gives the same figures.")
    bars = svg.select("rect.opcc-waterfall__bar")
    assert len(bars) == len(soup.select("#waterfall-table tbody tr")) == 5
    assert [bar["data-kind"] for bar in bars] == ["total", "fall", "fall", "unexplained", "total"]
    labels = [text.get_text() for text in svg.select("text")]
    for amount in ("£125,999,547", "-£26,209,792", "-£32,368,700", "-£7,942,394", "£59,478,661"):
        assert amount in labels
    # The bars join: each step starts where the one before ended.
    assert float(bars[1]["x"]) + float(bars[1]["width"]) == pytest.approx(float(bars[0]["width"]) + float(bars[0]["x"]),
                                                                       abs=0.2)
    assert float(bars[-1]["x"]) == float(bars[0]["x"])
    wrapper = svg.find_parent("div")
    assert wrapper["tabindex"] == "0" and wrapper["role"] == "region"
    assert soup.select_one(f"#{wrapper['aria-labelledby']}").get_text() == (
        "From the model’s £125,999,547 to the plan’s £59,478,661, step by step")


def test_the_solved_values_sit_beside_the_assumptions(as_role, stored_set):
    table = rows(page(as_role("finance_officer").get(URL)), "solved-values")
    by_name = {row[0]: row[1:] for row in table}
    assert by_name["Clients in treatment, all groups (in the same proportions)"][:3] == [
        "9,437", "4,455", "£59,490,302"]
    assert by_name["Opiate clients (the other groups as assumed)"][:3] == ["4,907", "1,012", "£59,491,657"]
    crime = by_name["Crime avoided per opiate client a year (2021-22 prices)"]
    assert crime[:3] == ["£10,622", "Not possible: the rest of the model alone gives £68.2m, above the £59.5m "
                                    "reported", "No value can"]
    assert crime[3].startswith("Derived £26,074 a year, the average cost of crime")
    qalys = by_name["QALYs gained per client a year (one value for every group)"]
    assert qalys[:3] == ["0.04 to 0.05", "Not possible: the rest of the model alone gives £80.5m, above the £59.5m "
                                         "reported", "No value can"]
    assert qalys[3].startswith("Assumption")
    horizon = by_name["Horizon (years of benefit counted)"]
    assert horizon[:3] == ["5 years", "Not possible: the treatment year alone gives £99.8m, above the £59.5m "
                                      "reported", "No value can"]
    assert [row[4].split()[0] for row in table] == ["Assumption", "Derived", "Derived", "Assumption", "Assumption"]


def test_the_page_follows_the_published_set(as_role, stored_set):
    """The figures are the model's with the newest published set, not numbers written into the page."""
    preset = devon_and_cornwall_preset()
    parameters = parameters_of(stored_set).in_prices_of(preset.price_year, GDP_DEFLATOR)
    outcome = reconcile(preset.inputs, parameters, preset.reported)
    soup = page(as_role("commissioner").get(URL))
    assert soup.select_one("#model-figure").get_text() == whole_pounds(
        estimate(preset.inputs, parameters).gross_present_value)
    assert [row[-1] for row in rows(soup, "waterfall-table")][1:-1] == [
        whole_pounds(step.total) for step in outcome.waterfall.steps]


def test_the_preset_and_the_calculator_link_to_it(as_role, stored_set):
    preset_page = page(as_role("commissioner").get("/social-return/devon-and-cornwall"))
    link = preset_page.select_one("#comparison a#reconciliation-link")
    assert link["href"] == URL
    assert link.get_text() == "Why the model’s figure differs from the plan’s, step by step"
    calculator = page(as_role("commissioner").get("/social-return"))
    assert [a.get_text() for a in calculator.select(f"a[href='{URL}']")] == ["why the two figures differ"]


def test_only_the_calculators_users_see_it(as_role, stored_set, client):
    for role in ("panel_member", "grants_officer", "finance_officer", "commissioner", "admin"):
        assert as_role(role).get(URL).status_code == 200, role
    assert as_role("applicant").get(URL).status_code == 403
    response = client.get(URL)
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/sign-in"
