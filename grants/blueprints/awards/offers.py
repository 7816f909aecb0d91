"""Grant offers: the awards list, making an offer on a successful application, the award page and
its printable offer letter, and changing, extending or withdrawing an offer not yet accepted."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.award_conditions import STANDARD_CONDITIONS
from grants.blueprints.awards import bp
from grants.blueprints.awards.offer_forms import ExtendForm, OfferForm, WithdrawForm, attach, award_data
from grants.extensions import db
from grants.formatting import LONDON, london_datetime, long_date, money
from grants.forms import int_arg, required
from grants.interfaces.applications.submission import APPLICATION_STAFF
from grants.interfaces.awards import awarding as awards
from grants.interfaces.awards import emails as award_emails
from grants.interfaces.awards import offers as award_offers
from grants.interfaces.awards.awarding import AWARD_MANAGERS, AWARD_VIEWERS, AwardError, AwardTerms, StaleAward
from grants.models.awards import AwardStatus, MonitoringFrequency
from grants.models.claims import PaymentBasis
from grants.permissions import role_required

OPEN_OFFER = (AwardStatus.OFFERED, AwardStatus.LAPSED)
# The extension suggested on the form: two more weeks from the deadline (or from today, if it passed).
EXTENSION_DAYS = 14


@bp.route("")
@role_required(*AWARD_VIEWERS)
def index():
    rounds = award_offers.rounds_with_awards()
    round_id = int_arg("round")
    if round_id not in {funding_round.id for funding_round in rounds}:
        round_id = None  # an unknown round shows every round
    search = request.args.get("q", "").strip()[:awards.SEARCH_MAX_CHARACTERS]
    return render_template(
        "awards/index.html",
        rounds=rounds,
        round_id=round_id,
        search=search,
        ready=awards.awardable_applications(round_id, search),
        awards=awards.list_awards(round_id, search),
        effective_status=awards.effective_status,
        next_step=award_offers.next_step,
        can_offer=current_user.has_role(*AWARD_MANAGERS),
    )


# Making an offer ---------------------------------------------------------------------------------

def _offer_form(application, **kwargs) -> OfferForm:
    return OfferForm(officers=award_offers.active_grants_officers(),
                     commitments=awards.commitments_for(application), **kwargs)


def _default_terms(application) -> dict:
    """The form's starting point: the amount asked, the project's dates, every standard condition,
    quarterly returns, the officer making the offer, and half now, half after the first return."""
    start, end = award_offers.default_dates(application)
    amount = application.amount_requested
    deadline_day = award_offers.default_deadline_day()
    terms = AwardTerms(
        amount=amount, amount_reason=None, start_date=start, end_date=end,
        standard_conditions=tuple(STANDARD_CONDITIONS), special_conditions="",
        monitoring_frequency=MonitoringFrequency.QUARTERLY, officer=current_user._get_current_object(),
        offer_deadline=award_offers.end_of_day(deadline_day),
        instalments=tuple(award_offers.default_schedule(amount, start, end))
        if amount and application.funding_round.payment_basis is not PaymentBasis.CLAIMS else (),
    )
    return OfferForm.data_for(terms, deadline_day)


def _tell_grantee(award, key: str) -> None:
    award_emails.tell_grantee_of_offer(key, award, award_offers.offer_recipients(award))


@bp.route("/new/<int:application_id>", methods=["GET", "POST"])
@role_required(*AWARD_MANAGERS)
def new(application_id: int):
    application = award_offers.application_to_award(application_id)
    problem = award_offers.offer_problem(application)
    if problem:
        flash(problem, "error")
        return redirect(url_for("awards.index"))
    form = _offer_form(application, data=None if request.method == "POST" else _default_terms(application))
    if form.validate_on_submit():
        try:
            award = awards.create_award(application, form.terms(), current_user._get_current_object())
        except AwardError as refused:
            db.session.rollback()
            attach(form, refused)
        else:
            _tell_grantee(award, "offer_made")
            flash(f"{application.organisation.name} has been offered {money(award.amount)} and emailed a link "
                  "to accept it", "success")
            return redirect(url_for("awards.show", award_id=award.id))
    return render_template("awards/new.html", form=form, application=application,
                           funding_round=application.funding_round,
                           headroom=awards.headroom(application.funding_round))


# An award ----------------------------------------------------------------------------------------

@bp.route("/<int:award_id>")
@role_required(*AWARD_VIEWERS)
def show(award_id: int):
    award = awards.award_for_staff(award_id)
    status = awards.effective_status(award)
    return render_template(
        "awards/show.html", award=award, status=status, agreement=award_offers.agreement(award),
        next_step=award_offers.next_step(award),
        can_see_application=current_user.has_role(*APPLICATION_STAFF),
        can_change=current_user.has_role(*AWARD_MANAGERS) and award.status is AwardStatus.OFFERED,
        can_extend_or_withdraw=current_user.has_role(*AWARD_MANAGERS) and award.status in OPEN_OFFER,
    )


@bp.route("/<int:award_id>/offer-letter")
@role_required(*AWARD_VIEWERS)
def offer_letter(award_id: int):
    award = awards.award_for_staff(award_id)
    return render_template("awards/offer_letter.html", award=award, status=awards.effective_status(award),
                           agreement=award_offers.agreement(award))


# Changing an offer -------------------------------------------------------------------------------

@bp.route("/<int:award_id>/edit", methods=["GET", "POST"])
@role_required(*AWARD_MANAGERS)
def edit(award_id: int):
    award = awards.award_for_staff(award_id)
    if award.status is not AwardStatus.OFFERED:
        flash(f"This offer cannot be changed: it is {award.status.label.lower()}. After acceptance, changes "
              "are variations", "error")
        return redirect(url_for("awards.show", award_id=award_id))
    application = award.application
    data = None if request.method == "POST" else award_data(award, award_offers.terms_of(award))
    form = _offer_form(application, data=data)
    if form.validate_on_submit():
        seen = form.loaded_version()
        try:
            changed = award_offers.revise_offer(award, -1 if seen is None else seen, form.terms(),
                                                current_user._get_current_object())
        except StaleAward as stale:
            db.session.rollback()
            return _stale(award_id, form, str(stale))
        except AwardError as refused:
            db.session.rollback()
            attach(form, refused)
        else:
            if changed:
                _tell_grantee(award, "offer_changed")
            flash("The offer has been changed and the organisation emailed" if changed else "Nothing was changed",
                  "success")
            return redirect(url_for("awards.show", award_id=award_id))
    return _edit_page(award, form)


def _edit_page(award, form, differences=None):
    return render_template("awards/edit.html", award=award, form=form, application=award.application,
                           funding_round=award.funding_round,
                           headroom=awards.headroom(award.funding_round, excluding=award), differences=differences)


def _stale(award_id: int, submitted: OfferForm, message: str):
    """Someone saved first: show the award as it is now beside what this officer entered; nothing
    of theirs is saved."""
    award = awards.award_for_staff(award_id)
    form = _offer_form(award.application, formdata=None, data=award_data(award, award_offers.terms_of(award)))
    form.version.errors = [message]
    saved, entered = _described(form), _described(submitted)
    differences = [(label, saved[label], entered[label]) for label in saved if saved[label] != entered[label]]
    return _edit_page(award, form, differences)


def _described(form: OfferForm) -> dict[str, str]:
    """The offer form's values as words, to compare two versions of it."""
    def choices(field) -> str:
        labels = {choice.value: choice.label for choice in field.choices}
        return "; ".join(labels.get(str(value), str(value)) for value in field.data or ()) or "None chosen"

    def one(field) -> str:
        labels = {choice.value: choice.label for choice in field.choices}
        return labels.get(field.data, field.data or "")

    schedule = [
        f"{money(row.form.amount.data)} due {long_date(row.form.due_date.data)}"
        f" ({one(row.form.trigger).lower()})"
        for row in form.instalments.entries
        if row.form.amount.data is not None or row.form.due_date.data is not None
    ]
    return {
        form.amount.label.text: money(form.amount.data),
        "Reason the amount differs": form.amount_reason.data or "",
        form.start_date.label.text: long_date(form.start_date.data),
        form.end_date.label.text: long_date(form.end_date.data),
        form.standard_conditions.label.text: f"{len(form.standard_conditions.data or ())} of "
                                             f"{len(STANDARD_CONDITIONS)} ticked",
        "Special conditions": form.special_conditions.data or "",
        "Monitoring returns": one(form.monitoring_frequency),
        form.officer_id.label.text: one(form.officer_id),
        form.offer_deadline.label.text: long_date(form.offer_deadline.data),
        "Plan commitments": choices(form.commitments),
        "Payment schedule": "; ".join(schedule),
    }


