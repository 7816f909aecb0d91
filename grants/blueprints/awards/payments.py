"""Payments: the finance queues, approving and recording payments of instalments, and officers'
holds. Each action sends the user back where they came from (the queue or the award page)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.awards import bp
from grants.blueprints.awards.payment_forms import HoldForm, PaymentForm
from grants.extensions import db
from grants.formatting import long_date, money
from grants.forms import required
from grants.interfaces.awards import closure, payment_batches, payments
from grants.interfaces.awards.awarding import AwardError, award_for_staff
from grants.permissions import role_required

INSTALMENT_URL = "/<int:award_id>/instalments/<int:instalment_id>"


def _safe_next() -> str | None:
    """The same-site page in the request's ``next`` (the award page or the queue), if any: an open
    redirect would let a phishing link borrow our address."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and "\\" not in target and not parts.netloc \
            and not parts.scheme:
        return target
    return None


def _back_url(anchor: str) -> str:
    return _safe_next() or url_for("awards.payments", _anchor=anchor)


def _back(anchor: str):
    return redirect(_back_url(anchor))



def _attach(form, refused: AwardError) -> None:
    """The interface's refusal, beside its field when it has one, in the form's error summary."""
    if refused.field and refused.field in form:
        form[refused.field].errors = [*form[refused.field].errors, str(refused)]
    else:
        form.form_errors.append(str(refused))


def _instalment(award_id: int, instalment_id: int):
    award = award_for_staff(award_id)
    return award, payments.instalment_of(award, instalment_id)


# The finance queues ------------------------------------------------------------------------------

@bp.route("/payments", endpoint="payments")
@role_required(*payments.PAYMENT_VIEWERS)
def queues():
    return render_template("awards/payments.html", queues=payments.finance_queues(),
                           repayments=closure.repayments_due())


# Finance: approve and pay ------------------------------------------------------------------------

@bp.route(f"{INSTALMENT_URL}/approve", methods=["POST"])
@role_required(*payments.PAYERS)
def approve_instalment(award_id: int, instalment_id: int):
    _award, instalment = _instalment(award_id, instalment_id)
    try:
        payments.approve(instalment, current_user._get_current_object())
    except AwardError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return _back("due")
    flash(f"{payments.describe(instalment)} ({money(instalment.amount)}) approved for payment", "success")
    return _back("due")


@bp.app_template_global("payment_duty_problem")
def _payment_duty_problem(instalment, action: str, user) -> str | None:
    """Why ``user`` (the page's current user) may not approve or pay ``instalment`` because they did the
    step before."""
    return payments.duty_problem(instalment, user, action)


@bp.app_template_global("payment_bank_change")
def _payment_bank_change(instalment):
    """The recent change of bank details that holds ``instalment`` until its second approval, or None."""
    if instalment.status.value != "approved" or instalment.second_approved_by_id is not None:
        return None
    return payments.bank_change(instalment)


@bp.route(f"{INSTALMENT_URL}/second-approval", methods=["POST"])
@role_required(*payments.PAYERS)
def second_approve_instalment(award_id: int, instalment_id: int):
    _award, instalment = _instalment(award_id, instalment_id)
    try:
        payments.second_approve(instalment, current_user._get_current_object())
    except AwardError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return _back("approved")
    flash(f"{payments.describe(instalment)} ({money(instalment.amount)}) approved a second time: it can now be paid",
          "success")
    return _back("approved")


@bp.route(f"{INSTALMENT_URL}/pay", methods=["GET", "POST"])
@role_required(*payments.PAYERS)
def pay_instalment(award_id: int, instalment_id: int):
    award, instalment = _instalment(award_id, instalment_id)
    form = PaymentForm() if request.method == "POST" else PaymentForm(formdata=None, data={"next": _safe_next() or ""})
    problem = _payment_problem(instalment)
    if request.method == "POST" and problem:  # paid or held meanwhile, a second click
        flash(problem, "error")
        return _back("approved")
    if form.validate_on_submit():
        try:
            payments.record_payment(instalment, form.paid_on.data, form.reference.data,
                                    current_user._get_current_object())
        except AwardError as refused:
            db.session.rollback()
            _attach(form, refused)
            problem = _payment_problem(instalment)
        else:
            payment_batches.tell_grantee_paid(instalment)
            flash(f"{payments.describe(instalment)}: payment of {money(instalment.amount)} on "
                  f"{long_date(instalment.paid_on)} recorded. {instalment.award.organisation.name} has been emailed",
                  "success")
            return _back("approved")
    return render_template("awards/payments_pay.html", award=award, instalment=instalment, form=form,
                           problem=problem, paid=payments.paid_total(award), back_url=_back_url("approved"))


def _payment_problem(instalment) -> str | None:
    """Why the instalment cannot be paid now (by the signed-in user), or None."""
    try:
        payments.check_payable(instalment, current_user._get_current_object())
    except AwardError as refused:
        return str(refused)
    return None


# Officers: hold and release ----------------------------------------------------------------------

@bp.route(f"{INSTALMENT_URL}/hold", methods=["GET", "POST"])
@role_required(*payments.HOLDERS)
def hold_instalment(award_id: int, instalment_id: int):
    award, instalment = _instalment(award_id, instalment_id)
    form = HoldForm() if request.method == "POST" else HoldForm(formdata=None, data={"next": _safe_next() or ""})
    problem = _hold_problem(instalment)
    if request.method == "POST" and problem:
        flash(problem, "error")
        return _back("held")
    if form.validate_on_submit():
        try:
            payments.hold(instalment, required(form.reason.data), current_user._get_current_object())
        except AwardError as refused:
            db.session.rollback()
            _attach(form, refused)
            problem = _hold_problem(instalment)
        else:
            flash(f"{payments.describe(instalment)} is on hold. It cannot be approved or paid until you release it",
                  "success")
            return _back("held")
    return render_template("awards/payments_hold.html", award=award, instalment=instalment, form=form,
                           problem=problem, back_url=_back_url("held"))


def _hold_problem(instalment) -> str | None:
    try:
        payments.check_holdable(instalment)
    except AwardError as refused:
        return str(refused)
    return None


@bp.route(f"{INSTALMENT_URL}/release", methods=["POST"])
@role_required(*payments.HOLDERS)
def release_instalment(award_id: int, instalment_id: int):
    _award, instalment = _instalment(award_id, instalment_id)
    try:
        payments.release(instalment, current_user._get_current_object())
    except AwardError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return _back("held")
    flash(f"{payments.describe(instalment)} released from hold", "success")
    return _back("held")

