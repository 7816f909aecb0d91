"""The grants officer's side of the panel: rounds, membership and settings, assignment, results,
one bid's scores, moderation and the scoring spreadsheet. Commissioners and administrators see
the same pages without the forms."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from grants.blueprints.panel import bp, table_cells
from grants.blueprints.panel.officer_forms import (
    AddMemberForm,
    ChooseMembersForm,
    MemberForm,
    ModerationForm,
    PanelSettingsForm,
    ResultsViewForm,
)
from grants.exports import scoring as scoring_export
from grants.extensions import db
from grants.forms import ConfirmForm, add_error, page_arg, required
from grants.interfaces.paging import Page
from grants.interfaces.panel import assignment as panel
from grants.interfaces.panel import deadlines as panel_deadlines
from grants.interfaces.panel import membership as panel_membership
from grants.interfaces.panel import reports as panel_reports
from grants.interfaces.panel import results as panel_results
from grants.interfaces.panel import standing as panel_standing
from grants.interfaces.panel.assignment import PANEL_MANAGERS, PANEL_VIEWERS, PanelError
from grants.models.rounds import RoundState
from grants.permissions import role_required


def _manages() -> bool:
    return current_user.has_role(*PANEL_MANAGERS)


def _officer():
    return current_user._get_current_object()


@bp.route("/rounds")
@role_required(*PANEL_VIEWERS)
def rounds():
    return render_template("panel/officer_rounds.html", summaries=panel_reports.round_summaries(panel.panel_rounds()))


# One round: settings and members -----------------------------------------------------------------

def _round_page(funding_round, settings_form=None, form=None):
    """The round's overview; ``form`` is the one that was posted, for the error summary."""
    overview = panel_reports.overview(funding_round)
    deadline = panel_deadlines.deadline_progress(funding_round)
    return render_template(
        "panel/officer_round.html",
        funding_round=funding_round,
        overview=overview,
        deadline_past=panel_deadlines.is_past(funding_round),
        late=deadline.late,
        late_ids={row.user.id for row in deadline.late},
        sheets_in=deadline.sheets_in,
        settings_form=settings_form or PanelSettingsForm.for_round(funding_round),
        form=form,
        can_manage=_manages() and not overview.decided,
        member_rows=table_cells.member_rows,
        bid_rows=table_cells.bid_rows,
    )


def _back_to_round(funding_round, anchor: str | None = None):
    return redirect(url_for("panel.round", round_id=funding_round.id, _anchor=anchor))


@bp.route("/rounds/<int:round_id>", endpoint="round")
@role_required(*PANEL_VIEWERS)
def round_overview(round_id: int):
    return _round_page(panel.round_for_panel(round_id))


@bp.route("/rounds/<int:round_id>/settings", methods=["POST"])
@role_required(*PANEL_MANAGERS)
def settings(round_id: int):
    funding_round = panel.round_for_panel(round_id)
    if funding_round.state() is RoundState.DECIDED:
        flash("The round has been decided: its panel settings can no longer change", "error")
        return _back_to_round(funding_round, "settings")
    form = PanelSettingsForm()
    if not form.validate_on_submit():
        return _round_page(funding_round, settings_form=form, form=form)
    try:
        panel.set_panel_settings(
            funding_round, required(form.scorers_per_bid.data), form.aggregation.data, form.normalise.data == "yes",
            _officer(),
        )
    except PanelError as error:
        db.session.rollback()
        add_error(form.scorers_per_bid, str(error))
        return _round_page(funding_round, settings_form=form, form=form)
    try:
        panel_deadlines.set_scoring_deadline(funding_round, form.deadline, _officer())
    except PanelError as error:
        db.session.rollback()
        add_error(form.scoring_deadline, str(error))
        return _round_page(funding_round, settings_form=form, form=form)
    flash("Panel settings saved", "success")
    return _back_to_round(funding_round, "settings")


@bp.route("/rounds/<int:round_id>/members", methods=["POST"])
@role_required(*PANEL_MANAGERS)
def add_member(round_id: int):
    """Add one member in one step; a refusal is shown on the "Choose panel members" page."""
    funding_round = panel.round_for_panel(round_id)
    form = AddMemberForm()
    problem = None
    if not form.validate_on_submit():
        problem = form.user_id.errors[0] if form.user_id.errors else "Select a panel member to add"
    elif (user := panel_reports.account(form.chosen_id)) is None:
        problem = "Select a panel member to add"
    else:
        try:
            panel.add_member(funding_round, user, _officer())
        except PanelError as error:
            db.session.rollback()
            problem = str(error)
        else:
            flash(f"{user.full_name} added to the panel", "success")
            return _back_to_round(funding_round, "members")
    if funding_round.state() is RoundState.DECIDED:
        flash(problem, "error")
        return _back_to_round(funding_round, "members")
    chosen = ChooseMembersForm(formdata=None)
    chosen.members.data = [str(member.user_id) for member in panel.members(funding_round)]
    chosen.members.errors = [problem]
    return _members_page(funding_round, chosen)


