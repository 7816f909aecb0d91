"""360Giving data (issue 22): every grant names its data source and where it benefits, from what the
service holds: the areas the application named, or the round's areas when it named none (a grant to an
unregistered group, whose postcode is never published, otherwise had no location at all)."""

from __future__ import annotations

from io import BytesIO

import pytest
from flask import current_app
from openpyxl import load_workbook

from grants import open_data
from grants.config import ConfigurationError, load_config
from grants.interfaces.awards import portfolio_awards
from grants.models.organisations import LegalType
from grants.models.reference import LocalAuthority
from tests.factories import OrganisationFactory
from tests.test_open_data import SETTINGS, _problems, build, make_grant, validator  # noqa: F401


def test_each_grant_names_the_public_list_of_grants_made_as_its_source(db):
    grant = build([make_grant(db)])["grants"][0]
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    assert grant["dataSource"] == f"{base}/decisions/grants"


def test_a_configured_data_source_is_used_instead(db):
    award = make_grant(db)
    grant = open_data.package([award], portfolio_awards.project_answers([award]),
                              {**SETTINGS, "GRANTS_360_DATA_SOURCE": "https://opcc.example.org/open-data"})["grants"][0]
    assert grant["dataSource"] == "https://opcc.example.org/open-data"


def test_an_unregistered_group_that_named_no_area_is_placed_in_the_rounds_areas(db, validator):  # noqa: F811
    award = make_grant(db, OrganisationFactory(legal_type=LegalType.UNINCORPORATED_GROUP, charity_number=None),
                       areas=())
    areas = db.session.scalars(db.select(LocalAuthority).where(LocalAuthority.code.in_(("cornwall", "torbay")))
                               .order_by(LocalAuthority.position)).all()
    award.funding_round.local_authorities = list(areas)
    db.session.flush()
    document = build(list(portfolio_awards.publishable_awards()))
    [grant] = document["grants"]
    assert "postalCode" not in grant["recipientOrganization"][0]
    assert [location["name"] for location in grant["beneficiaryLocation"]] == [area.name for area in areas]
    assert _problems(validator, document) == []


def test_the_areas_the_application_named_come_first(db):
    award = make_grant(db, areas=("plymouth",))
    award.funding_round.local_authorities = list(db.session.scalars(db.select(LocalAuthority)))
    db.session.flush()
    [grant] = build([award])["grants"]
    assert [location["name"] for location in grant["beneficiaryLocation"]] == ["Plymouth"]


@pytest.mark.parametrize("source", ["opcc.example.org/data", "ftp://opcc.example.org/data", "https:// spaced"])
def test_a_data_source_that_is_not_a_web_address_is_refused(tmp_path, source):
    with pytest.raises(ConfigurationError, match="GRANTS_360_DATA_SOURCE"):
        load_config("testing", str(tmp_path), environ={"GRANTS_360_DATA_SOURCE": source})


def test_the_spreadsheet_carries_the_data_source_and_the_rounds_areas(db, as_role):
    award = make_grant(db, OrganisationFactory(legal_type=LegalType.UNINCORPORATED_GROUP, charity_number=None),
                       areas=())
    award.funding_round.local_authorities = list(db.session.scalars(
        db.select(LocalAuthority).where(LocalAuthority.code == "torbay")))
    db.session.flush()
    response = as_role("grants_officer").get("/awards/open-data/360giving.xlsx")
    book = load_workbook(BytesIO(response.data), read_only=True)
    grants, locations = (list(book[name].iter_rows(values_only=True)) for name in book.sheetnames[:2])
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    assert grants[1][grants[0].index("Data Source")] == f"{base}/decisions/grants"
    assert [row[1] for row in locations[1:]] == ["Torbay"]
