"""Emails to panel members: the bids they have just been asked to score.

One email per member per assignment run (or per bid an officer assigns by hand), counting only the
assignments that run made: a bid already assigned is never announced again, so running the
assignment twice sends nothing the second time. The words are the editable template
"panel_bids_assigned" (grants/data/emails/panel.toml).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from grants.email_templates import send_template
from grants.extensions import db
from grants.formatting import london_datetime
from grants.links import public_url
from grants.models.accounts import User
from grants.models.panel import ScoringAssignment
from grants.models.rounds import FundingRound, RoundState


def _when_to_score(funding_round: FundingRound, count: int) -> str:
    """When the member can score, in a sentence or two: by the round's scoring deadline when it has one,
    else until the commissioner makes the funding decision."""
    them = "it" if count == 1 else "them"
    if funding_round.scoring_deadline is not None:
        until = f"Scores are due by {london_datetime(funding_round.scoring_deadline)}."
    else:
        until = "Scoring closes when the commissioner makes the funding decision."
    if funding_round.state() is RoundState.CLOSED:
        return f"You can score {them} now. {until}"
    return (f"You can read {them} now and score {them} once the round closes on "
            f"{london_datetime(funding_round.closes_at)}. {until}")


def _values(funding_round: FundingRound, user: User, count: int) -> dict[str, str | bool]:
    return {
        "member name": user.full_name,
        "bids": f"{count} bid{'' if count == 1 else 's'}",
        "round name": funding_round.name,
        "when to score": _when_to_score(funding_round, count),
        "bid or bids": "bid" if count == 1 else "bids",
        "link": public_url("panel.queue", _anchor=f"round-{funding_round.id}"),
    }


def bids_assigned(funding_round: FundingRound, new_bids: Iterable[tuple[User, int]]) -> None:
    """Tell each member how many bids of ``funding_round`` they have just been asked to score
    (members with none are not written to). The caller commits."""
    for user, count in new_bids:
        if count < 1:
            continue
        send_template("panel_bids_assigned", user.email, _values(funding_round, user, count))


def example_bids_assigned() -> dict[str, str | bool] | None:
    """Values for a preview of "panel_bids_assigned": a real member's assignments in a real round
    (nothing is written)."""
    row = db.session.execute(
        select(ScoringAssignment.round_id, ScoringAssignment.user_id).order_by(ScoringAssignment.assigned_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    funding_round, user = db.session.get(FundingRound, row.round_id), db.session.get(User, row.user_id)
    if funding_round is None or user is None:
        return None
    count = len(db.session.scalars(select(ScoringAssignment.application_id).where(
        ScoringAssignment.round_id == funding_round.id, ScoringAssignment.user_id == user.id)).all())
    return _values(funding_round, user, count)
