"""Panel members' score sheets: which bids they may open, saving and submitting scores (blind
until a member has submitted their own), and progress per member and per bid. A member's queue of
bids is ``grants.interfaces.panel.queue``.

A submitted sheet is never changed; the round's rubric is frozen when the first score is saved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask import abort
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

import scoring
from grants import audit
from grants.extensions import db
from grants.interfaces.panel.assignment import (
    PanelError,
    declaration,
    freeze_rubric,
    is_assigned,
    is_member,
    is_scored_by_panel,
    round_rubric,
    scoring_open,
    scoring_rubric,
    sheet_for,
)
from grants.interfaces.writes import rows_changed
from grants.models.accounts import User
from grants.models.applications import Application
from grants.models.panel import ConflictDeclaration, ScoreSheet, ScoringAssignment, SheetStatus
from grants.models.rounds import FundingRound
from grants.models.types import utcnow

# Opening and scoring a bid ----------------------------------------------------------------------

def bid_for_member(user: User, application_id: int) -> Application:
    """A bid in a round the user sits on; anything else is "not found"."""
    application = db.session.get(Application, application_id)
    if application is None or not is_scored_by_panel(application) or not is_member(application.funding_round, user):
        abort(404)
    return application


class DeclaredConflict(Exception):
    """The member declared a conflict of interest with this bid, so may not read or score it. They
    know the bid (it is in their queue), so they are told why rather than shown "not found"."""

    def __init__(self, application: Application, declared: ConflictDeclaration):
        super().__init__(application.reference)
        self.application = application
        self.declared = declared


def bid_to_score(user: User, application_id: int) -> Application:
    """A bid the user may read in full and score: assigned to them and not conflicted. A member who
    declared a conflict with it gets DeclaredConflict; anyone else not assigned to it (or not on the
    round's panel) gets "not found". Whether they have declared yet is the caller's to check."""
    application = bid_for_member(user, application_id)
    found = declaration(application, user)
    if found is not None and found.conflicted:
        raise DeclaredConflict(application, found)
    if not is_assigned(application, user):
        abort(404)
    return application


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


def parse_values(
    rubric: scoring.Rubric, raw: Mapping[str, object]
) -> tuple[dict[str, int | None], list[tuple[str, str]]]:
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


def submission_errors(
    rubric: scoring.Rubric, values: Mapping[str, int | None], comments: Mapping[str, str]
) -> list[tuple[str, str]]:
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
    if not scoring_open(funding_round, application=application):
        raise PanelError("Scoring is not open for this round: scores can be saved after the round closes "
                         "and until the funding decision")
    found = declaration(application, user)
    if found is None:
        raise PanelError("Declare whether you have a conflict of interest before you score this bid")
    if found.conflicted or not is_assigned(application, user):
        abort(404)
    rubric_row = round_rubric(funding_round)
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
        updated = rows_changed(
            update(ScoreSheet)
            .where(ScoreSheet.id == sheet.id, ScoreSheet.status == SheetStatus.DRAFT)
            .values(values=values, comments=comments, updated_at=utcnow(), version=ScoreSheet.version + 1)
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(sheet)
        if updated != 1:
            raise PanelError("You have already submitted your scores for this bid. Submitted scores cannot be changed")

    errors = submission_errors(rubric, values, comments) if submit else []
    if not submit or errors:
        audit.record("panel.score_saved", sheet, f"{user.full_name} saved draft scores for {application.reference}",
                     actor=user)
        return SaveResult(sheet, submitted=False, errors=errors)

    now = utcnow()
    updated = rows_changed(
        update(ScoreSheet)
        .where(ScoreSheet.id == sheet.id, ScoreSheet.status == SheetStatus.DRAFT)
        .values(status=SheetStatus.SUBMITTED, submitted_at=now, version=ScoreSheet.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(sheet)
    if updated != 1:
        raise PanelError("You have already submitted your scores for this bid. Submitted scores cannot be changed")
    # Submitted, so submission_errors found no score missing: every value is a whole number.
    total = scoring.weighted_total(rubric, {key: value for key, value in values.items() if value is not None})
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
    # Plain columns, not score sheets and assignments: only who, which bid and the sheet's status count.
    sheets = {
        (user_id, application_id): status
        for user_id, application_id, status in db.session.execute(
            select(ScoreSheet.user_id, ScoreSheet.application_id, ScoreSheet.status)
            .where(ScoreSheet.round_id == funding_round.id)
        )
    }
    per_member: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    per_bid: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for user_id, application_id in db.session.execute(
        select(ScoringAssignment.user_id, ScoringAssignment.application_id)
        .where(ScoringAssignment.round_id == funding_round.id)
    ):
        status = sheets.get((user_id, application_id))
        for counts in (per_member[user_id], per_bid[application_id]):
            counts[0] += 1
            if status is SheetStatus.DRAFT:
                counts[1] += 1
            elif status is SheetStatus.SUBMITTED:
                counts[2] += 1
    return (
        {key: Progress(*counts) for key, counts in per_member.items()},
        {key: Progress(*counts) for key, counts in per_bid.items()},
    )
