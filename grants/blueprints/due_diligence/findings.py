"""A bid's due diligence, for grants officers: each checklist item's finding (met, not met, not needed,
with who and when) and the register checks of its organisation. The screening page shows the same
list and says when the bid is held from the panel."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from grants.blueprints.due_diligence import bp
from grants.blueprints.due_diligence.forms import FindingForm
from grants.extensions import db
from grants.forms import add_error
from grants.interfaces.applications.submission import APPLICATION_STAFF
from grants.interfaces.due_diligence import findings as due_diligence
from grants.interfaces.due_diligence.checklists import REGISTER_ITEM_ID, item_of
from grants.models.due_diligence import CheckOutcome
from grants.permissions import role_required

APPLICATION_URL = "/applications/<int:application_id>"


@bp.route(APPLICATION_URL)
@role_required(*APPLICATION_STAFF)
def application(application_id: int):
    application = due_diligence.application_for_due_diligence(application_id)
    return render_template(
        "due_diligence/application.html", application=application, findings=due_diligence.findings(application),
        held=due_diligence.gate_refusal(application), register_checks=due_diligence.register_checks(application),
        can_record=due_diligence.can_record(application),
    )


@bp.route(f"{APPLICATION_URL}/items/<item_id>", methods=["GET", "POST"])
@role_required(*APPLICATION_STAFF)
def finding(application_id: int, item_id: str):
    application = due_diligence.application_for_due_diligence(application_id)
    item = item_of(application.funding_round, item_id)
    back = url_for("due_diligence.application", application_id=application.id, _anchor=f"item-{item.id}")
    if not due_diligence.can_record(application):
        flash(f"Due diligence cannot be recorded: {application.reference} is {application.status.label.lower()}",
              "error")
        return redirect(back)
    check = due_diligence.checks_of(application).get(item.id)
    form = FindingForm(data={"outcome": check.outcome.value if check else None, "note": check.note if check else "",
                             "version": str(check.version if check else 0)})
    if form.validate_on_submit():
        try:
            due_diligence.record_finding(application, item.id, CheckOutcome(form.outcome.data), form.note.data or "",
                                         current_user._get_current_object(), form.expected_version())
        except due_diligence.FindingConflict as conflict:
            db.session.rollback()
            flash(str(conflict), "error")
            return redirect(back)
        except due_diligence.FindingProblem as problem:
            db.session.rollback()
            add_error(form[problem.field], str(problem))
        else:
            flash(f"“{item.label}” marked {CheckOutcome(form.outcome.data).label.lower()} for {application.reference}",
                  "success")
            return redirect(back)
    return render_template(
        "due_diligence/finding.html", application=application, item=item, check=check, form=form,
        register_checks=due_diligence.register_checks(application) if item.id == REGISTER_ITEM_ID else None,
    )
