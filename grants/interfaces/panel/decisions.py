"""The funding recommendation, the commissioner's approval and feedback to applicants.

The calculation is ``scoring.recommend_funding``'s; this module feeds it the round's final scores,
keeps what it said as a snapshot (``FundingRecommendationRecord``: money in pence, scores as
strings), turns the commissioner's approval into outcomes, and publishes the officer's feedback.

Rules kept here:
- a recommendation can be run while the round is closed and not yet decided; bids nobody has
  scored are listed as "not scored" and never recommended;
- before the round's scoring deadline it waits for every assigned score sheet, unless an officer
  runs it early with a reason (audited, kept with the recommendation and shown on its page);
- only the latest recommendation, and only one that found a set of bids, can be approved; the
  funded bids never ask for more than the round's budget; a change from the recommendation needs
  a reason; a round is approved once;
- feedback is the officer's own text: it never names a panel member (checked) nor gives anyone's
  individual scores (the page says so), and the applicant sees nothing else from the panel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import cast

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    case,
    func,
    inspect,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.sql.base import ExecutableOption

import scoring
from grants import audit
from grants.email_templates import send_template
from grants.extensions import db
from grants.formatting import london_datetime
from grants.forms import without_nul
from grants.interfaces.panel.assignment import PanelError, full_bid, round_bids
from grants.interfaces.panel.deadlines import sheets_in, sheets_phrase
from grants.interfaces.panel.results import ranking_bid, round_results
from grants.interfaces.writes import rows_changed
from grants.models.accounts import Role, User, UserRole
from grants.models.applications import Application, ApplicationStatus
from grants.models.panel import (
    FundingDecision,
    FundingRecommendationRecord,
    ModeratedScore,
    PanelMember,
    ScoreSheet,
    ScoringAssignment,
    SheetStatus,
)
from grants.models.reference import LocalAuthority, PlanApproach
from grants.models.rounds import FundingRound, RoundState, round_approaches, round_local_authorities
from grants.models.types import utcnow
from scoring.ranking import money

# What a bid nobody has scored is recorded as, beside scoring.Reason's values.
NOT_SCORED = "not scored"
NO_AMOUNT = "no amount requested"
# Recommendations that found a set of bids the commissioner can approve.
APPROVABLE = frozenset({scoring.Status.OPTIMAL.value, scoring.Status.FEASIBLE.value})
DECIDED_STATUSES = (ApplicationStatus.SUCCESSFUL, ApplicationStatus.UNSUCCESSFUL)
REASON_MAX_CHARACTERS = 2_000
STALE_RECOMMENDATION = "A newer recommendation has been run since you opened this page: check it and approve again"


class DecisionError(PanelError):
    """A PanelError about one input of the page (``field``, a form field name), when it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# The recommendation ------------------------------------------------------------------------------

def recommendation_problem(funding_round: FundingRound, now: datetime | None = None) -> str | None:
    """Why a recommendation cannot be run for the round now, or None when it can."""
    state = funding_round.state(now)
    if state is RoundState.DECIDED:
        return "The funding decisions for this round have been approved: the recommendation can no longer be run"
    if state is not RoundState.CLOSED:
        return "The recommendation can be run once the round has closed"
    return None


def early_run_problem(funding_round: FundingRound, now: datetime | None = None) -> str | None:
    """Why the recommendation should wait for the panel: the scoring deadline has not passed and score
    sheets are still to come. None with no deadline, once it has passed, or once every sheet is in."""
    deadline = funding_round.scoring_deadline
    if deadline is None or (now or utcnow()) >= deadline:
        return None
    missing = sheets_in(funding_round).missing
    if missing <= 0:
        return None
    return (f"The panel’s scores are due by {london_datetime(deadline)} and {sheets_phrase(missing)} "
            f"{'is' if missing == 1 else 'are'} not in yet. Wait for the deadline or for every sheet, or run the "
            "recommendation now and give your reason")


