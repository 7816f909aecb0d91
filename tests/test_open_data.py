"""The 360Giving open data: valid against the standard's schema, org-ids in their registers'
forms, amounts exact, and no personal data anywhere in the JSON or the spreadsheet."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openpyxl import load_workbook
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from grants import open_data
from grants.config import ConfigurationError, load_config
from grants.exports import threesixtygiving
from grants.interfaces.awards import portfolio_awards
from grants.models.applications import ApplicationSection, ApplicationStatus
from grants.models.awards import AwardStatus, InstalmentStatus
from grants.models.organisations import LegalType
from grants.models.reference import LocalAuthority
from grants.models.types import utcnow
from tests import custom_application_form as custom
from tests.factories import ApplicationFactory, AwardFactory, OrganisationFactory, UserFactory
from tests.helpers import page

SCHEMAS = Path(__file__).parent / "data" / "360giving"
SETTINGS = {
    "GRANTS_360_PREFIX": "360G-opccdc",
    "GRANTS_360_FUNDER_ID": "360G-opccdc",
    "GRANTS_360_FUNDER_NAME": "Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    """The package schema, its grant schema resolved from the local copy (never fetched)."""
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    # The files say "http://json-schema.org/draft/2020-12/schema", which referencing does not
    # recognise (the dialect's URI is https), so the draft is named here.
    resource = Resource(contents=grant, specification=DRAFT202012)
    referenced = package["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources([(grant["$id"], resource), (referenced, resource)])
    Draft202012Validator.check_schema(package)
    return Draft202012Validator(package, registry=registry, format_checker=format_checker())


# RFC 3339 date-time: full date, "T", time, and a zone (Z or an offset).
RFC3339_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def format_checker() -> FormatChecker:
    """Formats are checked, as 360Giving's own validator checks them: the standard's dates are
    ``oneOf`` a "date-time" and a YYYY-MM-DD pattern, and without a date-time check a plain date
    would match both (and so fail). jsonschema checks date-time only with an optional package,
    so it is checked here."""
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value) -> bool:
        if not isinstance(value, str):
            return True
        if not RFC3339_DATE_TIME.fullmatch(value):
            return False
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        return True

    return checker


def _problems(validator, document) -> list[str]:
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(document)]


# People whose details must never be published.
PERSON = {
    "contact_name": "Morwenna Trelawny", "contact_email": "morwenna.trelawny@example.org",
    "contact_phone": "01752 555 0199", "address_line_1": "7 Lamorna Cottages",
}


def make_grant(db, organisation=None, status=AwardStatus.ACCEPTED, title="Harbour Recovery Café",
               summary="A weekly recovery café run by people with lived experience.", areas=("plymouth", "devon"),
               amount="4000.00", reference=None, **award_values):
    organisation = organisation or OrganisationFactory(**PERSON)
    officer = UserFactory(full_name="Officer Jory Pascoe", email=f"jory.pascoe.{organisation.id}@opcc.example.org")
    signatory = UserFactory(full_name="Signatory Kerensa Hosking", email=f"kerensa.{organisation.id}@example.org",
                            organisation=organisation)
    application = ApplicationFactory(
        organisation=organisation, status=ApplicationStatus.SUCCESSFUL, project_title=title,
        reference=reference or f"CGS-2026-{7000 + organisation.id:04d}", amount_requested=Decimal("4500.00"),
        submitted_at=utcnow(), created_by=signatory,
    )
    application.local_authorities = [
        la for la in db.session.scalars(db.select(LocalAuthority).order_by(LocalAuthority.position)) if la.code in areas
    ]
    application.sections.append(ApplicationSection(
        key="project", answers={"title": [title], "summary": [summary], "activities": ["Sessions"]}, complete=True,
    ))
    values = {"accepted_at": utcnow(), "accepted_by_id": signatory.id, "accepted_name": "Kerensa Hosking",
              "accepted_position": "Treasurer", "officer_id": officer.id, "created_by_id": officer.id}
    award = AwardFactory(application=application, status=status, amount=Decimal(amount),
                         amount_reason="Less than asked", **{**values, **award_values})
    db.session.flush()
    return award


def build(awards) -> dict:
    return open_data.package(awards, portfolio_awards.project_answers(awards), SETTINGS)


def test_the_export_validates_against_the_360giving_schema(db, validator):
    first = make_grant(db)
    first.instalments[0].status = InstalmentStatus.PAID
    make_grant(db, OrganisationFactory(legal_type=LegalType.CIC, charity_number=None, company_number="01234567"),
               status=AwardStatus.CLOSED, areas=())
    make_grant(db, OrganisationFactory(legal_type=LegalType.UNINCORPORATED_GROUP, charity_number=None))
    document = json.loads(open_data.to_json(build(portfolio_awards.publishable_awards())))
    assert len(document["grants"]) == 3
    assert _problems(validator, document) == []


@pytest.mark.parametrize("field, value", [
    ("amountAwarded", "4000.00"),  # a string, not a number
    ("awardDate", "28/11/2026"),
    ("awardDate", "2026-11-28 10:00"),  # neither a date nor an RFC 3339 date-time
    ("dateModified", "2026-11-28"),  # must be a full date-time
    ("currency", "GBX"),
    ("fromOpenCall", "yes"),
    ("recipientOrganization", []),
])
def test_the_validator_does_catch_a_broken_grant(db, validator, field, value):
    """The check above would be worthless if the schema (and its formats) were not really applied."""
    document = json.loads(open_data.to_json(build([make_grant(db)])))
    assert _problems(validator, document) == []
    document["grants"][0][field] = value
    assert _problems(validator, document) != []


def test_the_validator_wants_a_funder(db, validator):
    document = json.loads(open_data.to_json(build([make_grant(db)])))
    del document["grants"][0]["fundingOrganization"]
    assert _problems(validator, document) != []


def test_a_grant_has_the_standards_fields(db):
    award = make_grant(db, offered_at=datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    award.instalments[0].status = InstalmentStatus.PAID
    db.session.flush()
    grant = build([award])["grants"][0]
    assert grant["id"] == f"360G-opccdc-{award.application.reference}"
    assert grant["title"] == "Harbour Recovery Café"
    assert grant["description"] == "A weekly recovery café run by people with lived experience."
    assert grant["currency"] == "GBP"
    assert grant["amountAwarded"] == Decimal("4000.00")
    assert grant["amountDisbursed"] == Decimal("2000.00")
    assert grant["amountAppliedFor"] == Decimal("4500.00")
    assert grant["awardDate"] == "2026-04-01"  # the offer's day in the UK (BST), not in UTC
    assert grant["plannedDates"] == [{"startDate": award.start_date.isoformat(), "endDate": award.end_date.isoformat()}]
    assert grant["fundingOrganization"] == [{"id": "360G-opccdc", "name": SETTINGS["GRANTS_360_FUNDER_NAME"]}]
    assert grant["grantProgramme"] == [{"code": f"360G-opccdc-round-{award.round_id}",
                                        "title": award.funding_round.name}]
    assert grant["beneficiaryLocation"] == [
        {"name": "Devon", "countryCode": "GB", "geoCode": "E10000008", "geoCodeType": "CTY"},
        {"name": "Plymouth", "countryCode": "GB", "geoCode": "E06000026", "geoCodeType": "UA"},
    ]
    assert grant["fromOpenCall"] == "Yes"


def test_only_accepted_and_closed_awards_are_published(db):
    published = {make_grant(db, status=status).id: status for status in AwardStatus}
    assert {award.id for award in portfolio_awards.publishable_awards()} == {
        award_id for award_id, status in published.items() if status in (AwardStatus.ACCEPTED, AwardStatus.CLOSED)
    }


def test_a_missing_summary_falls_back_to_the_title(db):
    award = make_grant(db)
    award.application.sections[0].answers = {"title": ["Harbour Recovery Café"]}
    db.session.flush()
    assert build([award])["grants"][0]["description"] == "Harbour Recovery Café"


def _untitled(award):
    """The award with no title kept on its application, so that the grant reads the answers."""
    award.application.project_title = None
    return award


def test_the_title_and_description_come_from_the_roles_of_the_applications_own_form(db):
    """A round's own form names its questions and sections as it likes: the grant reads the answers
    to its project_title and project_summary questions, not the standard form's ids (whose answers
    make_grant also keeps)."""
    award = _untitled(make_grant(db))
    custom.answering(award.application, {
        "about": {"called": ["Moorland Mentors"], "pitch": ["Mentoring for young people on the moor."]}})
    db.session.flush()
    grant = build([award])["grants"][0]
    assert (grant["title"], grant["description"]) == ("Moorland Mentors", "Mentoring for young people on the moor.")


def test_an_application_without_a_version_reads_its_rounds_newest_form(db):
    """Made outside the service: it answers its round's newest application form (the standard form
    when the round has none of its own)."""
    standard, own = _untitled(make_grant(db)), _untitled(make_grant(db))
    custom.store(own.funding_round)
    own.application.sections.append(ApplicationSection(key="about", answers={"called": [" Moorland Mentors "]}))
    db.session.flush()
    assert standard.application.form is None and own.application.form is None
    grants = build([standard, own])["grants"]
    assert [(grant["title"], grant["description"]) for grant in grants] == [
        ("Harbour Recovery Café", "A weekly recovery café run by people with lived experience."),
        ("Moorland Mentors", "Moorland Mentors"),  # its form's summary not answered: the title
    ]


def test_without_an_answer_the_title_is_the_reference(db):
    award = _untitled(make_grant(db, reference="CGS-2026-7777"))
    award.application.sections.remove(award.application.sections[0])
    db.session.flush()
    grant = build([award])["grants"][0]
    assert (grant["title"], grant["description"]) == ("CGS-2026-7777", "CGS-2026-7777")


@pytest.mark.parametrize("legal_type, charity, company, expected", [
    (LegalType.REGISTERED_CHARITY, "1123456", None, "GB-CHC-1123456"),
    (LegalType.REGISTERED_CHARITY, "1123456-1", None, "GB-CHC-1123456"),
    (LegalType.REGISTERED_CHARITY, "SC012345", None, "GB-SC-SC012345"),
    (LegalType.REGISTERED_CHARITY, "NIC100001", None, "GB-NIC-100001"),
    (LegalType.CIO, "1190001", None, "GB-CHC-1190001"),
    (LegalType.COMPANY_LIMITED_BY_GUARANTEE, "1098765", "04567890", "GB-CHC-1098765"),  # charity number first
    (LegalType.COMPANY_LIMITED_BY_GUARANTEE, None, "00012345", "GB-COH-00012345"),  # leading zeros kept
    (LegalType.CIC, None, "09876543", "GB-COH-09876543"),
    (LegalType.CIC, None, "SC654321", "GB-COH-SC654321"),
    (LegalType.SOCIAL_ENTERPRISE, None, "NI012345", "GB-COH-NI012345"),
    (LegalType.UNINCORPORATED_GROUP, None, None, "360G-opccdc-org-{id}"),
    (LegalType.FAITH_GROUP, None, None, "360G-opccdc-org-{id}"),
    (LegalType.STATUTORY_BODY, None, None, "360G-opccdc-org-{id}"),
])
def test_organisation_ids_in_org_id_form(db, validator, legal_type, charity, company, expected):
    organisation = OrganisationFactory(legal_type=legal_type, charity_number=charity, company_number=company)
    grant = build([make_grant(db, organisation)])["grants"][0]
    recipient = grant["recipientOrganization"][0]
    assert recipient["id"] == expected.format(id=organisation.id)
    assert recipient.get("charityNumber") == charity
    assert recipient.get("companyNumber") == company
    assert _problems(validator, json.loads(open_data.to_json({"grants": [grant]}))) == []


def test_a_company_number_typed_without_its_leading_zeros_gets_them_back(db):
    organisation = OrganisationFactory(legal_type=LegalType.CIC, charity_number=None, company_number="12345")
    assert open_data.organisation_id(organisation, "360G-x") == "GB-COH-00012345"


def test_an_unregistered_groups_postcode_is_not_published(db):
    group = OrganisationFactory(legal_type=LegalType.UNINCORPORATED_GROUP, charity_number=None, postcode="PL1 2AB")
    charity = OrganisationFactory(postcode="EX4 3QQ")
    council = OrganisationFactory(legal_type=LegalType.STATUTORY_BODY, charity_number=None, postcode="TR1 3AY")
    grants = build([make_grant(db, group), make_grant(db, charity), make_grant(db, council)])["grants"]
    assert [g["recipientOrganization"][0].get("postalCode") for g in grants] == [None, "EX4 3QQ", "TR1 3AY"]


def test_no_personal_data_in_the_json_or_the_spreadsheet(db, as_role, users):
    group = OrganisationFactory(legal_type=LegalType.UNINCORPORATED_GROUP, charity_number=None, **PERSON)
    awards = [make_grant(db, group), make_grant(db)]
    people = [
        *PERSON.values(), "Kerensa Hosking", "Treasurer", "kerensa", "Signatory Kerensa Hosking",
        "Officer Jory Pascoe", "jory.pascoe",
        *(user.email for user in users.values() if hasattr(user, "email")),
        *(user.full_name for user in users.values() if hasattr(user, "full_name")),
    ]
    for award in awards:
        people += [award.organisation.contact_email, award.organisation.contact_name]
    client = as_role("grants_officer")
    text = client.get("/awards/open-data/360giving.json").get_data(as_text=True)
    workbook = load_workbook(BytesIO(client.get("/awards/open-data/360giving.xlsx").data))
    cells = " | ".join(str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row)
    for value in people:
        assert value.lower() not in text.lower(), value
        assert value.lower() not in cells.lower(), value
    assert "@" not in text and "@" not in cells


def test_amounts_are_written_exactly(db):
    award = make_grant(db, amount="1234567890.10")
    text = open_data.to_json(build([award]))
    assert '"amountAwarded": 1234567890.10' in text
    assert json.loads(text, parse_float=Decimal)["grants"][0]["amountAwarded"] == Decimal("1234567890.10")
    assert open_data.to_json({"a": [Decimal("0.10"), Decimal("-3.00"), None, True, "£ \"q\""]}) == (
        '{"a": [0.10, -3.00, null, true, "£ \\"q\\""]}'
    )
    with pytest.raises(ValueError):
        open_data.to_json(Decimal("NaN"))


# The pages --------------------------------------------------------------------------------------

def test_the_json_download(db, as_role, validator):
    make_grant(db)
    response = as_role("finance_officer").get("/awards/open-data/360giving.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=360giving-")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert _problems(validator, response.get_json()) == []


def test_the_spreadsheet_uses_the_360giving_titles_and_keeps_formulas_as_text(db, as_role):
    award = make_grant(db, title="=HYPERLINK(\"http://evil.example\",\"Click\")", areas=("cornwall", "torbay"))
    response = as_role("commissioner").get("/awards/open-data/360giving.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    workbook = load_workbook(BytesIO(response.data))
    assert workbook.sheetnames == ["grants", "beneficiaryLocation"]
    grants = list(workbook["grants"].iter_rows(values_only=True))
    headings = grants[0]
    assert headings[:8] == ("Identifier", "Title", "Description", "Currency", "Amount Applied For", "Amount Awarded",
                            "Amount Disbursed", "Award Date")
    assert {"Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name",
            "Planned Dates:Start Date", "Planned Dates:End Date", "Grant Programme:Title"} <= set(headings)
    row = dict(zip(headings, grants[1], strict=True))
    assert row["Identifier"] == f"360G-opccdc-{award.application.reference}"
    assert row["Title"] == "'=HYPERLINK(\"http://evil.example\",\"Click\")"
    assert row["Amount Awarded"] == 4000
    assert row["Recipient Org:Identifier"].startswith("GB-CHC-")
    assert row["Funding Org:Identifier"] == "360G-opccdc"
    title_cell = workbook["grants"]["B2"]
    assert title_cell.data_type == "s"
    locations = list(workbook["beneficiaryLocation"].iter_rows(values_only=True))
    assert locations == [
        ("Identifier", "Beneficiary Location:Name", "Beneficiary Location:Country Code",
         "Beneficiary Location:Geographic Code", "Beneficiary Location:Geographic Code Type"),
        (row["Identifier"], "Cornwall", "GB", "E06000052", "UA"),
        (row["Identifier"], "Torbay", "GB", "E06000027", "UA"),
    ]


def test_the_open_data_page_explains_and_lists_the_grants(db, as_role):
    award = make_grant(db)
    soup = page(as_role("grants_officer").get("/awards/open-data"))
    assert soup.select_one("h1").get_text(strip=True) == "360Giving open data"
    links = {a.get_text(strip=True): a["href"] for a in soup.select("main a")}
    assert links["360Giving data as JSON"] == "/awards/open-data/360giving.json"
    assert links["360Giving data as a spreadsheet (xlsx)"] == "/awards/open-data/360giving.xlsx"
    made_in_background = {form.get_text(strip=True): form["action"] for form in soup.select("main form")}
    assert made_in_background == {"Make the spreadsheet (xlsx)": "/downloads/ask/360giving-xlsx",
                                  "Make the JSON file": "/downloads/ask/360giving-json"}
    rows = soup.select("table tbody tr")
    assert [cell.get_text(strip=True) for cell in rows[0].select("th, td")][:4] == [
        f"360G-opccdc-{award.application.reference}", "Harbour Recovery Café", award.organisation.name,
        f"GB-CHC-{award.organisation.charity_number}",
    ]


def test_with_nothing_to_publish_the_page_says_so(db, as_role):
    make_grant(db, status=AwardStatus.OFFERED)
    client = as_role("admin")
    assert "There are no grants to publish yet" in page(client.get("/awards/open-data")).get_text()
    assert client.get("/awards/open-data/360giving.json").get_json() == {"grants": []}
    assert client.get("/awards/open-data/360giving.xlsx").status_code == 200


@pytest.mark.parametrize("url", ["/awards/open-data", "/awards/open-data/360giving.json",
                                 "/awards/open-data/360giving.xlsx"])
@pytest.mark.parametrize("actor", ["applicant", "panel_member"])
def test_only_award_staff_download_it(as_role, url, actor):
    assert as_role(actor).get(url).status_code == 403


# Configuration ---------------------------------------------------------------------------------

def test_the_360giving_settings_have_documented_defaults(tmp_path):
    config = load_config("testing", str(tmp_path), environ={})
    assert config["GRANTS_360_PREFIX"] == "360G-opccdc"
    assert config["GRANTS_360_FUNDER_ID"] == "360G-opccdc"
    assert "Devon, Cornwall and the Isles of Scilly" in config["GRANTS_360_FUNDER_NAME"]


def test_the_360giving_settings_come_from_the_environment(tmp_path):
    config = load_config("testing", str(tmp_path), environ={
        "GRANTS_360_PREFIX": "360G-pccdc", "GRANTS_360_FUNDER_ID": "GB-GOR-PB999", "GRANTS_360_FUNDER_NAME": "PCC",
    })
    assert (config["GRANTS_360_PREFIX"], config["GRANTS_360_FUNDER_ID"], config["GRANTS_360_FUNDER_NAME"]) == (
        "360G-pccdc", "GB-GOR-PB999", "PCC")


@pytest.mark.parametrize("prefix", ["opccdc", "360G-", "360G-op/cc", "360g-opccdc", "360G-opccdc-"])
def test_a_prefix_not_in_360givings_form_is_refused(tmp_path, prefix):
    with pytest.raises(ConfigurationError, match="GRANTS_360_PREFIX"):
        load_config("testing", str(tmp_path), environ={"GRANTS_360_PREFIX": prefix})


def test_the_exported_filenames_are_dated_ascii():
    assert threesixtygiving.filename("json").startswith("360giving-")
    assert threesixtygiving.filename("xlsx").isascii()


def test_the_open_data_page_shows_the_grants_a_page_at_a_time(db, as_role, monkeypatch):
    monkeypatch.setattr(portfolio_awards, "OPEN_DATA_PAGE_SIZE", 2)
    awards = [make_grant(db, title=f"Project {number}") for number in range(3)]
    client = as_role("grants_officer")
    first, second = page(client.get("/awards/open-data")), page(client.get("/awards/open-data?page=2"))
    titles = [[row.select("td")[0].get_text(strip=True) for row in soup.select("table tbody tr")]
              for soup in (first, second)]
    assert titles == [["Project 0", "Project 1"], ["Project 2"]]  # oldest offer first, as in the files
    assert "Showing 1 to 2 of 3 grants" in first.get_text()
    assert first.select_one(".govuk-pagination__next a")["href"] == "/awards/open-data?page=2"
    assert client.get("/awards/open-data?page=3").status_code == 404
    # The downloads still hold every grant, not a page of them.
    assert len(client.get("/awards/open-data/360giving.json").get_json()["grants"]) == len(awards)
    rows = list(load_workbook(BytesIO(client.get("/awards/open-data/360giving.xlsx").data))["grants"].values)
    assert [row[1] for row in rows[1:]] == ["Project 0", "Project 1", "Project 2"]


def test_the_spreadsheet_is_written_in_one_pass_over_batches_of_grants(db, app):
    made = [make_grant(db, title=f"Batch {number}", areas=("devon",) if number % 2 else ("cornwall", "torbay"))
            for number in range(3)]
    consumed = []

    def one_by_one():
        for grant in open_data.grants(portfolio_awards.publishable_batches(size=1), app.config):
            consumed.append(grant["id"])
            yield grant

    with threesixtygiving.workbook(one_by_one()) as document:
        workbook = load_workbook(document)
    assert len(consumed) == len(made)  # each grant asked for once: the two sheets are written together
    grants = [row[0] for row in list(workbook["grants"].values)[1:]]
    locations = [(row[0], row[1]) for row in list(workbook["beneficiaryLocation"].values)[1:]]
    assert grants == consumed
    assert locations == [(consumed[0], "Cornwall"), (consumed[0], "Torbay"), (consumed[1], "Devon"),
                         (consumed[2], "Cornwall"), (consumed[2], "Torbay")]


def test_text_that_looks_like_an_error_value_stays_text(db, as_role):
    make_grant(db, title="#N/A")
    workbook = load_workbook(BytesIO(as_role("commissioner").get("/awards/open-data/360giving.xlsx").data))
    cell = workbook["grants"]["B2"]
    assert (cell.value, cell.data_type) == ("#N/A", "s")
