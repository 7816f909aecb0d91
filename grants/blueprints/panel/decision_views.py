"""The funding recommendation (officers run it; staff read it), the commissioner's approval and
feedback to applicants."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.panel import bp, table_cells
from grants.blueprints.panel.decision_forms import (
    OBJECTIVE_HINTS,
    DecisionForm,
    FeedbackForm,
    minimum_rows,
    recommendation_form,
    rules_data,
)
from grants.extensions import db
from grants.forms import page_arg, record_id, required
from grants.interfaces.paging import Page
from grants.interfaces.panel import assignment as panel
from grants.interfaces.panel import decisions, shown_recommendation
from grants.interfaces.panel import feedback as bid_feedback  # the feedback view is named feedback
from grants.models.accounts import Role
from grants.permissions import role_required
from scoring.ranking import money


def _render(template: str, **context):
    # Recommendations keep money in pence; shown as the scoring package writes it ("£12,500").
    return render_template(template, pence_money=money, points=table_cells.points,
                           recommendation_rows=table_cells.recommendation_rows, objective_hints=OBJECTIVE_HINTS,
                           **context)


def _scale_max(funding_round) -> int:
    return panel.scoring_rubric(funding_round.rubric).scale_max


def _attach(form, problem: decisions.PanelError) -> None:
    """Show an interface's refusal in the form's error summary, beside its field when it has one."""
    name = getattr(problem, "field", None)
    if name and name in form:
        form[name].errors = [*form[name].errors, str(problem)]
    else:
        form.form_errors.append(str(problem))


# The recommendation ------------------------------------------------------------------------------

RECOMMENDATION_PAGE_SIZE = 50  # bids of the recommendation's table on one page


def _recommendation_page(funding_round, form, page: int = 1, record=None):
    """The page, with ``record`` the round's latest recommendation when the caller has read it."""
    record = record or shown_recommendation.latest(funding_round)
    decision = decisions.decision_for(funding_round)
    problem = decisions.recommendation_problem(funding_round)
    # The stored recommendation is read, never worked out again (and kept by the worker: it never
    # changes); its table comes a page at a time.
    shown = shown_recommendation.shown(record) if record else None
    entries = shown.decisions if shown else []
    paged = Page([], page, RECOMMENDATION_PAGE_SIZE, len(entries))
    if page > paged.pages:
        abort(404)
    paged.items = entries[(page - 1) * paged.per_page: page * paged.per_page]
    return _render(
        "panel/decision_recommendation.html",
        funding_round=funding_round,
        record=record,
        result=shown.result if shown else None,
        form=form,
        can_run=problem is None and current_user.has_role(Role.GRANTS_OFFICER),
        problem=problem,
        readiness=decisions.readiness(funding_round) if problem is None else None,
        decision=decision,
        entries=paged,
        rule_checks=(shown.check_rows, shown.caps) if shown else ([], None),
        # Read only beside a decision, and only the page's bids.
        bids=decisions.bids_by_id(funding_round, [entry["application_id"] for entry in paged.items])
        if decision is not None else {},
        can_write_feedback=current_user.has_role(Role.GRANTS_OFFICER),
    )


@bp.route("/rounds/<int:round_id>/recommendation")
@role_required(*panel.PANEL_VIEWERS)
def recommendation(round_id: int):
    funding_round = panel.round_for_panel(round_id)
    record = shown_recommendation.latest(funding_round)
    rows = minimum_rows(funding_round)
    form = recommendation_form(funding_round, _scale_max(funding_round), rows, formdata=None,
                               data=rules_data(record.rules if record else None, funding_round, rows))
    form.early_problem = decisions.early_run_problem(funding_round)
    return _recommendation_page(funding_round, form, page_arg(), record)


