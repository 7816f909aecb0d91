"""Second factors for signing in: passkeys (WebAuthn), codes from an authenticator app (TOTP) and
single-use recovery codes.

Staff must use one (``User.needs_second_factor``); applicants may turn it on. No code is accepted
twice: an authenticator code's time step must be later than the last one accepted, and a recovery
code is spent by an update that only one request can win.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

import pyotp
import segno
import webauthn
from flask import current_app
from sqlalchemy import Table, or_, select, update
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from grants import audit
from grants.extensions import db
from grants.interfaces.writes import rows_changed
from grants.models.accounts import Role, User, UserRole, describe_second_factors
from grants.models.sign_in import Passkey, RecoveryCode
from grants.models.types import utcnow

TOTP_PERIOD = 30  # seconds: what every authenticator app uses
TOTP_DRIFT_STEPS = 1  # a code from the step before or after is accepted (a slow typist, a clock off)
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


class SecondFactorError(ValueError):
    """A code or passkey was not accepted; the message is for the person."""


# Authenticator apps (TOTP) --------------------------------------------------------------------

def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["SERVICE_NAME"])


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as an inline SVG image, drawn on the server (no script, no service)."""
    return segno.make(uri, error="m").svg_inline(scale=5, title="QR code to scan with your authenticator app")


def _clean_code(code: str) -> str:
    return "".join((code or "").split()).replace("-", "")


def _totp_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step (within the allowed drift) at which ``code`` is ``secret``'s code, or None."""
    code = _clean_code(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    step = int((time.time() if now is None else now) // TOTP_PERIOD)
    for candidate in range(step - TOTP_DRIFT_STEPS, step + TOTP_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def confirm_totp(user: User, secret: str, code: str) -> None:
    """Turn on the authenticator app whose ``secret`` the person scanned, if ``code`` is its code now."""
    step = _totp_step(secret, code)
    if step is None:
        raise SecondFactorError("The code is not correct. Check your app shows Commissioners Grants and "
                                "enter the 6-digit code it shows now")
    user.totp_secret, user.totp_last_step, user.totp_added_at = secret, step, utcnow()
    audit.record("user.totp_added", user, f"{user.email} set up an authenticator app for signing in", actor=user)


def check_totp(user: User, code: str) -> None:
    """Accept ``code`` from ``user``'s authenticator app once, or raise ``SecondFactorError``."""
    if not user.totp_secret:
        raise SecondFactorError("Enter a recovery code or use your passkey")
    step = _totp_step(user.totp_secret, code)
    if step is None:
        raise SecondFactorError("The code is not correct or has expired. Enter the code your app shows now")
    # One update that only one request can win: a code is never accepted twice, even at once.
    won = rows_changed(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False)
    )
    if not won:
        raise SecondFactorError("That code has already been used. Wait for your app to show a new code")
    user.totp_last_step = step


def remove_totp(user: User) -> None:
    user.totp_secret = user.totp_last_step = user.totp_added_at = None
    audit.record("user.totp_removed", user, f"{user.email} removed their authenticator app", actor=user)


# Recovery codes -------------------------------------------------------------------------------

def _code_hash(user: User, code: str) -> str:
    return hashlib.sha256(f"{user.id}:{_clean_code(code).lower()}".encode()).hexdigest()


def _delete_recovery_codes(user: User) -> None:
    """Every recovery code of ``user`` deleted in one statement; the caller expires ``user.recovery_codes``."""
    # A Core DELETE on the model's table (no ORM bookkeeping). The table is a Table; the checker
    # only knows a declarative model's __table__ as a FromClause.
    db.session.execute(cast(Table, RecoveryCode.__table__).delete().where(RecoveryCode.user_id == user.id))


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh single-use codes, shown once; any earlier codes stop working."""
    _delete_recovery_codes(user)
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(user, code)) for code in codes)
    db.session.expire(user, ["recovery_codes"])
    audit.record("user.recovery_codes_made", user, f"New recovery codes made for {user.email}", actor=user)
    return codes


def unused_recovery_codes(user: User) -> int:
    return sum(1 for code in user.recovery_codes if code.used_at is None)


def use_recovery_code(user: User, code: str) -> None:
    """Spend one of ``user``'s recovery codes, or raise ``SecondFactorError``."""
    won = rows_changed(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _code_hash(user, code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)
    )
    if not won:
        raise SecondFactorError("The recovery code is not correct or has already been used")
    audit.record("user.recovery_code_used", user, f"{user.email} signed in with a recovery code", actor=user)


def check_code(user: User, code: str) -> str:
    """Accept an authenticator code (6 digits) or a recovery code; returns which was used."""
    if len(_clean_code(code)) == 6 and _clean_code(code).isdigit():
        check_totp(user, code)
        return "totp"
    use_recovery_code(user, code)
    return "recovery_code"


# Passkeys (WebAuthn) --------------------------------------------------------------------------

def _relying_party() -> tuple[str, str]:
    """The passkeys' relying party: the host of the service's public address, and its origin."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    return base.hostname or "localhost", f"{base.scheme}://{base.netloc}"


def _user_handle(user: User) -> bytes:
    # A stable, opaque handle (not the email, which may change, nor the bare id).
    return hmac.new(current_app.config["SECRET_KEY"].encode(), f"passkey-user:{user.id}".encode(),
                    hashlib.sha256).digest()


def registration_options(user: User) -> tuple[str, bytes]:
    """Options for ``navigator.credentials.create()`` as JSON, and the challenge to keep."""
    rp_id, _ = _relying_party()
    options = webauthn.generate_registration_options(
        rp_id=rp_id, rp_name=current_app.config["SERVICE_NAME"], user_id=_user_handle(user),
        user_name=user.email, user_display_name=user.full_name,
        exclude_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id) for p in user.passkeys],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.PREFERRED),
    )
    return webauthn.options_to_json(options), options.challenge


def add_passkey(user: User, credential: dict, challenge: bytes, name: str) -> None:
    """Keep the passkey the person's device made."""
    rp_id, origin = _relying_party()
    try:
        verified = webauthn.verify_registration_response(credential=credential, expected_challenge=challenge,
                                                         expected_rp_id=rp_id, expected_origin=origin)
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError) as error:
        current_app.logger.info("Passkey not registered for user %s: %s", user.id, error)
        raise SecondFactorError("Your passkey could not be set up. Try again, or use an authenticator app") from None
    if db.session.scalar(select(Passkey.id).where(Passkey.credential_id == verified.credential_id)):
        raise SecondFactorError("That passkey is already set up")
    user.passkeys.append(Passkey(credential_id=verified.credential_id, public_key=verified.credential_public_key,
                                 sign_count=verified.sign_count, name=(name or "Passkey").strip()[:100] or "Passkey"))
    audit.record("user.passkey_added", user, f"{user.email} added a passkey", actor=user)


def authentication_options(user: User) -> tuple[str, bytes]:
    rp_id, _ = _relying_party()
    options = webauthn.generate_authentication_options(
        rp_id=rp_id, allow_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id) for p in user.passkeys],
        user_verification=UserVerificationRequirement.PREFERRED)
    return webauthn.options_to_json(options), options.challenge


