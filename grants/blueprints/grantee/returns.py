"""The grantee's monitoring returns: a task list, each section saved as typed, check answers, submit."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.datastructures import CombinedMultiDict, FileStorage, MultiDict

from grants.blueprints.grantee import bp
from grants.document_store import DocumentMissing
from grants.extensions import db
from grants.form_definitions import Kind, QuestionType
from grants.forms import ConfirmForm
from grants.interfaces.applications.documents import content_disposition
from grants.interfaces.applications.questions import raw_answers
from grants.interfaces.awards import monitoring, return_documents
from grants.interfaces.round_forms import versions
from grants.models.accounts import Role
from grants.permissions import role_required
from grants.question_forms import QuestionForm, list_nouns, not_asked_fields, without_hidden
from grants.return_form.sections import groups_of, section_answers

# Buttons on section pages (their names start with "action", which is not kept as an answer).
SAVE_FOR_LATER = "action-later"

# The version of the form a section page showed, sent back with its answers so that a return is never
# pinned to a version other than the one the grantee answered (named "action…": not kept as an answer).
FORM_VERSION = "action-form-version"
FORM_CHANGED = ("This form was changed while you were filling it in, so your answers have not been saved. "
                "Check them against the questions below and save again")

URL = "/<int:award_id>/returns/<int:return_id>"
# The grant's own page, which lists its returns (grants/blueprints/grantee/routes.py).
AWARD_PAGE = "grantee.show"
MAX_ROWS = 50  # rows a question's "Add another" stops at when the question sets no max_rows (as applications)


def _return(award_id: int, return_id: int):
    return monitoring.return_for_member(current_user, award_id, return_id)


def _award_url(monitoring_return) -> str:
    return url_for(AWARD_PAGE, award_id=monitoring_return.award_id)


def _task_list_url(monitoring_return) -> str:
    return url_for("grantee.return_task_list", award_id=monitoring_return.award_id, return_id=monitoring_return.id)


@bp.route(URL)
@role_required(Role.APPLICANT)
def return_task_list(award_id: int, return_id: int):
    monitoring_return = _return(award_id, return_id)
    plan = monitoring.plan(monitoring_return)
    problem = monitoring.editing_problem(monitoring_return)
    if problem:
        return render_template("grantee/return_view.html", monitoring_return=monitoring_return, problem=problem,
                               answers=_all_answers(monitoring_return, plan), award_url=_award_url(monitoring_return))
    tasks = monitoring.tasks(monitoring_return, plan)
    return render_template(
        "grantee/return_task_list.html", monitoring_return=monitoring_return, tasks=tasks,
        completed=sum(task is monitoring.TaskStatus.COMPLETED for _, task in tasks),
        not_yet_open=monitoring.uk_today() < monitoring_return.period_start, award_url=_award_url(monitoring_return),
    )


@bp.route(URL + "/sections/<section_key>", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def return_section(award_id: int, return_id: int, section_key: str):
    monitoring_return = _return(award_id, return_id)
    section = monitoring.section_of(monitoring_return, section_key) or abort(404)
    problem = monitoring.editing_problem(monitoring_return)
    if problem:
        flash(problem, "info")
        return redirect(_task_list_url(monitoring_return))
    plan = monitoring.plan(monitoring_return)
    if request.method == "GET":
        form = section.saved_form(monitoring_return, plan)
        if form is None:
            form = section.form(monitoring_return, plan)
        else:
            form.validate()  # saved answers that are not yet valid show their messages
        return _section_page(monitoring_return, section, form)
    posted: MultiDict = CombinedMultiDict([request.files, request.form]) if request.files else request.form
    form = section.form(monitoring_return, plan, formdata=posted)
    added = _add_row(form)
    if added:
        _check_chosen_files(form)  # a file chosen on the page is kept, as "Save and come back later" keeps it
    complete = not added and form.validate()
    shown = request.form.get(FORM_VERSION)  # absent from a page served before the field was (nothing to check)
    if shown is not None and shown != _version_shown(monitoring_return):
        # The round's form changed after the page was read: the answers were typed against another
        # version, so none is kept against this one; the page shows the form now asked, with them.
        flash(FORM_CHANGED, "error")
        return _section_page(monitoring_return, section, form)
    try:
        replaced = monitoring.save_section(monitoring_return, section, _kept(form, raw_answers(request.form)),
                                           current_user._get_current_object(), complete, form)
    except monitoring.ReturnError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(_task_list_url(monitoring_return))
    complete = complete and not form.errors  # a file the save refused (no room for another)
    if replaced:  # a new file took an earlier one's place: removed once the change is committed
        db.session.commit()
        for stored_name in replaced:
            return_documents.discard_file(stored_name)
    if SAVE_FOR_LATER in request.form:
        flash(f"Your answers to ‘{section.title}’ have been saved. You can come back to them at any time", "success")
        return redirect(_task_list_url(monitoring_return))
    if complete:
        return redirect(_next_url(monitoring_return, plan, section))
    return _section_page(monitoring_return, section, form)


def _add_row(form) -> bool:
    """A no-JavaScript "Add another" button of a question's repeating rows: add an empty row and show
    the page again (what was typed is saved, as "Save and come back later" saves it)."""
    for name, field in form._fields.items():
        if f"action-add-{name}" in request.form and hasattr(field, "append_entry"):
            if len(field.entries) < (field.max_entries or MAX_ROWS):
                field.append_entry()
            return True
    return False


def _check_chosen_files(form) -> None:
    """Check each file chosen on the page (by its content, as a save does) without checking the other
    answers, so that the save keeps it."""
    for field in form:
        if isinstance(field.data, FileStorage) and field.data.filename:
            field.validate(form)


def _kept(form, typed: dict[str, list[str]]) -> dict[str, list[str]]:
    """What is kept of a section's answers: all that was typed, but the answers of the questions that
    ``show_if`` hides, given the answers of this section and the earlier ones (a definition's form; a
    standard stories or problems form hides nothing)."""
    return without_hidden(form, typed) if isinstance(form, QuestionForm) else typed


def _version_shown(monitoring_return) -> str:
    """Which version of the monitoring form the return's pages ask: the one it is pinned to, or, before
    its first save pins one, the round's current version ("standard" while it has none of its own)."""
    if monitoring_return.form is not None:
        return str(monitoring_return.form_id)
    current = versions.current_version(monitoring_return.award.funding_round, Kind.MONITORING)
    return "standard" if current is None else str(current.id)


