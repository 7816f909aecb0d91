"""Emails to panel members: the bids they have just been asked to score.

One email per member per assignment run (or per bid an officer assigns by hand), counting only the
assignments that run made: a bid already assigned is never announced again, so running the
assignment twice sends nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app

from grants.formatting import london_datetime
from grants.links import public_url
from grants.mail import send_email
from grants.models.accounts import User
from grants.models.rounds import FundingRound, RoundState


def _when_to_score(funding_round: FundingRound, count: int) -> str:
    """When the member can score, in a sentence. The round has no scoring deadline of its own:
    scoring closes when the commissioner makes the funding decision."""
    them = "it" if count == 1 else "them"
    if funding_round.state() is RoundState.CLOSED:
        return f"You can score {them} now. Scoring closes when the commissioner makes the funding decision."
    return (f"You can read {them} now and score {them} once the round closes on "
            f"{london_datetime(funding_round.closes_at)}. Scoring closes when the commissioner makes the "
            "funding decision.")


def bids_assigned(funding_round: FundingRound, new_bids: Iterable[tuple[User, int]]) -> None:
    """Tell each member how many bids of ``funding_round`` they have just been asked to score
    (members with none are not written to). The caller commits."""
    template = current_app.jinja_env.get_template("panel/email/bids_assigned.txt")
    for user, count in new_bids:
        if count < 1:
            continue
        bids = f"{count} bid{'' if count == 1 else 's'}"
        send_email(
            user.email,
            f"{bids} to score in {funding_round.name}",
            # The template alone, without the pages' context processors: no request is needed.
            template.render(
                user=user, funding_round=funding_round, bids=bids, count=count,
                when=_when_to_score(funding_round, count),
                link=public_url("panel.queue", _anchor=f"round-{funding_round.id}"),
            ),
        )
