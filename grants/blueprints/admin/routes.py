"""Administration: staff accounts, office settings, the audit log and the outbox of sent messages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from grants import mail
from grants.blueprints.admin import bp
from grants.blueprints.admin.forms import AuditFilterForm, StaffUserForm, UserRolesForm, settings_form_class
from grants.extensions import db
from grants.forms import ConfirmForm, SelectChoice, add_error, page_arg, required
from grants.interfaces.admin import audit_log as audit_queries
from grants.interfaces.admin import settings as office_settings
from grants.interfaces.auth import accounts
from grants.interfaces.auth import emails as account_emails
from grants.interfaces.paging import contains, paginate
from grants.models.accounts import ROLE_LABELS, Role, User, UserRole
from grants.models.mail import OutboxMessage
from grants.permissions import role_required


def _page_number() -> int:
    # paginate() answers 404 for a page that does not exist.
    return page_arg()


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    search = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    query = select(User)
    if search:
        pattern = contains(search.lower())
        query = query.where(
            func.lower(User.full_name).like(pattern, escape="\\") | User.email.like(pattern, escape="\\")
        )
    if role in {r.value for r in Role}:
        query = query.where(User.role_grants.any(UserRole.role == Role(role)))
    return render_template(
        "admin/users.html",
        results=paginate(query.order_by(User.email), _page_number(), 50),
        search=search,
        role=role,
        role_labels=ROLE_LABELS,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user():
    form = StaffUserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                required(form.email.data),
                required(form.full_name.data),
                None,
                {Role(value) for value in required(form.roles.data)},
                actor=current_user._get_current_object(),
            )
        except accounts.DuplicateEmail:
            db.session.rollback()
            add_error(form.email, "An account already exists with this email address")
        else:
            token = accounts.password_reset_token(user)
            account_emails.send_staff_invite(user, token)
            flash(f"Account created for {user.email}. They have been emailed a link to set a password", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/new_user.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    form = UserRolesForm(data={"roles": [r.value for r in person.roles if r != Role.APPLICANT]})
    if person.has_role(Role.APPLICANT):
        # Applicants' roles are not changed here.
        return render_template("admin/user.html", person=person, form=None, active_form=ConfirmForm())
    if form.validate_on_submit():
        new_roles = {Role(value) for value in required(form.roles.data)}
        if person.id == current_user.id and Role.ADMIN not in new_roles:
            add_error(form.roles, "You cannot remove your own administrator role")
        else:
            accounts.set_roles(person, new_roles, actor=current_user._get_current_object())
            flash("Roles saved", "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template("admin/user.html", person=person, form=form, active_form=ConfirmForm())


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def set_active(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    # Only an explicit "0" deactivates: a form missing the field must not lock someone out.
    if request.form.get("active") not in {"0", "1"}:
        abort(400)
    make_active = request.form["active"] == "1"
    if person.id == current_user.id and not make_active:
        flash("You cannot deactivate your own account", "error")
        return redirect(url_for("admin.user", user_id=person.id))
    accounts.set_active(person, make_active, actor=current_user._get_current_object())
    flash("Account reactivated" if make_active else "Account deactivated and signed out", "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/settings", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def settings():
    form = settings_form_class()(data=office_settings.all_settings())
    if form.validate_on_submit():
        values = {spec.key: form[spec.key].data for spec in office_settings.SPECS}
        try:
            changed = office_settings.save_settings(values, current_user._get_current_object())
        except office_settings.SettingsError as wrong:
            db.session.rollback()
            for key, message in wrong.problems.items():
                add_error(form[key], message)
        else:
            flash("Settings saved" if changed else "Nothing was changed", "success")
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form, specs=office_settings.SPECS)


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit_log():
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", "Any action")] + [SelectChoice(a) for a in audit_queries.known_actions()]
    form.entity_type.choices = [SelectChoice("", "Any record type")] + [
        SelectChoice(t) for t in audit_queries.known_entity_types()
    ]
    criteria = audit_queries.AuditFilter()
    if request.args and form.validate():
        criteria = audit_queries.AuditFilter(
            actor=form.actor.data or "",
            action=form.action.data or "",
            entity_type=form.entity_type.data or "",
            entity_id=form.entity_id.data or "",
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
    results = audit_queries.search_events(criteria, page=_page_number())
    # Lists, not single values: a date filter sends day, month and year under one name.
    args = {key: request.args.getlist(key) for key in request.args if key != "page"}
    return render_template("admin/audit_log.html", form=form, results=results, args=args)


@bp.route("/outbox")
@role_required(Role.ADMIN)
def outbox():
    status = request.args.get("status", "")
    query = select(OutboxMessage)
    if status in mail.STATUSES:
        query = query.where(OutboxMessage.status == status)
    results = paginate(query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()), _page_number(), 50)
    return render_template("admin/outbox.html", results=results, status=status)


@bp.route("/outbox/<int:message_id>")
@role_required(Role.ADMIN)
def outbox_message(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    return render_template("admin/outbox_message.html", message=message, resend_form=ConfirmForm())


@bp.route("/outbox/<int:message_id>/resend", methods=["POST"])
@role_required(Role.ADMIN)
def outbox_resend(message_id: int):
    """Queue a message that failed (or is still waiting) to be sent again now, its attempts counted afresh."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if message.status not in (mail.FAILED, mail.QUEUED):
        flash(f"This email is {message.status}: only one that failed or is waiting can be sent again", "error")
        return redirect(url_for("admin.outbox_message", message_id=message.id))
    mail.resend(message, current_user._get_current_object())
    db.session.commit()
    flash(f"The email to {message.recipient} will be sent again now", "success")
    return redirect(url_for("admin.outbox_message", message_id=message.id))
