"""Partner organisations where others read a bid: screening, the panel, the award and its offer letter,
the screening spreadsheet, the 360Giving data; the partners' contacts in the personal-data export and
erasure; and the demo's consortium bid."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from grants import open_data
from grants.exports.applications import round_workbook
from grants.interfaces.admin import personal_data
from grants.interfaces.awards import portfolio_awards
from grants.models.applications import ApplicationPartner, ApplicationStatus
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory, UserFactory
from tests.test_open_data import _problems, build, make_grant, validator  # noqa: F401
from tests.visible_text import seen_text


def _partners(db, application):
    application.partners.extend([
        ApplicationPartner(name="Plymouth Harm Reduction Hub", charity_number="1187654", role="Naloxone training",
                           budget_share=Decimal("900.00"), contact_name="Jenna Rowse",
                           contact_email="jenna@example.org", invited_at=utcnow(), accepted_at=utcnow(),
                           position=0),
        ApplicationPartner(name="=HYPERLINK(\"http://evil\")", company_number="12345678", role="Family drop-ins",
                           budget_share=Decimal("600.00"), position=1),
    ])
    db.session.flush()
    return application.partners


def test_screening_shows_the_partners_with_their_shares_of_the_amount_asked(db, as_role):
    application = ApplicationFactory(status=ApplicationStatus.SUBMITTED, reference="CGS-2026-0101",
                                     submitted_at=utcnow(), amount_requested=Decimal("3600.00"))
    _partners(db, application)
    text = seen_text(as_role("grants_officer").get(f"/screening/applications/{application.id}"))
    lead = application.organisation.name
    assert f"This is a consortium bid. {lead} leads it and is accountable for the grant" in text
    assert ("Plymouth Harm Reduction Hub Charity number 1187654 Naloxone training £900.00 25.0% of the amount asked "
            "Jenna Rowse jenna@example.org Accepted by Jenna Rowse on") in text
    assert ("Company number 12345678 Family drop-ins £600.00 16.7% of the amount asked No contact given "
            "Not invited") in text


def test_a_bid_without_partners_says_nothing_of_them(db, as_role):
    application = ApplicationFactory(status=ApplicationStatus.SUBMITTED, reference="CGS-2026-0102",
                                     submitted_at=utcnow())
    shown = seen_text(as_role("grants_officer").get(f"/screening/applications/{application.id}"))
    assert "Partner organisations" not in shown


def test_the_screening_spreadsheet_has_a_partners_column_safe_from_formulas(db):
    funding_round = FundingRoundFactory()
    application = ApplicationFactory(funding_round=funding_round, status=ApplicationStatus.SUBMITTED,
                                     reference="CGS-2026-0103", submitted_at=utcnow())
    _partners(db, application)
    sheet = load_workbook(BytesIO(round_workbook([application], funding_round).read())).active
    rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Partners"] == "Plymouth Harm Reduction Hub (£900.00); =HYPERLINK(\"http://evil\") (£600.00)"
    assert sheet.cell(row=2, column=rows[0].index("Partners") + 1).data_type == "s"  # text, never a formula


def test_the_award_and_its_offer_letter_name_the_partners_and_the_accountable_lead(db, as_role, as_user):
    award = make_grant(db)
    _partners(db, award.application)
    officer = as_role("grants_officer")
    shown = seen_text(officer.get(f"/awards/{award.id}"))
    assert "Partner organisations This is a consortium bid." in shown
    assert "Plymouth Harm Reduction Hub" in shown and "20.0% of the amount asked" in shown
    letter = seen_text(officer.get(f"/awards/{award.id}/offer-letter"))
    assert (f"{award.organisation.name} leads a consortium bid. As the grantee it is accountable to the OPCC for the "
            "whole grant") in letter
    named = ("Plymouth Harm Reduction Hub (registered charity 1187654), £900.00 of the amount asked. Its role: "
             "Naloxone training")
    assert named in letter
    assert "jenna@example.org" not in letter  # the letter names organisations, not their contacts
    # The grantee reads the same on the offer it accepts.
    grantee = as_user(award.accepted_by)
    offer = seen_text(grantee.get(f"/grants/{award.id}/offer"))
    assert f"{award.organisation.name} leads a consortium bid." in offer and named in offer


def test_360giving_lists_partners_in_an_additional_field_and_stays_valid(db, validator):  # noqa: F811
    award = make_grant(db)
    first, second = _partners(db, award.application)
    document = json.loads(open_data.to_json(build(portfolio_awards.publishable_awards())))
    assert _problems(validator, document) == []
    [grant] = document["grants"]
    assert grant["recipientOrganization"][0]["name"] == award.organisation.name  # the lead, accountable
    assert grant["partnerOrganization"] == [
        {"id": "GB-CHC-1187654", "name": "Plymouth Harm Reduction Hub", "charityNumber": "1187654"},
        {"id": "GB-COH-12345678", "name": "=HYPERLINK(\"http://evil\")", "companyNumber": "12345678"},
    ]
    assert "jenna" not in json.dumps(document).lower()  # no contact
    # The streamed download (batches) says the same.
    streamed = list(open_data.grants(portfolio_awards.publishable_batches(), build.__globals__["SETTINGS"]))
    assert streamed[0]["partnerOrganization"] == grant["partnerOrganization"]


def test_a_partner_without_numbers_gets_the_publishers_id(db):
    award = make_grant(db)
    award.application.partners.append(ApplicationPartner(name="Friends of the Hoe", role="Volunteers",
                                                         budget_share=Decimal("10.00")))
    db.session.flush()
    [grant] = build([award])["grants"]
    assert grant["partnerOrganization"] == [
        {"id": f"360G-opccdc-partner-{award.application.partners[0].id}", "name": "Friends of the Hoe"}]


def test_the_360giving_spreadsheet_has_the_partners(db, as_role):
    award = make_grant(db)
    _partners(db, award.application)
    response = as_role("grants_officer").get("/awards/open-data/360giving.xlsx")
    rows = list(load_workbook(BytesIO(response.data)).worksheets[0].iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Partner Organisations"] == ("Plymouth Harm Reduction Hub (GB-CHC-1187654); "
                                            "=HYPERLINK(\"http://evil\") (GB-COH-12345678)")


def test_a_partner_contact_is_in_their_personal_data_export_and_erased_with_them(db):
    award = make_grant(db)
    contact = UserFactory(email="jenna@example.org", full_name="Jenna Rowse")
    first, _second = _partners(db, award.application)
    first.user_id = contact.id
    db.session.flush()
    held = personal_data.subject_access(contact)
    assert [(row["name"], row["contact_email"]) for row in held["partner_contact"]] == [
        ("Plymouth Harm Reduction Hub", "jenna@example.org")]
    # The lead's signatory who started the application sees the partners they named.
    lead = award.application.created_by
    [application] = personal_data.subject_access(lead)["applications"]
    assert [partner["contact_name"] for partner in application["partners"]] == ["Jenna Rowse", None]

    personal_data.erase(contact, UserFactory(), today=date(2100, 1, 1))
    assert first.contact_name == personal_data.ERASED_NAME
    assert first.contact_email == f"erased-{contact.id}@{personal_data.ERASED_DOMAIN}"
    assert first.name == "Plymouth Harm Reduction Hub"  # the organisation is not personal data


def test_the_demo_has_a_consortium_bid_with_an_accepted_partner_contact(app, db):
    from grants.demo import seed_awards, seed_demo, seed_feedback, seed_rounds
    from grants.demo.partners import PARTNER_EMAIL, seed_partners
    from grants.interfaces.auth import accounts

    seed_demo()
    seed_rounds()
    seed_feedback()
    seed_awards()
    seed_partners()
    seed_partners()  # idempotent
    contact = accounts.get_user_by_email(PARTNER_EMAIL)
    assert contact is not None and contact.organisation_id is None
    [partner] = db.session.scalars(db.select(ApplicationPartner).where(ApplicationPartner.user_id == contact.id)).all()
    application = partner.application
    assert len(application.partners) == 2
    assert sum(p.budget_share for p in application.partners) <= application.amount_requested
    assert partner.accepted_at is not None
    from grants.models.awards import Award

    assert db.session.scalar(db.select(Award).where(Award.application_id == application.id)) is not None
    [grant] = [g for g in build(portfolio_awards.publishable_awards())["grants"]
               if g["title"] == application.project_title]
    assert [p["name"] for p in grant["partnerOrganization"]] == [p.name for p in application.partners]
