"""Grants officers shortlist a two-stage round's expressions of interest: the round's list, and a page
per expression of interest with its answers and the decision."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.screening import bp
from grants.blueprints.screening.shortlisting_forms import ShortlistForm
from grants.extensions import db
from grants.interfaces.applications.stages import full_application_of
from grants.interfaces.applications.submission import APPLICATION_STAFF
from grants.interfaces.screening import shortlisting
from grants.models.applications import ApplicationStatus
from grants.permissions import role_required


@bp.route("/rounds/<int:round_id>/expressions-of-interest")
@role_required(*APPLICATION_STAFF)
def shortlisting_list(round_id: int):
    funding_round = shortlisting.eoi_round(round_id)
    eois = shortlisting.round_eois(funding_round)
    return render_template(
        "screening/shortlisting.html",
        funding_round=funding_round,
        eois=eois,
        scores=shortlisting.panel_scores(funding_round, eois),
        started=shortlisting.started_full_applications(eois),
    )


def _form_for(eoi) -> ShortlistForm:
    """The form as the decision stands: the choice made and its reason, or empty."""
    if eoi.status is ApplicationStatus.SUCCESSFUL:
        return ShortlistForm(formdata=None, data={"decision": "shortlist", "note": eoi.shortlist_reason})
    if eoi.status is ApplicationStatus.UNSUCCESSFUL:
        return ShortlistForm(formdata=None, data={"decision": "reject", "reason": eoi.shortlist_reason})
    return ShortlistForm(formdata=None)


@bp.route("/rounds/<int:round_id>/expressions-of-interest/<int:application_id>", methods=["GET", "POST"])
@role_required(*APPLICATION_STAFF)
def shortlist(round_id: int, application_id: int):
    funding_round = shortlisting.eoi_round(round_id)
    eoi = shortlisting.eoi_for_round(funding_round, application_id)
    full = full_application_of(eoi)
    can_decide = full is None and eoi.status in shortlisting.DECIDABLE
    if request.method == "GET":
        form = _form_for(eoi)
    elif not can_decide:
        flash("The decision on this expression of interest can no longer be changed: "
              + ("its full application has started" if full else f"it is {eoi.status.label.lower()}"), "error")
        return redirect(url_for("screening.shortlist", round_id=round_id, application_id=application_id))
    else:
        form = ShortlistForm()
        if form.validate_on_submit():
            return _decide(eoi, form)
    return render_template(
        "screening/shortlist.html",
        funding_round=funding_round,
        application=eoi,
        form=form,
        full=full,
        can_decide=can_decide,
        score=shortlisting.panel_scores(funding_round, [eoi]).get(eoi.id),
    )


def _decide(eoi, form: ShortlistForm):
    try:
        changed = shortlisting.decide(eoi, form.shortlisted, form.given_reason, current_user._get_current_object())
    except shortlisting.ShortlistConflict as conflict:
        db.session.rollback()
        flash(str(conflict), "error")
        return redirect(url_for("screening.shortlist", round_id=eoi.round_id, application_id=eoi.id))
    if not changed:
        flash("Nothing was changed", "info")
    elif form.shortlisted:
        flash(f"{eoi.reference} has been shortlisted. {eoi.organisation.name} has been emailed an invitation "
              "to send a full application", "success")
    else:
        flash(f"{eoi.reference} has not been shortlisted. {eoi.organisation.name} has been emailed the reason",
              "success")
    return redirect(url_for("screening.shortlisting_list", round_id=eoi.round_id))
