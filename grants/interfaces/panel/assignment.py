"""The assessment panel: rubrics, the rounds and bids a panel scores, membership, conflicts of
interest and assignment. Members' score sheets are in ``score_sheets``, the round's results and
moderation in ``results``; the calculations are the ``scoring`` package's.

Rules kept here:
- a declared conflict is kept and never withdrawn, and takes the member off that bid;
- assignment never gives a member a bid they are conflicted on;
- once the commissioner has decided a round, its panel, settings and assignments stay as they are;
- a rubric is frozen (``freeze_rubric``) when the first score in a round that uses it is saved.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort
from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.orm import joinedload, lazyload, selectinload

import scoring
from grants import audit
from grants.extensions import db
from grants.interfaces.panel import notices as panel_notices
from grants.interfaces.writes import rows_changed
from grants.models.accounts import Role, User, UserRole
from grants.models.applications import Application, ApplicationStage, ApplicationStatus
from grants.models.panel import (
    ConflictDeclaration,
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
# Expressions of interest the panel scores, in a round whose panel scores them: every one sent, whatever
# its shortlisting.
EOI_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.SUCCESSFUL, ApplicationStatus.UNSUCCESSFUL)


def full_bid() -> ColumnElement[bool]:
    """A full application the panel scores. Results, rankings, recommendations and funding decisions
    consider these alone: an expression of interest is never a bid to fund."""
    return and_(Application.stage == ApplicationStage.FULL, Application.status.in_(BID_STATUSES))


def scored_by_panel() -> ColumnElement[bool]:
    """What members are assigned and score: the full bids, and the expressions of interest of rounds
    whose panel scores them (``FundingRound.panel_scores_eoi``)."""
    scores_eois = select(FundingRound.id).where(FundingRound.panel_scores_eoi.is_(True))
    return or_(full_bid(), and_(Application.stage == ApplicationStage.EXPRESSION_OF_INTEREST,
                                Application.status.in_(EOI_STATUSES), Application.round_id.in_(scores_eois)))


def is_scored_by_panel(application: Application) -> bool:
    """``scored_by_panel`` for one application already loaded."""
    if application.stage is ApplicationStage.FULL:
        return application.status in BID_STATUSES
    return application.funding_round.panel_scores_eoi and application.status in EOI_STATUSES


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
    updated = rows_changed(
        update(Rubric)
        .where(Rubric.id == rubric.id, Rubric.frozen_at.is_(None))
        .values(frozen_at=now)
        .execution_options(synchronize_session=False)
    )
    if updated == 1:
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
    """A published round with a rubric; anything else is "not found". The rubric and its criteria
    come with it, in the same statement (a handful of criteria; a second statement for them cost
    more than the repeated round columns); the round's other lists (areas, approaches, strands,
    outcomes, legal types) load only if a page reads them, as most panel pages do not."""
    funding_round = db.session.get(FundingRound, round_id, options=[
        lazyload("*"), joinedload(FundingRound.rubric).joinedload(Rubric.criteria),
    ])
    if funding_round is None or funding_round.published_at is None or funding_round.rubric is None:
        abort(404)
    return funding_round


def round_rubric(funding_round: FundingRound) -> Rubric:
    """The round's rubric. The panel works only on rounds that have one (``round_for_panel`` gives no
    other), so every round reaching the panel's functions has one."""
    rubric = funding_round.rubric
    assert rubric is not None, f"round {funding_round.id} has no rubric"
    return rubric


def scoring_open(funding_round: FundingRound, now: datetime | None = None,
                 application: Application | None = None) -> bool:
    """Scores can be saved once the round has closed and until the commissioner decides it; in a round
    whose panel scores expressions of interest, those from when they close (so that their scores can
    inform the shortlist while full applications are written). With ``application``: whether its
    scores can be saved (a full bid's only once the round has closed)."""
    now = now or utcnow()
    state = funding_round.state(now)
    if state is RoundState.CLOSED:
        return True
    if application is not None and application.stage is ApplicationStage.FULL:
        return False
    return (state is RoundState.OPEN and funding_round.panel_scores_eoi and funding_round.eoi_closes_at is not None
            and now >= funding_round.eoi_closes_at)


def round_bids(funding_round: FundingRound, with_eois: bool = False, areas: bool = True) -> list[Application]:
    """The full bids the panel scores in a round, by reference; ``with_eois``: and the expressions of
    interest it scores, as members are assigned them. ``areas=False`` leaves the bids' local authorities
    and approaches unloaded, for pages that show neither (reading them then costs a query per bid)."""
    extra = ((selectinload(Application.local_authorities), selectinload(Application.approaches)) if areas
             else (lazyload(Application.local_authorities), lazyload(Application.approaches)))
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.round_id == funding_round.id, scored_by_panel() if with_eois else full_bid())
            # Not the sections (loaded with every application by default): the panel's pages and
            # exports read none of their answers, and a 1,000-bid round has ten times as many.
            .options(joinedload(Application.organisation), *extra, lazyload(Application.sections))
            .order_by(Application.reference, Application.id)
        ).unique()
    )


