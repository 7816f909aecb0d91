"""Demo claims (issue 21): a small decided round that pays on claims, with one accepted grant to Torbay
Families Together, in a round that records VAT (its budget has a line without VAT, one whose VAT the
organisation cannot recover and one whose VAT it can). Its first claim was checked and accepted by the
officer, approved by finance@example.org and recorded paid by finance2@example.org (whoever approves
may not record the payment); its second is submitted, waiting for the officer. Everything goes through the award, claims
and payments interfaces. Idempotent: nothing is added once the round exists. Never run against
production data."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from grants.award_conditions import STANDARD_CONDITIONS
from grants.demo.accounts import DEMO_PASSWORD
from grants.demo.rounds import DemoProject, _application, _demo_pdf, _round
from grants.extensions import db
from grants.formatting import london_today
from grants.interfaces.applications.documents import stored_file
from grants.interfaces.auth import accounts
from grants.interfaces.awards import awarding as awards
from grants.interfaces.awards import claims, payments
from grants.models.accounts import Role, User
from grants.models.applications import Application, ApplicationStatus
from grants.models.awards import MonitoringFrequency
from grants.models.claims import PaymentBasis
from grants.models.organisations import Organisation
from grants.models.rounds import FundingRound, VatDisplay
from grants.models.types import utcnow
from grants.uploads import check_upload

ROUND_NAME = "Family Support Small Grants 2025 (paid on claims)"
GRANTEE = ("torbay@example.org", "Janet Widdicombe")  # a demo login for Torbay Families Together
PROJECT = DemoProject(
    "Torbay Families Together", "Family Breakfast Club", "Breakfast and advice mornings for families affected "
    "by a parent's drug use.", "A weekly breakfast club with a family support worker.", "torbay", ("prevention",),
    ("recovery",), ("reduce-drug-use",), 30, (("staff", "Family support worker", "1800"),
                                              ("venue", "Church hall hire", "600"),
                                              ("equipment", "Toaster, urn and crockery", "240")),
    "Families find support sooner", "Referrals made at the club",
    # The round records VAT: wages carry none, the hall's VAT cannot be recovered, the equipment's can.
    vat=(("0", ""), ("100", "no"), ("40", "yes")),
)


def seed() -> None:
    """Add the claims round, its grant and two claims unless the round exists; the caller commits."""
    if db.session.scalar(select(FundingRound.id).filter_by(name=ROUND_NAME)) is not None:
        return
    officer = accounts.get_user_by_email("officer@example.org")
    finance = accounts.get_user_by_email("finance@example.org")
    payer = accounts.get_user_by_email("finance2@example.org")
    if officer is None or finance is None or payer is None:
        return
    funding_round = _round(ROUND_NAME, 300, -240, 200, "Small grants for family support, paid on claims of spend "
                           "with receipts.")
    funding_round.payment_basis = PaymentBasis.CLAIMS
    funding_round.claim_tolerance_percent = Decimal("10.00")
    funding_round.vat_display = VatDisplay.INCLUDING
    funding_round.total_budget = Decimal("20000.00")
    _application(funding_round, PROJECT, ApplicationStatus.SUCCESSFUL, None, officer)
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == PROJECT.organisation))
    if organisation is None:
        return
    application = db.session.scalar(select(Application).where(Application.round_id == funding_round.id,
                                                              Application.organisation_id == organisation.id))
    if application is None or application.amount_requested is None:
        return
    today = london_today()
    start = today - timedelta(days=120)
    terms = awards.AwardTerms(
        amount=application.amount_requested, amount_reason=None, start_date=start,
        end_date=start + timedelta(days=364), standard_conditions=tuple(STANDARD_CONDITIONS), special_conditions="",
        monitoring_frequency=MonitoringFrequency.QUARTERLY, officer=officer,
        offer_deadline=utcnow() + timedelta(days=14), instalments=(),
    )
    award = awards.create_award(application, terms, officer)
    grantee = _grantee(organisation)
    awards.accept_offer(award, grantee, grantee.full_name, "Treasurer", True)
    paid = _claim(award, grantee, start, start + timedelta(days=59), {"1": Decimal("900.00"), "2": Decimal("300.00")},
                  "The support worker's wages for the first two months and the hall hire for eight mornings")
    instalment = claims.accept_claim(paid, officer, "Receipts match the wages and the hall's invoice")
    payments.approve(instalment, finance)
    payments.record_payment(instalment, today, f"CLM-{award.id:04d}-1", payer)
    _claim(award, grantee, start + timedelta(days=60), start + timedelta(days=110), {"1": Decimal("600.00")},
           "The support worker's wages for the third month")
    db.session.flush()


def _grantee(organisation: Organisation) -> User:
    """The organisation's first member, or the demo login made for it."""
    member = db.session.scalar(select(User).where(User.organisation_id == organisation.id).order_by(User.id))
    if member is not None:
        return member
    email, name = GRANTEE
    user = accounts.get_user_by_email(email) or accounts.create_user(email, name, DEMO_PASSWORD, {Role.APPLICANT})
    user.organisation = organisation
    db.session.flush()
    return user


def _claim(award, grantee, first, last, spend, description):
    claim = claims.start_claim(award, grantee)
    claims.save_claim(claim, first, last, spend, description, grantee)
    upload = check_upload(f"receipts-claim-{claim.number}.pdf", _demo_pdf(f"Receipts for claim {claim.number}"))
    with stored_file(upload) as stored_name:
        claims.add_evidence(claim, upload, stored_name, grantee)
    claims.submit_claim(claim, grantee)
    return claim