@bp.route("/rounds/<int:round_id>/recommendation/run", methods=["POST"])
@role_required(Role.GRANTS_OFFICER)
def run_recommendation(round_id: int):
    funding_round = panel.round_for_panel(round_id)
    problem = decisions.recommendation_problem(funding_round)
    if problem:
        flash(problem, "error")
        return redirect(url_for("panel.recommendation", round_id=round_id))
    form = recommendation_form(funding_round, _scale_max(funding_round))
    form.early_problem = decisions.early_run_problem(funding_round)
    if not form.validate_on_submit():
        return _recommendation_page(funding_round, form)
    rules = decisions.funding_rules(funding_round, required(form.quality_threshold.data), form.objective.data,
                                    form.minimums(), form.max_share.data)
    try:
        record = decisions.run_recommendation(funding_round, rules, current_user._get_current_object(),
                                              early_reason=form.early_reason_given)
    except decisions.PanelError as refused:
        db.session.rollback()
        _attach(form, refused)
        return _recommendation_page(funding_round, form)
    if record.result["optimum"] is None:
        flash("The recommendation was run, but the rules cannot all be met: see which below", "error")
    else:
        flash("The recommendation has been run. The commissioners have been emailed that it is ready for their "
              "decision", "success")
    return redirect(url_for("panel.recommendation", round_id=round_id, _anchor="result"))


# The commissioner's approval ---------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/decision", methods=["GET", "POST"])
@role_required(Role.COMMISSIONER)
def decision(round_id: int):
    funding_round = panel.round_for_panel(round_id)
    existing = decisions.decision_for(funding_round)
    if existing is not None:
        if request.method == "POST":
            flash("The funding decisions for this round have already been approved", "error")
        return _render("panel/decision_approve.html", funding_round=funding_round, decision=existing,
                       changes=decisions.decision_changes(existing), record=existing.recommendation,
                       bids=panel.round_bids(funding_round), form=None)

    record = decisions.latest_recommendation(funding_round)
    problem = decisions.approval_problem(funding_round, record)
    fundable = decisions.fundable(funding_round, record)
    recommended = decisions.recommended_ids(record) & {entry["application_id"] for entry in fundable}
    fresh = DecisionForm(formdata=None, data={"funded": sorted(recommended), "recommendation_id": record and record.id})
    form = DecisionForm() if request.method == "POST" else fresh
    seen = decisions.recommendation_for(funding_round, record_id(form.recommendation_id.data))
    if request.method == "POST" and not problem and seen != record:
        # Approving what the commissioner did not see is refused: they see the latest, as on a GET.
        form = fresh
        form.form_errors.append(decisions.STALE_RECOMMENDATION)
    form.set_bids(fundable, decisions.recommended_ids(record))

    if request.method == "POST" and problem:
        flash(problem, "error")
    elif not form.form_errors and form.validate_on_submit():
        assert seen is not None  # no problem, so a recommendation, and the one seen (else a form error)
        try:
            decisions.approve(funding_round, seen, form.funded.data or [], form.reason.data,
                              current_user._get_current_object())
        except decisions.PanelError as refused:
            db.session.rollback()
            _attach(form, refused)
        else:
            flash("The funding decisions have been approved. The grants team can now publish feedback to "
                  "applicants", "success")
            return redirect(url_for("panel.decision", round_id=round_id))
    return _render("panel/decision_approve.html", funding_round=funding_round, decision=None, record=record,
                   problem=problem, form=form, fundable=fundable,
                   withdrawn=[entry for entry in (record.result["decisions"] if record else [])
                              if entry["recommended"] and entry not in fundable])




# Feedback ----------------------------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/bids/<int:bid_id>/feedback", methods=["GET", "POST"])
@role_required(Role.GRANTS_OFFICER)
def feedback(round_id: int, bid_id: int):
    funding_round = panel.round_for_panel(round_id)
    application = panel.round_bid(funding_round, bid_id)
    problem = bid_feedback.feedback_problem(application)
    if request.method == "POST":
        form = FeedbackForm()
        if problem:
            flash(problem, "error")
        elif form.validate_on_submit():
            updating = application.feedback_published_at is not None
            try:
                bid_feedback.publish_feedback(application, required(form.feedback.data),
                                              current_user._get_current_object())
            except decisions.PanelError as refused:
                db.session.rollback()
                _attach(form, refused)
            else:
                flash(f"Feedback {'updated' if updating else 'published'}. "
                      f"{application.organisation.name} has been emailed that it is ready", "success")
                return redirect(url_for("panel.feedback", round_id=round_id, bid_id=bid_id))
    else:
        form = FeedbackForm(data={"feedback": application.feedback or ""})
    return _render("panel/decision_feedback.html", funding_round=funding_round, application=application,
                   form=form, problem=problem)

