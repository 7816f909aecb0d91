"""The registers' files imported (samples in the publishers' own layouts, tests/data/registers), and
each bid's organisation checked against them."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from grants.interfaces.due_diligence import findings, importing, registers
from grants.models.audit import AuditEvent
from grants.models.due_diligence import CheckOutcome, Register, RegisterEntry, RegisterExtract
from grants.models.organisations import LegalType
from tests.blueprints.due_diligence.conftest import CHARITY_FILE, COMPANY_FILE
from tests.factories import OrganisationFactory
from tests.helpers import error_messages, page, post
from tests.visible_text import seen_text


def _import_charities(data: bytes | None = None, name: str = "publicextract.charity.txt"):
    return importing.import_charity_extract(io.BytesIO(data if data is not None else CHARITY_FILE.read_bytes()), name)


def _import_companies(data: bytes | None = None, name: str = COMPANY_FILE.name, day: date | None = None):
    return importing.import_company_data(io.BytesIO(data if data is not None else COMPANY_FILE.read_bytes()), name, day)


def _entries(db, register: Register) -> dict[str, RegisterEntry]:
    return {entry.number: entry for entry in db.session.scalars(select(RegisterEntry).filter_by(register=register))}


def _charity_text(**changes) -> bytes:
    """The sample with one cell of the Tamar Valley row (row 2) changed: ``changes`` by column name."""
    lines = CHARITY_FILE.read_bytes().decode().split("\r\n")
    header = lines[0].split("\t")
    cells = lines[1].split("\t")
    for column, value in changes.items():
        cells[header.index(column)] = value
    lines[1] = "\t".join(cells)
    return "\r\n".join(lines).encode()


# Importing ----------------------------------------------------------------------------------------

def test_the_charity_extract_keeps_main_charities_only_with_their_status(db):
    extract = _import_charities()
    assert (extract.register, extract.extract_date, extract.row_count) == (Register.CHARITY, date(2026, 12, 1), 4)
    entries = _entries(db, Register.CHARITY)
    assert set(entries) == {"1187654", "1162345", "1099887", "1133221"}  # the Saltash linked charity left out
    assert entries["1187654"].name == "TAMAR VALLEY RECOVERY COMMUNITY"
    removed = entries["1099887"]
    assert (removed.status, removed.ended_on) == ("Removed", date(2024, 3, 31))
    assert entries["1133221"].insolvent and entries["1133221"].in_administration
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "registers.imported")).all()
    assert event.changes["row_count"]["after"] == 4


def test_companies_house_data_with_its_spaced_header_and_the_date_from_the_file_name(db):
    extract = _import_companies()
    assert (extract.register, extract.extract_date, extract.row_count) == (Register.COMPANY, date(2026, 12, 1), 4)
    entries = _entries(db, Register.COMPANY)
    assert entries["09876543"].status == "Active"
    assert entries["11223344"].status == "Active - Proposal to Strike off"
    assert entries["05551234"].ended_on == date(2022, 7, 1)
    assert entries["SC123456"].in_administration and entries["SC123456"].name == 'PLYMOUTH SOUND "HOPE" LTD'


def test_a_company_file_without_a_date_in_its_name_needs_one(db):
    with pytest.raises(importing.RegisterFileProblem, match="Enter the date of the extract"):
        _import_companies(name="companies.csv")
    assert _import_companies(name="companies.csv", day=date(2026, 11, 2)).extract_date == date(2026, 11, 2)


def test_a_zip_as_published_is_read_too(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("BasicCompanyDataAsOneFile-2026-12-01.csv", COMPANY_FILE.read_bytes())
    extract = _import_companies(buffer.getvalue(), name="BasicCompanyDataAsOneFile-2026-12-01.zip")
    assert extract.row_count == 4
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", b"not the register")
    with pytest.raises(importing.RegisterFileProblem, match="exactly one .csv file"):
        _import_companies(buffer.getvalue(), name="BasicCompanyDataAsOneFile-2026-12-01.zip")


def test_an_import_replaces_the_registers_entries_and_leaves_the_other_register(db):
    _import_charities()
    _import_companies()
    smaller = "\r\n".join(CHARITY_FILE.read_bytes().decode().split("\r\n")[:2]).encode()
    assert _import_charities(smaller).row_count == 1
    assert set(_entries(db, Register.CHARITY)) == {"1187654"}
    assert len(_entries(db, Register.COMPANY)) == 4
    assert db.session.scalar(select(func.count()).select_from(RegisterExtract)) == 3  # the history is kept


@pytest.mark.parametrize("data, message", [
    (_charity_text(date_of_removal="31/02/2024"), "Row 2: date_of_removal “31/02/2024” is not a date"),
    (_charity_text(charity_insolvent="Maybe"), "Row 2: charity_insolvent is “Maybe”, not True or False"),
    (_charity_text(registered_charity_number="12A"), "Row 2: registered_charity_number “12A” is not a number"),
    (CHARITY_FILE.read_bytes().replace(b"charity_in_administration", b"in_admin"),
     "The file has no charity_in_administration column: is it the Charity Commission's publicextract.charity file?"),
    (COMPANY_FILE.read_bytes(), "The file has no date_of_extract, registered_charity_number, linked_charity_number, "
                                "charity_name, charity_registration_status, date_of_removal, charity_insolvent, "
                                "charity_in_administration columns"),
    (CHARITY_FILE.read_bytes().decode().split("\r\n")[0].encode(), "The file lists no charities"),
    (b"", "The selected file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "The selected file is not a text file"),
    (_charity_text(charity_name="Café Recovery").decode().encode("cp1252"), "The file is not UTF-8 text"),
    ("date_of_extract".encode("utf-16"), "The selected file is not a text file"),
])
def test_a_bad_charity_file_is_refused_and_changes_nothing(db, data, message):
    _import_charities()
    db.session.flush()
    with db.session.begin_nested() as attempt:
        with pytest.raises(importing.RegisterFileProblem) as problem:
            _import_charities(data)
        attempt.rollback()  # as the page and the command do
    assert message in str(problem.value)
    assert len(_entries(db, Register.CHARITY)) == 4
    assert db.session.scalar(select(func.count()).select_from(RegisterExtract)) == 1


def test_a_bad_company_date_names_its_row(db):
    data = COMPANY_FILE.read_bytes().decode().replace("01/07/2022", "2022-13-01").encode()
    with pytest.raises(importing.RegisterFileProblem, match="Row 4: DissolutionDate “2022-13-01” is not a date"):
        _import_companies(data)


def test_a_file_listing_a_number_twice_is_refused(db):
    lines = CHARITY_FILE.read_bytes().decode().split("\r\n")
    with pytest.raises(importing.RegisterFileProblem, match="the same number more than once"):
        _import_charities("\r\n".join([*lines[:2], lines[1], *lines[2:]]).encode())


def test_the_command_imports_a_file_and_refuses_a_bad_one(app, db, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["registers", "import", "company", str(COMPANY_FILE)])
    assert result.exit_code == 0, result.output
    assert "Companies House register: 4 entries imported, extract of 2026-12-01" in result.output
    bad = tmp_path / "companies.csv"
    bad.write_bytes(COMPANY_FILE.read_bytes())
    result = runner.invoke(args=["registers", "import", "company", str(bad)])
    assert result.exit_code != 0
    assert "Enter the date of the extract: the file name does not give it. Nothing was changed" in result.output
    result = runner.invoke(args=["registers", "import", "company", str(bad), "--date", "2026-11-30"])
    assert result.exit_code == 0, result.output
    assert registers.latest_extract(Register.COMPANY).extract_date == date(2026, 11, 30)


# The page --------------------------------------------------------------------------------------

def _upload(client, register: str, data: bytes, name: str, **fields):
    return post(client, "/due-diligence/registers",
                {"register": register, "file": (io.BytesIO(data), name), **fields}, content_type="multipart/form-data")


def test_an_administrator_uploads_an_extract(db, as_role):
    admin = as_role("admin")
    response = _upload(admin, "charity", CHARITY_FILE.read_bytes(), "publicextract.charity.txt")
    assert response.status_code == 302, error_messages(response)
    text = seen_text(admin.get(response.headers["Location"]))
    assert "Charity Commission register imported from publicextract.charity.txt: 4 entries" in text
    assert "1 December 2026" in text


def test_the_upload_page_names_the_problem(db, as_role):
    admin = as_role("admin")
    response = _upload(admin, "company", COMPANY_FILE.read_bytes(), "companies.csv")
    assert response.status_code == 200
    assert error_messages(response) == ["Enter the date of the extract: the file name does not give it"]
    response = _upload(admin, "company", COMPANY_FILE.read_bytes(), "companies.csv",
                       extract_date=["1", "12", "2026"])
    assert response.status_code == 302, error_messages(response)
    response = _upload(admin, "charity", COMPANY_FILE.read_bytes(), "publicextract.charity.txt")
    assert error_messages(response)[0].startswith("The file has no date_of_extract")
    response = post(admin, "/due-diligence/registers", {}, content_type="multipart/form-data")
    assert set(error_messages(response)) == {"Select which register the file is from", "Select the register's file"}
    assert registers.latest_extract(Register.CHARITY) is None


def test_only_administrators_import(as_role):
    assert as_role("grants_officer").get("/due-diligence/registers").status_code == 403


# Checks ----------------------------------------------------------------------------------------

def test_an_organisation_is_checked_against_each_register_it_is_on(db, officer, make_application):
    _import_charities()
    _import_companies()
    organisation = OrganisationFactory(name="The Tamar Valley Recovery Community", legal_type=LegalType.CIO,
                                       charity_number="1187654", company_number="9876543")
    [charity, company] = registers.check_organisation(organisation)
    assert charity.clear
    assert charity.source == "Checked against the Charity Commission register extract of 1 December 2026"
    assert company.found and company.number == "09876543" and not company.name_matches
    text = seen_text(officer.get(f"/due-diligence/applications/{make_application(organisation=organisation).id}"))
    assert "Checked against the Charity Commission register extract of 1 December 2026" in text
    assert "Checked against the Companies House basic company data of 1 December 2026" in text
    assert ("The register's name “KERNOW YOUTH DIVERSION COMMUNITY INTEREST COMPANY” differs from ours "
            "“The Tamar Valley Recovery Community”") in text


@pytest.mark.parametrize("number, company, problem", [
    ("1099887", False, "Removed from the register on 31 March 2024"),
    ("1133221", False, "In administration. Insolvent"),
    ("11223344", True, "Proposal to strike off"),
    ("05551234", True, "Dissolved on 1 July 2022"),
    ("7654321", False, "Number 7654321 is not on the Charity Commission register extract"),
])
def test_status_problems_and_missing_numbers_are_flagged(db, officer, make_application, number, company, problem):
    _import_charities()
    _import_companies()
    numbers = {"company_number": number, "charity_number": None} if company else {"charity_number": number}
    application = make_application(organisation=OrganisationFactory(**numbers))
    soup = page(officer.get(f"/due-diligence/applications/{application.id}"))
    warning = soup.select_one("#registers").find_next(class_="govuk-warning-text").get_text(" ", strip=True)
    assert problem in " ".join(warning.split())


def test_without_an_import_the_check_says_so(db, officer, make_application):
    application = make_application(organisation=OrganisationFactory(charity_number="1187654"))
    assert "The Charity Commission register extract has not been imported" in seen_text(
        officer.get(f"/due-diligence/applications/{application.id}"))


def _mark_registers(client, application, outcome="met", note=""):
    return post(client, f"/due-diligence/applications/{application.id}/items/register-checks",
                {"outcome": outcome, "note": note, "version": "0"})


def test_register_checks_is_met_only_when_the_registers_agree(db, officer, make_application):
    _import_charities()
    matching = make_application(organisation=OrganisationFactory(name="Tamar Valley Recovery Community",
                                                                 charity_number="1187654"))
    assert "What the registers say" in seen_text(
        officer.get(f"/due-diligence/applications/{matching.id}/items/register-checks"))
    assert _mark_registers(officer, matching).status_code == 302
    assert findings.checks_of(matching)["register-checks"].outcome is CheckOutcome.MET

    removed = make_application(organisation=OrganisationFactory(name="Camborne Food Bank", charity_number="1099887"))
    response = _mark_registers(officer, removed)
    assert response.status_code == 200
    assert error_messages(response) == [
        "Register checks cannot be marked met: Removed from the register on 31 March 2024. Mark it not met, or "
        "not needed with the reason"]
    assert "register-checks" not in findings.checks_of(removed)

    renamed = make_application(organisation=OrganisationFactory(name="Bodmin Moor Young People's Trust",
                                                                charity_number="1162345"))
    response = _mark_registers(officer, renamed)
    assert error_messages(response) == ["Enter a note saying why the name that differs from the register's is right"]
    response = _mark_registers(officer, renamed, note="Renamed in 2026; the Commission has the new name pending")
    assert response.status_code == 302

    unregistered = make_application(organisation=OrganisationFactory(
        legal_type=LegalType.UNINCORPORATED_GROUP, charity_number=None, company_number=None))
    response = _mark_registers(officer, unregistered)
    assert "gives no charity or company number" in error_messages(response)[0]
    assert _mark_registers(officer, unregistered, "not_needed", "An unincorporated group").status_code == 302


def test_an_endless_line_is_refused_without_reading_it_whole(db, monkeypatch):
    monkeypatch.setattr(importing, "LINE_MAX", 1_000)
    with pytest.raises(importing.RegisterFileProblem, match="A line of the file is longer than 1,000 characters"):
        _import_companies(b"CompanyName," + b"x" * 5_000)
