"""Monitoring returns for staff: reviewing a return (rating, accept or ask for more information) and
the list of overdue returns."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from grants.blueprints.awards import bp
from grants.extensions import db
from grants.interfaces.awards import monitoring
from grants.interfaces.awards.awarding import AWARD_MANAGERS, AWARD_VIEWERS
from grants.models.awards import ReturnStatus
from grants.permissions import role_required
from grants.return_form.review import ReviewForm
from grants.return_form.sections import section_answers

URL = "/<int:award_id>/returns/<int:return_id>"


def _review_page(monitoring_return, form):
    plan = monitoring.plan(monitoring_return)
    return render_template(
        "awards/return_review.html", monitoring_return=monitoring_return, award=monitoring_return.award, form=form,
        answers=[(section, section_answers(monitoring_return, section, plan))
                 for section in monitoring.sections(monitoring_return)],
        can_review=monitoring_return.status is ReturnStatus.SUBMITTED and current_user.has_role(*AWARD_MANAGERS),
    )


@bp.route(URL)
@role_required(*AWARD_VIEWERS)
def return_review(award_id: int, return_id: int):
    return _review_page(monitoring.return_for_staff(award_id, return_id), ReviewForm(formdata=None))


@bp.route(URL, methods=["POST"])
@role_required(*AWARD_MANAGERS)
def review_return(award_id: int, return_id: int):
    monitoring_return = monitoring.return_for_staff(award_id, return_id)
    back = url_for("awards.return_review", award_id=award_id, return_id=return_id)
    if monitoring_return.status is not ReturnStatus.SUBMITTED:
        flash(f"{monitoring.describe(monitoring_return)} is {monitoring_return.status.label.lower()}: "
              "only a submitted return can be reviewed", "error")
        return redirect(back)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _review_page(monitoring_return, form)
    try:
        outcome = monitoring.review_return(monitoring_return, current_user._get_current_object(),
                                           form.rating_value(), form.comments.data, form.decision.data)
    except monitoring.ReturnError as error:
        db.session.rollback()
        if error.field in form:
            form[error.field].errors = [*form[error.field].errors, str(error)]
        else:
            form.form_errors.append(str(error))
        return _review_page(monitoring_return, form)
    flash(_outcome_message(monitoring_return, outcome), "success")
    return redirect(back)


def _outcome_message(monitoring_return, outcome: monitoring.ReviewOutcome) -> str:
    if monitoring_return.status is ReturnStatus.MORE_INFORMATION:
        parts = [f"{monitoring.describe(monitoring_return)} has been sent back: the grantee has been emailed your "
                 "request for more information"]
    else:
        parts = [f"{monitoring.describe(monitoring_return)} has been accepted"]
    if outcome.released:
        parts.append("released from hold: " + ", ".join(f"instalment {i.number}" for i in outcome.released))
    if outcome.made_due:
        parts.append(f"instalment {outcome.made_due.number} is now due for payment")
    if outcome.held:
        parts.append(f"instalment {outcome.held.number} is on hold because of the red rating")
    return "; ".join(parts)


@bp.route("/returns/overdue")
@role_required(*AWARD_VIEWERS)
def overdue_returns():
    return render_template("awards/return_overdue_list.html", overdue=monitoring.overdue_returns(),
                           today=monitoring.uk_today())
