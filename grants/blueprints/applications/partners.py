"""Partner organisations on a bid: the lead's members name them and invite their contacts; a contact
accepts the emailed invitation and may then open the application (see
``grants.interfaces.applications.partners`` for who may do what)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import EmailField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length, Optional

from grants import identifiers
from grants.application_form.fields import WordLimit
from grants.blueprints.applications import bp
from grants.extensions import db
from grants.field_components import CharacterCount, TextInput
from grants.forms import ConfirmForm, GovForm, MoneyField, email_address, required, submit
from grants.interfaces.applications import emails as application_emails
from grants.interfaces.applications import partners as bid_partners
from grants.interfaces.applications.submission import application_for_member
from grants.models.accounts import Role
from grants.permissions import role_required


class PartnerForm(GovForm):
    name = StringField(
        "Organisation name",
        widget=TextInput(),
        validators=[
            InputRequired(message="Enter the partner organisation's name"),
            Length(max=200, message="Organisation name must be 200 characters or fewer"),
        ],
    )
    charity_number = StringField(
        "Charity number (optional)",
        description="If it is a registered charity or CIO, for example 1234567 or SC012345",
        widget=TextInput(),
    )
    company_number = StringField(
        "Company number (optional)",
        description="If it is registered with Companies House, for example 01234567",
        widget=TextInput(),
    )
    role = TextAreaField(
        "Role on the project",
        description="What the partner will do, and why it is the right organisation to do it",
        widget=CharacterCount(),
        validators=[
            InputRequired(message="Enter the partner's role on the project"),
            WordLimit(bid_partners.ROLE_MAX_WORDS, "Role on the project"),
        ],
        render_kw={"params": {"maxwords": bid_partners.ROLE_MAX_WORDS}},
    )
    budget_share = MoneyField(
        "Share of the budget",
        description="The part of the amount you are asking for that the partner will spend, in pounds",
        name_for_errors="Share of the budget",
        validators=[InputRequired(message="Enter the partner's share of the budget")],
    )
    contact_name = StringField(
        "Contact's full name (optional)",
        widget=TextInput(),
        validators=[Optional(), Length(max=200, message="Contact's name must be 200 characters or fewer")],
    )
    contact_email = EmailField(
        "Contact's email address (optional)",
        description="Needed to invite them to view and contribute to the application",
        widget=TextInput(),
        validators=[Optional(), email_address()],
    )
    submit = submit("Save partner")

    # The same checks of the numbers as the organisation form's (grants.identifiers), without its
    # legal types: what kind of body a partner is is not asked.
    def validate_charity_number(self, field):
        if not field.data or not field.data.strip():
            field.data = None
            return
        try:
            field.data = identifiers.normalise_charity_number(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def validate_company_number(self, field):
        if not field.data or not field.data.strip():
            field.data = None
            return
        try:
            field.data = identifiers.normalise_company_number(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def validate_budget_share(self, field):
        if field.data is not None and field.data < 0:
            raise ValidationError("Share of the budget must be £0 or more")

    def partner_values(self) -> dict:
        return {name: getattr(self, name).data for name in bid_partners.FIELDS}


def _lead_application(application_id: int):
    """Only the lead organisation's members manage the partners (a partner's contact gets 404)."""
    return application_for_member(current_user, application_id, lead_only=True)


def _partners_page(application):
    return redirect(url_for("applications.partners", application_id=application.id))


@bp.app_context_processor
def _partner_helpers():
    # For templates that show a bid to the lead and to partners' contacts alike.
    return {
        "lead_member": lambda application: bid_partners.is_lead_member(current_user, application),
        "partner_share_of_request": bid_partners.share_of_request,
        "partner_invitation_state": bid_partners.invitation_state,
    }


@bp.route("/<int:application_id>/partners")
@role_required(Role.APPLICANT)
def partners(application_id: int):
    application = _lead_application(application_id)
    return render_template(
        "applications/partners.html",
        application=application,
        invite_form=ConfirmForm(),
        total=bid_partners.shares_total(application),
        problem=bid_partners.shares_problem(application),
        invite_max_age=bid_partners.INVITE_MAX_AGE,
    )


@bp.route("/<int:application_id>/partners/add", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def add_partner(application_id: int):
    application = _lead_application(application_id)
    if not application.is_editable:
        flash(bid_partners.NOT_A_DRAFT, "info")
        return _partners_page(application)
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            partner = bid_partners.add_partner(application, form.partner_values(), current_user._get_current_object())
        except bid_partners.PartnersLocked as locked:
            db.session.rollback()
            flash(str(locked), "error")
        else:
            flash(f"{partner.name} has been added as a partner", "success")
        return _partners_page(application)
    return render_template("applications/partner_form.html", application=application, form=form, partner=None)


@bp.route("/<int:application_id>/partners/<int:application_partner_id>/change", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def change_partner(application_id: int, application_partner_id: int):
    application = _lead_application(application_id)
    partner = bid_partners.partner_for(application, application_partner_id)
    if not application.is_editable:
        flash(bid_partners.NOT_A_DRAFT, "info")
        return _partners_page(application)
    form = PartnerForm(obj=partner)
    if form.validate_on_submit():
        changed = bid_partners.update_partner(partner, form.partner_values(), current_user._get_current_object())
        flash(f"Your changes to {partner.name} have been saved" if changed else "Nothing was changed", "success")
        return _partners_page(application)
    return render_template("applications/partner_form.html", application=application, form=form, partner=partner)


@bp.route("/<int:application_id>/partners/<int:application_partner_id>/remove", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def remove_partner(application_id: int, application_partner_id: int):
    application = _lead_application(application_id)
    partner = bid_partners.partner_for(application, application_partner_id)
    if not application.is_editable:
        flash(bid_partners.NOT_A_DRAFT, "info")
        return _partners_page(application)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = partner.name
        bid_partners.remove_partner(partner, current_user._get_current_object())
        flash(f"{name} has been removed as a partner", "success")
        return _partners_page(application)
    return render_template("applications/partner_remove.html", application=application, partner=partner, form=form)


@bp.route("/<int:application_id>/partners/<int:application_partner_id>/invite", methods=["POST"])
@role_required(Role.APPLICANT)
def invite_partner(application_id: int, application_partner_id: int):
    application = _lead_application(application_id)
    partner = bid_partners.partner_for(application, application_partner_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        token = bid_partners.invite_contact(partner, current_user._get_current_object())
    except (bid_partners.InvitationProblem, bid_partners.PartnersLocked) as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return _partners_page(application)
    application_emails.send_partner_invite(
        partner, required(partner.contact_email),  # invite_contact refuses a partner without one
        current_user._get_current_object(), token)
    flash(f"Invitation sent to {partner.contact_email}", "success")
    return _partners_page(application)


@bp.route("/partner-invitations/<token>", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def accept_partner_invitation(token: str):
    partner = bid_partners.find_invitation(token)
    if partner is None:
        # A mistyped or replaced link: said plainly, without saying whether any such bid exists.
        return render_template("applications/partner_invitation.html", partner=None, form=None,
                               problem="This invitation link is not valid. Check that you copied the whole "
                                       "link, or ask the organisation that invited you to send it again"), 404
    form = ConfirmForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            bid_partners.accept_invitation(partner, user)
        except bid_partners.InvitationProblem:
            db.session.rollback()  # the problem is shown below
        else:
            flash(f"You can now view and contribute to {partner.application.organisation.name}'s application",
                  "success")
            return redirect(url_for("applications.task_list", application_id=partner.application_id))
    problem = bid_partners.invitation_problem(partner, user)
    return render_template("applications/partner_invitation.html", partner=partner, form=form, problem=problem)