def funding_rules(
    funding_round: FundingRound,
    threshold: Decimal,
    objective: str,
    minimums: Iterable[scoring.Minimum] = (),
    max_share: Decimal | None = None,
) -> scoring.FundingRules:
    """The rules for the round's budget; minimums of nothing (no spend, no count) are left out."""
    return scoring.FundingRules(
        budget_pence=scoring.pence(funding_round.total_budget),
        quality_threshold=threshold,
        minimums=tuple(minimum for minimum in minimums if minimum.spend_pence or minimum.count),
        max_organisation_share=max_share,
        objective=scoring.Objective(objective),
    )


def minimum_places(funding_round: FundingRound) -> list[tuple[str, str, str]]:
    """(kind, code, name) of the round's local authority areas, then its approaches, each in their
    reference order: what a recommendation's minimums can be set for. One statement for both
    lists, read as plain columns (loading the two lists of reference rows took two)."""
    return [(kind, code, name) for kind, code, name in
            db.session.execute(_places_statement(), {"round_id": funding_round.id})]


@cache
def _places_statement() -> Select:
    """``minimum_places``' statement, built once, for the parameter ``round_id``."""
    round_id = bindparam("round_id", type_=Integer)
    areas = (
        select(literal(scoring.AREA).label("kind"), LocalAuthority.code, LocalAuthority.name,
               literal(0).label("part"), LocalAuthority.position.label("position"))
        .join(round_local_authorities, round_local_authorities.c.local_authority_id == LocalAuthority.id)
        .where(round_local_authorities.c.round_id == round_id)
    )
    approaches = (
        select(literal(scoring.APPROACH).label("kind"), PlanApproach.code, PlanApproach.name,
               literal(1).label("part"), PlanApproach.position.label("position"))
        .join(round_approaches, round_approaches.c.approach_id == PlanApproach.id)
        .where(round_approaches.c.round_id == round_id)
    )
    places = union_all(areas, approaches).subquery()
    return select(places.c.kind, places.c.code, places.c.name).order_by(places.c.part, places.c.position)


@dataclass(frozen=True)
class Readiness:
    """How far scoring has got, for the warning beside the recommendation."""

    bids: int
    scored: int  # with a final score
    short: int  # with fewer submitted sheets than the round asks for
    scorers_per_bid: int


def readiness(funding_round: FundingRound) -> Readiness:
    """Counted in SQL, in one query: the round's bids, those with a final score (a submitted sheet
    against the round's rubric, or a moderated score) and those short of submitted sheets. The
    same counts as ``round_results`` gives, without scoring the round."""
    bids, scored, short = db.session.execute(_readiness_statement(), {
        "round_id": funding_round.id, "rubric_id": funding_round.rubric_id,
        "scorers_per_bid": funding_round.scorers_per_bid,
    }).one()
    return Readiness(bids=int(bids), scored=int(scored), short=int(short),
                     scorers_per_bid=funding_round.scorers_per_bid)


@cache
def _readiness_statement() -> Select:
    """``readiness``' statement, built once (building it took longer than running it), for the
    parameters ``round_id``, ``rubric_id`` and ``scorers_per_bid``."""
    round_id = bindparam("round_id", type_=Integer)
    sheets = (
        select(ScoreSheet.application_id, func.count(ScoreSheet.id).label("sheets"))
        .where(ScoreSheet.round_id == round_id, ScoreSheet.status == SheetStatus.SUBMITTED,
               ScoreSheet.rubric_id == bindparam("rubric_id", type_=Integer))
        .group_by(ScoreSheet.application_id)
        .subquery()
    )
    submitted = func.coalesce(sheets.c.sheets, 0)
    moderated = select(ModeratedScore.id).where(ModeratedScore.application_id == Application.id).exists()
    return (
        select(
            func.count(Application.id),
            func.coalesce(func.sum(case((or_(submitted > 0, moderated), 1), else_=0)), 0),
            func.coalesce(func.sum(case((submitted < bindparam("scorers_per_bid", type_=Integer), 1), else_=0)), 0),
        )
        .outerjoin(sheets, sheets.c.application_id == Application.id)
        .where(Application.round_id == round_id, full_bid())
    )


