"""The grantee's monitoring returns: a task list, each section saved as typed, check answers, submit."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.grantee import bp
from grants.extensions import db
from grants.form_definitions import Kind
from grants.forms import ConfirmForm
from grants.interfaces.awards import monitoring
from grants.interfaces.round_forms import versions
from grants.models.accounts import Role
from grants.permissions import role_required
from grants.return_form.sections import groups_of, raw_answers, section_answers

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
    form = section.form(monitoring_return, plan, formdata=request.form)
    complete = form.validate()
    shown = request.form.get(FORM_VERSION)  # absent from a page served before the field was (nothing to check)
    if shown is not None and shown != _version_shown(monitoring_return):
        # The round's form changed after the page was read: the answers were typed against another
        # version, so none is kept against this one; the page shows the form now asked, with them.
        flash(FORM_CHANGED, "error")
        return _section_page(monitoring_return, section, form)
    try:
        monitoring.save_section(monitoring_return, section, raw_answers(request.form),
                                current_user._get_current_object(), complete)
    except monitoring.ReturnError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(_task_list_url(monitoring_return))
    if SAVE_FOR_LATER in request.form:
        flash(f"Your answers to ‘{section.title}’ have been saved. You can come back to them at any time", "success")
        return redirect(_task_list_url(monitoring_return))
    if complete:
        return redirect(_next_url(monitoring_return, plan, section))
    return _section_page(monitoring_return, section, form)


def _version_shown(monitoring_return) -> str:
    """Which version of the monitoring form the return's pages ask: the one it is pinned to, or, before
    its first save pins one, the round's current version ("standard" while it has none of its own)."""
    if monitoring_return.form is not None:
        return str(monitoring_return.form_id)
    current = versions.current_version(monitoring_return.award.funding_round, Kind.MONITORING)
    return "standard" if current is None else str(current.id)


def _section_page(monitoring_return, section, form):
    return render_template("grantee/return_section.html", monitoring_return=monitoring_return, section=section,
                           form=form, groups=groups_of(form), form_version=(FORM_VERSION,
                                                                            _version_shown(monitoring_return)))


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
