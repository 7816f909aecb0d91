"""The applicant's pages: dashboard, task list, sections, check answers, submit, withdraw."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import CombinedMultiDict, FileStorage, MultiDict

from grants.blueprints.applications import bp, stash
from grants.blueprints.organisations.forms import OrganisationForm
from grants.eligibility import eligible_rounds
from grants.extensions import csrf, db
from grants.forms import ConfirmForm
from grants.interfaces.applications import emails as application_emails
from grants.interfaces.applications import partners, questions, shown_answers, stages
from grants.interfaces.applications import submission as apps
from grants.interfaces.applications.documents import DocumentsLocked, discard_file
from grants.interfaces.applications.questions import ORGANISATION, raw_answers, to_formdata
from grants.interfaces.main import next_step
from grants.models.accounts import Role
from grants.models.applications import ApplicationStatus
from grants.models.rounds import FundingRound
from grants.permissions import role_required

# Buttons on section pages (their names start with "action", which is not kept as an answer).
SAVE_AND_CONTINUE = "action-continue"
SAVE_FOR_LATER = "action-later"


@bp.app_context_processor
def _application_answers():
    # For applications/_answers.html, which officers' pages include too.
    return {"application_answers": shown_answers.all_answers}


@bp.app_context_processor
def _application_stages():
    # Each stage's deadline and whether it still takes submissions, for the applicant's pages.
    return {
        "stage_deadline": lambda application: stages.deadline(application.funding_round, application.stage),
        "stage_is_open": stages.stage_is_open,
        "taking_eois": stages.taking_eois,
        "invitation_open": stages.invitation_open,
        "full_application_of": stages.full_application_of,
    }


def _member_application(application_id: int, lead_only: bool = True):
    # lead_only=False: a partner organisation's accepted contact may open it too (to view and contribute).
    return apps.application_for_member(current_user, application_id, lead_only=lead_only)


@bp.route("")
@role_required(Role.APPLICANT)
def dashboard():
    partner_bids = partners.partner_applications(current_user._get_current_object())
    if current_user.organisation_id is None and not partner_bids:
        return redirect(url_for("organisations.create"))
    return render_template(
        "applications/dashboard.html",
        rows=next_step.organisation_rows(current_user.organisation_id) if current_user.organisation_id else [],
        partner_bids=partner_bids,
    )


@bp.route("/start/<int:round_id>", methods=["POST"])
@role_required(Role.APPLICANT)
def start(round_id: int):
    funding_round = db.session.get(FundingRound, round_id) or abort(404)
    if not funding_round.is_open():
        abort(404)
    if current_user.organisation_id is None:
        return redirect(url_for("organisations.create"))
    try:
        stage = stages.stage_to_start(funding_round, current_user.organisation_id)
    except stages.StartRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for("applications.dashboard"))
    # A shortlisted organisation was found eligible at its expression of interest.
    if (stage is stages.EOI or not funding_round.has_eoi_stage) and round_id not in eligible_rounds():
        flash("Check that your organisation can apply before you start", "info")
        return redirect(url_for("rounds.eligibility", round_id=round_id))
    application = stages.start(funding_round, stage, current_user._get_current_object())
    return redirect(url_for("applications.task_list", application_id=application.id))


@bp.route("/<int:application_id>")
@role_required(Role.APPLICANT)
def task_list(application_id: int):
    application = _member_application(application_id, lead_only=False)
    if not application.is_editable:
        return render_template("applications/view.html", application=application)
    tasks = [(section, apps.task_status(application, section)) for section in questions.sections(application)]
    return render_template(
        "applications/task_list.html",
        application=application,
        tasks=tasks,
        missing_documents=[] if application.is_expression_of_interest else apps.missing_documents(application),
        completed=sum(status is apps.TaskStatus.COMPLETED for _, status in tasks),
    )


@bp.route("/<int:application_id>/sections/<key>", methods=["GET", "POST"])
@csrf.exempt  # checked in the view, once a signed-out visitor's answers have been kept
@stash.keeps_answers_of_expired_sessions
@role_required(Role.APPLICANT)
def section(application_id: int, key: str):
    if request.method == "POST":
        csrf.protect()  # a signed-in user's post: the token is checked before anything else
    application = _member_application(application_id, lead_only=False)
    section = questions.section_for(application, key) or abort(404)
    if section.is_organisation and not partners.is_lead_member(current_user, application):
        abort(404)  # the lead organisation's own record: not a partner's to change
    if not application.is_editable:
        flash("This application has been submitted and can no longer be changed", "info")
        return redirect(url_for("applications.task_list", application_id=application.id))
    if section.is_organisation:
        return _organisation_section(application)

    restored = stash.restore(application, section) if request.method == "GET" else None
    if request.method == "POST":
        posted: MultiDict = CombinedMultiDict([request.files, request.form]) if request.files else request.form
        form = questions.form(application, section, formdata=posted)
    elif restored is not None:
        form = questions.form(application, section, answers=restored)
        form.validate()
    else:
        form = questions.saved_form(application, section) or questions.form(application, section)

    if request.method == "POST":
        response = _save_section(application, section, form)
        if response is not None:
            return response
    return render_template(
        "applications/section.html",
        application=application,
        section=section,
        form=form,
        restored=restored is not None,
        list_labels=questions.list_nouns(section),
        has_files=questions.has_files(section),
        guidance=questions.guidance(section),
    )


def _save_section(application, section, form):
    """Keep what was posted to a section page (valid or not); the response to give, or None to show
    the page again (a row added, answers to put right, or the round closed)."""
    if _add_row(form):
        _check_chosen_files(form)  # a file chosen on the page is kept, as "Save and come back later" keeps it
        complete = False
    else:
        complete = form.validate()
    try:
        replaced = apps.save_answers(application, section, form, raw_answers(request.form), current_user, complete)
    except DocumentsLocked:  # submitted (in another tab) since this page was read: nothing is kept
        db.session.rollback()
        flash("This application has been submitted and can no longer be changed", "info")
        return redirect(url_for("applications.task_list", application_id=application.id))
    complete = complete and not form.errors  # a file the save refused (no room for another document)
    if replaced:  # a new file took an earlier one's place: removed once the change is committed
        db.session.commit()
        for stored_name in replaced:
            discard_file(stored_name)
    if not stages.stage_is_open(application):
        flash(f"{stages.closed_message(application)}. We have kept your answers, but "
              f"{'it' if application.is_expression_of_interest else 'the application'} can no longer be submitted",
              "error")
    elif SAVE_FOR_LATER in request.form:
        flash(f"Your answers to ‘{section.title}’ have been saved. You can come back to them at any time",
              "success")
        return redirect(url_for("applications.task_list", application_id=application.id))
    elif complete:
        return redirect(_next_url(application, section))
    return None


def _add_row(form) -> bool:
    """A no-JavaScript "Add another" button: add an empty row and show the page again."""
    for name, field in form._fields.items():
        if f"action-add-{name}" in request.form and hasattr(field, "append_entry"):
            if len(field.entries) < (field.max_entries or 50):
                field.append_entry()
            return True
    return False


def _check_chosen_files(form) -> None:
    """Check each file chosen on the page (by its content, as a save does) without checking the other
    answers, so that the save keeps it: the "Add another" buttons show the page again, not its errors."""
    for field in form:
        if isinstance(field.data, FileStorage) and field.data.filename:
            field.validate(form)


def _next_url(application, section) -> str:
    tasks = questions.sections(application)
    index = [task.key for task in tasks].index(section.key)
    for following in tasks[index + 1:]:
        if apps.task_status(application, following) is not apps.TaskStatus.COMPLETED:
            return url_for("applications.section", application_id=application.id, key=following.key)
    return url_for("applications.task_list", application_id=application.id)


def _organisation_section(application):
    organisation = application.organisation
    record = application.section(ORGANISATION.key)
    if request.method == "POST":
        form = OrganisationForm()
    elif record is not None and record.answers:
        form = OrganisationForm(formdata=to_formdata(record.answers), meta={"csrf": False})
        form.validate()
    else:
        form = OrganisationForm(obj=organisation)
        form.legal_type.data = organisation.legal_type.value
    if request.method == "POST":
        valid = form.validate()
        apps.save_organisation_section(
            application, form.organisation_values() if valid else None, raw_answers(request.form), current_user
        )
        if valid or SAVE_FOR_LATER in request.form:
            if SAVE_FOR_LATER in request.form:
                flash("Your organisation's details have been saved", "success")
                return redirect(url_for("applications.task_list", application_id=application.id))
            return redirect(_next_url(application, ORGANISATION))
    return render_template(
        "applications/organisation_section.html",
        application=application,
        section=ORGANISATION,
        form=form,
    )


@bp.route("/<int:application_id>/check")
@role_required(Role.APPLICANT)
def check(application_id: int):
    application = _member_application(application_id)
    if not application.is_editable:
        return redirect(url_for("applications.task_list", application_id=application.id))
    # What is missing is listed on arrival; the error summary waits for a submission (``submit``).
    return render_template(
        "applications/check.html",
        application=application,
        problems=apps.submission_problems(application),
        submit_failed=False,
        form=ConfirmForm(),
    )


@bp.route("/<int:application_id>/submit", methods=["POST"])
@role_required(Role.APPLICANT)
def submit(application_id: int):
    application = _member_application(application_id)
    if application.status is not ApplicationStatus.DRAFT:
        # A second click, or a second tab: the first submission stands.
        return redirect(url_for("applications.confirmation", application_id=application.id))
    problems = apps.submission_problems(application)
    if problems:  # sections found no longer complete stay marked so (the request commits: status 200)
        return render_template("applications/check.html", application=application, problems=problems,
                               submit_failed=True, form=ConfirmForm()), 200
    if apps.submit(application, current_user._get_current_object()):
        application_emails.tell_of_submission(application)
    return redirect(url_for("applications.confirmation", application_id=application.id))


@bp.route("/<int:application_id>/confirmation")
@role_required(Role.APPLICANT)
def confirmation(application_id: int):
    application = _member_application(application_id)
    if application.status is ApplicationStatus.DRAFT:
        return redirect(url_for("applications.task_list", application_id=application.id))
    return render_template("applications/confirmation.html", application=application)


@bp.route("/<int:application_id>/withdraw", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def withdraw(application_id: int):
    application = _member_application(application_id)
    if not application.can_withdraw:
        flash("This application can no longer be withdrawn", "info")
        return redirect(url_for("applications.task_list", application_id=application.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        if apps.withdraw(application, current_user._get_current_object()):
            flash(f"Application {application.reference} has been withdrawn", "success")
        return redirect(url_for("applications.dashboard"))
    return render_template("applications/withdraw.html", application=application, form=form)

