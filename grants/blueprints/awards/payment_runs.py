"""Finance: payment runs (a Bacs file and a journal for approved instalments, then all marked paid at
once) and each round's finance codes for the journal."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import StringField

from grants.blueprints.awards import bp
from grants.blueprints.awards.payment_batches import _chosen_ids, _no_choice
from grants.extensions import db
from grants.field_components import TextInput
from grants.formatting import long_date, money
from grants.forms import DateInputField, DateRequired, GovForm, add_error, submit
from grants.interfaces.awards import payment_batches as batches
from grants.interfaces.awards import payment_runs as runs
from grants.interfaces.awards.awarding import AwardError
from grants.interfaces.bank_details import details as bank
from grants.models.accounts import Role
from grants.models.rounds import FundingRound
from grants.permissions import role_required

FINANCE = (Role.FINANCE_OFFICER,)


class PaidForm(GovForm):
    paid_on = DateInputField("Date the run was paid", description="The date the bank sent the payments, for "
                             "example 27 3 2027", name_for_errors="Date the run was paid",
                             validators=[DateRequired("Enter the date the run was paid")])
    submit = submit("Mark every payment in the run as paid")


class FinanceCodesForm(GovForm):
    cost_centre = StringField("Cost centre", widget=TextInput())
    account_code = StringField("Account code", widget=TextInput())
    submit = submit("Save finance codes")


def _payments(count: int) -> str:
    return f"{count} payment{'' if count == 1 else 's'}"


@bp.route("/payment-runs", methods=["POST"])
@role_required(*FINANCE)
def create_payment_run():
    ids = _chosen_ids()
    if (refused := _no_choice("pay", ids)) is not None:
        return refused
    chosen = batches.chosen_instalments(ids)
    try:
        run = runs.create_run(chosen, current_user._get_current_object())
    except batches.BatchRefused as refusal:
        db.session.rollback()
        return render_template("awards/payment_run_refused.html", problems=refusal.problems,
                               instalments=batches.chosen_instalments(ids)), 200
    flash(f"Payment run {run.reference} prepared: {_payments(len(run.instalments))}, {money(runs.total(run))}. "
          "Download its Bacs file and journal, then mark it paid once the bank has sent it", "success")
    return redirect(url_for("awards.payment_run", run_id=run.id))


@bp.route("/payment-runs")
@role_required(*FINANCE, Role.ADMIN)
def payment_runs():
    return render_template("awards/payment_runs.html", runs=runs.runs(), total=runs.total)


def _run_page(run, form, problems=None, status: int = 200):
    verified = bank.current_by_organisation(instalment.award.organisation_id for instalment in run.instalments)
    accounts = {}
    for instalment in run.instalments:
        found = verified.get(instalment.award.organisation_id)
        accounts[instalment.id] = bank.shown(found) if found else None
    return render_template("awards/payment_run.html", run=run, form=form, problems=problems or [],
                           accounts=accounts, total=runs.total(run)), status


@bp.route("/payment-runs/<int:run_id>")
@role_required(*FINANCE, Role.ADMIN)
def payment_run(run_id: int):
    return _run_page(runs.run_for_finance(run_id), PaidForm(formdata=None))


@bp.route("/payment-runs/<int:run_id>/paid", methods=["POST"])
@role_required(*FINANCE)
def mark_payment_run_paid(run_id: int):
    run = runs.run_for_finance(run_id)
    form = PaidForm()
    if not form.validate_on_submit():
        return _run_page(run, form)
    try:
        runs.mark_paid(run, form.paid_on.data, current_user._get_current_object())
    except batches.BatchRefused as refusal:
        db.session.rollback()
        return _run_page(runs.run_for_finance(run_id), form, refusal.problems)
    except AwardError as refused:
        db.session.rollback()
        add_error(form.paid_on, str(refused))
        return _run_page(runs.run_for_finance(run_id), form)
    flash(f"Payment run {run.reference}: {_payments(len(run.instalments))} recorded as paid on "
          f"{long_date(run.paid_on)}, {money(runs.total(run))}. Each organisation has been emailed", "success")
    return redirect(url_for("awards.payment_run", run_id=run.id))


@bp.route("/payment-runs/<int:run_id>/cancel", methods=["POST"])
@role_required(*FINANCE)
def cancel_payment_run(run_id: int):
    run = runs.run_for_finance(run_id)
    try:
        runs.cancel(run, current_user._get_current_object())
    except AwardError as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        flash(f"Payment run {run.reference} cancelled: its instalments are back in the queue", "success")
    return redirect(url_for("awards.payment_run", run_id=run_id))


@bp.route("/payment-runs/<int:run_id>/bacs.txt")
@role_required(*FINANCE)
def payment_run_bacs(run_id: int):
    run = runs.run_for_finance(run_id)
    try:
        body = runs.bacs_file(run)
    except AwardError as refused:
        flash(str(refused), "error")
        return redirect(url_for("awards.payment_run", run_id=run_id))
    return Response(body, mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="{run.reference}-bacs.txt"', "Cache-Control": "no-store"})


@bp.route("/payment-runs/<int:run_id>/journal.csv")
@role_required(*FINANCE)
def payment_run_journal(run_id: int):
    run = runs.run_for_finance(run_id)
    return Response(runs.journal_csv(run), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{run.reference}-journal.csv"'})


@bp.route("/finance-codes", methods=["GET", "POST"])
@role_required(*FINANCE, Role.ADMIN)
def finance_codes():
    rounds = list(db.session.scalars(db.select(FundingRound).order_by(FundingRound.opens_at.desc())))
    chosen = request.args.get("round", type=int) or request.form.get("round", type=int)
    editing = next((r for r in rounds if r.id == chosen), None)
    form = FinanceCodesForm(data={"cost_centre": editing.cost_centre, "account_code": editing.account_code}
                            if editing else None)
    if editing is not None and form.validate_on_submit():
        if not current_user.has_role(Role.FINANCE_OFFICER):
            flash("Only a finance officer can change finance codes", "error")
            return redirect(url_for("awards.finance_codes"))
        try:
            runs.set_finance_codes(editing, form.cost_centre.data, form.account_code.data,
                                   current_user._get_current_object())
        except AwardError as refused:
            db.session.rollback()
            add_error(form[refused.field or "cost_centre"], str(refused))
        else:
            flash(f"Finance codes of {editing.name} saved", "success")
            return redirect(url_for("awards.finance_codes"))
    return render_template("awards/finance_codes.html", rounds=rounds, editing=editing, form=form)
