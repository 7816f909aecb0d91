"""Demo decision notice: the decided round's funding decision, drafted into a notice and signed, so
that the public Decisions page and the list of grants made show it.

The demo's decided round is made decided directly (grants.demo.rounds), with no panel: its
recommendation and the commissioner's approval are written here as they would have been kept, and
the notice is drafted and signed through the decisions service, as in use. Idempotent: a round with
a notice is left alone.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from grants.demo.rounds import ROUNDS
from grants.extensions import db
from grants.interfaces.auth import accounts
from grants.interfaces.decisions import notices
from grants.models.applications import Application, ApplicationStatus
from grants.models.panel import FundingDecision, FundingRecommendationRecord
from grants.models.rounds import FundingRound

# project title -> the panel's final score (the demo's decided round kept no score sheets).
SCORES = {
    "Harbour Recovery Café": "3.67",
    "Naloxone Champions Exeter": "3.33",
    "Cook Together Penzance": "3.00",
    "Island Recovery Walks": "2.67",
    "Family Recovery Circle": "1.67",
}
THRESHOLD = "2"


def _pence(amount) -> int:
    return int(amount * 100)


def _recommendation(funding_round: FundingRound, bids: list[Application], officer_id: int | None):
    ranked = sorted(bids, key=lambda bid: (-float(SCORES.get(bid.project_title or "", "0")), bid.id))
    funded = [bid for bid in ranked if bid.status is ApplicationStatus.SUCCESSFUL]
    entries = []
    for rank, bid in enumerate(ranked, start=1):
        recommended = bid.status is ApplicationStatus.SUCCESSFUL
        entries.append({
            "reference": bid.reference, "application_id": bid.id, "organisation": bid.organisation.name,
            "rank": rank, "recommended": recommended, "funded_in_rank_order": recommended,
            "reason": "selected" if recommended else "below threshold",
            "explanation": "Recommended: within the budget and above the quality threshold" if recommended
            else f"Not recommended: its final score is below the quality threshold of {THRESHOLD}",
            "amount_pence": _pence(bid.amount_requested), "score": SCORES.get(bid.project_title or "", "0"),
        })
    spend = sum(_pence(bid.amount_requested) for bid in funded)
    selection = {
        "references": [bid.reference for bid in funded], "application_ids": [bid.id for bid in funded],
        "spend_pence": spend, "remaining_pence": _pence(funding_round.total_budget) - spend,
        "total_score": str(sum(float(SCORES.get(bid.project_title or "", "0")) for bid in funded)),
        "objective_value": "0", "checks": [],
    }
    return FundingRecommendationRecord(
        round_id=funding_round.id,
        rules={"budget_pence": _pence(funding_round.total_budget), "quality_threshold": THRESHOLD,
               "objective": "total_score", "minimums": [], "max_organisation_share": None,
               "aggregation": "mean", "normalised": False},
        result={"status": "optimal", "optimum": selection, "rank_order": selection, "gain": "0",
                "decisions": entries, "unmet": [], "unmet_keys": [], "notes": [],
                "scorers_per_bid": funding_round.scorers_per_bid, "short_of_scores": []},
        created_by_id=officer_id,
        created_at=(funding_round.decided_at or funding_round.closes_at) - timedelta(days=3),
    )


def seed() -> None:
    """Add what is missing; the caller commits."""
    funding_round = db.session.scalar(select(FundingRound).filter_by(name=ROUNDS[2][0]))
    commissioner = accounts.get_user_by_email("commissioner@example.org")
    officer = accounts.get_user_by_email("officer@example.org")
    if funding_round is None or funding_round.decided_at is None or commissioner is None:
        return
    if notices.notice_for_round(funding_round.id) is not None:
        return
    decision = db.session.scalar(select(FundingDecision).filter_by(round_id=funding_round.id))
    if decision is None:
        bids = list(db.session.scalars(
            select(Application).where(Application.round_id == funding_round.id, Application.status.in_(
                [ApplicationStatus.SUCCESSFUL, ApplicationStatus.UNSUCCESSFUL])).order_by(Application.id)))
        record = _recommendation(funding_round, bids, officer.id if officer else None)
        db.session.add(record)
        db.session.flush()
        decision = FundingDecision(
            round_id=funding_round.id, recommendation_id=record.id,
            funded=sorted(bid.id for bid in bids if bid.status is ApplicationStatus.SUCCESSFUL),
            changed=False, reason=None, approved_by_id=commissioner.id, approved_at=funding_round.decided_at,
        )
        db.session.add(decision)
        db.session.flush()
    notice = notices.draft_notice(decision, commissioner)
    notices.sign_notice(notice, notice.version, commissioner, now=funding_round.decided_at + timedelta(days=2))
    db.session.flush()