def round_bid(funding_round: FundingRound, application_id: int) -> Application:
    """One of the round's bids (or expressions of interest its panel scores); anything else is "not found"."""
    application = db.session.get(Application, application_id)
    if application is None or application.round_id != funding_round.id or not is_scored_by_panel(application):
        abort(404)
    return application


# Membership --------------------------------------------------------------------------------------

def members(funding_round: FundingRound) -> list[PanelMember]:
    return list(
        db.session.scalars(
            select(PanelMember)
            .join(PanelMember.user)
            .where(PanelMember.round_id == funding_round.id)
            # Members' roles are not shown on the panel's pages: not loaded with them.
            .options(joinedload(PanelMember.user).lazyload(User.role_grants))
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
    db.session.execute(
        delete(ScoreSheet).where(ScoreSheet.round_id == funding_round.id, ScoreSheet.user_id == user.id)
    )
    db.session.execute(
        delete(ScoringAssignment)
        .where(ScoringAssignment.round_id == funding_round.id, ScoringAssignment.user_id == user.id)
    )
    db.session.execute(
        delete(PanelMember).where(PanelMember.round_id == funding_round.id, PanelMember.user_id == user.id)
    )
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
    """(user id, application id) for every declared conflict in the round (plain columns, one query)."""
    return {
        (user_id, application_id)
        for user_id, application_id in db.session.execute(
            select(ConflictDeclaration.user_id, ConflictDeclaration.application_id)
            .join(ConflictDeclaration.application)
            .where(Application.round_id == funding_round.id, ConflictDeclaration.conflicted.is_(True))
        )
    }


def declare(application: Application, user: User, conflicted: bool, reason: str | None) -> ConflictDeclaration:
    """Record a member's declaration for a bid. A conflict takes them off the bid (their draft
    score is deleted); it cannot be declared after they have submitted, nor withdrawn later, nor
    anything declared once the round is decided (its assignments are the record)."""
    funding_round = application.funding_round
    if not is_member(funding_round, user):
        abort(404)
    if funding_round.state() is RoundState.DECIDED:
        raise PanelError("The funding decision for this round has been made, so declarations can no longer change. "
                         "Tell the grants officer about a conflict of interest")
    reason = (reason or "").strip() or None
    if conflicted and not reason:
        raise PanelError("Say what the conflict of interest is")
    existing = declaration(application, user)
    if existing is not None and existing.conflicted:
        raise PanelError("You have declared a conflict of interest for this bid. "
                         "A declared conflict cannot be withdrawn")
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
    # The members the officer chose for this round; an account deactivated since cannot sign in to score.
    seated = {str(member.user_id): member.user for member in members(funding_round) if member.user.active}
    member_ids = list(seated)
    if not member_ids:
        raise PanelError("Choose the round's panel members before assigning bids")
    bid_ids = [str(application.id) for application in round_bids(funding_round, with_eois=True)]
    if not bid_ids:
        raise PanelError("The round has no bids that have passed screening")
    existing = {(str(row.user_id), str(row.application_id)) for row in assignments(funding_round)}
    conflicts = {(str(user_id), str(application_id)) for user_id, application_id in conflicted_pairs(funding_round)}
    plan = scoring.assign_scorers(bid_ids, member_ids, conflicts=conflicts,
                                  per_bid=funding_round.scorers_per_bid, existing=existing)
    added: dict[str, int] = dict.fromkeys(member_ids, 0)  # new bids per member
    for bid, scorers in plan.scorers.items():
        for scorer in scorers:
            if (scorer, bid) not in existing:
                db.session.add(ScoringAssignment(application_id=int(bid), user_id=int(scorer),
                                                 round_id=funding_round.id, assigned_by_id=officer.id))
                added[scorer] += 1
    total = sum(added.values())
    audit.record("panel.assigned", funding_round,
                 f"Bids assigned to the panel for {funding_round.name}: {total} new assignment"
                 f"{'' if total == 1 else 's'}", actor=officer)
    panel_notices.bids_assigned(funding_round, [(seated[scorer], count) for scorer, count in added.items()])
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
    panel_notices.bids_assigned(funding_round, [(user, 1)])
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


def sheet_for(application: Application, user: User) -> ScoreSheet | None:
    return db.session.scalar(
        select(ScoreSheet).where(ScoreSheet.application_id == application.id, ScoreSheet.user_id == user.id)
    )