def _section_page(monitoring_return, section, form):
    return render_template("grantee/return_section.html", monitoring_return=monitoring_return, section=section,
                           form=form, groups=groups_of(form), list_nouns=list_nouns(section.asked),
                           not_asked=not_asked_fields(form) if isinstance(form, QuestionForm) else set(),
                           has_files=any(question.type is QuestionType.FILE for question in section.asked.questions),
                           form_version=(FORM_VERSION, _version_shown(monitoring_return)))


def _next_url(monitoring_return, plan, section) -> str:
    sections = monitoring.sections(monitoring_return)
    for following in sections[sections.index(section) + 1:]:
        if monitoring.status(monitoring_return, following, plan) is not monitoring.TaskStatus.COMPLETED:
            return url_for("grantee.return_section", award_id=monitoring_return.award_id,
                           return_id=monitoring_return.id, section_key=following.key)
    return _task_list_url(monitoring_return)


def _all_answers(monitoring_return, plan):
    return [(section, section_answers(monitoring_return, section, plan))
            for section in monitoring.sections(monitoring_return)]


def _check_page(monitoring_return, plan, problems, submit_failed: bool = False):
    """The check answers page: what is missing listed on arrival, as an error summary once a
    submission has failed."""
    return render_template("grantee/return_check.html", monitoring_return=monitoring_return, problems=problems,
                           submit_failed=submit_failed, answers=_all_answers(monitoring_return, plan),
                           form=ConfirmForm())


@bp.route(URL + "/check")
@role_required(Role.APPLICANT)
def return_check(award_id: int, return_id: int):
    monitoring_return = _return(award_id, return_id)
    if monitoring.editing_problem(monitoring_return):
        return redirect(_task_list_url(monitoring_return))
    plan = monitoring.plan(monitoring_return)
    return _check_page(monitoring_return, plan, monitoring.submission_problems(monitoring_return, plan))


@bp.route(URL + "/submit", methods=["POST"])
@role_required(Role.APPLICANT)
def submit_return(award_id: int, return_id: int):
    monitoring_return = _return(award_id, return_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    plan = monitoring.plan(monitoring_return)
    problems = monitoring.submission_problems(monitoring_return, plan)
    if problems:
        if monitoring.editing_problem(monitoring_return):  # a second click: the first submission stands
            return redirect(_task_list_url(monitoring_return))
        return _check_page(monitoring_return, plan, problems, submit_failed=True)
    try:
        monitoring.submit_return(monitoring_return, plan, current_user._get_current_object())
    except monitoring.ReturnError as error:
        db.session.rollback()
        return _check_page(monitoring_return, plan, [monitoring.Problem(str(error))], submit_failed=True)
    flash(f"Monitoring return {monitoring_return.number} has been submitted. Your grants officer will review it",
          "success")
    return redirect(_task_list_url(monitoring_return))


@bp.route(URL + "/documents/<int:document_id>")
@role_required(Role.APPLICANT, Role.GRANTS_OFFICER, Role.ADMIN)
def return_document(award_id: int, return_id: int, document_id: int):
    """A file uploaded in answer to the return, for the grantee's members and for staff (another
    organisation's return, or another return's document, is not found), as a private download."""
    if current_user.has_role(Role.GRANTS_OFFICER, Role.ADMIN):
        monitoring_return = monitoring.return_for_staff(award_id, return_id)
    else:
        monitoring_return = _return(award_id, return_id)
    document = return_documents.document_for(monitoring_return, document_id)
    try:
        stream = return_documents.open_document(document)
    except DocumentMissing:
        current_app.logger.error("Document %s of return %s has no file", document.id, monitoring_return.id)
        abort(404)
    response = send_file(stream, mimetype=return_documents.served_content_type(document), conditional=False,
                         etag=False)
    response.headers["Content-Disposition"] = content_disposition(document.original_filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
