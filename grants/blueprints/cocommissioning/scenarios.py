"""Saved co-commissioning scenarios: the list (with the compare form), making and revising a
scenario (each save of a change is a new version), a scenario's page, copying, and the
commissioner's choice of the preferred option."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.cocommissioning import DECIDERS, FIGURE_EDITORS, USERS, bp, charts
from grants.blueprints.cocommissioning.display import contributions_summary, savings_summary
from grants.blueprints.cocommissioning.forms import PreferredForm, ScenarioForm, weight_field
from grants.extensions import db
from grants.forms import ConfirmForm, required
from grants.interfaces.cocommissioning import scenarios as co
from grants.interfaces.cocommissioning.areas import CASELOAD_KINDS
from grants.modelling.cocommissioning_methods import BASES
from grants.permissions import role_required

# An interface problem's field, where the form's input has another name.
FORM_FIELDS = {
    "setup_pence": "setup", "fixed_annual_pence": "fixed_annual", "cost_per_client_pence": "cost_per_client",
    "floor_pence": "floor_amount", "cap_pence": "cap_amount", "weights": weight_field(next(iter(BASES))),
    **{f"weights-{basis}": weight_field(basis) for basis in BASES},
}
COMPARE_MIN, COMPARE_MAX = 2, 4


def _user():
    return current_user._get_current_object()


def service_label(key: str) -> str:
    return co.SERVICES[key][0] if key in co.SERVICES else key


def caseload_kinds() -> list[tuple[str, str]]:
    """The caseload figures a service's clients may come from, as (figure key, label)."""
    return [(kind, co.FIGURE_LABELS[kind]) for kind in CASELOAD_KINDS]


def scenario_form(**kwargs) -> ScenarioForm:
    return ScenarioForm(services=[(key, label) for key, (label, _kind) in co.SERVICES.items()],
                        caseload_kinds=caseload_kinds(), areas=co.list_areas(), **kwargs)


def show_problems(form: ScenarioForm, problems) -> None:
    """Put each of the interface's problems on its input (or at the top of the form)."""
    for message, name in problems:
        name = FORM_FIELDS.get(name, name)
        if name and name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            form.form_errors.append(message)


def outcome_or_problem(scenario):
    """The scenario worked out, or the reason it cannot be (reference figures changed under it)."""
    try:
        return co.outcome(scenario), ""
    except ValueError as problem:
        return None, str(problem)


def render_index(problem: str = "", chosen=()):
    rows = []
    for scenario in co.latest_scenarios():
        outcome, trouble = outcome_or_problem(scenario)
        rows.append((scenario, outcome.result if outcome else None, trouble))
    names = {area.code: area.name for area in co.list_areas()}
    errors = {"titleText": "There is a problem", "errorList": [{"text": problem, "href": "#ids"}]} if problem else None
    return render_template("cocommissioning/index.html", rows=rows, service_label=service_label,
                           partner_names=lambda codes: ", ".join(names.get(code, code) for code in codes),
                           compare_errors=errors, chosen={str(i) for i in chosen},
                           can_edit_figures=current_user.has_role(*FIGURE_EDITORS))


@bp.route("", endpoint="index")
@role_required(*USERS)
def index():
    return render_index()


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@role_required(*USERS)
def new():
    form = scenario_form()
    if request.method == "GET":
        first_service = next(iter(co.SERVICES), "")
        form.service.data = form.service.data or first_service
        if not form.caseload_kind.data and first_service:
            form.caseload_kind.data = co.SERVICES[first_service][1]
    if form.validate_on_submit():
        try:
            scenario = co.create_scenario(co.ScenarioInput(**form.input_values()), _user())
        except co.ScenarioInputError as refused:
            db.session.rollback()
            show_problems(form, refused.problems)
        else:
            flash(f"{scenario.name} saved as version 1", "success")
            return redirect(url_for("cocommissioning.scenario", scenario_id=scenario.id))
    return render_template("cocommissioning/scenario_form.html", form=form, scenario=None, bases=BASES)