def _members_page(funding_round, form=None, status: int = 200):
    candidates = panel_membership.candidates(funding_round)
    if form is None:
        form = ChooseMembersForm(formdata=None)
        form.members.data = [str(candidate.user.id) for candidate in candidates if candidate.seated]
    form.set_candidates(candidates)
    return render_template(
        "panel/officer_members.html",
        funding_round=funding_round,
        candidates=candidates,
        form=form,
        decided=funding_round.state() is RoundState.DECIDED,
    ), status


@bp.route("/rounds/<int:round_id>/members/choose", methods=["GET", "POST"])
@role_required(*PANEL_MANAGERS)
def choose_members(round_id: int):
    """The round's panel as ticked boxes: the officer saves the people who should sit on it."""
    funding_round = panel.round_for_panel(round_id)
    if request.method == "GET":
        return _members_page(funding_round)
    if funding_round.state() is RoundState.DECIDED:
        flash("The round has been decided: its panel can no longer change", "error")
        return _back_to_round(funding_round, "members")
    form = ChooseMembersForm()
    form.set_candidates(panel_membership.candidates(funding_round))
    if not form.validate_on_submit():
        return _members_page(funding_round, form)
    try:
        change = panel_membership.choose_members(funding_round, form.chosen_ids, _officer())
    except PanelError as error:
        db.session.rollback()
        add_error(form.members, str(error))
        return _members_page(funding_round, form)
    if change.added or change.removed:
        said = [f"{user.full_name} added" for user in change.added]
        said += [f"{user.full_name} removed" for user in change.removed]
        flash(f"Panel members saved: {', '.join(said)}", "success")
    else:
        flash("Panel members saved: no changes", "success")
    return _back_to_round(funding_round, "members")


@bp.route("/rounds/<int:round_id>/members/<int:user_id>/remove", methods=["POST"])
@role_required(*PANEL_MANAGERS)
def remove_member(round_id: int, user_id: int):
    funding_round = panel.round_for_panel(round_id)
    user = panel_reports.account(user_id)
    if user is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if funding_round.state() is RoundState.DECIDED:  # add_member refuses this itself; remove_member does not
        flash("The round has been decided: its panel can no longer change", "error")
        return _back_to_round(funding_round, "members")
    try:
        panel.remove_member(funding_round, user, _officer())
    except PanelError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back_to_round(funding_round, "members")
    flash(f"{user.full_name} removed from the panel", "success")
    return _back_to_round(funding_round, "members")


# Assignment --------------------------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/assignments")
@role_required(*PANEL_VIEWERS)
def assignments(round_id: int):
    funding_round = panel.round_for_panel(round_id)
    return render_template(
        "panel/officer_assignments.html",
        funding_round=funding_round,
        grid=panel_reports.assignment_grid(funding_round),
        can_manage=_manages() and funding_round.state() is not RoundState.DECIDED,
        can_see_reasons=_manages(),
    )


def _back_to_grid(funding_round, anchor: str | None = None):
    return redirect(url_for("panel.assignments", round_id=funding_round.id, _anchor=anchor))


