"""The assessment panel: membership, conflicts of interest, assignment, score sheets, results and
moderation. The calculations are the ``scoring`` package's; this module moves rows in and out.

Rules kept here:
- a member sees and scores only bids in rounds they sit on, that they are assigned to, and on
  which they have declared no conflict; a declared conflict is kept and never withdrawn;
- scoring is blind: no member sees another's scores for a bid before submitting their own;
- a submitted score sheet is never changed; moderation is recorded beside it;
- the round's rubric is frozen when the first score in a round that uses it is saved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask import abort
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload, selectinload

import scoring
from grants import audit
from grants.extensions import db
from grants.models.accounts import Role, User, UserRole
from grants.models.applications import Application, ApplicationStatus
from grants.models.panel import (
    ConflictDeclaration,
    ModeratedScore,
    PanelMember,
    ScoreSheet,
    ScoringAssignment,
    SheetStatus,
)
from grants.models.rounds import FundingRound, RoundState
from grants.models.rubrics import Rubric
from grants.models.types import utcnow

# Who manages the panel (membership, assignment, moderation, the recommendation) and who may
# look at its results.
PANEL_MANAGERS = (Role.GRANTS_OFFICER,)
PANEL_VIEWERS = (Role.GRANTS_OFFICER, Role.COMMISSIONER, Role.ADMIN)

# Applications the panel scores: those that passed screening, and after the decision the outcome.
BID_STATUSES = (ApplicationStatus.UNDER_ASSESSMENT, ApplicationStatus.SUCCESSFUL, ApplicationStatus.UNSUCCESSFUL)


class PanelError(Exception):
    """A panel action that cannot be done; the message says why, for the person who tried."""


# Rubrics -----------------------------------------------------------------------------------------

def scoring_rubric(rubric: Rubric) -> scoring.Rubric:
    """The stored rubric as the scoring package's value."""
    return scoring.Rubric(
        name=rubric.name,
        version=rubric.version,
        criteria=tuple(
            scoring.Criterion(
                key=criterion.key,
                title=criterion.title,
                weight=criterion.weight,
                descriptors={int(score): text for score, text in criterion.descriptors.items()},
                scale_min=criterion.scale_min,
                scale_max=criterion.scale_max,
                guidance=criterion.guidance,
            )
            for criterion in rubric.criteria
        ),
    )


def tie_break_criterion(rubric: scoring.Rubric) -> str:
    """The criterion whose panel score breaks ties in the ranking: strategic fit when the rubric
    has it, otherwise its first criterion."""
    return scoring.STRATEGIC_FIT if scoring.STRATEGIC_FIT in rubric.keys else rubric.keys[0]


def freeze_rubric(rubric: Rubric, now: datetime | None = None) -> None:
    """Freeze ``rubric`` if it is not frozen yet (one conditional UPDATE, so it happens once)."""
    now = now or utcnow()
    result = db.session.execute(
        update(Rubric)
        .where(Rubric.id == rubric.id, Rubric.frozen_at.is_(None))
        .values(frozen_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        audit.record("rubric.frozen", rubric, f"{rubric.label} frozen: the first score was saved")
    db.session.refresh(rubric)


# Rounds and bids ---------------------------------------------------------------------------------

def panel_rounds() -> list[FundingRound]:
    """Published rounds with a rubric, newest closing date first: the rounds a panel can sit on."""
    return list(
        db.session.scalars(
            select(FundingRound)
            .where(FundingRound.published_at.is_not(None), FundingRound.rubric_id.is_not(None))
            .order_by(FundingRound.closes_at.desc(), FundingRound.id.desc())
        )
    )


def round_for_panel(round_id: int) -> FundingRound:
    """A published round with a rubric; anything else is "not found"."""
    funding_round = db.session.get(FundingRound, round_id)
    if funding_round is None or funding_round.published_at is None or funding_round.rubric is None:
        abort(404)
    return funding_round


def scoring_open(funding_round: FundingRound, now: datetime | None = None) -> bool:
    """Scores can be saved once the round has closed and until the commissioner decides it."""
    return funding_round.state(now) is RoundState.CLOSED


def round_bids(funding_round: FundingRound) -> list[Application]:
    """The applications the panel scores in a round, by reference."""
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.round_id == funding_round.id, Application.status.in_(BID_STATUSES))
            .options(joinedload(Application.organisation), selectinload(Application.local_authorities),
                     selectinload(Application.approaches))
            .order_by(Application.reference, Application.id)
        ).unique()
    )


