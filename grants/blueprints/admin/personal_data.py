"""An applicant's personal data: the summary, the subject access export and erasure."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from grants.blueprints.admin import bp
from grants.blueprints.admin.forms import ErasureForm
from grants.extensions import db
from grants.forms import ConfirmForm
from grants.interfaces.admin import personal_data
from grants.models.accounts import Role, User
from grants.permissions import role_required


def _person(user_id: int) -> User:
    return personal_data.applicant_or_none(user_id) or abort(404)


def _page(person: User, form: ErasureForm, status: int = 200):
    held = personal_data.subject_access(person)
    return render_template(
        "admin/personal_data.html", person=person, held=held, form=form, export_form=ConfirmForm(),
        retention=personal_data.retention(person), rule=personal_data.retention_rule(),
        problem=personal_data.erasure_problem(person),
    ), status


@bp.route("/users/<int:user_id>/personal-data")
@role_required(Role.ADMIN)
def personal_data_summary(user_id: int):
    return _page(_person(user_id), ErasureForm(formdata=None))


@bp.route("/users/<int:user_id>/personal-data/export", methods=["POST"])
@role_required(Role.ADMIN)
def export_personal_data(user_id: int):
    person = _person(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    body = personal_data.subject_access_json(person)
    personal_data.record_export(person, current_user._get_current_object())
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f"attachment; filename=personal-data-user-{person.id}.json"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/users/<int:user_id>/personal-data/erase", methods=["POST"])
@role_required(Role.ADMIN)
def erase_personal_data(user_id: int):
    person = _person(user_id)
    form = ErasureForm()
    if not form.validate_on_submit():
        return _page(person, form)
    try:
        personal_data.erase(person, current_user._get_current_object())
    except personal_data.PersonalDataError as refused:
        db.session.rollback()
        form.form_errors.append(str(refused))
        return _page(person, form)
    flash("Personal data erased. The account is closed; the organisation's applications and grants are kept",
          "success")
    return redirect(url_for("admin.personal_data_summary", user_id=person.id))