@bp.route("/rounds/<int:round_id>/assignments/run", methods=["POST"])
@role_required(*PANEL_MANAGERS)
def run_assignment(round_id: int):
    funding_round = panel.round_for_panel(round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        plan = panel.run_assignment(funding_round, _officer())
    except PanelError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back_to_grid(funding_round)
    if plan.shortfalls:
        flash(f"Bids assigned. {len(plan.shortfalls)} bid{'s' if len(plan.shortfalls) != 1 else ''} could not get "
              f"{funding_round.scorers_per_bid} scorers: see the bids short of scorers", "success")
    else:
        flash(f"Bids assigned: every bid has {funding_round.scorers_per_bid} scorers", "success")
    return _back_to_grid(funding_round)


def _change_assignment(round_id: int, bid_id: int, change, done: str):
    funding_round = panel.round_for_panel(round_id)
    application = panel.round_bid(funding_round, bid_id)
    form = MemberForm()
    if not form.validate_on_submit():
        abort(400)
    user = panel_reports.account(form.chosen_id)
    if user is None:
        flash("Select a panel member", "error")
        return _back_to_grid(funding_round)
    try:
        change(application, user, _officer())
    except PanelError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back_to_grid(funding_round, f"bid-{application.id}")
    flash(done.format(member=user.full_name, reference=application.reference), "success")
    return _back_to_grid(funding_round, f"bid-{application.id}")


@bp.route("/rounds/<int:round_id>/bids/<int:bid_id>/assign", methods=["POST"])
@role_required(*PANEL_MANAGERS)
def assign(round_id: int, bid_id: int):
    return _change_assignment(round_id, bid_id, panel.assign, "{member} assigned to {reference}")


@bp.route("/rounds/<int:round_id>/bids/<int:bid_id>/unassign", methods=["POST"])
@role_required(*PANEL_MANAGERS)
def unassign(round_id: int, bid_id: int):
    return _change_assignment(round_id, bid_id, panel.unassign, "{member} no longer assigned to {reference}")


# Results, one bid's scores and moderation --------------------------------------------------------

def _results(funding_round):
    """The round's results as the query asks (mean or median, raw or normalised), with the form."""
    view = ResultsViewForm(request.args)
    aggregation, normalise = view.settle(funding_round, request.args)
    return view, panel_results.round_results(funding_round, aggregation=aggregation, normalise=normalise)


RESULTS_PAGE_SIZE = 50  # bids of the ranking on one page; the spreadsheet has them all


@bp.route("/rounds/<int:round_id>/results")
@role_required(*PANEL_VIEWERS)
def results(round_id: int):
    funding_round = panel.round_for_panel(round_id)
    view = ResultsViewForm(request.args)
    aggregation, normalise = view.settle(funding_round, request.args)
    standing = panel_standing.round_standing(funding_round, aggregation=aggregation, normalise=normalise)
    paged = Page([], page_arg(), RESULTS_PAGE_SIZE, len(standing.bids))
    if paged.page > paged.pages:
        abort(404)
    paged.items, applications = panel_standing.page_of_bids(standing, paged.page, paged.per_page)
    calibration = standing.calibration
    rubric = panel.scoring_rubric(funding_round.rubric or abort(404))  # round_for_panel: a round with one
    return render_template(
        "panel/officer_results.html",
        funding_round=funding_round,
        view=view,
        form=view,  # a query value not recognised is listed in the error summary
        standing=standing,
        rubric=rubric,
        paged=paged,
        applications=applications,
        members=panel_reports.names([int(scorer) for scorer in calibration.left_as_is])
        if calibration and calibration.left_as_is else {},
        reports=panel_reports,
        tie_break=panel.tie_break_criterion(rubric),
        ranking_rows=table_cells.ranking_rows,
    )


def _bid_page(funding_round, application, moderation_form=None):
    view, results = _results(funding_round)
    moderation_form = moderation_form or ModerationForm(formdata=None)
    moderation_form.set_scale(results.rubric)
    return render_template(
        "panel/officer_bid.html",
        funding_round=funding_round,
        view=view,
        results=results,
        bid=results.bid(application.id),
        reports=panel_reports,
        moderation_form=moderation_form,
        form=moderation_form if moderation_form.errors else view,
        can_moderate=_manages() and panel.scoring_open(funding_round),
        tie_break=panel.tie_break_criterion(results.rubric),
    )


@bp.route("/rounds/<int:round_id>/bids/<int:bid_id>")
@role_required(*PANEL_VIEWERS)
def bid_scores(round_id: int, bid_id: int):
    funding_round = panel.round_for_panel(round_id)
    return _bid_page(funding_round, panel.round_bid(funding_round, bid_id))


@bp.route("/rounds/<int:round_id>/bids/<int:bid_id>/moderate", methods=["POST"])
@role_required(*PANEL_MANAGERS)
def moderate(round_id: int, bid_id: int):
    funding_round = panel.round_for_panel(round_id)
    application = panel.round_bid(funding_round, bid_id)
    back = redirect(url_for("panel.bid_scores", round_id=funding_round.id, bid_id=application.id, _anchor="moderation"))
    if not panel.scoring_open(funding_round):
        flash("Scores can be moderated only while the round is being assessed: after it closes and before "
              "the funding decision", "error")
        return back
    form = ModerationForm()
    form.set_scale(panel.scoring_rubric(funding_round.rubric or abort(404)))  # round_for_panel: a round with one
    if not form.validate_on_submit():
        return _bid_page(funding_round, application, form)
    try:
        panel_results.moderate(application, required(form.score.data), required(form.reason.data), _officer())
    except PanelError as error:
        db.session.rollback()
        add_error(form.score, str(error))
        return _bid_page(funding_round, application, form)
    flash(f"Moderated score {form.score.data} saved for {application.reference}", "success")
    return back


# The spreadsheet ---------------------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/scoring.xlsx")
@role_required(*PANEL_VIEWERS)
def export(round_id: int):
    funding_round = panel.round_for_panel(round_id)
    # The spreadsheet always has normalised totals beside the raw ones; the ranking and final
    # scores follow the round's own settings.
    results, normalised = panel_results.round_results_with_normalised(funding_round)
    workbook = scoring_export.scoring_workbook(
        results,
        normalised,
        conflicts=panel_reports.conflict_counts(funding_round),
        recommendation=panel_reports.latest_decisions(funding_round),
    )
    response = send_file(
        workbook,
        mimetype=scoring_export.XLSX_MIMETYPE,
        as_attachment=True,
        download_name=scoring_export.filename(funding_round),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"  # members' judgements of named organisations
    return response
