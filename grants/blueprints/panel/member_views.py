"""Panel members' pages: their scoring queue, the conflict of interest declaration for a bid, the
score sheet, and their submitted scores beside the other members' (blind scoring lifts only once
a member has submitted their own)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

import scoring
from grants.blueprints.applications.documents import document_response
from grants.blueprints.panel import bp, table_cells
from grants.blueprints.panel.member_forms import NO_CONFLICT, DeclarationForm, ScoreSheetForm
from grants.extensions import db
from grants.formatting import london_datetime
from grants.forms import page_arg
from grants.interfaces.applications import documents
from grants.interfaces.panel import assignment as panel
from grants.interfaces.panel import queue as member_queue
from grants.interfaces.panel import score_sheets
from grants.models.accounts import Role
from grants.models.rounds import RoundState
from grants.permissions import role_required
from scoring.rubrics import percent


@dataclass(frozen=True)
class QueueState:
    """How a bid's state shows in a member's queue: a tag, and the next thing to do (if any)."""

    tag: str
    colour: str
    action: str | None = None
    endpoint: str | None = None


# Keyed by member_queue.QueueItem.state.
QUEUE_STATES = {
    "declare": QueueState("Declaration needed", "govuk-tag--yellow", "Declare interests", "panel.declare"),
    "not_started": QueueState("Not started", "govuk-tag--blue", "Score", "panel.score"),
    "draft": QueueState("Draft", "govuk-tag--light-blue", "Continue", "panel.score"),
    "submitted": QueueState("Submitted", "govuk-tag--green", "View", "panel.scored_bid"),
    "conflict": QueueState("Conflict of interest declared", "govuk-tag--red"),
    "not_assigned": QueueState("Not assigned", "govuk-tag--grey"),
}


def _member():
    return current_user._get_current_object()


def _rubric(funding_round) -> scoring.Rubric | None:
    return panel.scoring_rubric(funding_round.rubric) if funding_round.rubric is not None else None


def _closed_message(funding_round) -> str | None:
    """Why scores cannot be saved in the round now, or None when they can."""
    if funding_round.rubric_id is None:  # the id, so that the queue need not load each round's rubric
        return "This round has no scoring rubric yet. The grants officer will tell you when you can score"
    if panel.scoring_open(funding_round):
        return None
    if funding_round.state() is RoundState.DECIDED:
        return "Scoring has closed: the commissioner has made the funding decision for this round"
    closes = london_datetime(funding_round.closes_at)
    return f"Scoring opens when the round closes on {closes}. You can read the bid now"


def _weighted_total(rubric: scoring.Rubric, values) -> Decimal | None:
    """A submitted sheet's weighted total; None for values that do not fit the rubric."""
    try:
        return scoring.weighted_total(rubric, values)
    except ValueError:
        return None


# The queue -----------------------------------------------------------------------------------------

