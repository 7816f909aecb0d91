"""Demo data for due diligence (issue 21): every round has the default checklist; the closed round's
bids were checked (the demo applicant's *Parents Against Exploitation* is ready for the panel); a late
bid from Penwith Community Kitchen CIC, *Penzance Late Kitchen*, is held from the panel by its insurance
(not met) and by its register check, as Companies House lists a proposal to strike the company off;
and small register extracts in the registers' own layouts are imported, in which Bodmin Moor Youth
Trust's charity is registered under another name (a register mismatch)."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from grants.demo.rounds import ROUNDS, DemoProject, _application
from grants.extensions import db
from grants.interfaces.auth import accounts
from grants.interfaces.due_diligence import checklists, findings, importing
from grants.models.applications import Application, ApplicationStage, ApplicationStatus
from grants.models.due_diligence import CheckOutcome, RegisterExtract
from grants.models.rounds import FundingRound

# The Charity Commission's extract (tab-separated) and Companies House's basic company data (CSV, with
# the leading spaces some of its header names have), cut down to the columns the import reads and a
# few beside them, in the publishers' order.
CHARITY_HEADER = ("date_of_extract", "organisation_number", "registered_charity_number", "linked_charity_number",
                  "charity_name", "charity_type", "charity_registration_status", "date_of_registration",
                  "date_of_removal", "charity_insolvent", "charity_in_administration")
CHARITIES = (
    ("1187654", "0", "Tamar Valley Recovery Community", "CIO", "Registered", "2020-02-14", "", "False", "False"),
    ("1187654", "1", "Tamar Valley Recovery Community Saltash Group", "Other", "Registered", "2021-05-01", "",
     "False", "False"),
    # Registered under the name it had before: the demo's register mismatch.
    ("1162345", "0", "Bodmin Moor Young People's Trust", "Trust", "Registered", "2015-06-30", "", "False", "False"),
    ("1099887", "0", "Camborne Food Bank", "Other", "Removed", "2003-08-12", "2024-03-31", "False", "False"),
)
COMPANY_HEADER = ("CompanyName", " CompanyNumber", "RegAddress.CareOf", "RegAddress.PostTown", "CompanyCategory",
                  "CompanyStatus", "CountryOfOrigin", "DissolutionDate", "IncorporationDate")
COMPANIES = (
    ("KERNOW YOUTH DIVERSION COMMUNITY INTEREST COMPANY", "09876543", "", "TRURO", "Community Interest Company",
     "Active", "United Kingdom", "", "04/09/2015"),
    ("PENWITH COMMUNITY KITCHEN C.I.C.", "11223344", "", "PENZANCE", "Community Interest Company",
     "Active - Proposal to Strike off", "United Kingdom", "", "12/03/2018"),
    ("TORBAY HARBOUR TRADERS LIMITED", "05551234", "", "TORQUAY", "Private Limited Company", "Dissolved",
     "United Kingdom", "01/07/2022", "03/02/2005"),
)
EXTRACT_DATE = "2026-12-01"
HELD_BID = DemoProject(
    "Penwith Community Kitchen CIC", "Penzance Late Kitchen", "Evening meals and a youth drop-in at the kitchen "
    "for young people targeted by county lines gangs.", "Three evenings a week: a hot meal, youth workers and "
    "referrals to the young people's drug service.", "cornwall", ("prevention", "place"), ("diversion",),
    ("reduce-drug-supply",), 60, (("staff", "Two sessional youth workers", "2600"), ("other", "Ingredients", "900")),
    "Fewer young people in Penzance are drawn into drug dealing", "Referrals and attendance, termly",
)
NOT_MET_NOTE = ("The public liability certificate sent expired on 31 October 2026. We have asked for the renewed "
                "certificate.")


def _charity_file() -> bytes:
    rows = [CHARITY_HEADER] + [(f"{EXTRACT_DATE} 00:00:00", str(10_000 + n), *row) for n, row in enumerate(CHARITIES)]
    return ("\r\n".join("\t".join(row) for row in rows) + "\r\n").encode()


def _company_file() -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows([COMPANY_HEADER, *COMPANIES])
    return text.getvalue().encode()


def _import_registers() -> None:
    if db.session.scalar(select(RegisterExtract.id).limit(1)) is not None:
        return
    importing.import_charity_extract(io.BytesIO(_charity_file()), "publicextract.charity.txt")
    importing.import_company_data(io.BytesIO(_company_file()), f"BasicCompanyDataAsOneFile-{EXTRACT_DATE}.csv")


def _give_checklists() -> None:
    for funding_round in db.session.scalars(select(FundingRound)):
        if not funding_round.due_diligence:
            funding_round.due_diligence = checklists.default_checklist()


def _mark(application: Application, officer, held: bool) -> None:
    if findings.checks_of(application):
        return
    register_checks = findings.register_checks(application)
    for item in checklists.items_of(application.funding_round):
        if item.id == checklists.REGISTER_ITEM_ID:
            if not register_checks:
                findings.record_finding(application, item.id, CheckOutcome.NOT_NEEDED,
                                        "An unincorporated group or faith group: it is on no register.", officer, 0)
            elif findings.register_refusal(register_checks, "") is None:
                findings.record_finding(application, item.id, CheckOutcome.MET, "", officer, 0)
            # else left for the officer: the register disagrees (the demo's mismatch)
        elif held and item.id == "insurance":
            findings.record_finding(application, item.id, CheckOutcome.NOT_MET, NOT_MET_NOTE, officer, 0)
        elif item.required:
            findings.record_finding(application, item.id, CheckOutcome.MET, "", officer, 0)


def _mark_closed_round() -> None:
    """The closed round's bids: those with the panel were checked before they went, and the demo
    applicant's is ready to go; the late bid is held, its insurance not met."""
    officer = accounts.get_user_by_email("officer@example.org")
    funding_round = db.session.scalar(select(FundingRound).filter_by(name=ROUNDS[1][0]))
    if officer is None or funding_round is None:
        return
    _application(funding_round, HELD_BID, ApplicationStatus.SUBMITTED, None, officer)  # once: it checks
    db.session.flush()
    bids = db.session.scalars(
        select(Application).join(Application.funding_round)
        .where(Application.stage == ApplicationStage.FULL,
               Application.status.in_([ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_ASSESSMENT]),
               FundingRound.name == ROUNDS[1][0])  # the closed round, being screened and assessed
    ).all()
    for bid in bids:
        if bid.funding_round.due_diligence:
            _mark(bid, officer, held=bid.project_title == HELD_BID.title)


def seed() -> None:
    """Add what is missing; the caller commits."""
    _give_checklists()
    db.session.flush()
    _import_registers()
    _mark_closed_round()
    db.session.flush()
