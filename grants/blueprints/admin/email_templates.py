"""Administration of the service's email templates (issue 23): the list of every email, each one's
preview with real data, its edit, its versions, and restoring the default or an older version."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants import email_templates
from grants.blueprints.admin import bp
from grants.blueprints.admin.forms import EmailTemplateForm, RestoreTemplateForm
from grants.extensions import db
from grants.forms import add_error
from grants.models.accounts import Role
from grants.permissions import role_required


def _email(key: str) -> email_templates.EmailDefinition:
    try:
        return email_templates.definition(key)
    except KeyError:
        abort(404)


def _preview(key: str, template: email_templates.Template) -> dict:
    """The template filled with a real record's values, or with stand-ins naming each placeholder."""
    values = email_templates.example_values(key)
    real = values is not None
    subject, body = email_templates.fill(key, email_templates.sample_values(key) if values is None else values,
                                         template)
    return {"subject": subject, "body": body, "real": real}


def _based_on(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


@bp.route("/emails")
@role_required(Role.ADMIN)
def email_templates_list():
    changed = email_templates.changed_keys()
    by_area: dict[str, list[email_templates.EmailDefinition]] = {}
    for email in email_templates.definitions().values():
        by_area.setdefault(email.area, []).append(email)
    return render_template("admin/email_templates.html", by_area=by_area, changed=changed)


@bp.route("/emails/<email_key>")
@role_required(Role.ADMIN)
def email_template(email_key: str):
    key = email_key
    email = _email(key)
    template = email_templates.current(key)
    return render_template("admin/email_template.html", email=email, template=template,
                           preview=_preview(key, template), versions=email_templates.versions(key),
                           restore_form=RestoreTemplateForm())


@bp.route("/emails/<email_key>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def email_template_edit(email_key: str):
    key = email_key
    email = _email(key)
    template = email_templates.current(key)
    form = EmailTemplateForm()
    if request.method == "GET":
        form.subject.data, form.body.data = template.subject, template.body.strip()
        form.based_on.data = "" if template.version is None else str(template.version)
    preview = None
    if form.validate_on_submit():
        try:
            subject, body = email_templates.check(key, form.subject.data or "", form.body.data or "")
            if form.save.data:
                saved = email_templates.save(key, subject, body, current_user._get_current_object(),
                                             based_on=_based_on(form.based_on.data))
                db.session.commit()
                flash(f"Saved version {saved.version} of “{email.name}”. The next email says this", "success")
                return redirect(url_for("admin.email_template", email_key=key))
            edited = email_templates.Template(subject, body, None, "Not saved", None, None)
            preview = _preview(key, edited)
        except email_templates.TemplateProblem as problem:
            add_error(form.subject if problem.field == "subject" else form.body, str(problem))
        except email_templates.StaleVersion as problem:
            add_error(form.body, str(problem))
    return render_template("admin/email_template_edit.html", email=email, template=template, form=form,
                           preview=preview)


@bp.route("/emails/<email_key>/restore", methods=["POST"])
@role_required(Role.ADMIN)
def email_template_restore(email_key: str):
    key = email_key
    email = _email(key)
    form = RestoreTemplateForm()
    if not form.validate_on_submit():
        abort(400)
    wanted = form.version.data or ""
    number = None if wanted == "default" else (int(wanted) if wanted.isdigit() else abort(400))
    try:
        saved = email_templates.restore(key, current_user._get_current_object(), number,
                                        based_on=_based_on(form.based_on.data))
    except LookupError:
        abort(404)
    except email_templates.StaleVersion as problem:
        flash(str(problem), "error")
        return redirect(url_for("admin.email_template", email_key=key))
    db.session.commit()
    what = "the default" if number is None else f"version {number}"
    flash(f"Restored {what} of “{email.name}” as version {saved.version}", "success")
    return redirect(url_for("admin.email_template", email_key=key))
