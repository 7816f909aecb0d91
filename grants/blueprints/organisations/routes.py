"""Organisations: applicants set up and keep their own; grants officers and admins see all."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.organisations import bp, invites_bp
from grants.blueprints.organisations.forms import InviteForm, OrganisationForm
from grants.blueprints.rounds.eligibility import eligibility_problems
from grants.eligibility import eligible_rounds, remember, remembered
from grants.extensions import db
from grants.forms import ConfirmForm, add_error, page_arg, required
from grants.interfaces.applications import submission as apps
from grants.interfaces.organisations import emails as organisation_emails
from grants.interfaces.organisations import membership as orgs
from grants.models.accounts import Role
from grants.models.rounds import FundingRound
from grants.permissions import login_required, role_required

VIEWERS = (Role.APPLICANT, *orgs.ORGANISATION_STAFF)


@bp.route("")
@role_required(*orgs.ORGANISATION_STAFF)
def index():
    search = request.args.get("q", "").strip()[:100]
    results = orgs.list_organisations(search=search, page=page_arg())
    return render_template("organisations/index.html", results=results, search=search)


@bp.route("/mine")
@role_required(Role.APPLICANT)
def mine():
    if current_user.organisation_id is None:
        return redirect(url_for("organisations.create"))
    return redirect(url_for("organisations.show", organisation_id=current_user.organisation_id))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def create():
    if current_user.organisation_id is not None:
        flash("You already belong to an organisation", "info")
        return redirect(url_for("organisations.mine"))
    form = OrganisationForm()
    check = remembered()
    chosen = _round_to_start(check)
    if request.method == "GET":
        form.contact_name.data = current_user.full_name
        form.contact_email.data = current_user.email
        if check is not None:  # given in the eligibility check: filled in, not asked again
            if check.answers.legal_type is not None:  # None: the round's check did not ask it
                form.legal_type.data = check.answers.legal_type.value
            if check.answers.annual_income is not None:
                form.annual_income.data = check.answers.annual_income
    if form.validate_on_submit():
        user = current_user._get_current_object()
        organisation = orgs.create_organisation(user, form.organisation_values())
        application, problems = None, []
        # The round chosen in the check: start on it, unless the details now rule it out.
        if check is not None and chosen is not None:
            answers = replace(check.answers, legal_type=organisation.legal_type,
                              annual_income=organisation.annual_income)
            problems = eligibility_problems(chosen, answers)
            if problems:
                remember(chosen.id, answers, eligible=False)
            else:
                application = apps.start_application(chosen, user)
        if application is not None:
            flash(f"{organisation.name} has been set up and your application to {chosen.name} has started",
                  "success")
            return redirect(url_for("applications.task_list", application_id=application.id))
        flash(f"{organisation.name} has been set up", "success")
        if problems:  # the type or income given now differs from the check's
            flash(f"Check again whether {organisation.name} can apply to {chosen.name}", "info")
            return redirect(url_for("rounds.eligibility", round_id=chosen.id))
        return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None, check=check, chosen=chosen)


def _round_to_start(check):
    """The round the person was found eligible for in this browser, if it is still open."""
    if check is None or not check.eligible or check.round_id not in eligible_rounds():
        return None
    funding_round = db.session.get(FundingRound, check.round_id)
    return funding_round if funding_round is not None and funding_round.is_open() else None


@bp.route("/<int:organisation_id>")
@role_required(*VIEWERS)
def show(organisation_id: int):
    organisation = orgs.organisation_for(current_user, organisation_id)
    return _show_page(organisation, InviteForm())


def _show_page(organisation, invite_form: InviteForm):
    """The organisation's page; its members also see invitations and the invite form."""
    is_member = current_user.organisation_id == organisation.id
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        members=orgs.members_of(organisation),
        invites=orgs.open_invites(organisation) if is_member else [],
        is_member=is_member,
        invite_form=invite_form if is_member else None,
        rounds_to_apply_to=orgs.rounds_to_apply_to(organisation.id) if is_member else [],
        eligible_rounds=eligible_rounds(),
    )


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@role_required(Role.APPLICANT, Role.GRANTS_OFFICER)
def edit(organisation_id: int):
    organisation = orgs.organisation_for(current_user, organisation_id)
    if current_user.organisation_id != organisation.id and not current_user.has_role(Role.GRANTS_OFFICER):
        abort(404)
    form = OrganisationForm(obj=organisation)
    if request.method == "GET":
        form.legal_type.data = organisation.legal_type.value
    if form.validate_on_submit():
        changed = orgs.update_organisation(organisation, form.organisation_values())
        flash("Your changes have been saved" if changed else "Nothing was changed", "success")
        return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=organisation)


def _membership(organisation_id: int):
    organisation = orgs.organisation_for(current_user, organisation_id)
    if current_user.organisation_id != organisation.id:
        abort(404)
    return organisation


@bp.route("/<int:organisation_id>/invites", methods=["POST"])
@role_required(Role.APPLICANT)
def invite(organisation_id: int):
    organisation = _membership(organisation_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            token = orgs.invite_member(organisation, required(form.email.data), current_user._get_current_object())
        except orgs.InviteProblem as problem:
            db.session.rollback()
            add_error(form.email, str(problem))
        else:
            organisation_emails.send_invite(organisation, required(form.email.data),
                                            current_user._get_current_object(), token)
            flash(f"Invitation sent to {form.email.data}", "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id, _anchor="members"))
    return _show_page(organisation, form)


@bp.route("/<int:organisation_id>/invites/<int:invite_id>/revoke", methods=["POST"])
@role_required(Role.APPLICANT)
def revoke_invite(organisation_id: int, invite_id: int):
    organisation = _membership(organisation_id)
    invite = orgs.invite_for(organisation, invite_id)
    if orgs.revoke_invite(invite):
        flash(f"Invitation to {invite.email} withdrawn", "success")
    else:
        flash(f"The invitation to {invite.email} was already accepted or withdrawn", "info")
    return redirect(url_for("organisations.show", organisation_id=organisation.id, _anchor="members"))


@invites_bp.route("/<token>", methods=["GET", "POST"])
@login_required
def accept(token: str):
    invite = orgs.find_invite(token)
    if invite is None:
        abort(404)
    form = ConfirmForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            orgs.accept_invite(invite, user)
        except orgs.InviteProblem:
            db.session.rollback()
            pass  # shown below
        else:
            flash(f"You have joined {invite.organisation.name}", "success")
            return redirect(url_for("organisations.show", organisation_id=invite.organisation_id))
    # Said before the button is pressed too: a used, withdrawn or expired link offers no button.
    problem = orgs.invite_problem(invite, user)
    return render_template("organisations/accept_invite.html", invite=invite, form=form, problem=problem)
