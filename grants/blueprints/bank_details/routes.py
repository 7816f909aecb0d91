"""Bank details pages: the organisation's own (members enter new details and see them masked) and
finance's (changes waiting, and the call-back that verifies each)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from grants.blueprints.bank_details import bp
from grants.blueprints.bank_details.forms import BankDetailsForm, VerifyForm
from grants.extensions import db
from grants.forms import add_error
from grants.interfaces.admin.settings import days_setting
from grants.interfaces.bank_details import details as bank
from grants.models.accounts import Role
from grants.models.organisations import Organisation
from grants.permissions import role_required


def _attach(form, refused: bank.BankDetailsError) -> None:
    for field, message in refused.problems.items():
        add_error(form[field], message)


@bp.route("/organisation", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def mine():
    if current_user.organisation_id is None:
        abort(404)
    organisation = db.session.get(Organisation, current_user.organisation_id) or abort(404)
    form = BankDetailsForm()
    if form.validate_on_submit():
        entered = bank.Entered(form.account_name.data or "", form.sort_code.data or "", form.account_number.data or "",
                               form.roll_number.data)
        try:
            bank.enter(organisation, entered, current_user._get_current_object())
        except bank.BankDetailsError as refused:
            db.session.rollback()
            _attach(form, refused)
        else:
            flash("Your new bank details have been sent for checking. Our finance team will phone your "
                  "organisation's contact to confirm them before any payment goes to them", "success")
            return redirect(url_for("bank_details.mine"))
    found = bank.current(organisation.id)
    waiting = bank.pending(organisation.id)
    return render_template("bank_details/mine.html", organisation=organisation, form=form,
                           current=bank.shown(found) if found else None, current_row=found,
                           waiting=bank.shown(waiting) if waiting else None, waiting_row=waiting)


@bp.route("")
@role_required(Role.FINANCE_OFFICER, Role.ADMIN)
def index():
    return render_template("bank_details/index.html", waiting=bank.waiting(),
                           hold_days=days_setting("bank_change_hold_days"))


@bp.route("/<int:details_id>", methods=["GET", "POST"])
@role_required(Role.FINANCE_OFFICER, Role.ADMIN)
def verify(details_id: int):
    details = bank.for_finance(details_id)
    user = current_user._get_current_object()
    form = VerifyForm()
    problem = None
    try:
        bank.check_verifier(details, user)
    except bank.BankDetailsError as refused:
        problem = refused.problems["outcome"]
    if form.validate_on_submit() and problem is None:
        outcome = {"confirmed": True, "not_confirmed": False}.get(form.outcome.data or "")
        try:
            bank.decide(details, user, outcome, form.callback_contact.data, form.callback_phone.data,
                        form.callback_note.data)
        except bank.BankDetailsError as refused:
            db.session.rollback()
            _attach(form, refused)
        else:
            flash(f"Bank details of {details.organisation.name} "
                  f"{'verified: payments now go to them' if outcome else 'rejected'}", "success")
            return redirect(url_for("bank_details.index"))
    organisation = details.organisation
    before = bank.current(organisation.id)
    return render_template("bank_details/verify.html", details=details, organisation=organisation, form=form,
                           problem=problem, full=bank.in_full(details) if problem is None and
                           details.status.value == "pending" else None,
                           masked=bank.shown(details), before=bank.shown(before) if before else None,
                           history=bank.history(organisation.id))
