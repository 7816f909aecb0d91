"""Choosing who sits on a round's panel: the officer ticks the panel members they want, and the
panel becomes exactly those people. Only the members seated here are given bids to score.

A member who has submitted scores in the round stays on its panel (their scores are part of the
record, and the results are worked out from them): leaving them out is refused, with their names,
and nothing changes. Each member added or removed is audited by ``panel.add_member`` and
``panel.remove_member``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from grants.extensions import db
from grants.interfaces.panel import assignment as panel
from grants.interfaces.panel.assignment import PanelError
from grants.models.accounts import Role, User
from grants.models.panel import ScoreSheet, ScoringAssignment, SheetStatus
from grants.models.rounds import FundingRound, RoundState


@dataclass(frozen=True)
class Candidate:
    """Someone who can be chosen for the panel, or who sits on it already."""

    user: User
    seated: bool
    assigned: int = 0  # bids assigned to them in the round
    submitted: int = 0  # score sheets they have submitted in the round

    @property
    def can_join(self) -> bool:
        """Active and holding the panel member role (seated members may have lost either since)."""
        return self.user.active and self.user.has_role(Role.PANEL_MEMBER)

    @property
    def must_stay(self) -> bool:
        return self.seated and self.submitted > 0


def _per_member(statement) -> dict[int, int]:
    return {user_id: int(count) for user_id, count in db.session.execute(statement)}


def candidates(funding_round: FundingRound) -> list[Candidate]:
    """Every active panel member, and anyone on the round's panel who no longer is one, by name,
    with what they have been given and have submitted in the round (a few queries, however many
    members and bids)."""
    seated = {member.user_id: member.user for member in panel.members(funding_round)}
    people = {user.id: user for user in panel.eligible_members()} | seated
    assigned = _per_member(
        select(ScoringAssignment.user_id, func.count())
        .where(ScoringAssignment.round_id == funding_round.id).group_by(ScoringAssignment.user_id)
    )
    submitted = _submitted(funding_round)
    return sorted(
        (Candidate(user, user.id in seated, assigned.get(user.id, 0), submitted.get(user.id, 0))
         for user in people.values()),
        key=lambda candidate: (candidate.user.full_name.casefold(), candidate.user.id),
    )


def _submitted(funding_round: FundingRound) -> dict[int, int]:
    return _per_member(
        select(ScoreSheet.user_id, func.count())
        .where(ScoreSheet.round_id == funding_round.id, ScoreSheet.status == SheetStatus.SUBMITTED)
        .group_by(ScoreSheet.user_id)
    )


def _names(users: list[User]) -> str:
    names = [user.full_name for user in users]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True)
class MembershipChange:
    added: list[User]
    removed: list[User]


def choose_members(funding_round: FundingRound, chosen_ids: Iterable[int], officer: User) -> MembershipChange:
    """Make the round's panel exactly the users ``chosen_ids``. Refused as a whole (PanelError)
    when the round is decided, when a member who has submitted scores is left out, or when someone
    chosen cannot join (``panel.add_member`` says why). Removing a member takes them off their
    bids and deletes their draft scores. The caller commits, or rolls back on PanelError."""
    if funding_round.state() is RoundState.DECIDED:
        raise PanelError("The round has been decided: its panel can no longer change")
    chosen = set(chosen_ids)
    seated = {member.user_id: member.user for member in panel.members(funding_round)}
    leaving = [user for user_id, user in seated.items() if user_id not in chosen]
    submitted = _submitted(funding_round)
    staying = [user for user in leaving if submitted.get(user.id)]
    if staying:
        have = "has" if len(staying) == 1 else "have"
        raise PanelError(f"{_names(staying)} {have} submitted scores in this round, so they stay on the panel: "
                         "their scores are part of the record")
    joining = list(db.session.scalars(select(User).where(User.id.in_(chosen - seated.keys()))))
    if len(joining) != len(chosen - seated.keys()):
        raise PanelError("Select from the panel members shown")
    joining.sort(key=lambda user: (user.full_name.casefold(), user.id))
    for user in joining:
        panel.add_member(funding_round, user, officer)
    for user in leaving:
        panel.remove_member(funding_round, user, officer)
    db.session.flush()
    return MembershipChange(joining, leaving)