def bids_by_id(funding_round: FundingRound, application_ids: Iterable[int] | None = None) -> dict[int, Application]:
    """The round's bids by id (only ``application_ids`` when given), without their lists (for
    their status and feedback beside a recommendation's rows)."""
    query = (
        select(Application)
        .where(Application.round_id == funding_round.id, full_bid())
        .options(lazyload("*"))
    )
    if application_ids is not None:
        query = query.where(Application.id.in_(list(application_ids)))
    return {application.id: application for application in db.session.scalars(query)}


def _rules_snapshot(rules: scoring.FundingRules, aggregation: str, normalised: bool) -> dict:
    return {
        "budget_pence": rules.budget_pence,
        "quality_threshold": str(rules.quality_threshold),
        "objective": rules.objective.value,
        "minimums": [
            {"kind": m.kind, "code": m.code, "name": m.name or m.code, "spend_pence": m.spend_pence, "count": m.count}
            for m in rules.minimums
        ],
        "max_organisation_share": None if rules.max_organisation_share is None else str(rules.max_organisation_share),
        "aggregation": aggregation,
        "normalised": normalised,
    }


def _selection_snapshot(selection: scoring.Selection | None, ids: dict[str, int]) -> dict | None:
    if selection is None:
        return None
    return {
        "references": list(selection.references),
        "application_ids": [ids[reference] for reference in selection.references],
        "spend_pence": selection.spend_pence,
        "remaining_pence": selection.remaining_pence,
        "total_score": str(selection.total_score),
        "objective_value": str(selection.objective_value),
        "checks": [
            {"key": check.key, "label": check.label, "sense": check.sense.value, "required": check.required,
             "measure": "count" if check.key.endswith(":count") else "spend",
             "achieved": check.achieved, "met": check.met}
            for check in selection.checks
        ],
    }


def _unranked(application: Application, reason: str, explanation: str) -> dict:
    return {
        "reference": application.reference, "application_id": application.id,
        "organisation": application.organisation.name, "rank": None, "recommended": False,
        "funded_in_rank_order": False, "reason": reason, "explanation": explanation,
        "amount_pence": scoring.pence(application.amount_requested) if application.amount_requested else 0,
        "score": None,
    }


def _run_early(funding_round: FundingRound, officer: User, early_reason: str | None) -> dict | None:
    """The record of running before the scoring deadline with sheets missing (None when it is not early);
    DecisionError when it is early and no reason is given."""
    problem = early_run_problem(funding_round)
    if problem is None:
        return None
    reason = without_nul(early_reason or "").strip()
    if not reason:
        raise DecisionError(problem, "run_early")
    if len(reason) > REASON_MAX_CHARACTERS:
        raise DecisionError(f"Reason must be {REASON_MAX_CHARACTERS:,} characters or fewer", "early_reason")
    assert funding_round.scoring_deadline is not None  # else no problem
    return {"by": officer.full_name, "reason": reason, "deadline": funding_round.scoring_deadline.isoformat(),
            "missing": sheets_in(funding_round).missing}


