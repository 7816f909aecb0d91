"""Spreadsheets of co-commissioning scenarios: one scenario's workbook, and a comparison of two to four."""

from __future__ import annotations

from io import BytesIO

from flask import flash, redirect, send_file, url_for

from grants.blueprints.cocommissioning import USERS, bp
from grants.blueprints.cocommissioning.analysis import chosen_ids, compare_problem
from grants.exports import cocommissioning_workbook
from grants.interfaces.cocommissioning import scenarios as co
from grants.modelling.cocommissioning_analysis import run_remembered
from grants.permissions import role_required


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())[:60] or "scenario"


def _xlsx(content: bytes, name: str):
    response = send_file(BytesIO(content), mimetype=cocommissioning_workbook.XLSX_MIMETYPE, as_attachment=True,
                         download_name=name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:scenario_id>/scenario.xlsx", endpoint="export")
@role_required(*USERS)
def export(scenario_id: int):
    scenario = co.get_scenario(scenario_id)
    outcome = co.outcome(scenario)
    social_return = {area.code: (area.sroi.gross_present_value, area.sroi.net_present_value)
                     for area in outcome.social_return if area.sroi}
    content = cocommissioning_workbook.scenario_workbook(outcome.scenario_model, outcome.result, title=scenario.label,
                                                         social_return=social_return)
    return _xlsx(content, f"co-commissioning-{_slug(scenario.name)}-v{scenario.version}.xlsx")


@bp.route("/compare/comparison.xlsx", endpoint="export_comparison")
@role_required(*USERS)
def export_comparison():
    ids = chosen_ids()
    problem = compare_problem(ids)
    if problem:
        flash(problem, "error")
        return redirect(url_for("cocommissioning.index"))
    models = [co.to_model(scenario) for scenario in co.get_scenarios(ids)]
    content = cocommissioning_workbook.comparison_workbook([(model, run_remembered(model)) for model in models],
                                                           title="Co-commissioning scenarios compared")
    return _xlsx(content, "co-commissioning-comparison.xlsx")
