"""The staff list of claims across every award paid on claims (issue 21): the claims waiting for an
officer's check first, oldest first, as a queue; then the rest, most recently submitted first.

A grantee's draft is its own work in progress and is never listed (as on the award's page).
"""

from __future__ import annotations

from sqlalchemy import case, select
from sqlalchemy.orm import joinedload, lazyload

from grants.interfaces.paging import Page, paginate
from grants.models.awards import Award
from grants.models.claims import Claim, ClaimStatus

CLAIMS_PER_PAGE = 50
# The statuses a claim can be filtered by, in the order the filter offers them.
LISTED_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.RETURNED, ClaimStatus.ACCEPTED, ClaimStatus.REJECTED)


def status_choice(value: str | None) -> ClaimStatus | None:
    """The listed status a filter's value names; None (every claim) for anything else."""
    return next((status for status in LISTED_STATUSES if status.value == value), None)


def staff_claims(status: ClaimStatus | None, page: int) -> Page:
    """A page of the claims made on every award, with each claim's award, organisation and
    application read in the same statement."""
    waiting = Claim.status == ClaimStatus.SUBMITTED
    query = (
        select(Claim)
        .where(Claim.status.in_(LISTED_STATUSES if status is None else (status,)))
        .options(lazyload("*"),
                 joinedload(Claim.award).lazyload("*"),
                 joinedload(Claim.award).joinedload(Award.organisation).lazyload("*"),
                 joinedload(Claim.award).joinedload(Award.application).lazyload("*"))
        .order_by(case((waiting, 0), else_=1),
                  case((waiting, Claim.submitted_at), else_=None).asc().nulls_last(),
                  Claim.submitted_at.desc().nulls_last(), Claim.id.desc())
    )
    return paginate(query, page, CLAIMS_PER_PAGE)