def run_recommendation(
    funding_round: FundingRound, rules: scoring.FundingRules, officer: User, early_reason: str | None = None
) -> FundingRecommendationRecord:
    """Recommend which bids to fund under ``rules`` from the final scores so far, and keep it.

    Runs whenever the round is closed and not decided: before its scoring deadline only once every
    assigned sheet is in, or with ``early_reason`` (the officer's reason for not waiting). However far
    scoring has got, the result records how many bids have fewer submitted sheets than the round asks
    for, for the warning.
    """
    problem = recommendation_problem(funding_round)
    if problem:
        raise PanelError(problem)
    run_early = _run_early(funding_round, officer, early_reason)
    results = round_results(funding_round)
    ranked, unranked = [], []
    for result in results.bids:
        application = result.application
        if result.final_score is None:
            unranked.append(_unranked(application, NOT_SCORED, "Not scored: no panel member has submitted scores "
                                                               "for it, so it is not recommended"))
        elif not application.amount_requested or application.amount_requested <= 0:
            unranked.append(_unranked(application, NO_AMOUNT, "It asks for no amount, so it cannot be funded"))
        else:
            ranked.append(result)
    if not ranked:
        raise PanelError("No bid has a panel score yet, so there is nothing to recommend")

    ranking = [(ranking_bid(result, results.rubric), result) for result in ranked]
    by_reference = {bid.reference: (bid, result) for bid, result in ranking}
    ids = {reference: result.application.id for reference, (_bid, result) in by_reference.items()}
    recommendation = scoring.recommend_funding([bid for bid, _result in ranking], rules)
    decisions = []
    for decision in recommendation.decisions:
        bid, result = by_reference[decision.reference]
        decisions.append({
            "reference": decision.reference, "application_id": result.application.id,
            "organisation": result.application.organisation.name, "rank": decision.rank,
            "recommended": decision.recommended, "funded_in_rank_order": decision.funded_in_rank_order,
            "reason": decision.reason.value, "explanation": decision.explanation,
            "amount_pence": bid.amount_pence, "score": str(result.final_score),
        })
    short = [
        {"reference": result.application.reference, "sheets": len(result.sheets)}
        for result in results.bids if len(result.sheets) < funding_round.scorers_per_bid
    ]
    record = FundingRecommendationRecord(
        round_id=funding_round.id,
        rules=_rules_snapshot(rules, results.aggregation.value, results.normalised),
        result={
            "status": recommendation.status.value,
            "optimum": _selection_snapshot(recommendation.optimum, ids),
            "rank_order": _selection_snapshot(recommendation.rank_order, ids),
            "gain": None if recommendation.gain is None else str(recommendation.gain),
            "decisions": decisions + unranked,
            "unmet": list(recommendation.unmet),
            "unmet_keys": list(recommendation.unmet_keys),
            "notes": list(recommendation.notes),
            "scorers_per_bid": funding_round.scorers_per_bid,
            "short_of_scores": short,
            "run_early": run_early,
        },
        created_by_id=officer.id,
        created_at=utcnow(),
    )
    replaces = _approvable_recommendation_run(funding_round)
    db.session.add(record)
    db.session.flush()
    recommended = record.result["optimum"]["references"] if record.result["optimum"] else []
    audit.record(
        "funding.recommendation_run", record,
        f"Funding recommendation run for {funding_round.name}: {recommendation.status.value}, "
        f"{len(recommended)} bid{'' if len(recommended) == 1 else 's'} recommended",
        changes=audit.diff({}, {"rules": record.rules, "status": recommendation.status.value,
                                "recommended": recommended, "unmet": record.result["unmet"]}),
        actor=officer,
    )
    if run_early is not None:
        audit.record(
            "funding.recommendation_run_early", record,
            f"Funding recommendation for {funding_round.name} run before the scoring deadline "
            f"({london_datetime(funding_round.scoring_deadline)}) with {sheets_phrase(run_early['missing'])} "
            f"not in, by {officer.full_name}: {run_early['reason']}",
            changes=audit.diff({}, {"run_early": run_early}), actor=officer,
        )
    if record.result["status"] in APPROVABLE:
        _tell_commissioners(funding_round, record, replaces=replaces)
    return record


def _approvable_recommendation_run(funding_round: FundingRound) -> bool:
    """Whether the round already has a recommendation the commissioners were told they could approve."""
    status = FundingRecommendationRecord.result["status"].as_string()
    return db.session.scalar(
        select(FundingRecommendationRecord.id)
        .where(FundingRecommendationRecord.round_id == funding_round.id, status.in_(sorted(APPROVABLE)))
        .limit(1)
    ) is not None


