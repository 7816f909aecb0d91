"""The grantee's awards: the list, one award, and the offer with its online acceptance."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.awards.offer_forms import attach
from grants.blueprints.grantee import bp
from grants.blueprints.grantee.forms import AcceptanceForm
from grants.email_templates import send_template
from grants.extensions import db
from grants.formatting import money
from grants.forms import required
from grants.interfaces.applications import partners as bid_partners
from grants.interfaces.awards import awarding as awards
from grants.interfaces.awards import emails as award_emails
from grants.interfaces.awards import offers as award_offers
from grants.interfaces.awards.awarding import AwardError
from grants.interfaces.main import next_step
from grants.models.accounts import Role
from grants.models.awards import AwardStatus
from grants.permissions import role_required


@bp.route("")
@role_required(Role.APPLICANT)
def index():
    organisation = current_user.organisation
    return render_template(
        "grantee/index.html",
        organisation=organisation,
        awards=awards.organisation_awards(organisation.id) if organisation else [],
        effective_status=awards.effective_status,
        next_step=next_step.for_award,
        # A partner organisation's contact has no grant of their own from those bids: the lead's.
        partner_bids=bid_partners.partner_applications(current_user._get_current_object()),
    )


@bp.route("/<int:award_id>")
@role_required(Role.APPLICANT)
def show(award_id: int):
    award = awards.award_for_member(current_user, award_id)
    return render_template("grantee/show.html", award=award, status=awards.effective_status(award),
                           next_step=next_step.for_award(award))


@bp.route("/<int:award_id>/offer", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def offer(award_id: int):
    award = awards.award_for_member(current_user, award_id)
    status = awards.effective_status(award)
    form = AcceptanceForm(organisation_name=award.organisation.name)
    if request.method == "POST" and status is not AwardStatus.OFFERED:
        # The page explains why it cannot be accepted; the declaration typed does not matter.
        form = AcceptanceForm(formdata=None, organisation_name=award.organisation.name)
        form.form_errors.append(awards.not_open_to_accept(status))
    elif form.validate_on_submit():
        try:
            awards.accept_offer(award, current_user._get_current_object(), required(form.name.data),
                                required(form.position.data), form.confirm.data,
                                mfa_confirmed=bool(form.mfa_confirm.data))
        except AwardError as refused:
            db.session.rollback()
            attach(form, refused)
            status = awards.effective_status(award)
        else:
            _tell_officer(award)
            flash(f"You have accepted the grant of {money(award.amount)} on behalf of {award.organisation.name}. "
                  "Keep a copy of the agreement: you can print it from the offer page", "success")
            return redirect(url_for("grantee.show", award_id=award_id))
    return render_template("grantee/offer.html", award=award, status=status, form=form,
                           agreement=award_offers.agreement(award), can_accept=status is AwardStatus.OFFERED)


def _tell_officer(award) -> None:
    officer = award_offers.officer_to_tell(award)
    if officer is None:
        return
    send_template("offer_accepted", officer.email, award_emails.accepted_values(award, officer))
