"""Registration, signing in and out, and passwords."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from grants import eligibility
from grants.blueprints.auth import bp, devices, pending
from grants.blueprints.auth.forms import (
    ChangePasswordForm,
    CreatePasswordForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignInForm,
)
from grants.extensions import limiter, login_manager
from grants.forms import ConfirmForm, add_error, required
from grants.interfaces.auth import accounts, sessions
from grants.interfaces.auth import emails as account_emails
from grants.models.accounts import Role, User
from grants.permissions import login_required, public


@login_manager.user_loader
def _load_user(session_key: str) -> User | None:
    # Only a live server-side session counts: a copied cookie stops working when it ends.
    return sessions.load(session_key)


def _safe_next(default: str) -> str:
    """Only same-site paths: an open redirect would let a phishing link borrow our address."""
    return _safe_path(request.values.get("next", ""), default)


def _safe_path(target: str, default: str) -> str:
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc and not parts.scheme:
        return target
    return default


_sign_in = pending.sign_in


def _signed_in(user: User, next_path: str):
    """After the password: straight in, or on to the second factor (or to setting one up)."""
    if user.needs_second_factor:
        return pending.begin(user, next_path)
    _sign_in(user)
    return redirect(next_path)


def _login_failed(response) -> bool:
    return bool(g.get("login_failed"))


def _account_key() -> str:
    return "sign-in:" + accounts.normalise_email(request.form.get("email", ""))


def _device_key() -> str:
    return "sign-in-device:" + (devices.trusted_for(request.form.get("email", "")) or "")


def _from_trusted_device() -> bool:
    """A browser this person has signed in from before is not held back by the account's or the
    address's lockout (which anyone could trigger); it has a smaller allowance of its own."""
    return devices.trusted_for(request.form.get("email", "")) is not None


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_login_failed,
    exempt_when=_from_trusted_device,
    scope="sign-in-account",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_login_failed,
    exempt_when=_from_trusted_device,
    scope="sign-in-address",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_DEVICE"],
    key_func=_device_key,
    methods=["POST"],
    deduct_when=_login_failed,
    exempt_when=lambda: not _from_trusted_device(),
    scope="sign-in-device",
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(required(form.email.data), required(form.password.data))
        if user is not None:
            response = _signed_in(user, _safe_next(url_for("main.home")))
            return response
        g.login_failed = True
        # The same words whether the email is unknown or the password wrong: no account enumeration.
        add_error(form.email, "Enter a correct email address and password")
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@public
def logout():
    # A POST (CSRF-checked like every form) so that no link or image can sign someone out. The
    # session ends on the server too: a copy of the cookie no longer works.
    if current_user.is_authenticated:
        sessions.end(current_user.session_key)
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("main.start"))


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"])
def register():
    """Step one: a name and an email address. The answer is the same whether or not the address has
    an account (no enumeration): the owner of the address gets either a link to create the account
    or a reminder that they already have one."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegistrationForm()
    if form.validate_on_submit():
        email, full_name = required(form.email.data), required(form.full_name.data)
        existing = accounts.get_user_by_email(email)
        if existing is not None:
            account_emails.tell_already_registered(existing)
        else:
            token = accounts.registration_token(email, full_name, _safe_next(""), carried=eligibility.carried())
            account_emails.send_registration_link(accounts.normalise_email(email), full_name, token)
        return render_template("auth/register_sent.html", email=email)
    return render_template("auth/register.html", form=form)


@bp.route("/register/<token>", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"])
def register_confirm(token: str):
    """Step two, from the emailed link: choose a password; the account is created and signed in."""
    check = accounts.check_registration_token(token)
    if check.registration is None:
        return render_template("auth/register_invalid.html", problem=check.problem), 400
    registration = check.registration
    form = CreatePasswordForm()
    form.account_email = registration.email
    if form.validate_on_submit():
        try:
            user = accounts.create_user(registration.email, registration.full_name, form.password.data,
                                        {Role.APPLICANT})
        except accounts.DuplicateEmail:  # the link was used in another tab a moment ago
            return render_template("auth/register_invalid.html", problem="used"), 400
        account_emails.tell_of_new_account(user)
        _sign_in(user)
        eligibility.restore(registration.carried)  # when the link is opened in another browser
        flash("Your account has been created", "success")
        return redirect(_safe_path(registration.next, url_for("organisations.mine")))
    return render_template("auth/register_password.html", form=form, registration=registration)


@bp.route("/account")
@login_required
def account():
    user = current_user._get_current_object()
    return render_template("auth/account.html", live_sessions=sessions.live_sessions(user),
                           this_session=user.current_session, form=ConfirmForm())


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    form = ConfirmForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        sessions.end_all(user, "signed out of every device")
        logout_user()
        session.clear()
        flash("You have signed out of every device, including this one", "success")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            add_error(form.current_password, "Your current password is not correct")
        else:
            user = current_user._get_current_object()
            second_factor = user.current_session.second_factor
            accounts.change_password(user, required(form.new_password.data))
            # This browser stays signed in with a new session; all others are signed out.
            _sign_in(user, second_factor)
            flash("Your password has been changed. Other devices have been signed out", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/reset-password", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = accounts.get_user_by_email(required(form.email.data))
        if user is not None and user.active:
            token = accounts.password_reset_token(user)
            account_emails.send_password_reset(user, token)
        # The same page whether or not the account exists.
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    check = accounts.check_reset_token(token)
    if check.user is None:
        return render_template("auth/reset_invalid.html", problem=check.problem), 400
    form = ResetPasswordForm()
    form.account_email = check.user.email
    if form.validate_on_submit():
        accounts.change_password(check.user, required(form.new_password.data), action="user.password_reset")
        # An emailed link proves the inbox, not the second factor: that is still asked for.
        response = _signed_in(check.user, url_for("main.home"))
        flash("Your password has been set" + ("" if check.user.needs_second_factor else " and you are signed in"),
              "success")
        return response
    return render_template("auth/reset_password.html", form=form)
