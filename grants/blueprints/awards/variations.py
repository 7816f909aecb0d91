"""Officers' variation pages (ask for one, read one, decide it), closing an award, and repayments."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from grants.blueprints.awards import bp
from grants.blueprints.awards.variation_forms import ClosureForm, DecisionForm, RepaymentForm, VariationForm, attach
from grants.email_templates import send_template
from grants.extensions import db
from grants.formatting import money
from grants.interfaces.awards import closure, management_emails, variations
from grants.interfaces.awards.awarding import AWARD_MANAGERS, AWARD_VIEWERS, AwardError, award_for_staff
from grants.models.accounts import Role
from grants.models.awards import AwardStatus, VariationKind, VariationStatus
from grants.permissions import role_required

VARIATION_URL = "/<int:award_id>/variations/<int:variation_id>"
REPAYMENT_URL = "/<int:award_id>/repayments/<int:repayment_id>"
# Who records a repayment received or not to be recovered.
REPAYMENT_SETTLERS = (Role.GRANTS_OFFICER, Role.FINANCE_OFFICER)


def award_page(award, anchor: str = "variations", staff: bool = True) -> str:
    """The staff (or grantee) award page, at this section."""
    return url_for("awards.show" if staff else "grantee.show", award_id=award.id, _anchor=anchor)


@bp.app_template_global("award_page")
def _award_page_global(award, anchor: str = "variations", staff: bool = True) -> str:
    return award_page(award, anchor, staff)


@bp.app_template_global("variation_changes")
def _variation_changes(variation):
    return variations.changes(variation)


@bp.app_template_global("agreed_activities")
def _agreed_activities(award):
    return variations.agreed_activities(award)


@bp.app_template_global("repayment_overdue")
def _repayment_overdue(repayment) -> bool:
    return closure.is_overdue(repayment)


# Variations --------------------------------------------------------------------------------------

@bp.route("/<int:award_id>/variations/new", methods=["GET", "POST"])
@role_required(*AWARD_MANAGERS)
def new_variation(award_id: int):
    award = award_for_staff(award_id)
    form = VariationForm()
    if award.status is AwardStatus.ACCEPTED and form.validate_on_submit():
        try:
            variation = variations.request_variation(award, VariationKind(form.kind.data), form.proposal(),
                                                     form.reason.data, current_user._get_current_object(),
                                                     by_grantee=False)
        except AwardError as refused:
            db.session.rollback()
            attach(form, refused)
        else:
            flash(f"{variation.kind.label} asked for. A grants officer can now approve or reject it", "success")
            return redirect(url_for("awards.variation", award_id=award.id, variation_id=variation.id))
    return render_template("awards/variation_new.html", award=award, form=form,
                           open_kinds=_open_kinds(award))


def _open_kinds(award) -> list:
    return [v for v in award.variations if v.status is VariationStatus.REQUESTED]


def _variation_page(award, variation, form=None):
    can_decide = variation.status is VariationStatus.REQUESTED and current_user.has_role(*AWARD_MANAGERS)
    return render_template("awards/variation.html", award=award, variation=variation,
                           form=form or (DecisionForm(formdata=None) if can_decide else None), can_decide=can_decide)


@bp.route(VARIATION_URL)
@role_required(*AWARD_VIEWERS)
def variation(award_id: int, variation_id: int):
    award = award_for_staff(award_id)
    return _variation_page(award, variations.variation_of(award, variation_id))


@bp.route(VARIATION_URL, methods=["POST"])
@role_required(*AWARD_MANAGERS)
def decide_variation(award_id: int, variation_id: int):
    award = award_for_staff(award_id)
    variation = variations.variation_of(award, variation_id)
    if variation.status is not VariationStatus.REQUESTED:
        flash(f"This variation has already been {variation.status.value}", "error")
        return redirect(url_for("awards.variation", award_id=award.id, variation_id=variation.id))
    form = DecisionForm()
    if not form.validate_on_submit():
        return _variation_page(award, variation, form)
    approve = form.decision.data == "approve"
    try:
        variations.decide_variation(variation, approve, form.decision_reason.data,
                                    current_user._get_current_object())
    except AwardError as refused:
        db.session.rollback()
        attach(form, refused)
        return _variation_page(award, variation, form)
    _email_decision(award, variation)
    flash(f"{variation.kind.label} {variation.status.value}. {award.organisation.name} has been emailed the decision",
          "success")
    return redirect(url_for("awards.variation", award_id=award.id, variation_id=variation.id))


def _email_decision(award, variation) -> None:
    recipients = {award.organisation.contact_email}
    if variation.requested_by_grantee and variation.requested_by is not None:
        recipients.add(variation.requested_by.email)
    values = management_emails.variation_decided_values(variation)
    for recipient in sorted(recipients):
        send_template("variation_decided", recipient, values)


# Closure and repayments --------------------------------------------------------------------------

@bp.route("/<int:award_id>/close", methods=["GET", "POST"])
@role_required(*AWARD_MANAGERS)
def close(award_id: int):
    award = award_for_staff(award_id)
    problem = closure.closure_problem(award)
    form = ClosureForm()
    if problem is None and form.validate_on_submit():
        try:
            repayment = closure.close_award(award, form.underspend.data, form.repayment_due_date.data,
                                            current_user._get_current_object(), recover=form.recover.data != "waive",
                                            waive_reason=form.waive_reason.data)
        except AwardError as refused:
            db.session.rollback()
            attach(form, refused)
        else:
            if repayment is None:
                flash(f"{award.application.reference} closed with no underspend", "success")
            else:
                flash(f"{award.application.reference} closed. Underspend of {money(repayment.amount)} recorded as "
                      f"{'a repayment due' if repayment.status.value == 'due' else 'not to be recovered'}", "success")
            return redirect(award_page(award, "closure"))
    return render_template("awards/closure.html", award=award, form=form, problem=problem)


def _repayment_page(award, repayment, form=None):
    can_settle = repayment.status.value == "due" and current_user.has_role(*REPAYMENT_SETTLERS)
    return render_template("awards/repayment.html", award=award, repayment=repayment, can_settle=can_settle,
                           form=form or (RepaymentForm(formdata=None) if can_settle else None))


@bp.route(REPAYMENT_URL)
@role_required(*AWARD_VIEWERS)
def repayment(award_id: int, repayment_id: int):
    award = award_for_staff(award_id)
    return _repayment_page(award, closure.repayment_of(award, repayment_id))


@bp.route(REPAYMENT_URL, methods=["POST"])
@role_required(*REPAYMENT_SETTLERS)
def settle_repayment(award_id: int, repayment_id: int):
    award = award_for_staff(award_id)
    repayment = closure.repayment_of(award, repayment_id)
    form = RepaymentForm()
    if not form.validate_on_submit():
        return _repayment_page(award, repayment, form)
    user = current_user._get_current_object()
    try:
        if form.action.data == "received":
            closure.record_received(repayment, form.received_on.data, form.received_reference.data, user)
        else:
            closure.waive(repayment, form.waive_reason.data, user)
    except AwardError as refused:
        db.session.rollback()
        attach(form, refused)
        return _repayment_page(award, repayment, form)
    flash(f"Repayment of {money(repayment.amount)} recorded as "
          f"{'received' if form.action.data == 'received' else 'not to be recovered'}", "success")
    return redirect(url_for("awards.repayment", award_id=award.id, repayment_id=repayment.id))