def _number_arg(name: str) -> int | None:
    text = request.args.get(name, "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


@bp.route("")
@role_required(Role.PANEL_MEMBER)
def queue():
    # The rounds not yet decided come in full, 50 bids a page each (``round`` and ``page`` say
    # which page of which round); decided rounds in brief, ten a page (``past``), each linking to
    # its bids (``round`` alone).
    round_id = _number_arg("round")
    found = member_queue.member_queue(_member(), round_id, page_arg() if round_id is not None else 1,
                                      _number_arg("past") or 1)
    shown = [found.focus] if found.focus else found.current
    return render_template(
        "panel/member_queue.html",
        queue=found,
        rounds=shown,
        closed_messages={entry.funding_round.id: _closed_message(entry.funding_round) for entry in shown},
        states=QUEUE_STATES,
        queue_rows=table_cells.queue_rows,
    )


# Conflict of interest ------------------------------------------------------------------------------

@bp.errorhandler(score_sheets.DeclaredConflict)
def declared_conflict(error: score_sheets.DeclaredConflict):
    """A bid the member declared a conflict with: why they cannot open it, not "page not found"."""
    return render_template("panel/member_conflicted.html", application=error.application,
                           declared=error.declared), 403


def _declaration_page(application, form):
    user = _member()
    sheet = panel.sheet_for(application, user)
    return render_template(
        "panel/member_declaration.html",
        application=application,
        declared=panel.declaration(application, user),
        submitted=sheet is not None and sheet.submitted,
        form=form,
    )


@bp.route("/bids/<int:bid_id>/declaration", methods=["GET", "POST"])
@role_required(Role.PANEL_MEMBER)
def declare(bid_id: int):
    user = _member()
    application = score_sheets.bid_for_member(user, bid_id)
    declared = panel.declaration(application, user)
    if request.method == "GET" and declared is not None and not declared.conflicted:
        form = DeclarationForm(data={"conflicted": NO_CONFLICT})  # shown as declared; a conflict may follow
    else:
        form = DeclarationForm()
    if not form.validate_on_submit():
        return _declaration_page(application, form)
    try:
        found = panel.declare(application, user, form.declares_conflict, form.reason.data)
    except panel.PanelError as problem:
        db.session.rollback()
        form.form_errors.append(str(problem))
        return _declaration_page(application, form)
    if found.conflicted:
        flash(f"You have declared a conflict of interest for {application.reference}. You will not score it", "success")
        return redirect(url_for("panel.queue"))
    flash(f"You have declared no conflict of interest for {application.reference}", "success")
    if panel.is_assigned(application, user):
        return redirect(url_for("panel.score", bid_id=application.id))
    return redirect(url_for("panel.queue"))


# Scoring -------------------------------------------------------------------------------------------

def _score_page(application, rubric, form, draft_kept: bool = False):
    funding_round = application.funding_round
    return render_template(
        "panel/member_score.html",
        application=application,
        rubric=rubric,
        form=form,
        sheet=panel.sheet_for(application, _member()),
        closed_message=_closed_message(funding_round),
        draft_kept=draft_kept,
        percent=percent,
    )


@bp.route("/bids/<int:bid_id>/score", methods=["GET", "POST"])
@role_required(Role.PANEL_MEMBER)
def score(bid_id: int):
    user = _member()
    application = score_sheets.bid_to_score(user, bid_id)
    if panel.declaration(application, user) is None:
        flash("Declare whether you have a conflict of interest before you score this bid", "info")
        return redirect(url_for("panel.declare", bid_id=application.id))
    sheet = panel.sheet_for(application, user)
    if sheet is not None and sheet.submitted:
        return redirect(url_for("panel.scored_bid", bid_id=application.id))

    rubric = _rubric(application.funding_round)
    if rubric is None:  # nothing to score against: the page says so
        return _score_page(application, None, None)
    form_class = ScoreSheetForm.for_rubric(rubric)
    if request.method == "GET" and sheet is not None:
        form = form_class(data=form_class.initial(sheet.values, sheet.comments))
    else:
        form = form_class()
    if not form.validate_on_submit():
        return _score_page(application, rubric, form)

    values, problems = score_sheets.parse_values(rubric, form.raw_scores())
    if problems:  # an edited page: nothing is saved
        form.add_errors(problems)
        return _score_page(application, rubric, form)
    try:
        result = score_sheets.save_sheet(application, user, values, form.comments(), submit=form.submitting)
    except panel.PanelError as problem:
        db.session.rollback()
        form.form_errors.append(str(problem))
        return _score_page(application, rubric, form)
    if result.errors:  # submission refused: what was typed is kept as a draft
        form.add_errors(result.errors, values)
        return _score_page(application, rubric, form, draft_kept=True)
    if result.submitted:
        flash(f"Your scores for {application.reference} have been submitted", "success")
        return redirect(url_for("panel.scored_bid", bid_id=application.id))
    flash("Draft saved", "success")
    return redirect(url_for("panel.score", bid_id=application.id))


@bp.route("/bids/<int:bid_id>")
@role_required(Role.PANEL_MEMBER)
def scored_bid(bid_id: int):
    user = _member()
    application = score_sheets.bid_to_score(user, bid_id)
    sheet = panel.sheet_for(application, user)
    if sheet is None or not sheet.submitted:
        return redirect(url_for("panel.score", bid_id=application.id))
    rubric = panel.scoring_rubric(sheet.rubric)
    others = score_sheets.others_sheets(application, user)
    return render_template(
        "panel/member_scored_bid.html",
        application=application,
        rubric=rubric,
        sheet=sheet,
        others=others,
        totals={row.id: _weighted_total(rubric, row.values) for row in [sheet, *others]},
        percent=percent,
    )


@bp.route("/bids/<int:bid_id>/documents/<int:document_id>")
@role_required(Role.PANEL_MEMBER)
def bid_document(bid_id: int, document_id: int):
    """A supporting document of a bid the member scores: assigned, declared, not conflicted."""
    application = score_sheets.bid_to_score(current_user, bid_id)
    if panel.declaration(application, current_user) is None:
        return redirect(url_for("panel.declare", bid_id=application.id))
    return document_response(documents.document_for(application, document_id))