def round_bid(funding_round: FundingRound, application_id: int) -> Application:
    """One of the round's bids; anything else is "not found"."""
    application = db.session.get(Application, application_id)
    if application is None or application.round_id != funding_round.id or application.status not in BID_STATUSES:
        abort(404)
    return application


# Membership --------------------------------------------------------------------------------------

def members(funding_round: FundingRound) -> list[PanelMember]:
    return list(
        db.session.scalars(
            select(PanelMember)
            .join(PanelMember.user)
            .where(PanelMember.round_id == funding_round.id)
            .order_by(User.full_name, User.id)
        )
    )


def eligible_members() -> list[User]:
    """Active users holding the panel member role, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role == Role.PANEL_MEMBER, User.active.is_(True))
            .order_by(User.full_name, User.id)
        ).unique()
    )


def is_member(funding_round: FundingRound, user: User) -> bool:
    return db.session.get(PanelMember, (funding_round.id, user.id)) is not None


def add_member(funding_round: FundingRound, user: User, officer: User) -> PanelMember:
    if not user.active or not user.has_role(Role.PANEL_MEMBER):
        raise PanelError(f"{user.full_name} is not an active panel member: an administrator can give them the role")
    if funding_round.state() is RoundState.DECIDED:
        raise PanelError("The round has been decided: its panel can no longer change")
    if is_member(funding_round, user):
        raise PanelError(f"{user.full_name} is already on the panel for this round")
    member = PanelMember(round_id=funding_round.id, user_id=user.id, added_by_id=officer.id)
    db.session.add(member)
    audit.record("panel.member_added", funding_round, f"{user.full_name} added to the panel for {funding_round.name}",
                 actor=officer)
    return member


def remove_member(funding_round: FundingRound, user: User, officer: User) -> None:
    """Take a member off the panel with their assignments and draft scores. Refused once they
    have submitted a score in the round (their scores are part of the record)."""
    if funding_round.state() is RoundState.DECIDED:
        raise PanelError("The round has been decided: its panel can no longer change")
    if not is_member(funding_round, user):
        raise PanelError(f"{user.full_name} is not on the panel for this round")
    submitted = db.session.scalar(
        select(func.count()).select_from(ScoreSheet).where(
            ScoreSheet.round_id == funding_round.id, ScoreSheet.user_id == user.id,
            ScoreSheet.status == SheetStatus.SUBMITTED,
        )
    )
    if submitted:
        raise PanelError(
            f"{user.full_name} has submitted scores in this round, so they stay on the panel: "
            "their scores are part of the record"
        )
    db.session.execute(delete(ScoreSheet).where(ScoreSheet.round_id == funding_round.id, ScoreSheet.user_id == user.id))
    db.session.execute(
        delete(ScoringAssignment).where(ScoringAssignment.round_id == funding_round.id, ScoringAssignment.user_id == user.id)
    )
    db.session.execute(delete(PanelMember).where(PanelMember.round_id == funding_round.id, PanelMember.user_id == user.id))
    audit.record("panel.member_removed", funding_round,
                 f"{user.full_name} removed from the panel for {funding_round.name}", actor=officer)


def set_panel_settings(
    funding_round: FundingRound, scorers_per_bid: int, aggregation: str, normalise: bool, officer: User
) -> None:
    """How many members score each bid, and how their totals become the panel score."""
    if funding_round.state() is RoundState.DECIDED:
        raise PanelError("The round has been decided: its panel settings can no longer change")
    if not 1 <= scorers_per_bid <= 20:
        raise PanelError("Scorers per bid must be between 1 and 20")
    scoring.Aggregation(aggregation)  # ValueError for anything else
    changes = audit.diff(
        {"scorers_per_bid": funding_round.scorers_per_bid, "score_aggregation": funding_round.score_aggregation,
         "normalise_scores": funding_round.normalise_scores},
        {"scorers_per_bid": scorers_per_bid, "score_aggregation": aggregation, "normalise_scores": normalise},
    )
    if not changes:
        return
    funding_round.scorers_per_bid = scorers_per_bid
    funding_round.score_aggregation = aggregation
    funding_round.normalise_scores = normalise
    audit.record("panel.settings_changed", funding_round, f"Panel settings changed for {funding_round.name}",
                 changes=changes, actor=officer)


# Conflicts of interest ---------------------------------------------------------------------------

def declaration(application: Application, user: User) -> ConflictDeclaration | None:
    return db.session.scalar(
        select(ConflictDeclaration).where(
            ConflictDeclaration.application_id == application.id, ConflictDeclaration.user_id == user.id
        )
    )


def declarations(funding_round: FundingRound) -> list[ConflictDeclaration]:
    return list(
        db.session.scalars(
            select(ConflictDeclaration)
            .join(ConflictDeclaration.application)
            .where(Application.round_id == funding_round.id)
            .options(joinedload(ConflictDeclaration.user))
        )
    )


def conflicted_pairs(funding_round: FundingRound) -> set[tuple[int, int]]:
    """(user id, application id) for every declared conflict in the round."""
    return {
        (row.user_id, row.application_id) for row in declarations(funding_round) if row.conflicted
    }


def declare(application: Application, user: User, conflicted: bool, reason: str | None) -> ConflictDeclaration:
    """Record a member's declaration for a bid. A conflict takes them off the bid (their draft
    score is deleted); it cannot be declared after they have submitted, nor withdrawn later."""
    funding_round = application.funding_round
    if not is_member(funding_round, user):
        abort(404)
    reason = (reason or "").strip() or None
    if conflicted and not reason:
        raise PanelError("Say what the conflict of interest is")
    existing = declaration(application, user)
    if existing is not None and existing.conflicted:
        raise PanelError("You have declared a conflict of interest for this bid. A declared conflict cannot be withdrawn")
    if existing is not None and not conflicted:
        return existing  # "no conflict" again: nothing to change
    sheet = sheet_for(application, user)
    if sheet is not None and sheet.submitted:
        raise PanelError(
            "You have already submitted your scores for this bid. Tell the grants officer about the conflict "
            "so that they can moderate the bid"
        )
    now = utcnow()
    if existing is None:
        existing = ConflictDeclaration(application_id=application.id, user_id=user.id, conflicted=conflicted,
                                       reason=reason if conflicted else None, declared_at=now)
        db.session.add(existing)
    else:
        existing.conflicted, existing.reason, existing.declared_at = True, reason, now
    if conflicted:
        if sheet is not None:
            db.session.delete(sheet)
        db.session.execute(
            delete(ScoringAssignment).where(
                ScoringAssignment.application_id == application.id, ScoringAssignment.user_id == user.id
            )
        )
    db.session.flush()
    what = f"a conflict of interest ({reason})" if conflicted else "no conflict of interest"
    audit.record("panel.conflict_declared" if conflicted else "panel.no_conflict_declared", application,
                 f"{user.full_name} declared {what} for {application.reference}", actor=user)
    return existing


# Assignment --------------------------------------------------------------------------------------

def assignments(funding_round: FundingRound) -> list[ScoringAssignment]:
    return list(
        db.session.scalars(
            select(ScoringAssignment)
            .where(ScoringAssignment.round_id == funding_round.id)
            .options(joinedload(ScoringAssignment.user))
        )
    )


def is_assigned(application: Application, user: User) -> bool:
    return db.session.get(ScoringAssignment, (application.id, user.id)) is not None


def run_assignment(funding_round: FundingRound, officer: User) -> scoring.Assignment:
    """Give every bid the round's number of scorers, keeping existing assignments and declared
    conflicts, and sharing the work (scoring.assign_scorers). Returns the plan, with shortfalls."""
    if funding_round.state() is RoundState.DECIDED:
        raise PanelError("The round has been decided: assignments can no longer change")
    member_ids = [str(member.user_id) for member in members(funding_round)]
    if not member_ids:
        raise PanelError("Add panel members to the round before assigning bids")
    bid_ids = [str(application.id) for application in round_bids(funding_round)]
    if not bid_ids:
        raise PanelError("The round has no bids that have passed screening")
    existing = {(str(row.user_id), str(row.application_id)) for row in assignments(funding_round)}
    conflicts = {(str(user_id), str(application_id)) for user_id, application_id in conflicted_pairs(funding_round)}
    plan = scoring.assign_scorers(bid_ids, member_ids, conflicts=conflicts,
                                  per_bid=funding_round.scorers_per_bid, existing=existing)
    added = 0
    for bid, scorers in plan.scorers.items():
        for scorer in scorers:
            if (scorer, bid) not in existing:
                db.session.add(ScoringAssignment(application_id=int(bid), user_id=int(scorer),
                                                 round_id=funding_round.id, assigned_by_id=officer.id))
                added += 1
    audit.record("panel.assigned", funding_round,
                 f"Bids assigned to the panel for {funding_round.name}: {added} new assignment"
                 f"{'' if added == 1 else 's'}", actor=officer)
    return plan


def assign(application: Application, user: User, officer: User) -> ScoringAssignment:
    """An officer's hand-made assignment of one member to one bid."""
    funding_round = application.funding_round
    if funding_round.state() is RoundState.DECIDED:
        raise PanelError("The round has been decided: assignments can no longer change")
    if not is_member(funding_round, user):
        raise PanelError(f"{user.full_name} is not on the panel for this round")
    found = declaration(application, user)
    if found is not None and found.conflicted:
        raise PanelError(f"{user.full_name} has declared a conflict of interest for {application.reference}")
    if is_assigned(application, user):
        raise PanelError(f"{user.full_name} is already assigned to {application.reference}")
    row = ScoringAssignment(application_id=application.id, user_id=user.id, round_id=funding_round.id,
                            manual=True, assigned_by_id=officer.id)
    db.session.add(row)
    audit.record("panel.assignment_added", application,
                 f"{user.full_name} assigned to score {application.reference}", actor=officer)
    return row


