"""The social-return calculator page, its shareable link, the Devon and Cornwall preset and the link
from an award: figures, messages linked to their inputs, the seeded Monte Carlo and who may use it."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from grants.interfaces.social_return import calculator as sroi_calculator
from grants.interfaces.social_return.parameters import ensure_default_set, parameters_of
from grants.modelling.social_return import ClientGroupInput, SroiInputs, estimate, pence_pounds, whole_pounds
from grants.modelling.sroi_defaults import GDP_DEFLATOR, PLAN_REPORTED_GROSS_BENEFIT, devon_and_cornwall_preset
from tests.factories import AwardFactory
from tests.helpers import error_messages, page

URL = "/social-return"
INPUTS = {
    "price_year": "2023-24", "horizon": "5",
    "clients-opiate": "1,200", "completions-opiate": "150",
    "clients-alcohol": "800", "completions-alcohol": "300",
    "cost_basis": "per_client", "cost": "£2,150.50",
}


@pytest.fixture
def stored_set(db):
    row = ensure_default_set()
    db.session.commit()
    return row


def expected(row, price_year="2023-24", horizon=5):
    inputs = SroiInputs({"opiate": ClientGroupInput(1200, 150), "alcohol": ClientGroupInput(800, 300)}, horizon,
                        cost_per_client=Decimal("2150.50"))
    return estimate(inputs, parameters_of(row).in_prices_of(price_year, GDP_DEFLATOR))


def money(text: str) -> Decimal:
    return Decimal(re.sub(r"[£,\s]", "", text))


def figures(soup) -> dict[str, Decimal]:
    return {name: money(soup.select_one(f"#result-{name}").get_text()) for name in
            ("gross-year-one", "gross-present-value", "net-present-value", "cost", "net-after-cost",
             "return-per-pound")}


def penny(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def test_the_form_alone_shows_no_results_and_defaults_to_the_newest_set(as_role, stored_set):
    response = as_role("panel_member").get(URL)
    assert response.status_code == 200
    soup = page(response)
    assert soup.select_one("#results") is None
    assert soup.select_one("#calculator-form")["method"] == "get"
    assert soup.select_one("#parameter_set option[selected]")["value"] == str(stored_set.id)
    assert soup.select_one("#price_year option[selected]")["value"] == GDP_DEFLATOR.years[-1]
    national = soup.select_one("#national-figures").find_next("ul").get_text(" ", strip=True)
    assert "£4" in national and "£21" in national and "£26,074" in national and "Black" in national


def test_results_match_the_model_and_the_shareable_link_reproduces_them(as_role, stored_set):
    client = as_role("grants_officer")
    soup = page(client.get(URL, query_string=INPUTS))
    result = expected(stored_set)
    shown = figures(soup)
    assert shown == {
        "gross-year-one": penny(result.gross_year_one), "gross-present-value": penny(result.gross_present_value),
        "net-present-value": penny(result.net_present_value), "cost": penny(result.cost),
        "net-after-cost": penny(result.net_after_cost), "return-per-pound": penny(result.return_per_pound),
    }
    assert result.cost == Decimal("2150.50") * 2000
    assert soup.select_one("#summary").get_text(strip=True) == result.summary()
    assert f"{stored_set.name}, version {stored_set.version}, in 2023-24 prices" in soup.select_one(
        "#parameter-set-used").get_text()
    assert soup.select("#assumptions li"), "the assumptions used are listed"
    # The breakdown, the chart with its table, the tornado table.
    assert [th.get_text(strip=True) for th in soup.select("#breakdown-present-value thead th")] == [
        "Category", "Opiate", "Alcohol only", "All groups"]
    assert soup.select_one("figure figcaption") and soup.select("figure svg rect") and soup.select("figure table")
    assert soup.select_one("svg title").get_text()
    assert len(soup.select("#tornado tbody tr")) > 5
    assert soup.select_one("#monte-carlo") is None  # no seed, no run

    share = soup.select_one("#share-link")
    assert share.has_attr("readonly") and soup.select_one("label[for=share-link]")
    link = urlsplit(share["value"])
    assert link.path == URL
    again = page(client.get(f"{link.path}?{link.query}"))
    assert figures(again) == shown
    download = soup.select_one("#download")["href"]
    assert download == f"/social-return/export.xlsx?{link.query}"


def test_a_total_cost_is_used_as_given(as_role, stored_set):
    soup = page(as_role("commissioner").get(URL, query_string={**INPUTS, "cost_basis": "total", "cost": "1000000"}))
    result = expected(stored_set)
    assert figures(soup)["cost"] == Decimal("1000000.00")
    assert figures(soup)["return-per-pound"] == penny(result.net_present_value / 1000000)


def test_no_cost_gives_no_return_per_pound(as_role, stored_set):
    soup = page(as_role("commissioner").get(URL, query_string={**INPUTS, "cost": ""}))
    assert soup.select_one("#result-return-per-pound").get_text() == "No cost entered"
    assert "no return per £1" in soup.select_one("#summary").get_text()


@pytest.mark.parametrize(("changes", "message", "input_id"), [
    ({"clients-opiate": "-5"}, "Clients in treatment (opiate) cannot be negative", "clients-opiate"),
    ({"clients-alcohol": "lots"}, "Clients in treatment (alcohol only) must be a whole number", "clients-alcohol"),
    ({"completions-opiate": "1201"}, "Successful completions (opiate) cannot be more than clients in treatment: "
                                     "1,201 completions, 1,200 clients", "completions-opiate"),
    ({"completions-alcohol": "2.5"}, "Successful completions (alcohol only) must be a whole number",
     "completions-alcohol"),
    ({"horizon": "0"}, "The horizon must be a whole number of years from 1 to 10", "horizon"),
    ({"horizon": "11"}, "The horizon must be a whole number of years from 1 to 10", "horizon"),
    ({"horizon": "five"}, "The horizon must be a whole number of years from 1 to 10", "horizon"),
    ({"price_year": "2031-32"}, "There is no GDP deflator for 2031-32: the series covers 2010-11 to 2023-24",
     "price_year"),
    ({"cost": "-10"}, "The cost per client cannot be negative", "cost"),
    ({"cost": "a lot"}, "The cost per client must be an amount of money in pounds", "cost"),
    ({"seed": "x"}, "The number for the random runs must be a whole number from 0 to 4,294,967,295", "seed"),
    ({"parameter_set": "999999"}, "Choose a published parameter set", "parameter_set"),
    ({"clients-opiate": "", "completions-opiate": "", "clients-alcohol": "", "completions-alcohol": ""},
     "Enter the number of clients in treatment for at least one client group", "clients-opiate"),
])
def test_bad_input_is_named_and_linked_to_its_input(as_role, stored_set, changes, message, input_id):
    response = as_role("finance_officer").get(URL, query_string={**INPUTS, **changes})
    assert response.status_code == 200
    soup = page(response)
    assert error_messages(response) == [message]
    assert soup.select_one(".govuk-error-summary a")["href"] == f"#{input_id}"
    assert soup.select_one(f"#{input_id}") is not None, "the link goes to an input on the page"
    assert soup.select_one(f"#{input_id}-error") is not None
    assert soup.select_one("#results") is None
    assert soup.title.get_text().startswith("Error:")


def test_several_problems_are_listed_in_page_order(as_role, stored_set):
    response = as_role("admin").get(URL, query_string={**INPUTS, "horizon": "11", "clients-alcohol": "-1",
                                                       "seed": "-3"})
    assert [a["href"] for a in page(response).select(".govuk-error-summary a")] == [
        "#horizon", "#clients-alcohol", "#seed"]
    # What was typed is shown back.
    assert page(response).select_one("#clients-alcohol")["value"] == "-1"


def test_monte_carlo_runs_with_a_seed_and_is_reproducible(as_role, stored_set):
    client = as_role("panel_member")
    query = {**INPUTS, "seed": "42"}
    first = page(client.get(URL, query_string=query)).select_one("#monte-carlo").get_text(" ", strip=True)
    second = page(client.get(URL, query_string=query)).select_one("#monte-carlo").get_text(" ", strip=True)
    assert first == second and "number 42" in first and "1,000 runs" in first
    other = page(client.get(URL, query_string={**query, "seed": "7"})).select_one("#monte-carlo").get_text(" ")
    assert other != first
    request = sroi_calculator.parse_request(query, sroi_calculator.available_sets())
    interval = sroi_calculator.run(request).monte_carlo
    assert whole_pounds(interval.low) in first and whole_pounds(interval.high) in first
    assert interval.low <= interval.central <= interval.high
    share = page(client.get(URL, query_string=query)).select_one("#share-link")["value"]
    assert "seed=42" in share


def test_the_calculator_stores_the_default_set_when_none_is_published(as_role):
    response = as_role("commissioner").get(URL)
    assert response.status_code == 200
    assert page(response).select("#parameter_set option")


def test_preset_shows_the_reported_figure_and_the_difference(as_role, stored_set):
    soup = page(as_role("commissioner").get("/social-return/devon-and-cornwall"))
    preset = devon_and_cornwall_preset()
    result = estimate(preset.inputs, parameters_of(stored_set).in_prices_of(preset.price_year, GDP_DEFLATOR))
    assert soup.select_one("#reported").get_text() == "£59,478,661"
    assert soup.select_one("#estimated").get_text() == whole_pounds(result.gross_present_value)
    assert soup.select_one("#difference").get_text() == whole_pounds(
        result.gross_present_value - PLAN_REPORTED_GROSS_BENEFIT)
    assert len(soup.select("#preset-assumptions li")) == len(preset.assumptions)
    assert [td.get_text() for td in soup.select("#preset-inputs tbody td")][:2] == ["4,907", "245"]
    # Opening the preset in the calculator gives the same estimate.
    link = soup.select_one("#open-in-calculator")["href"]
    opened = page(as_role("commissioner").get(link))
    assert money(opened.select_one("#result-gross-present-value").get_text()) == penny(result.gross_present_value)
    assert opened.select_one("#result-return-per-pound").get_text() == "No cost entered"


@pytest.mark.parametrize("url", [URL, "/social-return/devon-and-cornwall", "/social-return/export.xlsx"])
def test_applicants_may_not_use_the_calculator(as_role, stored_set, url):
    assert as_role("applicant").get(url, query_string=INPUTS).status_code == 403
    assert as_role("panel_member").get(url, query_string=INPUTS).status_code == 200


def test_estimate_for_clients_uses_the_newest_published_set(stored_set):
    result = sroi_calculator.estimate_for_clients({"opiate": 10}, {"opiate": 2}, 3, Decimal("40000"))
    inputs = SroiInputs({"opiate": ClientGroupInput(10, 2)}, 3, total_cost=Decimal("40000"))
    assert result == estimate(inputs, parameters_of(stored_set).in_prices_of(GDP_DEFLATOR.years[-1], GDP_DEFLATOR))
    assert result.parameter_set == stored_set.name and result.cost == Decimal("40000")


def test_the_award_page_links_to_the_calculator_with_the_award_as_the_cost(as_role, stored_set):
    award = AwardFactory()
    soup = page(as_role("grants_officer").get(f"/awards/{award.id}"))
    section = soup.select_one("#estimated-social-return")
    assert section.get_text() == "Estimated social return"
    link = soup.select_one("#award-estimate-link")["href"]
    assert urlsplit(link).path == URL and f"cost={award.amount:.2f}" in link and "cost_basis=total" in link
    opened = as_role("grants_officer").get(link)
    assert error_messages(opened) == []  # a prefilled form, not a submission
    assert page(opened).select_one("#cost")["value"] == f"{award.amount:.2f}"


def test_pence_pounds_is_what_the_page_shows_for_the_return(as_role, stored_set):
    soup = page(as_role("admin").get(URL, query_string=INPUTS))
    assert soup.select_one("#result-return-per-pound").get_text() == pence_pounds(expected(stored_set).return_per_pound)