def check_passkey(user: User, credential: dict, challenge: bytes) -> Passkey:
    """Accept a signed challenge from one of ``user``'s passkeys, or raise ``SecondFactorError``."""
    rp_id, origin = _relying_party()
    raw_id = credential.get("rawId") or credential.get("id") if isinstance(credential, dict) else None
    passkey = next(
        (p for p in user.passkeys if isinstance(raw_id, str) and bytes_to_base64url(p.credential_id) == raw_id), None
    )
    if passkey is None:
        raise SecondFactorError("That passkey is not set up for your account")
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp_id, expected_origin=origin,
            credential_public_key=passkey.public_key, credential_current_sign_count=passkey.sign_count)
    except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError) as error:
        current_app.logger.info("Passkey not accepted for user %s: %s", user.id, error)
        raise SecondFactorError("Your passkey was not accepted. Try again, or enter a code") from None
    passkey.sign_count, passkey.last_used_at = verified.new_sign_count, utcnow()
    return passkey


def remove_passkey(user: User, passkey_id: int) -> Passkey | None:
    passkey = next((p for p in user.passkeys if p.id == passkey_id), None)
    if passkey is not None:
        user.passkeys.remove(passkey)
        audit.record("user.passkey_removed", user, f"{user.email} removed the passkey {passkey.name!r}", actor=user)
    return passkey


def credential_json(raw: str | bytes) -> dict:
    try:
        value = json.loads(raw)
    except (ValueError, TypeError):
        raise SecondFactorError("Your passkey could not be read. Try again") from None
    if not isinstance(value, dict):
        raise SecondFactorError("Your passkey could not be read. Try again")
    return value


# Administration -------------------------------------------------------------------------------

def reset(user: User, actor: User) -> None:
    """Remove every second factor of ``user`` (a lost phone or passkey). They set one up again at
    their next sign-in; all their sessions end now."""
    from grants.interfaces.auth import sessions

    had = [what for what, present in (("an authenticator app", bool(user.totp_secret)),
                                      (f"{len(user.passkeys)} passkey(s)", bool(user.passkeys))) if present]
    user.totp_secret = user.totp_last_step = user.totp_added_at = None
    user.passkeys.clear()
    _delete_recovery_codes(user)
    db.session.expire(user, ["recovery_codes"])
    sessions.end_all(user, "signed out because their two-factor sign-in was reset", actor=actor)
    audit.record("user.second_factor_reset", user,
                 f"Two-factor sign-in reset for {user.email} by {actor.email} (had {', '.join(had) or 'nothing'})",
                 actor=actor)


@dataclass(frozen=True)
class StaffFactor:
    user: User
    passkeys: int
    app: bool

    @property
    def set_up(self) -> bool:
        return self.app or self.passkeys > 0

    @property
    def described(self) -> str:
        return describe_second_factors(self.passkeys, self.app)


def staff_second_factors() -> list[StaffFactor]:
    """Every active staff member with the second factors they have, those without first."""
    staff = db.session.scalars(
        select(User).where(User.active, User.id.in_(select(UserRole.user_id).where(UserRole.role != Role.APPLICANT)))
        .order_by(User.full_name)
    ).all()
    counts: dict[int, int] = dict(db.session.execute(
        select(Passkey.user_id, db.func.count()).where(Passkey.user_id.in_([u.id for u in staff]))
        .group_by(Passkey.user_id)).all()) if staff else {}
    rows = [StaffFactor(user, counts.get(user.id, 0), bool(user.totp_secret)) for user in staff]
    return sorted(rows, key=lambda row: row.set_up)


def reset_codes_only(user: User) -> None:
    """Recovery codes go with the last second factor (an applicant turning two-factor sign-in off)."""
    _delete_recovery_codes(user)
    db.session.expire(user, ["recovery_codes"])