def unassign(application: Application, user: User, officer: User) -> None:
    """Take a member off a bid, with their draft score; refused once they have submitted."""
    if application.funding_round.state() is RoundState.DECIDED:
        raise PanelError("The round has been decided: assignments can no longer change")
    if not is_assigned(application, user):
        raise PanelError(f"{user.full_name} is not assigned to {application.reference}")
    sheet = sheet_for(application, user)
    if sheet is not None and sheet.submitted:
        raise PanelError(f"{user.full_name} has submitted scores for {application.reference}, so they stay assigned")
    if sheet is not None:
        db.session.delete(sheet)
    db.session.execute(
        delete(ScoringAssignment).where(
            ScoringAssignment.application_id == application.id, ScoringAssignment.user_id == user.id
        )
    )
    audit.record("panel.assignment_removed", application,
                 f"{user.full_name} no longer assigned to score {application.reference}", actor=officer)


# A member's view ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueItem:
    """One bid in a member's round, and where the member is with it."""

    application: Application
    assigned: bool
    declaration: ConflictDeclaration | None
    sheet: ScoreSheet | None

    @property
    def conflicted(self) -> bool:
        return self.declaration is not None and self.declaration.conflicted

    @property
    def state(self) -> str:
        """"conflict", "declare", "not_started", "draft", "submitted" or "not_assigned"."""
        if self.conflicted:
            return "conflict"
        if not self.assigned:
            return "not_assigned"
        if self.declaration is None:
            return "declare"
        if self.sheet is None:
            return "not_started"
        return self.sheet.status.value


