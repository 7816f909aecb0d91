"""What the grants officer's panel pages and the scoring spreadsheet show: counts per round, the
round's progress, the bids × members assignment grid and the words for a disagreement.

Read-only: every change goes through ``grants.interfaces.panel.assignment``, which audits it. Each function
runs a fixed number of queries, however many bids and members a round has.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

import scoring
from grants.extensions import db
from grants.interfaces.panel import assignment as panel
from grants.interfaces.panel import results as panel_results
from grants.interfaces.panel import score_sheets
from grants.models.accounts import User
from grants.models.applications import Application
from grants.models.organisations import Organisation
from grants.models.panel import PanelMember, ScoreSheet, ScoringAssignment, SheetStatus
from grants.models.rounds import FundingRound, RoundState


def account(user_id: int | None) -> User | None:
    """The user with this id, if there is one."""
    return db.session.get(User, user_id) if user_id is not None else None


def names(user_ids: Iterable[int]) -> dict[int, str]:
    """Full names by user id (one query)."""
    return dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(list(user_ids)))).all())


# The list of rounds ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RoundSummary:
    funding_round: FundingRound
    bids: int
    members: int
    assigned: int  # (member, bid) assignments
    submitted: int  # submitted score sheets


def _counts(statement) -> dict[int, int]:
    return {round_id: count for round_id, count in db.session.execute(statement)}


def round_summaries(rounds: Iterable[FundingRound]) -> list[RoundSummary]:
    """Each round with its bid, member, assignment and submitted sheet counts (four queries)."""
    rounds = list(rounds)
    ids = [funding_round.id for funding_round in rounds]
    if not ids:
        return []
    bids = _counts(
        select(Application.round_id, func.count())
        .where(Application.round_id.in_(ids), panel.scored_by_panel())
        .group_by(Application.round_id)
    )
    members = _counts(
        select(PanelMember.round_id, func.count()).where(PanelMember.round_id.in_(ids)).group_by(PanelMember.round_id)
    )
    assigned = _counts(
        select(ScoringAssignment.round_id, func.count())
        .where(ScoringAssignment.round_id.in_(ids))
        .group_by(ScoringAssignment.round_id)
    )
    submitted = _counts(
        select(ScoreSheet.round_id, func.count())
        .where(ScoreSheet.round_id.in_(ids), ScoreSheet.status == SheetStatus.SUBMITTED)
        .group_by(ScoreSheet.round_id)
    )
    return [
        RoundSummary(r, bids.get(r.id, 0), members.get(r.id, 0), assigned.get(r.id, 0), submitted.get(r.id, 0))
        for r in rounds
    ]


def conflict_counts(funding_round: FundingRound) -> Counter[int]:
    """Declared conflicts of interest per bid (application id)."""
    return Counter(application_id for _user_id, application_id in panel.conflicted_pairs(funding_round))


# One round's overview ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SeatedMember:
    """What the round page shows of a panel member, read as plain columns."""

    user_id: int
    full_name: str
    email: str


@dataclass(frozen=True, slots=True)
class RoundBid:
    """What the round page shows of a bid, read as plain columns."""

    id: int
    reference: str | None
    organisation_name: str | None


@dataclass(frozen=True)
class MemberProgress:
    member: SeatedMember
    progress: score_sheets.Progress


@dataclass(frozen=True)
class BidProgress:
    application: RoundBid
    progress: score_sheets.Progress
    conflicts: int  # members who declared a conflict of interest


@dataclass(frozen=True)
class Overview:
    funding_round: FundingRound
    members: list[MemberProgress]
    bids: list[BidProgress]

    @property
    def decided(self) -> bool:
        return self.funding_round.state() is RoundState.DECIDED


def overview(funding_round: FundingRound) -> Overview:
    """The round's panel, by name, and its bids (those members score), by reference, each with its
    progress. Plain columns: the page shows a few of each, and 50 bids and their organisations as
    objects cost more than the rest of the page's reads."""
    per_member, per_bid = score_sheets.progress(funding_round)
    conflicts = conflict_counts(funding_round)
    seated = db.session.execute(
        select(User.id, User.full_name, User.email)
        .join(PanelMember, PanelMember.user_id == User.id)
        .where(PanelMember.round_id == funding_round.id)
        .order_by(User.full_name, User.id)
    )
    # The organisation's name looked up per bid: joined, PostgreSQL hashes every organisation.
    organisation_name = select(Organisation.name).where(Organisation.id == Application.organisation_id)
    bids = db.session.execute(
        select(Application.id, Application.reference, organisation_name.scalar_subquery())
        .where(Application.round_id == funding_round.id, panel.scored_by_panel())
        .order_by(Application.reference, Application.id)
    )
    return Overview(
        funding_round=funding_round,
        members=[MemberProgress(SeatedMember(*row), per_member.get(row.id, score_sheets.Progress()))
                 for row in seated],
        bids=[BidProgress(RoundBid(*row), per_bid.get(row.id, score_sheets.Progress()), conflicts[row.id])
              for row in bids],
    )


