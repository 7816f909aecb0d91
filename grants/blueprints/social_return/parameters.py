"""The SROI model's parameter sets: the list, one set with every value's source, and an
administrator's copying, changing, publishing and withdrawing of sets."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.social_return import bp
from grants.blueprints.social_return.parameter_forms import (
    ParameterSetForm,
    field_input_id,
    input_id,
    read_changes,
    saved_inputs,
)
from grants.extensions import db
from grants.forms import ConfirmForm
from grants.interfaces.social_return import parameters as sroi
from grants.interfaces.social_return.parameters import PUBLISHED_MESSAGE, SROI_ADMINS, SROI_USERS, SroiError
from grants.modelling.sroi_defaults import GDP_DEFLATOR
from grants.modelling.sroi_parameters import (
    CATEGORIES,
    CATEGORY_LABELS,
    CLIENT_GROUPS,
    GROUP_LABELS,
    MONEY_CATEGORIES,
    RATE_KEYS,
    glossary,
    parameter_help,
    parameter_label,
)
from grants.models.social_return import ParameterSetStatus
from grants.permissions import role_required


def _user():
    return current_user._get_current_object()


def category_keys(category: str) -> list[str]:
    """The per-group keys of a benefit category (quality of life is held as QALYs gained)."""
    kind = "qalys" if category == "quality_of_life" else category
    return [f"{kind}.{group}" for group in CLIENT_GROUPS]


def shown_value(key: str, number: Decimal) -> str:
    """A value as the pages show it: money in pounds, rates as percentages."""
    if key in RATE_KEYS:
        return f"{format((number * 100).normalize(), 'f')}%"
    if key.split(".")[0] in MONEY_CATEGORIES or key == "value_per_qaly":
        return f"£{number:,.0f}" if number == number.to_integral_value() else f"£{number:,.2f}"
    return format(number.normalize(), "f")


PAGE_HELPERS = {
    "categories": CATEGORIES, "category_labels": CATEGORY_LABELS, "category_keys": category_keys,
    "groups": CLIENT_GROUPS, "group_labels": GROUP_LABELS, "rate_keys": RATE_KEYS, "label": parameter_label,
    "shown_value": shown_value, "input_id": input_id, "money_categories": MONEY_CATEGORIES,
    "help": parameter_help, "glossary": glossary,
}


@bp.route("/parameters", endpoint="parameter_sets")
@role_required(*SROI_USERS)
def parameter_sets():
    return render_template("social_return/parameters_index.html", sets=sroi.all_sets(),
                           can_manage=current_user.has_role(*SROI_ADMINS))


@bp.route("/parameters/<int:set_id>", endpoint="parameter_set")
@role_required(*SROI_USERS)
def parameter_set(set_id: int):
    row = sroi.parameter_set_or_404(set_id)
    return render_template("social_return/parameters_show.html", row=row, parameters=sroi.parameters_of(row),
                           deflator=GDP_DEFLATOR, form=ConfirmForm(), statuses=ParameterSetStatus,
                           can_manage=current_user.has_role(*SROI_ADMINS), **PAGE_HELPERS)


@bp.route("/parameters/<int:set_id>/copy", methods=["POST"], endpoint="copy_set")
@role_required(*SROI_ADMINS)
def copy_set(set_id: int):
    row = sroi.parameter_set_or_404(set_id)
    if ConfirmForm().validate_on_submit():
        copy = sroi.copy_set(row, _user())
        flash(f"{row.label} copied: version {copy.version} is a draft you can change", "success")
        return redirect(url_for("social_return.edit_set", set_id=copy.id))
    flash("The copy was not made: try again", "error")
    return redirect(url_for("social_return.parameter_set", set_id=set_id))


@bp.route("/parameters/<int:set_id>/edit", methods=["GET", "POST"], endpoint="edit_set")
@role_required(*SROI_ADMINS)
def edit_set(set_id: int):
    row = sroi.parameter_set_or_404(set_id)
    if row.status is not ParameterSetStatus.DRAFT:
        flash(PUBLISHED_MESSAGE if row.status is ParameterSetStatus.PUBLISHED
              else "Withdrawn sets cannot be changed: make a copy", "error")
        return redirect(url_for("social_return.parameter_set", set_id=set_id))
    parameters = sroi.parameters_of(row)
    form = ParameterSetForm(data=None if request.method == "POST" else {"lock_version": str(row.lock_version)})
    shown = request.form.to_dict() if request.method == "POST" else saved_inputs(parameters)
    problems: dict[str, str] = {}
    if form.validate_on_submit():
        changes, typing = read_changes(parameters, request.form)
        try:
            if typing:
                raise SroiError(typing[0][0], typing[0][1], problems=tuple(typing))
            changed = sroi.update_draft(row, form.seen_lock_version(), changes, _user())
        except SroiError as refused:
            db.session.rollback()
            if refused.stale:  # show the newer values, not what was typed over the older ones
                row = sroi.parameter_set_or_404(set_id)
                parameters = sroi.parameters_of(row)
                form = ParameterSetForm(formdata=None, data={"lock_version": str(row.lock_version)})
                shown = saved_inputs(parameters)
                form.form_errors.append(str(refused))
            else:
                for message, field in refused.problems:
                    target = field_input_id(field)
                    form.form_errors.append((message, target) if target else message)
                    if target:
                        problems.setdefault(target, message)
        else:
            flash(f"{row.label} saved: {len(changed)} value{'' if len(changed) == 1 else 's'} changed"
                  if changed else f"{row.label}: nothing was changed", "success")
            return redirect(url_for("social_return.parameter_set", set_id=set_id))
    return render_template("social_return/parameters_edit.html", row=row, parameters=parameters, form=form,
                           shown=shown, problems=problems, deflator=GDP_DEFLATOR, **PAGE_HELPERS)


@bp.route("/parameters/<int:set_id>/publish", methods=["POST"], endpoint="publish_set")
@role_required(*SROI_ADMINS)
def publish_set(set_id: int):
    return _change_status(set_id, sroi.publish, "published: the calculator now offers it")


@bp.route("/parameters/<int:set_id>/withdraw", methods=["POST"], endpoint="withdraw_set")
@role_required(*SROI_ADMINS)
def withdraw_set(set_id: int):
    return _change_status(set_id, sroi.withdraw, "withdrawn: results that used it keep it")


def _change_status(set_id: int, change, done: str):
    row = sroi.parameter_set_or_404(set_id)
    if not ConfirmForm().validate_on_submit():
        flash("Nothing was changed: try again", "error")
    else:
        try:
            change(row, _user())
        except SroiError as refused:
            db.session.rollback()
            flash(str(refused), "error")
        else:
            flash(f"{row.label} {done}", "success")
    return redirect(url_for("social_return.parameter_set", set_id=set_id))