@dataclass(frozen=True)
class MemberRound:
    funding_round: FundingRound
    items: list[QueueItem]

    @property
    def assigned(self) -> int:
        return sum(1 for item in self.items if item.assigned)

    @property
    def submitted(self) -> int:
        return sum(1 for item in self.items if item.state == "submitted")


def member_queue(user: User) -> list[MemberRound]:
    """Every round the user sits on, with each bid and their progress; a fixed number of queries."""
    memberships = list(
        db.session.scalars(
            select(PanelMember).where(PanelMember.user_id == user.id).options(joinedload(PanelMember.funding_round))
        )
    )
    rounds = sorted((m.funding_round for m in memberships), key=lambda r: (r.closes_at, r.id), reverse=True)
    round_ids = [r.id for r in rounds]
    if not round_ids:
        return []
    bids = list(
        db.session.scalars(
            select(Application)
            .where(Application.round_id.in_(round_ids), Application.status.in_(BID_STATUSES))
            .options(joinedload(Application.organisation))
            .order_by(Application.reference, Application.id)
        ).unique()
    )
    assigned = set(db.session.scalars(
        select(ScoringAssignment.application_id).where(ScoringAssignment.user_id == user.id,
                                                       ScoringAssignment.round_id.in_(round_ids))
    ))
    declared = {
        row.application_id: row for row in db.session.scalars(
            select(ConflictDeclaration).join(ConflictDeclaration.application)
            .where(ConflictDeclaration.user_id == user.id, Application.round_id.in_(round_ids))
        )
    }
    sheets = {
        row.application_id: row for row in db.session.scalars(
            select(ScoreSheet).where(ScoreSheet.user_id == user.id, ScoreSheet.round_id.in_(round_ids))
        )
    }
    by_round: dict[int, list[QueueItem]] = defaultdict(list)
    for application in bids:
        by_round[application.round_id].append(
            QueueItem(application, application.id in assigned, declared.get(application.id), sheets.get(application.id))
        )
    return [MemberRound(r, by_round.get(r.id, [])) for r in rounds]


