"""Demo data for subsidy control (issue 21): Penwith Community Kitchen CIC, near the minimal financial
assistance limit.

Its bid to the decided round declared two earlier amounts of assistance from other public bodies,
and its grant from this office was given as MFA, which together leave a small headroom under the
limit. The kitchen has asked for more money (an amount variation waiting for a decision) that would
take it over the limit: an officer who tries to approve it is told why it cannot be given as MFA.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from grants.demo.rounds import ROUNDS
from grants.extensions import db
from grants.formatting import london_today
from grants.interfaces.admin.settings import money_setting
from grants.interfaces.auth import accounts
from grants.interfaces.awards import variations
from grants.interfaces.subsidy import declaration as declarations
from grants.interfaces.subsidy import ledger
from grants.models.applications import Application
from grants.models.awards import Award, AwardStatus, VariationKind
from grants.models.organisations import Organisation
from grants.models.rounds import FundingRound
from grants.models.subsidy import AssistanceKind, SubsidyBasis

ORGANISATION = "Penwith Community Kitchen CIC"
PROJECT = "Cook Together Penzance"
# What is left under the limit once the kitchen's assistance is counted, and the extra it asks for.
HEADROOM = Decimal("1850.00")
EXTRA_ASKED = Decimal("2500.00")
EARLIER = (("Cornwall Council", 420, Decimal("150000.00"), AssistanceKind.MFA, "Kitchen refit grant"),)
SPEI_GIVER = "NHS Cornwall and Isles of Scilly Integrated Care Board"


def seed() -> None:
    """Add what is missing; the caller commits."""
    organisation = db.session.scalar(select(Organisation).filter_by(name=ORGANISATION))
    funding_round = db.session.scalar(select(FundingRound).filter_by(name=ROUNDS[2][0]))
    officer = accounts.get_user_by_email("officer@example.org")
    if organisation is None or funding_round is None or officer is None:
        return
    application = db.session.scalar(select(Application).filter_by(round_id=funding_round.id,
                                                                   organisation_id=organisation.id))
    award = db.session.scalar(select(Award).filter_by(application_id=application.id)) if application else None
    if application is None or award is None or declarations.is_economic(application):
        return  # not there to build on, or done already (its bid was first seeded answering "No")
    today = london_today()
    amounts = [declarations.DeclaredAmount(giver, today - timedelta(days=days_ago), amount, kind)
               for giver, days_ago, amount, kind, _ in EARLIER]
    # The SPEI assistance fills the rest, so that the headroom comes out the same whatever the limit.
    spei = money_setting("mfa_limit") - HEADROOM - award.amount - sum(row.amount for row in amounts)
    amounts.append(declarations.DeclaredAmount(SPEI_GIVER, today - timedelta(days=200), spei, AssistanceKind.SPEI))
    declarations.save(application, {}, declarations.Declaration(economic=True, amounts=tuple(amounts)), officer)
    ledger.record_declared(application, None)
    # Its grant, given as minimal financial assistance, confirmed by the kitchen when it accepted.
    award.subsidy_basis = SubsidyBasis.MFA
    ledger.given(award, officer)
    if award.status is AwardStatus.ACCEPTED:
        award.mfa_confirmed_at = award.accepted_at
        grantee = award.accepted_by or officer
        if variations.open_variation(award, VariationKind.AMOUNT) is None:
            variations.request_variation(
                award, VariationKind.AMOUNT, {"amount": award.amount + EXTRA_ASKED},
                "Food prices have gone up by a third since we applied, and twice as many people come to the "
                "shared meals.", grantee, by_grantee=True)
    db.session.flush()