# The assignment grid -----------------------------------------------------------------------------

ASSIGNED, CONFLICT, NOT_ASSIGNED = "assigned", "conflict", "not_assigned"


@dataclass(frozen=True)
class GridCell:
    """One member and one bid: assigned (with their sheet's status), conflicted, or neither."""

    user: User
    state: str  # ASSIGNED, CONFLICT or NOT_ASSIGNED
    sheet_status: SheetStatus | None = None
    manual: bool = False
    reason: str | None = None  # the declared conflict, for officers' eyes

    @property
    def submitted(self) -> bool:
        return self.sheet_status is SheetStatus.SUBMITTED


@dataclass(frozen=True)
class GridRow:
    application: Application
    cells: list[GridCell]  # in the order of AssignmentGrid.members

    @property
    def assigned(self) -> int:
        return sum(1 for cell in self.cells if cell.state == ASSIGNED)

    @property
    def free(self) -> int:
        """Members on the panel who have not declared a conflict for this bid."""
        return sum(1 for cell in self.cells if cell.state != CONFLICT)


@dataclass(frozen=True)
class AssignmentGrid:
    funding_round: FundingRound
    members: list[User]
    rows: list[GridRow]

    @property
    def per_bid(self) -> int:
        return self.funding_round.scorers_per_bid

    @property
    def short(self) -> list[GridRow]:
        """Bids with fewer scorers assigned than the round asks for."""
        return [row for row in self.rows if row.assigned < self.per_bid]


def assignment_grid(funding_round: FundingRound) -> AssignmentGrid:
    """Every bid against every panel member. A declared conflict shows as a conflict even if an
    assignment was left behind, since the member cannot score it."""
    users = [member.user for member in panel.members(funding_round)]
    assigned = {(row.user_id, row.application_id): row for row in panel.assignments(funding_round)}
    conflicts = {
        (row.user_id, row.application_id): row.reason
        for row in panel.declarations(funding_round)
        if row.conflicted
    }
    sheets = {
        (user_id, application_id): status
        for user_id, application_id, status in db.session.execute(
            select(ScoreSheet.user_id, ScoreSheet.application_id, ScoreSheet.status).where(
                ScoreSheet.round_id == funding_round.id
            )
        )
    }
    rows = []
    for application in panel.round_bids(funding_round, with_eois=True):
        cells = []
        for user in users:
            key = (user.id, application.id)
            if key in conflicts:
                cells.append(GridCell(user, CONFLICT, reason=conflicts[key]))
            elif key in assigned:
                cells.append(GridCell(user, ASSIGNED, sheets.get(key), manual=assigned[key].manual))
            else:
                cells.append(GridCell(user, NOT_ASSIGNED))
        rows.append(GridRow(application, cells))
    return AssignmentGrid(funding_round, users, rows)


# Results -----------------------------------------------------------------------------------------

MEASURES = {"range": "range", "sd": "standard deviation"}


def criterion_title(rubric: scoring.Rubric, key: str) -> str:
    """A criterion's title, or "Total" for the weighted total."""
    return "Total" if key == scoring.TOTAL else rubric.criterion(key).title


def describe(disagreement: scoring.Disagreement, rubric: scoring.Rubric) -> str:
    """"Strategic fit: range 3 points (flagged at 2)"."""
    measure = MEASURES.get(disagreement.measure, disagreement.measure)
    return (
        f"{criterion_title(rubric, disagreement.criterion)}: {measure} "
        f"{disagreement.spread} points (flagged at {disagreement.threshold})"
    )


def raw_panel_score(result: panel_results.BidResult) -> Decimal | None:
    """The bid's panel score from its members' totals as scored, whether or not the round's score
    was made from normalised totals."""
    if result.panel is None:
        return None
    return scoring.combine(result.panel.raw_totals.values(), result.panel.method)


def latest_decisions(funding_round: FundingRound) -> dict[str, dict] | None:
    """The newest funding recommendation's decisions by bid reference, or None when there is none.

    The recommendation lives in ``grants.interfaces.panel.decisions``; a build without it has no column.
    """
    try:
        from grants.interfaces.panel.decisions import latest_recommendation
    except ImportError:
        return None
    record = latest_recommendation(funding_round)
    if record is None:
        return None
    decisions = (record.result or {}).get("decisions") or []
    return {entry["reference"]: entry for entry in decisions if isinstance(entry, dict) and "reference" in entry}


def placed_by(decided_by: str | None, tie_break: str = "strategic fit") -> str:
    """Why a bid ranks where it does, for the results table: what put it below the bid above (one
    of ``scoring.RULES``, None for the first bid). ``tie_break`` names the criterion whose score
    breaks ties (strategic fit, unless the rubric has none)."""
    if decided_by is None:
        return "Highest final score"
    return {
        scoring.RULES[0]: "Lower final score",
        scoring.RULES[1]: f"Same final score, lower {tie_break} score",
        scoring.RULES[2]: "Same scores, asks for more money",
        scoring.RULES[3]: "Same scores and amount, later reference",
    }.get(decided_by, decided_by)
