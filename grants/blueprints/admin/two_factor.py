"""Administration of two-factor sign-in: who has set it up, and resetting a lost factor."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from grants.blueprints.admin import bp
from grants.extensions import db
from grants.forms import ConfirmForm
from grants.interfaces.auth import emails as account_emails
from grants.interfaces.auth import second_factor
from grants.models.accounts import Role, User
from grants.permissions import role_required


@bp.route("/two-factor")
@role_required(Role.ADMIN)
def two_factor():
    rows = second_factor.staff_second_factors()
    return render_template("admin/two_factor.html", rows=rows, missing=sum(1 for row in rows if not row.set_up))


@bp.route("/users/<int:user_id>/reset-two-factor", methods=["POST"])
@role_required(Role.ADMIN)
def reset_two_factor(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if person.id == current_user.id:
        flash("Ask another administrator to reset your own two-factor sign-in", "error")
        return redirect(url_for("admin.user", user_id=person.id))
    second_factor.reset(person, actor=current_user._get_current_object())
    account_emails.tell_of_second_factor_reset(person)
    flash(f"Two-factor sign-in reset for {person.full_name}. They have been signed out and will set it up again "
          "when they next sign in", "success")
    return redirect(url_for("admin.user", user_id=person.id))
