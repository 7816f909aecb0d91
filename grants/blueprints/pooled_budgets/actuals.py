"""A pooled-budget agreement's financial year: the figures page, entering monthly actuals and
forecasts, and closing the year."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.pooled_budgets import bp
from grants.blueprints.pooled_budgets.actual_forms import CloseYearForm, FiguresForm, figure_rows
from grants.blueprints.pooled_budgets.year_chart import year_chart
from grants.extensions import db
from grants.interfaces.pooled_budgets import figures as figures_of
from grants.interfaces.pooled_budgets.figures import POOLED_MANAGERS, POOLED_VIEWERS, PooledError, StaleFigures
from grants.modelling.pooled import pounds
from grants.permissions import role_required

YEAR_URL = "/<int:agreement_id>/years/<int:year>"


def _render(template: str, **context):
    return render_template(template, pounds=pounds, **context)


def _partner_names(agreement) -> dict[int, str]:
    return {member.partner_id: member.partner.name for member in agreement.members}


@bp.route(YEAR_URL, endpoint="year")
@role_required(*POOLED_VIEWERS)
def year_page(agreement_id: int, year: int):
    agreement = figures_of.agreement_year(agreement_id, year)
    figures = figures_of.year_figures(agreement, year)
    return _render("pooled_budgets/year.html", agreement=agreement, figures=figures, chart=year_chart(figures),
                   partner_names=_partner_names(agreement))


@bp.route(f"{YEAR_URL}/figures", methods=["GET", "POST"])
@role_required(*POOLED_MANAGERS)
def edit_figures(agreement_id: int, year: int):
    agreement = figures_of.agreement_year(agreement_id, year)
    figures = figures_of.year_figures(agreement, year)
    form = FiguresForm()
    typed, problems, stale = None, {}, None
    if form.validate_on_submit():
        try:
            saved = figures_of.save_figures(agreement, year, figure_rows(request.form, figures),
                                              current_user._get_current_object())
        except StaleFigures as refused:
            db.session.rollback()
            stale, problems = str(refused), refused.errors
            figures = figures_of.year_figures(agreement, year)  # the newer values, and their versions
        except PooledError as refused:
            db.session.rollback()
            typed, problems = request.form, refused.errors or {"": str(refused)}
        else:
            flash(f"{figures.label} figures saved: {saved.describe()}", "success")
            return redirect(url_for("pooled_budgets.year", agreement_id=agreement.id, year=year))
    return _render("pooled_budgets/year_figures.html", agreement=agreement, figures=figures, form=form,
                           typed=typed, problems=problems, stale=stale)


@bp.route(f"{YEAR_URL}/close", methods=["GET", "POST"])
@role_required(*POOLED_MANAGERS)
def close_year(agreement_id: int, year: int):
    agreement = figures_of.agreement_year(agreement_id, year)
    form = CloseYearForm()
    if form.validate_on_submit():
        try:
            year_end = figures_of.close_year(agreement, year, form.carry_forward.data,
                                             current_user._get_current_object())
        except PooledError as refused:
            db.session.rollback()
            if refused.field and refused.field in form:
                form[refused.field].errors = [*form[refused.field].errors, str(refused)]
            else:
                form.form_errors.append(str(refused))
        else:
            flash(f"{figures_of.year_label(year)} closed: outturn £{year_end.outturn:,.2f}", "success")
            return redirect(url_for("pooled_budgets.year", agreement_id=agreement.id, year=year))
    return _render("pooled_budgets/year_close.html", agreement=agreement, form=form,
                           figures=figures_of.year_figures(agreement, year),
                           preview=figures_of.year_end_preview(agreement, year),
                           partner_names=_partner_names(agreement), has_next_year=year + 1 in agreement.years)
