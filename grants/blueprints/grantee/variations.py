"""The grantee asks for a change to their award (amount, dates or activities) and follows it; the
officer responsible is emailed the request."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from grants.blueprints.awards.variation_forms import VariationForm, attach
from grants.blueprints.grantee import bp
from grants.email_templates import send_template
from grants.extensions import db
from grants.interfaces.awards import management_emails, variations
from grants.interfaces.awards.awarding import AwardError, award_for_member
from grants.models.accounts import Role
from grants.models.awards import AwardStatus, VariationKind, VariationStatus
from grants.permissions import role_required


@bp.route("/<int:award_id>/variations/new", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def new_variation(award_id: int):
    award = award_for_member(current_user, award_id)
    form = VariationForm()
    if award.status is AwardStatus.ACCEPTED and form.validate_on_submit():
        try:
            variation = variations.request_variation(award, VariationKind(form.kind.data), form.proposal(),
                                                     form.reason.data, current_user._get_current_object(),
                                                     by_grantee=True)
        except AwardError as refused:
            db.session.rollback()
            attach(form, refused)
        else:
            _email_officer(award, variation)
            flash("Your request has been sent. Your grants officer will approve or reject it, and you will be "
                  "emailed the decision", "success")
            return redirect(url_for("grantee.variation", award_id=award.id, variation_id=variation.id))
    return render_template("grantee/variation_new.html", award=award, form=form,
                           open_variations=[v for v in award.variations if v.status is VariationStatus.REQUESTED])


def _email_officer(award, variation) -> None:
    officer = award.officer
    if officer is None or not officer.active:
        return  # the grants team sees it on the award page; nobody in particular to tell
    send_template("variation_requested", officer.email, management_emails.variation_requested_values(variation))


@bp.route("/<int:award_id>/variations/<int:variation_id>")
@role_required(Role.APPLICANT)
def variation(award_id: int, variation_id: int):
    award = award_for_member(current_user, award_id)
    return render_template("grantee/variation.html", award=award,
                           variation=variations.variation_of(award, variation_id))
