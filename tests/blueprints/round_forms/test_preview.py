"""Officers preview each section of a round's form as applicants will see it, and check answers
against it without anything being kept."""

from __future__ import annotations

from grants.demo.rounds import themed_application_form
from grants.extensions import db
from grants.form_definitions import Kind
from grants.interfaces.round_forms import versions
from grants.models.applications import ApplicationSection
from tests.helpers import error_messages, page, post


def _url(funding_round, section_id, kind="application"):
    return f"/rounds/{funding_round.id}/forms/{kind}/preview/{section_id}"


def test_each_section_is_shown_as_applicants_see_it(as_role, draft_round):
    versions.save(draft_round, Kind.APPLICATION, themed_application_form(), by=None)
    html = page(as_role("grants_officer").get(_url(draft_round, "antisocial_behaviour")))
    assert html.select_one("h1").get_text(strip=True) == "The anti-social behaviour your project tackles"
    labels = [label.get_text(" ", strip=True) for label in html.select("label, legend")]
    assert "Where and when does it happen?" in labels
    assert "Discarded needles and drug litter" in labels
    # Pages to the sections either side.
    links = [(link.get_text(" ", strip=True), link["href"]) for link in html.select(".govuk-pagination a")]
    assert links == [("Previous page : Where your project will work", _url(draft_round, "areas")),
                     ("Next page : Who will benefit", _url(draft_round, "beneficiaries"))]


def test_the_builder_links_to_each_sections_preview(as_role, open_round):
    html = page(as_role("grants_officer").get(f"/rounds/{open_round.id}/forms/application/"))
    previews = [link["href"] for link in html.select("a") if link.get_text(" ", strip=True).startswith("Preview")]
    assert previews[0] == _url(open_round, "project") and len(previews) == 9  # frozen, but still previewed


def test_answers_are_checked_and_not_kept(as_role, draft_round):
    officer = as_role("grants_officer")
    response = post(officer, _url(draft_round, "budget"), {"amount_requested": "lots"})
    assert error_messages(response) == ["Enter at least one budget line",
                                        "The amount you are asking for must be a number, like 12500",
                                        "Enter the total cost of your project"]
    # Answers that would complete the section say so.
    complete = {"lines-0-category": "staff", "lines-0-description": "Worker", "lines-0-amount": "1500",
                "amount_requested": "1500", "project_cost": "2000"}
    response = post(officer, _url(draft_round, "budget"), complete)
    assert error_messages(response) == []
    assert "These answers would complete the section." in page(response).get_text(" ", strip=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ApplicationSection)) == 0


def test_the_rounds_own_lists_are_offered(as_role, draft_round):
    html = page(as_role("grants_officer").get(_url(draft_round, "areas")))
    offered = {box["value"] for box in html.select("input[name=local_authorities]")}
    assert offered == {area.code for area in draft_round.local_authorities} and offered


def test_a_monitoring_section_names_what_it_asks_about_an_award(as_role, draft_round):
    html = page(as_role("grants_officer").get(_url(draft_round, "activities", kind="monitoring")))
    assert html.select_one("form[method=post]") is None or not html.select("input[type=text]")
    assert html.select(".govuk-list--bullet li")


def test_a_section_the_form_does_not_have_is_not_found(as_role, draft_round):
    assert as_role("grants_officer").get(_url(draft_round, "nope")).status_code == 404
