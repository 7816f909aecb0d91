"""Pages as a person sees them: every page opened by everyone who may open it shows no markup as
text, no "None", no repr and no ISO date (tests/visible_text.py); and the faults of issue 18 that
such a reading cannot see (names, whole numbers, words of a message), each checked on visible text.

The forms' error states are read the same way by tests/test_empty_fields.py, which posts every form
with its fields emptied: the suite's hook (tests/conftest.py) reads every page any test is given.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from grants.application_form.sections import ANSWERED_SECTIONS
from grants.extensions import db
from grants.models.applications import ApplicationStatus
from grants.models.pooled_budgets import Agreement, MonthlyFigure
from tests.factories import ApplicationFactory, FundingRoundFactory, make_agreement, make_scenario
from tests.figures import report
from tests.helpers import error_messages, page, post
from tests.test_access import ACTORS, _rules, _url, objects  # noqa: F401
from tests.visible_text import problems, seen_text

# The checker itself -------------------------------------------------------------------------------

def test_the_checker_finds_what_a_person_should_not_see():
    html = """<html><head><title>Award None</title></head><body>
      <p>Your reference number&lt;br&gt;&lt;strong&gt;CGS-2026-0012&lt;/strong&gt;</p>
      <p>Organisation: None</p><p>Amount: Decimal('5.00')</p><p>Status: ApplicationStatus.SUBMITTED</p>
      <p>Review on 2026-03-31</p><img alt="undefined"></body></html>"""
    found = problems(html)
    assert [line.split(":")[0] for line in found] == [
        "a missing value", "markup shown as text", "a missing value", "a Python repr", "a Python repr",
        "a date in ISO form", "a missing value"]
    assert "Your reference number<br><strong>CGS-2026-0012</strong>" in found[1]


def test_the_checker_leaves_typed_values_attributes_and_english_alone():
    html = """<html><body>
      <textarea name="notes">None &lt;br&gt; 2026-03-31</textarea><input name="x" value="None">
      <input type="hidden" name="y" value="None"><div hidden>None</div><script>let x = null;</script>
      <p>Reviewed on <time datetime="2026-03-31">31 March 2026</time>. None of these apply. None sent.</p>
      <p>Built with the GOV.UK Design System; reference CGS-2026-0012. ICC(2,k) is undefined.</p>
      <p>Enter “None” if there are none.</p></body></html>"""
    assert problems(html) == []
    assert problems("<p>Problems: None</p>", allow=["None"]) == []


# Every page, as everyone who may open it ------------------------------------------------------------

@pytest.fixture
def more_pages(db, users, objects):  # noqa: F811
    """Pages the access matrix's objects do not reach, or reach without the figures that went wrong:
    every section of a draft application, an agreement with review dates, and its first year ready
    to close with a partner over its cap."""
    draft = ApplicationFactory(funding_round=FundingRoundFactory(), organisation=users["org_a"],
                               status=ApplicationStatus.DRAFT)
    agreement = db.session.get(Agreement, objects["agreement_id"])
    agreement.review_dates = ["2027-03-31", "2028-03-31"]
    _overspent_with_a_cap(agreement)
    pages = [("applicant", f"/applications/{draft.id}/sections/{section.key}") for section in ANSWERED_SECTIONS]
    pages += [("applicant", f"/applications/{draft.id}"), ("applicant", f"/applications/{draft.id}/check"),
              ("finance_officer", f"/pooled-budgets/{agreement.id}/years/{agreement.start_year}/close")]
    return pages


def _overspent_with_a_cap(agreement: Agreement) -> None:
    """Every month's actual of the first year, £8,000 over the £100,000 budget; the second partner's
    share capped at £1,000."""
    agreement.members[1].risk_cap = Decimal("1000.00")
    for line, amount in zip(agreement.lines, ("5500", "3500"), strict=True):
        for month in range(1, 13):
            db.session.add(MonthlyFigure(line_id=line.id, year=agreement.start_year, month=month,
                                         actual=Decimal(amount)))
    db.session.flush()


def test_every_page_shows_only_what_a_person_should_see(app, objects, more_pages, as_role):  # noqa: F811
    clients = {actor: as_role(actor) for actor in ACTORS}
    # Everyone opens every page; those let in (200) are read. Who should be let in is
    # tests/test_access.py's question, so a page it does not list yet is read here all the same.
    visits = [(actor, _url(app, rule, objects)) for rule in _rules(app) if "GET" in rule.methods
              for actor in ("anonymous", *ACTORS)]
    visits += more_pages
    found, read = [], 0
    for actor, url in visits:
        response = (app.test_client() if actor == "anonymous" else clients[actor]).get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        read += 1
        found += [f"{actor} {url}: {problem}" for problem in problems(response.get_data(as_text=True))]
    assert not found, "\n".join(dict.fromkeys(found))
    report(f"pages read as a person sees them: {read}")


# What the checker cannot see ------------------------------------------------------------------------

def test_the_confirmation_panel_shows_the_reference_on_its_own_line(objects, as_role):  # noqa: F811
    response = as_role("applicant").get(f"/applications/{objects['application_id']}/confirmation")
    panel = page(response).select_one(".govuk-panel__body")
    assert " ".join(panel.get_text(" ").split()) == "Your reference number CGS-2026-0001"
    assert panel.select_one("strong").get_text() == "CGS-2026-0001"


def test_the_payment_page_links_to_the_award(objects, as_role):  # noqa: F811
    url = f"/awards/{objects['award_id']}/instalments/{objects['instalment_id']}/pay"
    link = page(as_role("finance_officer").get(url)).select_one(".govuk-summary-list a.govuk-link")
    assert link is not None and link["href"] == f"/awards/{objects['award_id']}"
    assert re.fullmatch(r"CGS-2026-\d{4}", link.get_text())


def test_the_year_end_names_each_partner_at_its_cap_in_a_sentence_of_its_own(db, as_role):
    agreement = make_agreement(start_year=2024, years=2)
    _overspent_with_a_cap(agreement)
    agreement.members[2].risk_cap = Decimal("50.00")
    db.session.flush()
    text = seen_text(as_role("finance_officer").get(f"/pooled-budgets/{agreement.id}/years/2024/close"))
    for member, cap in ((agreement.members[1], "£1,000.00"), (agreement.members[2], "£50.00")):
        assert f"{member.partner.name} reached its cap of {cap}." in text
    assert f"{agreement.members[1].partner_id} reached" not in text


def test_saving_figures_says_how_many_changed_in_which_month(db, as_role):
    agreement = make_agreement(start_year=2024, years=2)
    community, recovery = agreement.lines
    data = {f"{kind}-{line.id}-1": value for line in (community, recovery)
            for kind, value in (("actual", "100"), ("forecast", ""), ("version", "0"))}
    finance = as_role("finance_officer")
    response = post(finance, f"/pooled-budgets/{agreement.id}/years/2024/figures", data)
    assert response.status_code == 302, error_messages(response)
    assert "2024-25 figures saved: 2 figures changed in April 2024" in seen_text(finance.get(response.location))


def test_clients_are_whole_people(db, as_role):
    scenario = make_scenario(take_up_percent=Decimal("33.3"))
    soup = page(as_role("commissioner").get(f"/co-commissioning/{scenario.id}"))
    headers = [th for th in soup.select("table th[scope=col]") if th.get_text(strip=True) == "Clients"]
    assert headers, "no Clients column"
    cells = []
    for header in headers:
        column = header.find_parent("tr").find_all("th").index(header)
        for row in header.find_parent("table").select("tbody tr"):
            cells.append(row.find_all(["th", "td"])[column].get_text(strip=True))
    assert cells and all(re.fullmatch(r"\d{1,3}(,\d{3})*", cell) for cell in cells), cells


def test_the_scenario_export_names_the_service(db, as_role):
    scenario = make_scenario()
    response = as_role("commissioner").get(f"/co-commissioning/{scenario.id}/scenario.xlsx")
    book = load_workbook(io.BytesIO(response.get_data()))
    values = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row if cell.value]
    assert "Criminal justice treatment pathway" in values
    assert "cj_pathway" not in values
