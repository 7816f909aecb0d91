"""Two-factor sign-in: the step after the password, setting up a passkey or an authenticator app,
and managing them from the account page."""

from __future__ import annotations

from flask import current_app, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user

from grants.blueprints.auth import bp, pending
from grants.blueprints.auth.forms import AuthenticatorAppForm, SecondFactorCodeForm
from grants.extensions import db, limiter
from grants.forms import ConfirmForm, add_error, required
from grants.interfaces.auth import second_factor
from grants.interfaces.auth.second_factor import SecondFactorError
from grants.models.accounts import User
from grants.permissions import login_required, public

SETUP_SECRET = "totp_setup"
CHALLENGE = "webauthn_challenge"


def _failed(response) -> bool:
    return bool(g.get("second_factor_failed"))


def _attempt_key() -> str:
    found = pending.user()
    return f"second-factor:{found.id if found else 'none'}"


def _code_limit():
    return limiter.limit(lambda: current_app.config["SECOND_FACTOR_LIMIT"], key_func=_attempt_key, methods=["POST"],
                         deduct_when=_failed, scope="second-factor")


def _start_again():
    flash("Sign in again to continue", "info")
    return redirect(url_for("auth.login"))


def _json_error(message: str, status: int = 400):
    return jsonify({"error": message}), status


def _options(options: str, challenge: bytes):
    """WebAuthn options for the page's script; the challenge is kept (signed) until it comes back."""
    session[CHALLENGE] = challenge.hex()
    return current_app.response_class(options, mimetype="application/json")


# The step after the password -------------------------------------------------------------------

@bp.route("/sign-in/check", methods=["GET", "POST"])
@public
@_code_limit()
def second_step():
    user = pending.user()
    if user is None:
        return _start_again()
    if not user.has_second_factor:
        return redirect(url_for("auth.set_up"))
    form = SecondFactorCodeForm()
    if form.validate_on_submit():
        try:
            method = second_factor.check_code(user, required(form.code.data))
        except SecondFactorError as error:
            db.session.rollback()
            g.second_factor_failed = True
            add_error(form.code, str(error))
        else:
            target = pending.complete(user, method)
            if method == "recovery_code":
                left = second_factor.unused_recovery_codes(user)
                flash(f"You used a recovery code. You have {left} left: make new ones from your account page "
                      "if you are running out", "info")
            return redirect(target)
    return render_template("auth/second_step.html", form=form, user=user, has_app=bool(user.totp_secret),
                           has_passkeys=bool(user.passkeys))


@bp.route("/sign-in/passkey/options", methods=["POST"])
@public
def passkey_sign_in_options():
    user = pending.user()
    if user is None or not user.passkeys:
        return _json_error("Sign in again to continue")
    return _options(*second_factor.authentication_options(user))


@bp.route("/sign-in/passkey", methods=["POST"])
@public
@_code_limit()
def passkey_sign_in():
    user = pending.user()
    challenge = session.pop(CHALLENGE, None)
    if user is None or not challenge:
        return _json_error("Sign in again to continue")
    try:
        second_factor.check_passkey(user, second_factor.credential_json(request.get_data()), bytes.fromhex(challenge))
    except SecondFactorError as error:
        g.second_factor_failed = True
        return _json_error(str(error))
    target = pending.complete(user, "passkey")
    return jsonify({"redirect": target})


# Setting up a second factor: staff at their first sign-in, anyone from their account -----------

def _owner() -> tuple[User | None, bool]:
    """Whose second factor is being set up, and whether they are part-way through signing in.

    Part-way through, only someone with no second factor yet may add one: the password alone must
    never be enough to add a factor beside one the person already has.
    """
    if current_user.is_authenticated:
        return current_user._get_current_object(), False
    found = pending.user()
    if found is not None and not found.has_second_factor:
        return found, True
    return None, False


def _after_setting_up(user: User, part_way: bool, method: str):
    """Signed in now (part-way) or the session marked as two-factor; then make recovery codes."""
    if part_way:
        pending.complete(user, method)
    else:
        signed_in = user.current_session
        assert signed_in is not None  # set for a signed-in user's request (interfaces.auth.sessions)
        if not signed_in.second_factor:
            signed_in.second_factor = method
    first_codes = second_factor.unused_recovery_codes(user) == 0
    return url_for("auth.recovery_codes") if first_codes else url_for("auth.two_factor")