def active_commissioners() -> list[User]:
    """Who approves a round's funding decisions: every active commissioner, by name."""
    return list(db.session.scalars(
        select(User).join(UserRole)
        .where(UserRole.role == Role.COMMISSIONER, User.active.is_(True))
        .order_by(User.full_name, User.id)
    ).unique())


def _tell_commissioners(funding_round: FundingRound, record: FundingRecommendationRecord, replaces: bool) -> None:
    """Email each commissioner that a recommendation they can approve is ready (one that found no
    set of bids keeping the rules is not: the officer runs it again first)."""
    from grants.interfaces.panel.decision_emails import recommendation_ready_values

    for commissioner in active_commissioners():
        send_template("recommendation_ready", commissioner.email,
                      recommendation_ready_values(funding_round, record, commissioner, replaces))


def latest_recommendation(funding_round: FundingRound,
                          *options: ExecutableOption) -> FundingRecommendationRecord | None:
    """The round's latest recommendation, read with the loader ``options`` given (the recommendation
    page reads it without its result: grants.interfaces.panel.shown_recommendation)."""
    return db.session.scalar(
        select(FundingRecommendationRecord)
        .options(*options)
        .where(FundingRecommendationRecord.round_id == funding_round.id)
        .order_by(FundingRecommendationRecord.id.desc())
        .limit(1)
    )


def recommendation_for(funding_round: FundingRound, record_id: int | None) -> FundingRecommendationRecord | None:
    """The round's recommendation ``record_id``; None for another round's or none at all."""
    record = db.session.get(FundingRecommendationRecord, record_id) if record_id else None
    return record if record is not None and record.round_id == funding_round.id else None


def recommended_ids(record: FundingRecommendationRecord | None) -> set[int]:
    optimum = record.result.get("optimum") if record else None
    return set(optimum["application_ids"]) if optimum else set()


def fundable(funding_round: FundingRound, record: FundingRecommendationRecord | None) -> list[dict]:
    """The recommendation's entries for the bids the commissioner can fund: ranked (scored) and still
    under assessment, in rank order."""
    if record is None:
        return []
    waiting = {application.id for application in round_bids(funding_round)
               if application.status is ApplicationStatus.UNDER_ASSESSMENT}
    return [entry for entry in record.result["decisions"]
            if entry["rank"] is not None and entry["application_id"] in waiting]


# The commissioner's approval ---------------------------------------------------------------------

def decision_for(funding_round: FundingRound) -> FundingDecision | None:
    return db.session.scalar(select(FundingDecision).where(FundingDecision.round_id == funding_round.id))


def approval_problem(funding_round: FundingRound, record: FundingRecommendationRecord | None) -> str | None:
    """Why the round cannot be approved from ``record`` (the latest recommendation), or None."""
    if funding_round.decided_at is not None or decision_for(funding_round) is not None:
        return "The funding decisions for this round have already been approved"
    if funding_round.state() is not RoundState.CLOSED:
        return "Funding decisions can be approved once the round has closed and the panel has scored the bids"
    if record is None:
        return "There is no funding recommendation to approve yet: the grants officer runs it"
    if record.result.get("status") not in APPROVABLE:
        return ("The latest recommendation found no set of bids that keeps the rules. "
                "Ask the grants officer to run it again with rules that can be met")
    return None