def bid_for_member(user: User, application_id: int) -> Application:
    """A bid in a round the user sits on; anything else is "not found"."""
    application = db.session.get(Application, application_id)
    if application is None or application.status not in BID_STATUSES or not is_member(application.funding_round, user):
        abort(404)
    return application


def bid_to_score(user: User, application_id: int) -> Application:
    """A bid the user may read in full and score: assigned to them and not conflicted. A conflicted
    or unassigned member gets "not found". Whether they have declared yet is the caller's to check."""
    application = bid_for_member(user, application_id)
    found = declaration(application, user)
    if (found is not None and found.conflicted) or not is_assigned(application, user):
        abort(404)
    return application


def sheet_for(application: Application, user: User) -> ScoreSheet | None:
    return db.session.scalar(
        select(ScoreSheet).where(ScoreSheet.application_id == application.id, ScoreSheet.user_id == user.id)
    )


def others_sheets(application: Application, user: User) -> list[ScoreSheet]:
    """Other members' submitted sheets for a bid: only for a member who has submitted their own
    (blind scoring); an empty list otherwise."""
    own = sheet_for(application, user)
    if own is None or not own.submitted:
        return []
    return list(
        db.session.scalars(
            select(ScoreSheet)
            .where(ScoreSheet.application_id == application.id, ScoreSheet.user_id != user.id,
                   ScoreSheet.status == SheetStatus.SUBMITTED)
            .options(joinedload(ScoreSheet.user))
            .order_by(ScoreSheet.submitted_at)
        )
    )


def parse_values(rubric: scoring.Rubric, raw: Mapping[str, object]) -> tuple[dict[str, int | None], list[tuple[str, str]]]:
    """Scores as posted (text) to whole numbers; returns the values and (criterion key, message) errors.

    A blank is kept as None (a draft may leave criteria blank); anything that is not a whole
    number on the criterion's scale is an error and is not kept.
    """
    values: dict[str, int | None] = {}
    errors: list[tuple[str, str]] = []
    for criterion in rubric.criteria:
        text = raw.get(criterion.key)
        text = "" if text is None else str(text).strip()
        if text == "":
            values[criterion.key] = None
            continue
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value() or not (
            criterion.scale_min <= number <= criterion.scale_max
        ):
            errors.append((criterion.key, f"Score for {criterion.title.lower()} must be a whole number from "
                                          f"{criterion.scale_min} to {criterion.scale_max}"))
            values[criterion.key] = None
            continue
        values[criterion.key] = int(number)
    return values, errors


def submission_errors(rubric: scoring.Rubric, values: Mapping[str, int | None], comments: Mapping[str, str]) -> list[tuple[str, str]]:
    """What stops a sheet being submitted: a missing score, or a missing comment where the score is
    at the top or bottom of the scale. (criterion key, message) pairs in the rubric's order."""
    errors = []
    for criterion in rubric.criteria:
        value = values.get(criterion.key)
        if value is None:
            errors.append((criterion.key, f"Select a score for {criterion.title.lower()}"))
        elif scoring.required_comment(rubric, criterion.key, value) and not (comments.get(criterion.key) or "").strip():
            errors.append((criterion.key, f"Enter a comment for {criterion.title.lower()}: a score of {value} "
                                          "needs a comment explaining it"))
    return errors