@bp.route("/<int:scenario_id>/edit", methods=["GET", "POST"], endpoint="edit")
@role_required(*USERS)
def edit(scenario_id: int):
    scenario = co.get_scenario(scenario_id)
    if not scenario.is_latest:
        flash(f"Version {scenario.version} is an older version and cannot be changed: change the latest one", "error")
        return redirect(url_for("cocommissioning.scenario", scenario_id=scenario.id))
    form = scenario_form(data=ScenarioForm.data_for(co.input_of(scenario)) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            revised = co.revise_scenario(scenario, co.ScenarioInput(**form.input_values()), _user())
        except co.ScenarioInputError as refused:
            db.session.rollback()
            show_problems(form, refused.problems)
        else:
            flash(f"{revised.name} saved as version {revised.version}; version {scenario.version} is kept as it was",
                  "success")
            return redirect(url_for("cocommissioning.scenario", scenario_id=revised.id))
    return render_template("cocommissioning/scenario_form.html", form=form, scenario=scenario, bases=BASES)


def render_scenario(scenario, form=None, status: int = 200):
    outcome, problem = outcome_or_problem(scenario)
    versions = co.versions_of(scenario)
    contributions_chart = savings_chart = None
    if outcome:
        result = outcome.result
        names = [o.name for o in result.partners]
        contributions_chart = charts.bar_chart(names, [[o.contribution_pence for o in result.partners]])
        savings_chart = charts.bar_chart(names, [[o.saving_pence for o in result.partners]])
    return render_template(
        "cocommissioning/scenario.html", scenario=scenario, values=co.input_of(scenario), outcome=outcome,
        problem=problem, versions=versions, latest=next((v for v in versions if v.is_latest), scenario),
        contributions_chart=contributions_chart, savings_chart=savings_chart,
        contributions_summary=contributions_summary, savings_summary=savings_summary,
        service_label=service_label, caseload_label=dict(caseload_kinds()).get, bases=BASES,
        partners_text=", ".join(scenario.reference_snapshot.get(code, {}).get("name", code)
                                for code in scenario.partner_codes),
        form=form or PreferredForm(formdata=None), confirm_form=ConfirmForm(),
        can_decide=current_user.has_role(*DECIDERS)), status


@bp.route("/<int:scenario_id>", endpoint="scenario")
@role_required(*USERS)
def scenario_page(scenario_id: int):
    return render_scenario(co.get_scenario(scenario_id))


@bp.route("/<int:scenario_id>/copy", methods=["POST"], endpoint="copy")
@role_required(*USERS)
def copy(scenario_id: int):
    scenario = co.get_scenario(scenario_id)
    if not ConfirmForm().validate_on_submit():
        flash("The copy was not made: try again", "error")
        return redirect(url_for("cocommissioning.scenario", scenario_id=scenario_id))
    made = co.copy_scenario(scenario, _user())
    flash(f"{scenario.label} copied as {made.name}: change the copy without changing the original", "success")
    return redirect(url_for("cocommissioning.scenario", scenario_id=made.id))


@bp.route("/<int:scenario_id>/preferred", methods=["POST"], endpoint="mark_preferred")
@role_required(*DECIDERS)
def mark_preferred(scenario_id: int):
    scenario = co.get_scenario(scenario_id)
    form = PreferredForm()
    if not form.validate_on_submit():
        return render_scenario(scenario, form)
    co.mark_preferred(scenario, required(form.note.data), _user())
    flash(f"{scenario.name} is now the preferred option", "success")
    return redirect(url_for("cocommissioning.scenario", scenario_id=scenario_id))


@bp.route("/<int:scenario_id>/preferred/clear", methods=["POST"], endpoint="clear_preferred")
@role_required(*DECIDERS)
def clear_preferred(scenario_id: int):
    scenario = co.get_scenario(scenario_id)
    if ConfirmForm().validate_on_submit():
        co.clear_preferred(scenario, _user())
        flash(f"{scenario.name} is no longer the preferred option", "success")
    else:
        flash("Nothing was changed: try again", "error")
    return redirect(url_for("cocommissioning.scenario", scenario_id=scenario_id))