def approve(
    funding_round: FundingRound,
    record: FundingRecommendationRecord,
    funded_application_ids: Iterable[int],
    reason: str | None,
    commissioner: User,
) -> FundingDecision:
    """Approve the round's funding: the funded bids become successful and every other bid still
    under assessment unsuccessful; the round is decided.

    Every change is a conditional UPDATE inside a savepoint: a bid withdrawn (or newly screened)
    since this request read the round, or a second approval, rolls it all back with a PanelError.
    """
    latest = latest_recommendation(funding_round)
    problem = approval_problem(funding_round, latest)
    if problem:
        raise DecisionError(problem)
    assert latest is not None  # approval_problem says so otherwise
    if record is None or record.id != latest.id:
        raise DecisionError(STALE_RECOMMENDATION)
    funded = {int(application_id) for application_id in funded_application_ids}
    scored = {
        result.application.id: result.application for result in round_results(funding_round).bids
        if result.final_score is not None and result.application.status is ApplicationStatus.UNDER_ASSESSMENT
    }
    if funded - scored.keys():
        raise DecisionError("Select only bids of this round that are under assessment and have a panel score", "funded")
    total = sum((scored[application_id].amount_requested or Decimal(0) for application_id in funded), Decimal(0))
    if total > funding_round.total_budget:
        over = scoring.pence(total) - scoring.pence(funding_round.total_budget)
        raise DecisionError(
            f"The bids you selected ask for {money(scoring.pence(total))}: that is {money(over)} over the "
            f"{money(scoring.pence(funding_round.total_budget))} budget", "funded")
    recommended = recommended_ids(record)
    changed = funded != recommended
    reason = without_nul(reason or "").strip() or None
    if changed and not reason:
        raise DecisionError("Give the reason for changing the recommendation", "reason")
    if reason and len(reason) > REASON_MAX_CHARACTERS:
        raise DecisionError(f"Reason must be {REASON_MAX_CHARACTERS:,} characters or fewer", "reason")

    bids = [application for application in round_bids(funding_round)
            if application.status is ApplicationStatus.UNDER_ASSESSMENT]
    others = [application for application in bids if application.id not in funded]
    now = utcnow()
    try:
        with db.session.begin_nested():
            decision = _apply_decision(funding_round, record, funded, others, changed, reason, commissioner, now)
    except IntegrityError:  # the unique round_id: another approval got there first
        raise DecisionError("The funding decisions for this round have already been approved") from None
    db.session.refresh(funding_round)
    for application in bids:
        db.session.expire(application)
    _audit_decision(funding_round, decision, bids, funded, commissioner)
    # The decision notice is drafted in the same transaction (imported here: it reads this module).
    from grants.interfaces.decisions.notices import draft_notice

    draft_notice(decision, commissioner)
    return decision


def _apply_decision(funding_round, record, funded, others, changed, reason, commissioner, now) -> FundingDecision:
    updated = rows_changed(
        update(FundingRound)
        .where(FundingRound.id == funding_round.id, FundingRound.decided_at.is_(None))
        .values(decided_at=now, version=FundingRound.version + 1)
        .execution_options(synchronize_session=False)
    )
    if updated != 1:
        raise DecisionError("The funding decisions for this round have already been approved")
    record_member_counts(funding_round.id)
    moved = (_set_status(funding_round, Application.id.in_(sorted(funded)), ApplicationStatus.SUCCESSFUL)
             if funded else 0)
    if moved != len(funded):
        raise _bids_changed()
    moved = _set_status(funding_round, Application.id.not_in(sorted(funded)), ApplicationStatus.UNSUCCESSFUL)
    if moved != len(others):
        raise _bids_changed()
    decision = FundingDecision(
        round_id=funding_round.id, recommendation_id=record.id, funded=sorted(funded), changed=changed,
        reason=reason, approved_by_id=commissioner.id, approved_at=now,
    )
    db.session.add(decision)
    db.session.flush()
    return decision


def record_member_counts(round_id: int) -> None:
    """Record on each of the round's panel members their bids assigned and, of those, their score
    sheets submitted, as the member's queue shows a decided round. Done when the round is decided:
    its assignments and sheets cannot change after that (``assignment`` and ``score_sheets`` refuse),
    so the queue reads these instead of counting."""
    write_member_counts(db.session(), round_id)
    for seat in list(db.session.identity_map.values()):  # the seats this session has loaded
        if isinstance(seat, PanelMember) and (inspect(seat).identity or (None,))[0] == round_id:
            db.session.expire(seat, ["assigned", "submitted"])