@dataclass
class SaveResult:
    sheet: ScoreSheet
    submitted: bool
    errors: list[tuple[str, str]] = field(default_factory=list)


def save_sheet(
    application: Application, user: User, values: Mapping[str, int | None], comments: Mapping[str, str], submit: bool
) -> SaveResult:
    """Save the member's scores and comments as a draft and, when ``submit`` and nothing is missing,
    submit them. What was typed is always kept as a draft, even when submission is refused.

    Raises PanelError when scoring is not open, the member has not declared, or the sheet was
    already submitted (a submitted sheet is never changed).
    """
    funding_round = application.funding_round
    if not scoring_open(funding_round):
        raise PanelError("Scoring is not open for this round: scores can be saved after the round closes "
                         "and until the funding decision")
    found = declaration(application, user)
    if found is None:
        raise PanelError("Declare whether you have a conflict of interest before you score this bid")
    if found.conflicted or not is_assigned(application, user):
        abort(404)
    rubric_row = funding_round.rubric
    # Freeze first, then read the criteria: the freeze's UPDATE waits for an edit of the rubric in
    # progress (which locks the row), so the sheet is checked against the criteria that stay.
    freeze_rubric(rubric_row)
    db.session.expire(rubric_row, ["criteria"])
    rubric = scoring_rubric(rubric_row)
    values = {key: values.get(key) for key in rubric.keys}
    comments = {key: (comments.get(key) or "").strip() for key in rubric.keys}

    sheet = sheet_for(application, user)
    if sheet is not None and sheet.submitted:
        raise PanelError("You have already submitted your scores for this bid. Submitted scores cannot be changed")
    if sheet is None:
        sheet = ScoreSheet(application_id=application.id, user_id=user.id, round_id=funding_round.id,
                           rubric_id=rubric_row.id, values=values, comments=comments)
        db.session.add(sheet)
        db.session.flush()
    else:
        # A conditional UPDATE: a sheet submitted in another tab meanwhile is not overwritten.
        result = db.session.execute(
            update(ScoreSheet)
            .where(ScoreSheet.id == sheet.id, ScoreSheet.status == SheetStatus.DRAFT)
            .values(values=values, comments=comments, updated_at=utcnow(), version=ScoreSheet.version + 1)
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(sheet)
        if result.rowcount != 1:
            raise PanelError("You have already submitted your scores for this bid. Submitted scores cannot be changed")

    errors = submission_errors(rubric, values, comments) if submit else []
    if not submit or errors:
        audit.record("panel.score_saved", sheet, f"{user.full_name} saved draft scores for {application.reference}",
                     actor=user)
        return SaveResult(sheet, submitted=False, errors=errors)

    now = utcnow()
    result = db.session.execute(
        update(ScoreSheet)
        .where(ScoreSheet.id == sheet.id, ScoreSheet.status == SheetStatus.DRAFT)
        .values(status=SheetStatus.SUBMITTED, submitted_at=now, version=ScoreSheet.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(sheet)
    if result.rowcount != 1:
        raise PanelError("You have already submitted your scores for this bid. Submitted scores cannot be changed")
    total = scoring.weighted_total(rubric, values)
    audit.record("panel.score_submitted", sheet,
                 f"{user.full_name} submitted scores for {application.reference} (weighted total {total})",
                 changes={"values": {"before": None, "after": dict(values)}}, actor=user)
    return SaveResult(sheet, submitted=True)


# Progress ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Progress:
    """Assigned, started (draft) and submitted counts, for a member or a bid."""

    assigned: int = 0
    drafts: int = 0
    submitted: int = 0

    @property
    def not_started(self) -> int:
        return self.assigned - self.drafts - self.submitted


def progress(funding_round: FundingRound) -> tuple[dict[int, Progress], dict[int, Progress]]:
    """(progress per member user id, progress per bid application id) for the round."""
    sheets = {
        (row.user_id, row.application_id): row.status
        for row in db.session.scalars(select(ScoreSheet).where(ScoreSheet.round_id == funding_round.id))
    }
    per_member: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    per_bid: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in assignments(funding_round):
        status = sheets.get((row.user_id, row.application_id))
        for counts in (per_member[row.user_id], per_bid[row.application_id]):
            counts[0] += 1
            if status is SheetStatus.DRAFT:
                counts[1] += 1
            elif status is SheetStatus.SUBMITTED:
                counts[2] += 1
    return (
        {key: Progress(*counts) for key, counts in per_member.items()},
        {key: Progress(*counts) for key, counts in per_bid.items()},
    )


# Results -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BidResult:
    """A bid's scores: every submitted sheet, the panel score, any moderation, and the flags."""

    application: Application
    sheets: list[ScoreSheet]  # submitted, by member name
    totals: dict[int, Decimal]  # member user id -> raw weighted total
    normalised: dict[int, Decimal]  # member user id -> normalised total (empty unless calibrated)
    panel: scoring.PanelScore | None  # None until someone has submitted
    moderation: ModeratedScore | None  # the newest, if any
    moderation_history: list[ModeratedScore]  # newest first
    disagreements: list[scoring.Disagreement]
    rank: int | None = None
    decided_by: str | None = None

    @property
    def final_score(self) -> Decimal | None:
        """The moderated score when there is one, otherwise the panel score."""
        if self.moderation is not None:
            return Decimal(self.moderation.score)
        return self.panel.score if self.panel is not None else None

    @property
    def flagged(self) -> bool:
        return bool(self.disagreements)


@dataclass(frozen=True)
class RoundResults:
    funding_round: FundingRound
    rubric: scoring.Rubric
    aggregation: scoring.Aggregation
    normalised: bool
    bids: list[BidResult]  # ranked bids first (by rank), then unscored bids by reference
    calibration: scoring.Calibration | None
    reliability: scoring.Reliability | None
    members: dict[int, User]
    thresholds: scoring.AgreementThresholds

    @property
    def flagged(self) -> list[BidResult]:
        return [bid for bid in self.bids if bid.flagged]

    def bid(self, application_id: int) -> BidResult:
        for bid in self.bids:
            if bid.application.id == application_id:
                return bid
        raise KeyError(application_id)


def _score(sheet: ScoreSheet) -> scoring.Score:
    return scoring.Score(scorer=str(sheet.user_id), bid=str(sheet.application_id),
                         values={key: int(value) for key, value in sheet.values.items()},
                         comments=sheet.comments)


def round_results(
    funding_round: FundingRound,
    aggregation: str | None = None,
    normalise: bool | None = None,
    thresholds: scoring.AgreementThresholds = scoring.AgreementThresholds(),
) -> RoundResults:
    """Every bid's scores and standing in the round, from the submitted sheets.

    ``aggregation`` and ``normalise`` default to the round's panel settings. Moderated scores take
    the place of the panel score in the ranking; raw scores are always kept alongside.
    """
    method = scoring.Aggregation(aggregation or funding_round.score_aggregation)
    normalise = funding_round.normalise_scores if normalise is None else normalise
    rubric = scoring_rubric(funding_round.rubric)
    keys = set(rubric.keys)
    bids = round_bids(funding_round)
    sheets = [
        sheet for sheet in db.session.scalars(
            select(ScoreSheet)
            .where(ScoreSheet.round_id == funding_round.id, ScoreSheet.status == SheetStatus.SUBMITTED)
            .options(joinedload(ScoreSheet.user))
        )
        # Sheets scored against another rubric (the round's rubric cannot change once scoring
        # starts, but be safe) or for an application no longer a bid are left out.
        if set(sheet.values) == keys and sheet.rubric_id == funding_round.rubric_id
    ]
    bid_ids = {application.id for application in bids}
    sheets = [sheet for sheet in sheets if sheet.application_id in bid_ids]
    scores = [_score(sheet) for sheet in sheets]

    calibration = None
    normalised_totals = None
    if normalise and scores:
        calibration = scoring.normalise_totals(rubric, scoring.scorer_totals(rubric, scores))
        normalised_totals = {(entry.scorer, entry.bid): entry.normalised for entry in calibration.entries}
    panel = scoring.panel_scores(rubric, scores, method, normalised_totals)
    disagreements: dict[str, list[scoring.Disagreement]] = defaultdict(list)
    for flag in scoring.find_disagreements(rubric, scores, thresholds):
        disagreements[flag.bid].append(flag)
    reliability = scoring.panel_reliability(rubric, scores) if scores else None

    moderations: dict[int, list[ModeratedScore]] = defaultdict(list)
    if bid_ids:
        for row in db.session.scalars(
            select(ModeratedScore)
            .where(ModeratedScore.application_id.in_(bid_ids))
            .options(joinedload(ModeratedScore.moderated_by))
            .order_by(ModeratedScore.created_at.desc(), ModeratedScore.id.desc())
        ):
            moderations[row.application_id].append(row)

    sheets_by_bid: dict[int, list[ScoreSheet]] = defaultdict(list)
    for sheet in sorted(sheets, key=lambda s: (s.user.full_name, s.user_id)):
        sheets_by_bid[sheet.application_id].append(sheet)

    results = []
    for application in bids:
        key = str(application.id)
        entry = panel.get(key)
        results.append(BidResult(
            application=application,
            sheets=sheets_by_bid.get(application.id, []),
            totals={int(scorer): total for scorer, total in entry.raw_totals.items()} if entry else {},
            normalised={int(scorer): total for scorer, total in entry.totals.items()} if entry and entry.normalised else {},
            panel=entry,
            moderation=moderations[application.id][0] if moderations.get(application.id) else None,
            moderation_history=moderations.get(application.id, []),
            disagreements=disagreements.get(key, []),
        ))

    ranked = scoring.rank_bids(ranking_bid(result, rubric) for result in results if result.final_score is not None)
    by_reference = {result.application.reference: result for result in results}
    ordered = []
    for entry in ranked:
        result = by_reference[entry.bid.reference]
        ordered.append(_with_rank(result, entry.rank, entry.decided_by))
    ordered += [result for result in results if result.final_score is None]
    return RoundResults(
        funding_round=funding_round, rubric=rubric, aggregation=method, normalised=bool(normalise),
        bids=ordered, calibration=calibration, reliability=reliability,
        members={sheet.user_id: sheet.user for sheet in sheets}, thresholds=thresholds,
    )


def _with_rank(result: BidResult, rank: int, decided_by: str | None) -> BidResult:
    from dataclasses import replace

    return replace(result, rank=rank, decided_by=decided_by)


def ranking_bid(result: BidResult, rubric: scoring.Rubric) -> scoring.Bid:
    """The bid as the ranking and the funding recommendation see it (its final score)."""
    application = result.application
    tie_break = tie_break_criterion(rubric)
    return scoring.Bid(
        reference=application.reference,
        organisation=application.organisation.name,
        amount_pence=scoring.pence(application.amount_requested),
        panel_score=result.final_score,
        strategic_fit_score=result.panel.criterion_scores[tie_break] if result.panel else Decimal(0),
        areas=frozenset(la.code for la in application.local_authorities),
        approaches=frozenset(approach.code for approach in application.approaches),
    )


# Moderation --------------------------------------------------------------------------------------

def moderate(application: Application, score_text: str, reason: str, officer: User) -> ModeratedScore:
    """Record a moderated panel score for a bid, with the reason. Earlier moderations and every
    member's raw scores are kept unchanged."""
    funding_round = application.funding_round
    if not scoring_open(funding_round):
        raise PanelError("Scores can be moderated only while the round is being assessed")
    rubric = scoring_rubric(funding_round.rubric)
    try:
        score = Decimal((score_text or "").strip())
    except InvalidOperation:
        raise PanelError(f"Moderated score must be a number from {rubric.scale_min} to {rubric.scale_max}") from None
    if not score.is_finite() or not rubric.scale_min <= score <= rubric.scale_max:
        raise PanelError(f"Moderated score must be a number from {rubric.scale_min} to {rubric.scale_max}")
    if score != score.quantize(Decimal("0.01")):
        raise PanelError("Moderated score can have at most 2 decimal places")
    reason = (reason or "").strip()
    if not reason:
        raise PanelError("Enter the reason for the moderated score")
    row = ModeratedScore(application_id=application.id, score=score, reason=reason, moderated_by_id=officer.id)
    db.session.add(row)
    db.session.flush()
    audit.record("panel.score_moderated", application,
                 f"Moderated score {score} recorded for {application.reference}: {reason}",
                 changes={"moderated_score": {"before": None, "after": str(score)}}, actor=officer)
    return row
