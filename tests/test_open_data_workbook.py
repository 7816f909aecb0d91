"""The 360Giving files read each award's few columns with one select a batch
(``portfolio_awards.publishable_batches``), not whole awards, applications and organisations: the grant
they make is the grant made from the award loaded whole (``open_data.package``), and the spreadsheet's
cells are the award's own figures, dates and words, whichever form its application answers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from grants import open_data
from grants.exports import threesixtygiving
from grants.interfaces.awards import portfolio_awards
from grants.models.applications import ApplicationPartner
from grants.models.awards import AwardStatus, InstalmentStatus
from grants.models.organisations import LegalType
from grants.models.reference import LocalAuthority
from tests import custom_application_form as custom
from tests.factories import OrganisationFactory
from tests.test_open_data import SETTINGS, build, make_grant


def _own_form_grant(db):
    """An award whose application answers its round's own form (other question ids), with no title kept
    on the application, so that the title is read from the answers."""
    award = make_grant(db, amount="12345.67", offered_at=datetime(2026, 6, 30, 23, 15, tzinfo=UTC))
    award.application.project_title = None
    custom.answering(award.application, {
        "about": {"called": ["Moorland Mentors"], "pitch": ["Mentoring for young people on the moor."]}})
    return award


def _mixed(db):
    """Awards that read differently: a paid instalment, the round's areas for an application naming
    none, an unregistered group, a round's own form, partners, and an offer not yet accepted."""
    paid = make_grant(db, title="Harbour Recovery Café")
    paid.instalments[0].status = InstalmentStatus.PAID
    unnamed = make_grant(db, OrganisationFactory(legal_type=LegalType.UNINCORPORATED_GROUP, charity_number=None),
                         areas=(), status=AwardStatus.CLOSED)
    unnamed.funding_round.local_authorities = list(db.session.scalars(
        db.select(LocalAuthority).where(LocalAuthority.code.in_(["torbay", "cornwall"]))))
    own = _own_form_grant(db)
    own.application.partners.append(ApplicationPartner(name="Friends of the Hoe", charity_number="1187654",
                                                       role="Volunteers", budget_share=Decimal("10.00")))
    make_grant(db, status=AwardStatus.OFFERED)
    db.session.flush()
    return [paid, unnamed, own]


def test_the_files_grants_are_the_grants_of_the_awards_loaded_whole(db, app):
    awards = _mixed(db)
    whole = build(portfolio_awards.publishable_awards())["grants"]
    for size in (1, 2, 1000):
        selected = list(open_data.grants(portfolio_awards.publishable_batches(size=size), SETTINGS))
        assert open_data.to_json(selected) == open_data.to_json(whole)
    paid, unnamed, own = (next(grant for grant in whole if grant["id"].endswith(award.application.reference))
                          for award in awards)
    assert [grant["id"] for grant in whole] == [own["id"], paid["id"], unnamed["id"]]  # oldest offer first
    assert (paid["title"], own["title"]) == ("Harbour Recovery Café", "Moorland Mentors")
    assert paid["amountDisbursed"] == Decimal("2000.00")
    assert [area["name"] for area in unnamed["beneficiaryLocation"]] == ["Cornwall", "Torbay"]
    assert "postalCode" not in unnamed["recipientOrganization"][0]
    assert own["partnerOrganization"] == [{"id": "GB-CHC-1187654", "name": "Friends of the Hoe",
                                           "charityNumber": "1187654"}]


def test_the_page_of_grants_reads_the_same_grants(db, app):
    _mixed(db)
    _page, batch = portfolio_awards.publishable_page(1)
    assert list(open_data.grants([batch], SETTINGS)) == build(portfolio_awards.publishable_awards())["grants"]


def test_the_spreadsheet_holds_the_awards_words_figures_and_dates(db, app):
    award = _own_form_grant(db)
    award.instalments[0].status = InstalmentStatus.PAID
    db.session.flush()
    with threesixtygiving.workbook(open_data.grants(portfolio_awards.publishable_batches(), SETTINGS)) as document:
        book = load_workbook(BytesIO(document.read()))
    headings, values = list(book["grants"].iter_rows(values_only=True))
    row = dict(zip(headings, values, strict=True))
    application = award.application
    assert row["Identifier"] == f"360G-opccdc-{application.reference}"
    assert (row["Title"], row["Description"]) == ("Moorland Mentors", "Mentoring for young people on the moor.")
    assert (row["Amount Awarded"], row["Amount Applied For"], row["Amount Disbursed"]) == (12345.67, 4500, 6172.84)
    assert row["Award Date"] == datetime(2026, 7, 1)  # the offer's day in the UK (BST)
    assert (row["Planned Dates:Start Date"], row["Planned Dates:End Date"]) == (
        datetime.combine(award.start_date, datetime.min.time()), datetime.combine(award.end_date, datetime.min.time()))
    assert (row["Recipient Org:Name"], row["Grant Programme:Title"]) == (award.organisation.name,
                                                                         award.funding_round.name)
    assert row["Recipient Org:Charity Number"] == award.organisation.charity_number
    formats = {cell.column_letter: cell.number_format for cell in book["grants"][2] if cell.value is not None}
    assert (formats["E"], formats["F"], formats["G"], formats["H"]) == ("#,##0.00", "#,##0.00", "#,##0.00",
                                                                        "yyyy-mm-dd")
    locations = list(book["beneficiaryLocation"].iter_rows(values_only=True))[1:]
    assert locations == [(row["Identifier"], "Devon", "GB", "E10000008", "CTY"),
                         (row["Identifier"], "Plymouth", "GB", "E06000026", "UA")]
