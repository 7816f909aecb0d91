"""The areas' reference figures (population, need, caseloads) with their sources, and changing an
area's figures. A save over someone else's newer change is refused and the newer figures shown."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.cocommissioning import FIGURE_EDITORS, USERS, bp
from grants.blueprints.cocommissioning.forms import AreaFiguresForm
from grants.extensions import db
from grants.interfaces.cocommissioning import scenarios as co
from grants.permissions import role_required

PARTS = ("value", "source", "year", "assumption")


def input_id(key: str, part: str) -> str:
    """The id (and name) of one input: ("ocu", "year") → "ocu-year", as the interface names fields."""
    return f"{key}-{part}"


def saved_inputs(area) -> dict[str, str]:
    """Every input's text for the area's saved figures."""
    shown: dict[str, str] = {}
    for key in co.FIGURES:
        entry = area.figures.get(key, {})
        shown[input_id(key, "value")] = "" if entry.get("value") is None else f"{int(entry['value']):,}"
        shown[input_id(key, "source")] = entry.get("source", "")
        shown[input_id(key, "year")] = entry.get("year", "")
        if entry.get("assumption"):
            shown[input_id(key, "assumption")] = "yes"
    return shown


def read_values(formdata) -> dict[str, dict]:
    """The figures as typed, for update_area."""
    return {key: {"value": formdata.get(input_id(key, "value"), ""),
                  "source": formdata.get(input_id(key, "source"), ""),
                  "year": formdata.get(input_id(key, "year"), ""),
                  "assumption": bool(formdata.get(input_id(key, "assumption")))}
            for key in co.FIGURES}


@bp.route("/reference-figures", endpoint="figures")
@role_required(*USERS)
def figures():
    return render_template("cocommissioning/figures.html", areas=co.list_areas(), keys=co.FIGURES,
                           labels=co.FIGURE_LABELS, can_edit=current_user.has_role(*FIGURE_EDITORS))


@bp.route("/reference-figures/<area_code>/edit", methods=["GET", "POST"], endpoint="edit_area")
@role_required(*FIGURE_EDITORS)
def edit_area(area_code: str):
    area = co.area_by_code(area_code)
    form = AreaFiguresForm(data=None if request.method == "POST" else {"lock_version": str(area.lock_version)})
    shown = request.form.to_dict() if request.method == "POST" else saved_inputs(area)
    problems: dict[str, str] = {}
    if form.validate_on_submit():
        try:
            seen = form.seen_lock_version()
            # No version seen (a tampered form) is never the area's: refused as stale, like an old one.
            co.update_area(area, read_values(request.form), -1 if seen is None else seen,
                           current_user._get_current_object())
        except co.ScenarioInputError as refused:
            db.session.rollback()
            if refused.stale:  # show the newer figures, not what was typed over the older ones
                area = co.area_by_code(area_code)
                form = AreaFiguresForm(formdata=None, data={"lock_version": str(area.lock_version)})
                shown = saved_inputs(area)
                form.form_errors.append(refused.problems[0][0])
            else:
                for message, field in refused.problems:
                    form.form_errors.append((message, field) if field else message)
                    if field:
                        problems.setdefault(field, message)
        else:
            flash(f"Figures for {area.name} saved. Saved scenarios keep the figures they were saved with", "success")
            return redirect(url_for("cocommissioning.figures"))
    return render_template("cocommissioning/area_edit.html", area=area, form=form, shown=shown, problems=problems,
                           keys=co.FIGURES, labels=co.FIGURE_LABELS, input_id=input_id)