# A seat's counts, by its primary key: run for many seats at once.
_SEATS = cast(Table, PanelMember.__table__)
_SEAT_COUNTS = (
    update(_SEATS)
    .where(_SEATS.c.round_id == bindparam("seat_round"), _SEATS.c.user_id == bindparam("seat_user"))
    .values(assigned=bindparam("seat_assigned"), submitted=bindparam("seat_submitted"))
)


def write_member_counts(executor: Session | Connection, round_id: int) -> None:
    """Count each member's assigned bids and submitted sheets in the round and write them on their
    seats (``record_member_counts``), through ``executor``: the session, or the benchmark generator's
    connection. One SELECT over the round's assignments and sheets (a round's sheets are found by
    its index, so the cost follows the round's size), then an UPDATE of the seats."""
    mine = (select(ScoringAssignment.user_id, func.count().label("assigned"),
                   func.count(ScoreSheet.id).label("submitted"))
            .outerjoin(ScoreSheet, and_(ScoreSheet.application_id == ScoringAssignment.application_id,
                                        ScoreSheet.user_id == ScoringAssignment.user_id,
                                        ScoreSheet.round_id == round_id, ScoreSheet.status == SheetStatus.SUBMITTED))
            .where(ScoringAssignment.round_id == round_id)
            .group_by(ScoringAssignment.user_id)
            .subquery())
    seats = [
        {"seat_round": round_id, "seat_user": user_id, "seat_assigned": assigned, "seat_submitted": submitted}
        for user_id, assigned, submitted in executor.execute(
            select(PanelMember.user_id, func.coalesce(mine.c.assigned, 0), func.coalesce(mine.c.submitted, 0))
            .outerjoin(mine, mine.c.user_id == PanelMember.user_id)
            .where(PanelMember.round_id == round_id)
        )
    ]
    if seats:
        executor.execute(_SEAT_COUNTS, seats)


def _set_status(funding_round: FundingRound, which, status: ApplicationStatus) -> int:
    """Move the round's bids that are still under assessment (and ``which``) to ``status``."""
    return rows_changed(
        update(Application)
        .where(Application.round_id == funding_round.id, Application.status == ApplicationStatus.UNDER_ASSESSMENT,
               which)
        .values(status=status, version=Application.version + 1)
        .execution_options(synchronize_session=False)
    )


def _bids_changed() -> DecisionError:
    return DecisionError("A bid in this round was withdrawn or screened while you were approving. "
                         "Nothing was changed: check the bids and approve again")


def _audit_decision(funding_round, decision, bids, funded, commissioner) -> None:
    for application in bids:
        status = ApplicationStatus.SUCCESSFUL if application.id in funded else ApplicationStatus.UNSUCCESSFUL
        audit.record(
            "application.funding_decided", ("Application", application.id),
            f"{application.reference} {'approved for funding' if application.id in funded else 'not funded'}",
            changes=audit.diff({"status": ApplicationStatus.UNDER_ASSESSMENT}, {"status": status}),
            actor=commissioner,
        )
    summary = f"Funding decisions approved for {funding_round.name}: {len(funded)} funded"
    if decision.changed:
        summary += f", changed from the recommendation ({decision.reason})"
    audit.record("funding.approved", decision, summary,
                 changes=audit.diff({"decided_at": None}, {**audit.snapshot(decision),
                                                           "decided_at": funding_round.decided_at}),
                 actor=commissioner)


@dataclass(frozen=True)
class DecisionChanges:
    """How a decision differs from its recommendation (the recommendation's entries for the bids)."""

    added: list[dict]
    removed: list[dict]


def decision_changes(decision: FundingDecision) -> DecisionChanges:
    entries = {entry["application_id"]: entry for entry in decision.recommendation.result["decisions"]}
    recommended = recommended_ids(decision.recommendation)
    funded = set(decision.funded)
    return DecisionChanges(
        added=[entries[i] for i in sorted(funded - recommended) if i in entries],
        removed=[entries[i] for i in sorted(recommended - funded) if i in entries],
    )
