"""Grants officers screen submitted applications: lists, one application, decisions, questions, export."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from grants import pagination
from grants.blueprints.screening import bp, table_cells
from grants.blueprints.screening.forms import ApplicationFilterForm, ClarificationQuestionForm, ScreeningForm
from grants.exports import applications as application_export
from grants.extensions import db
from grants.forms import page_arg, required
from grants.interfaces.applications.submission import APPLICATION_STAFF
from grants.interfaces.due_diligence import findings as due_diligence
from grants.interfaces.screening import applications as screening
from grants.interfaces.screening import emails as screening_emails
from grants.interfaces.screening import shortlisting
from grants.models.applications import ApplicationStatus
from grants.permissions import role_required

# Filters kept in page and sort links.
FILTER_FIELDS = ("q", "status", "local_authority", "approach", "amount_band", "legal_type")


def _page_number() -> int:
    return page_arg()


@bp.route("")
@role_required(*APPLICATION_STAFF)
def index():
    return render_template(
        "screening/index.html", rounds=screening.rounds_with_counts(), statuses=screening.VISIBLE_STATUSES,
        eoi_rounds=shortlisting.eoi_rounds(),
    )


@bp.route("/rounds/<int:round_id>")
@role_required(*APPLICATION_STAFF)
def round_applications(round_id: int):
    funding_round = screening.round_for_list(round_id)
    form = ApplicationFilterForm(request.args)
    form.set_round(funding_round)
    if request.args:
        form.validate()  # a value that fails its check is shown as an error and left off
    sort = form.sort.data if form.sort.data in screening.SORTS else screening.DEFAULT_SORT
    descending = form.order.data == "desc"
    form.sort.data, form.order.data = sort, "desc" if descending else "asc"  # shown as applied
    criteria = screening.ApplicationFilter(
        status=form.value("status"),
        local_authority=form.value("local_authority"),
        approach=form.value("approach"),
        amount_band=form.value("amount_band"),
        legal_type=form.value("legal_type"),
        search=form.value("q"),
        sort=sort,
        descending=descending,
    )
    filters = {name: form.value(name) for name in FILTER_FIELDS if form.value(name)}
    listing = screening.list_applications(funding_round.id, criteria, _page_number())
    return render_template(
        "screening/round.html",
        funding_round=funding_round,
        form=form,
        results=listing.results,
        counts=listing.counts,
        statuses=screening.VISIBLE_STATUSES,
        filters=filters,
        sort=sort,
        descending=descending,
        sorts=screening.SORTS,
        application_rows=table_cells.application_rows,
        pagination_markup=pagination.pagination,
    )


@bp.route("/rounds/<int:round_id>/export.xlsx")
@role_required(*APPLICATION_STAFF)
def export_round(round_id: int):
    funding_round = screening.round_for_screening(round_id)
    workbook = application_export.round_workbook(screening.applications_for_export(funding_round.id),
                                                 funding_round=funding_round)
    response = send_file(
        workbook,
        mimetype=application_export.XLSX_MIMETYPE,
        as_attachment=True,
        download_name=application_export.filename(funding_round),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"  # applicants' personal details
    return response


def _application_page(application, screening_form=None, question_form=None, form=None):
    """The whole application; ``form`` is the one that was posted, for the error summary."""
    findings = due_diligence.findings(application)
    return render_template(
        "screening/application.html",
        application=application,
        screening_form=screening_form or ScreeningForm(formdata=None),
        question_form=question_form or ClarificationQuestionForm(formdata=None),
        form=form,
        history=screening.history(application),
        can_screen=application.status is ApplicationStatus.SUBMITTED and not application.is_expression_of_interest,
        can_ask=application.status in screening.CLARIFIABLE,
        due_diligence=findings,
        held_by_due_diligence=due_diligence.gate_refusal(application, findings),
        can_record_due_diligence=due_diligence.can_record(application),
    )


@bp.route("/applications/<int:application_id>")
@role_required(*APPLICATION_STAFF)
def application(application_id: int):
    return _application_page(screening.submitted_application(application_id, whole=True))


def _back_to(application, anchor: str | None = None):
    return redirect(url_for("screening.application", application_id=application.id, _anchor=anchor))


@bp.route("/applications/<int:application_id>/screen", methods=["POST"])
@role_required(*APPLICATION_STAFF)
def screen(application_id: int):
    application = screening.submitted_application(application_id)
    if application.is_expression_of_interest:
        flash(f"{application.reference} is an expression of interest: shortlist it instead", "error")
        return redirect(url_for("screening.shortlist", round_id=application.round_id, application_id=application.id))
    if application.status is not ApplicationStatus.SUBMITTED:
        flash(f"{application.reference} has already been screened: it is {application.status.label.lower()}", "error")
        return _back_to(application)
    form = ScreeningForm()
    if not form.validate_on_submit():
        return _application_page(application, screening_form=form, form=form)
    passed = form.decision.data == "pass"
    try:
        screening.screen(application, passed, form.reason.data, current_user._get_current_object())
    except screening.ScreeningConflict as conflict:
        db.session.rollback()
        flash(str(conflict), "error")
        return _back_to(application)
    flash(
        f"{application.reference} passed screening and is now with the panel. "
        f"{application.organisation.name} has been emailed that it is eligible"
        if passed
        else f"{application.reference} failed screening. {application.organisation.name} has been emailed the reason",
        "success",
    )
    return _back_to(application)


@bp.route("/applications/<int:application_id>/clarifications", methods=["POST"])
@role_required(*APPLICATION_STAFF)
def ask_clarification(application_id: int):
    application = screening.submitted_application(application_id)
    if application.status not in screening.CLARIFIABLE:
        flash(f"Questions cannot be asked: {application.reference} is {application.status.label.lower()}", "error")
        return _back_to(application, "clarifications")
    form = ClarificationQuestionForm()
    if not form.validate_on_submit():
        return _application_page(application, question_form=form, form=form)
    clarification = screening.ask_clarification(application, required(form.question.data),
                                                current_user._get_current_object())
    screening_emails.tell_of_question(clarification)
    flash(f"Question sent to {application.organisation.contact_email}", "success")
    return _back_to(application, "clarifications")
