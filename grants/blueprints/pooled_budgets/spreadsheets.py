"""Pooled budgets in spreadsheets: the finance workbook and CSV out, monthly actuals in."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput

from grants.blueprints.pooled_budgets import bp
from grants.exports import pooled_workbook
from grants.extensions import db
from grants.forms import GovForm, submit
from grants.interfaces.pooled_budgets import imports as pooled_import
from grants.interfaces.pooled_budgets.agreements import POOLED_VIEWERS, agreement_or_404, list_agreements
from grants.models.accounts import Role
from grants.models.pooled_budgets import AgreementStatus
from grants.models.types import utcnow
from grants.permissions import role_required


class ImportForm(GovForm):
    file = FileField(
        "Upload a workbook",
        description="An Excel workbook (.xlsx) in the exported layout or the template, smaller than 2MB",
        widget=GovFileInput(),
        validators=[FileRequired(message="Select a workbook")],
    )
    submit = submit("Import figures")


def _exported_by() -> str:
    return f"{current_user.full_name} <{current_user.email}>"


def _xlsx(workbook, name: str):
    response = send_file(pooled_workbook.workbook_bytes(workbook), mimetype=pooled_workbook.XLSX_MIMETYPE,
                         as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


def _slug(reference: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in reference).strip("-").lower() or "agreement"


@bp.route("/<int:agreement_id>/export.xlsx", endpoint="export_xlsx")
@role_required(*POOLED_VIEWERS)
def export_xlsx(agreement_id: int):
    agreement = agreement_or_404(agreement_id)
    workbook = pooled_workbook.export_agreement([agreement], list(agreement.years), _exported_by(), utcnow())
    return _xlsx(workbook, f"pooled-budget-{_slug(agreement.reference)}.xlsx")


@bp.route("/<int:agreement_id>/export.csv", endpoint="export_csv")
@role_required(*POOLED_VIEWERS)
def export_csv(agreement_id: int):
    agreement = agreement_or_404(agreement_id)
    response = Response(pooled_workbook.export_csv([agreement], list(agreement.years)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=pooled-budget-{_slug(agreement.reference)}.csv"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/export/<int:year>.xlsx", endpoint="export_year")
@role_required(*POOLED_VIEWERS)
def export_year(year: int):
    if not 2000 <= year <= 2100:
        abort(404)
    agreements = [a for a in list_agreements(year) if a.status is not AgreementStatus.DRAFT]
    workbook = pooled_workbook.export_agreement(agreements, [year], _exported_by(), utcnow())
    return _xlsx(workbook, f"pooled-budgets-{pooled_workbook.year_label(year)}.xlsx")


@bp.route("/<int:agreement_id>/import-template.xlsx", endpoint="import_template")
@role_required(*POOLED_VIEWERS)
def import_template(agreement_id: int):
    agreement = agreement_or_404(agreement_id)
    return _xlsx(pooled_import.template(agreement), f"actuals-template-{_slug(agreement.reference)}.xlsx")


@bp.route("/<int:agreement_id>/import", methods=["GET", "POST"], endpoint="import_actuals")
@role_required(Role.FINANCE_OFFICER)
def import_actuals(agreement_id: int):
    agreement = agreement_or_404(agreement_id)
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        result = pooled_import.import_actuals(agreement, form.file.data, current_user._get_current_object())
        if result.problems:
            db.session.rollback()
            problems = result.problems
        else:
            flash(result.message, "success")
            return redirect(url_for("pooled_budgets.import_actuals", agreement_id=agreement.id))
    return render_template("pooled_budgets/import_actuals.html", agreement=agreement, form=form, problems=problems)