@bp.route("/sign-in/set-up")
@public
def set_up():
    user, part_way = _owner()
    if user is None:
        return _start_again()
    if not part_way:
        return redirect(url_for("auth.two_factor"))
    return render_template("auth/set_up.html", user=user)


@bp.route("/two-factor/app", methods=["GET", "POST"])
@public
def set_up_app():
    user, part_way = _owner()
    if user is None:
        return _start_again()
    secret = session.get(SETUP_SECRET) or second_factor.new_totp_secret()
    session[SETUP_SECRET] = secret
    form = AuthenticatorAppForm()
    if form.validate_on_submit():
        try:
            second_factor.confirm_totp(user, secret, required(form.code.data))
        except SecondFactorError as error:
            db.session.rollback()
            add_error(form.code, str(error))
        else:
            session.pop(SETUP_SECRET, None)
            target = _after_setting_up(user, part_way, "totp")
            flash("Your authenticator app is set up. You will use it each time you sign in", "success")
            return redirect(target)
    uri = second_factor.totp_uri(user, secret)
    return render_template("auth/set_up_app.html", form=form, user=user, part_way=part_way,
                           qr=second_factor.qr_svg(uri), secret=secret)


@bp.route("/two-factor/passkey/options", methods=["POST"])
@public
def passkey_options():
    user, _ = _owner()
    if user is None:
        return _json_error("Sign in again to continue")
    return _options(*second_factor.registration_options(user))


@bp.route("/two-factor/passkey", methods=["POST"])
@public
def add_passkey():
    user, part_way = _owner()
    challenge = session.pop(CHALLENGE, None)
    if user is None or not challenge:
        return _json_error("Sign in again to continue")
    try:
        credential = second_factor.credential_json(request.get_data())
        second_factor.add_passkey(user, credential, bytes.fromhex(challenge), request.args.get("name", ""))
    except SecondFactorError as error:
        return _json_error(str(error))
    target = _after_setting_up(user, part_way, "passkey")
    flash("Your passkey is set up. You will use it each time you sign in", "success")
    return jsonify({"redirect": target})


# Managing them from the account page ----------------------------------------------------------

@bp.route("/account/two-factor")
@login_required
def two_factor():
    user = current_user._get_current_object()
    return render_template("auth/two_factor.html", user=user, unused=second_factor.unused_recovery_codes(user),
                           form=ConfirmForm())


@bp.route("/account/two-factor/recovery-codes", methods=["GET", "POST"])
@login_required
def recovery_codes():
    user = current_user._get_current_object()
    form = ConfirmForm()
    if not user.has_second_factor:
        return redirect(url_for("auth.two_factor"))
    if form.validate_on_submit():
        codes = second_factor.new_recovery_codes(user)
        # Shown in this response only: never stored as they are, nor put in a cookie.
        return render_template("auth/recovery_codes_new.html", codes=codes)
    return render_template("auth/recovery_codes.html", form=form, unused=second_factor.unused_recovery_codes(user))


def _may_remove(user: User, removing_app: bool, removing_passkeys: int) -> bool:
    left = (0 if removing_app else int(bool(user.totp_secret))) + len(user.passkeys) - removing_passkeys
    return left > 0 or not user.is_staff


@bp.route("/account/two-factor/app/remove", methods=["POST"])
@login_required
def remove_app():
    user = current_user._get_current_object()
    if ConfirmForm().validate_on_submit() and user.totp_secret:
        if not _may_remove(user, True, 0):
            flash("Staff must keep a way to sign in with a second factor: add a passkey before removing the app",
                  "error")
        else:
            second_factor.remove_totp(user)
            _forget_codes_without_factors(user)
            flash("Your authenticator app has been removed", "success")
    return redirect(url_for("auth.two_factor"))


@bp.route("/account/two-factor/passkeys/<int:passkey_id>/remove", methods=["POST"])
@login_required
def remove_passkey(passkey_id: int):
    user = current_user._get_current_object()
    if ConfirmForm().validate_on_submit():
        if not any(p.id == passkey_id for p in user.passkeys):
            return render_template("errors/404.html"), 404
        if not _may_remove(user, False, 1):
            flash("Staff must keep a way to sign in with a second factor: set up another before removing this one",
                  "error")
        else:
            second_factor.remove_passkey(user, passkey_id)
            _forget_codes_without_factors(user)
            flash("The passkey has been removed", "success")
    return redirect(url_for("auth.two_factor"))


def _forget_codes_without_factors(user: User) -> None:
    if not user.totp_secret and not user.passkeys:
        second_factor.reset_codes_only(user)
