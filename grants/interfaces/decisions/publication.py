"""What the public Decisions pages show: signed decision notices, and the grants made from rounds
whose decision notice is signed.

Only what the Elected Local Policing Bodies (Specified Information) Order 2011 asks to be published,
and no personal data: a grant is named by its recipient organisation, amount, purpose (the project's
title), conditions, date and round; never a contact's name, an address or an application's answers.
The grants listed are the ones the 360Giving open data publishes (accepted or closed: one rule,
grants.interfaces.awards.portfolio_awards.PUBLISHED): an offer becomes a grant made once the
organisation accepts it; one not yet accepted may still lapse or be withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload, load_only

from grants.award_conditions import STANDARD_CONDITIONS
from grants.extensions import db
from grants.interfaces.awards.portfolio_awards import PUBLISHED
from grants.interfaces.paging import Page, paginate
from grants.models.awards import Award
from grants.models.decisions import DecisionNotice

NOTICES_PER_PAGE = 25
GRANTS_PER_PAGE = 50

# The standard conditions by name, as the public list gives them (their full words are in
# grants.award_conditions and on each grant agreement).
CONDITION_NAMES: dict[str, str] = {
    "purpose": "Use for the agreed purpose only",
    "safeguarding": "Safeguarding policy in place",
    "monitoring": "Monitoring returns",
    "changes": "Report changes and incidents",
    "records": "Keep accounts and records for 6 years",
    "unspent": "Return unspent or misused money",
    "acknowledge": "Acknowledge the Commissioner's support",
    "no_promotion": "No political or religious promotion",
    "data_protection": "Data protection",
}


def condition_name(key: str) -> str:
    """A standard condition's short name; a key no longer in use is shown as its words, or itself."""
    return CONDITION_NAMES.get(key) or STANDARD_CONDITIONS.get(key, key)


def signed_notices(page: int) -> Page:
    """Signed notices, newest first: the columns the list shows (a notice's grants and texts grow with
    its round, and the list shows neither)."""
    return paginate(
        select(DecisionNotice).where(DecisionNotice.signed_at.is_not(None))
        .options(lazyload("*"), load_only(DecisionNotice.id, DecisionNotice.title, DecisionNotice.number,
                                          DecisionNotice.signed_at))
        .order_by(DecisionNotice.signed_at.desc(), DecisionNotice.id.desc()),
        page, NOTICES_PER_PAGE,
    )


@dataclass(frozen=True)
class GrantMade:
    recipient: str
    amount: Decimal
    purpose: str
    conditions: list[str]
    special_conditions: str
    offered_at: datetime
    round_name: str
    notice_id: int
    notice_number: str


def grants_made(page: int) -> tuple[Page, Decimal]:
    """A page of the grants made from rounds with a signed decision notice, newest first, and the
    total of all of them."""
    published = (
        select(Award)
        .join(DecisionNotice, DecisionNotice.round_id == Award.round_id)
        .where(DecisionNotice.signed_at.is_not(None), Award.status.in_(PUBLISHED))
    )
    results = paginate(
        published.options(lazyload("*"), joinedload(Award.organisation).lazyload("*"),
                          joinedload(Award.application).lazyload("*"),
                          joinedload(Award.funding_round).lazyload("*"))
        .order_by(Award.offered_at.desc(), Award.id.desc()),
        page, GRANTS_PER_PAGE,
    )
    # Each round's notice, read once per round on the page.
    notices = {notice.round_id: notice for notice in db.session.scalars(
        select(DecisionNotice).where(DecisionNotice.round_id.in_({award.round_id for award in results.items})))}
    results.items = [
        GrantMade(
            recipient=award.organisation.name, amount=award.amount,
            purpose=award.application.project_title or "Not given",
            conditions=[condition_name(key) for key in award.standard_conditions or []],
            special_conditions=(award.special_conditions or "").strip(),
            offered_at=award.offered_at, round_name=award.funding_round.name,
            notice_id=notices[award.round_id].id, notice_number=notices[award.round_id].number,
        )
        for award in results.items
    ]
    total = db.session.scalar(
        select(db.func.coalesce(db.func.sum(Award.amount), 0))
        .join(DecisionNotice, DecisionNotice.round_id == Award.round_id)
        .where(DecisionNotice.signed_at.is_not(None), Award.status.in_(PUBLISHED))
    )
    return results, Decimal(total or 0).quantize(Decimal("0.01"))