# Extending and withdrawing -----------------------------------------------------------------------

def _not_open(award):
    flash(f"This offer is {award.status.label.lower()}: only an offer that has not been accepted or withdrawn "
          "can be extended or withdrawn", "error")
    return redirect(url_for("awards.show", award_id=award.id))


@bp.route("/<int:award_id>/extend", methods=["GET", "POST"])
@role_required(*AWARD_MANAGERS)
def extend(award_id: int):
    award = awards.award_for_staff(award_id)
    if award.status not in OPEN_OFFER:
        return _not_open(award)
    suggested = max(award.offer_deadline.astimezone(LONDON).date(), award_offers.london_today())
    form = ExtendForm(data=None if request.method == "POST" else
                      {"offer_deadline": suggested + timedelta(days=EXTENSION_DAYS)})
    if form.validate_on_submit():
        try:
            awards.extend_offer(award, award_offers.end_of_day(required(form.offer_deadline.data)),
                                current_user._get_current_object())
        except AwardError as refused:
            db.session.rollback()
            attach(form, refused)
        else:
            _tell_grantee(award, "offer_extended")
            flash(f"The offer can now be accepted until {london_datetime(award.offer_deadline)}. "
                  "The organisation has been emailed", "success")
            return redirect(url_for("awards.show", award_id=award_id))
    return render_template("awards/extend.html", award=award, form=form, status=awards.effective_status(award))


@bp.route("/<int:award_id>/withdraw", methods=["GET", "POST"])
@role_required(*AWARD_MANAGERS)
def withdraw(award_id: int):
    award = awards.award_for_staff(award_id)
    if award.status not in OPEN_OFFER:
        return _not_open(award)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            awards.withdraw_offer(award, required(form.reason.data), current_user._get_current_object())
        except AwardError as refused:
            db.session.rollback()
            attach(form, refused)
        else:
            _tell_grantee(award, "offer_withdrawn")
            flash(f"The offer to {award.organisation.name} has been withdrawn and its {money(award.amount)} "
                  "returned to the round's budget. The organisation has been emailed", "success")
            return redirect(url_for("awards.show", award_id=award_id))
    return render_template("awards/withdraw.html", award=award, form=form, status=awards.effective_status(award))
