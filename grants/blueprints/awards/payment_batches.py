"""Finance: approving several due instalments, or recording several approved ones paid, in one go.

Ticked in the queues on the payments page, then checked on a page that lists them with their total
before anything changes (GOV.UK "check answers"). A payment run asks for the date paid and the
run's reference first. All or nothing: if any instalment is refused, none changes, and the page
says which and why. Each instalment is audited, and each payment emailed to the grantee, as when
done one at a time.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.awards import bp
from grants.blueprints.awards.payment_forms import PaymentForm
from grants.extensions import db
from grants.formatting import money
from grants.interfaces.awards import payment_batches as batches
from grants.interfaces.awards import payments
from grants.permissions import role_required

NONE_CHOSEN = {"approve": "Select the instalments to approve", "pay": "Select the instalments to record as paid"}
QUEUE = {"approve": "due", "pay": "approved"}


def _chosen_ids() -> list[int]:
    return sorted({int(value) for value in request.form.getlist("instalment") if value.isdigit() and len(value) < 10})


def _no_choice(action: str, ids: list[int]):
    """Where to send someone who ticked nothing (or too much), with why; None when the choice is fine."""
    if not ids:
        flash(NONE_CHOSEN[action], "error")
    elif len(ids) > batches.MAX_BATCH:
        flash(f"Select {batches.MAX_BATCH} instalments or fewer at a time", "error")
    else:
        return None
    return redirect(url_for("awards.payments", _anchor=QUEUE[action]))


def _gone(ids: list[int], chosen) -> list[str]:
    missing = len(ids) - len(chosen)
    if not missing:
        return []
    return [f"{missing} of the instalments you chose no longer exist{'s' if missing == 1 else ''}"]


def _page(action: str, stage: str, chosen, problems, form=None):
    return render_template("awards/payments_batch.html", action=action, stage=stage, instalments=chosen,
                           total=batches.batch_total(chosen), problems=problems, form=form,
                           back_url=url_for("awards.payments", _anchor=QUEUE[action]))


def _plural(count: int) -> str:
    return f"{count} instalment{'' if count == 1 else 's'}"


@bp.route("/payments/approve", methods=["POST"])
@role_required(*payments.PAYERS)
def approve_batch():
    ids = _chosen_ids()
    if (refused := _no_choice("approve", ids)) is not None:
        return refused
    chosen = batches.chosen_instalments(ids)
    if request.form.get("stage") != "confirm":
        return _page("approve", "check", chosen, _gone(ids, chosen) + batches.batch_problems(chosen, "approve",
                                                                                     current_user._get_current_object()))
    problems = _gone(ids, chosen)
    if not problems:
        try:
            batches.approve_batch(chosen, current_user._get_current_object())
        except batches.BatchRefused as refusal:
            problems = refusal.problems
    if problems:
        db.session.rollback()
        chosen = batches.chosen_instalments(ids)
        return _page("approve", "check", chosen, problems)
    total = batches.batch_total(chosen)
    flash(f"{_plural(len(chosen))} approved for payment, {money(total)} in all", "success")
    return redirect(url_for("awards.payments", _anchor="approved"))


@bp.route("/payments/pay", methods=["POST"])
@role_required(*payments.PAYERS)
def pay_batch():
    ids = _chosen_ids()
    if (refused := _no_choice("pay", ids)) is not None:
        return refused
    chosen = batches.chosen_instalments(ids)
    stage = request.form.get("stage")
    if stage not in {"check", "confirm"}:  # ticked in the queue, or back to change the date or reference
        form = PaymentForm() if stage == "change" else PaymentForm(formdata=None)
        return _page("pay", "details", chosen, _gone(ids, chosen) + batches.batch_problems(chosen, "pay",
                                                                                    current_user._get_current_object()),
                     form)
    form = PaymentForm()
    if not form.validate_on_submit():
        return _page("pay", "details", chosen, _gone(ids, chosen), form)
    if stage == "check":
        return _page("pay", "check", chosen, _gone(ids, chosen), form)
    problems = _gone(ids, chosen)
    if not problems:
        try:
            batches.pay_batch(chosen, form.paid_on.data, form.reference.data, current_user._get_current_object())
        except batches.BatchRefused as refusal:
            problems = refusal.problems
    if problems:
        db.session.rollback()
        chosen = batches.chosen_instalments(ids)
        return _page("pay", "check", chosen, problems, form)
    for instalment in chosen:
        batches.tell_grantee_paid(instalment)
    total = batches.batch_total(chosen)
    flash(f"{_plural(len(chosen))} recorded as paid, {money(total)} in all. Each grantee has been emailed",
          "success")
    return redirect(url_for("awards.payments", _anchor="paid"))
