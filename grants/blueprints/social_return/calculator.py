"""The social-return calculator: the form and its results (the page's address is the shareable link),
the spreadsheet export of the same query, and the Devon and Cornwall preset."""

from __future__ import annotations

from flask import redirect, render_template, request, send_file, url_for
from flask_login import current_user

from grants.blueprints.social_return import bp
from grants.blueprints.social_return.calculator_forms import CalculatorForm
from grants.exports import sroi_workbook
from grants.interfaces.social_return import calculator
from grants.interfaces.social_return.parameters import SROI_USERS, parameters_of
from grants.links import public_url
from grants.modelling.social_return import compare_with_reported, estimate, pence_pounds, whole_pounds
from grants.modelling.sroi_defaults import GDP_DEFLATOR, NATIONAL_FIGURES, devon_and_cornwall_preset
from grants.modelling.sroi_parameters import (
    CATEGORIES,
    CATEGORY_LABELS,
    CLIENT_GROUPS,
    GROUP_LABELS,
    glossary,
    parameter_label,
)
from grants.models.types import utcnow
from grants.permissions import role_required


def _sets():
    return calculator.available_sets()


def _share_url(query: str) -> str:
    return f"{public_url('social_return.calculator')}?{query}"


@bp.route("", endpoint="calculator")
@role_required(*SROI_USERS)
def calculator_page():
    sets = _sets()
    form = CalculatorForm(formdata=request.args or None)
    form.offer(sets)
    outcome, problems, drawn_problems, query = None, [], {}, ""
    if calculator.is_submitted(request.args):
        try:
            parsed = calculator.parse_request(request.args, sets)
        except calculator.CalculatorProblems as refused:
            problems = refused.problems
            drawn_problems = form.show_problems(problems)
        else:
            outcome = calculator.run(parsed)
            query = calculator.share_query(parsed)
    return render_template(
        "social_return/calculator.html", calculator_form=form, outcome=outcome, problem_list=problems,
        problems=drawn_problems, args=request.args,
        share_url=_share_url(query) if outcome else "", export_query=query, groups=CLIENT_GROUPS,
        group_labels=GROUP_LABELS, categories=CATEGORIES, category_labels=CATEGORY_LABELS,
        parameter_label=parameter_label, whole_pounds=whole_pounds, pence_pounds=pence_pounds, glossary=glossary(),
        deflator=GDP_DEFLATOR, national_figures=NATIONAL_FIGURES)


@bp.route("/export.xlsx", endpoint="export")
@role_required(*SROI_USERS)
def export():
    sets = _sets()
    try:
        parsed = calculator.parse_request(request.args, sets)
    except calculator.CalculatorProblems:
        # Back to the form with the same query, where the problems are shown beside their inputs.
        return redirect(f"{url_for('social_return.calculator')}?{request.query_string.decode('latin-1')}")
    outcome = calculator.run(parsed)
    query = calculator.share_query(parsed)
    workbook = sroi_workbook.build_workbook(outcome, f"{current_user.full_name} <{current_user.email}>", utcnow(),
                                            _share_url(query))
    response = send_file(sroi_workbook.workbook_bytes(workbook), mimetype=sroi_workbook.XLSX_MIMETYPE,
                         as_attachment=True, download_name="social-return-estimate.xlsx", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/devon-and-cornwall", endpoint="preset")
@role_required(*SROI_USERS)
def preset():
    sets = _sets()
    preset = devon_and_cornwall_preset()
    row = sets[0] if sets else None
    comparison = result = None
    if row is not None:
        parameters = parameters_of(row).in_prices_of(preset.price_year, GDP_DEFLATOR)
        result = estimate(preset.inputs, parameters)
        comparison = compare_with_reported(
            result, preset.reported, "gross social and economic benefits of treatment (drug and alcohol clients)")
    return render_template(
        "social_return/calculator_preset.html", preset=preset, row=row, result=result, comparison=comparison,
        calculator_query=calculator.preset_query(preset, row) if row else "", group_labels=GROUP_LABELS,
        whole_pounds=whole_pounds)
