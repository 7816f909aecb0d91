"""Configuration, read from the environment when the app is created (never at import time).

``GRANTS_ENV`` chooses the profile: ``development`` (the default), ``production`` or ``testing``.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path


class ConfigurationError(RuntimeError):
    """The environment does not give what the chosen profile needs."""


def database_url(raw: str) -> str:
    """Use the psycopg 3 driver for plain ``postgres://`` and ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def _development_secret_key(instance_path: Path) -> str:
    """A key generated once into the instance folder, so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# 360Giving publishes grants under a prefix it registers for the publisher; every one starts "360G-".
# Until the OPCC registers, the grant ids are made with this placeholder.
DEFAULT_360_PREFIX = "360G-opccdc"
_360_PREFIX = re.compile(r"360G-[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*")


def threesixtygiving_settings(env) -> dict[str, str]:
    """The 360Giving publisher settings: the grant-id prefix and the funder's org-id and name.

    A Police and Crime Commissioner is a corporation sole with no charity or company number, and
    is not in the UK government organisation register (org-id GB-GOR; a 2020 copy was checked),
    so the funder's id defaults to the publisher prefix, as 360Giving's identifier guidance does
    for an organisation without a registered number. Set GRANTS_360_FUNDER_ID if the OPCC is
    given an org-id in a register.
    """
    prefix = env.get("GRANTS_360_PREFIX") or DEFAULT_360_PREFIX
    if not _360_PREFIX.fullmatch(prefix):
        raise ConfigurationError(
            f"GRANTS_360_PREFIX must start with 360G- and hold only letters, digits, - and _, not {prefix!r}"
        )
    return {
        "GRANTS_360_PREFIX": prefix,
        "GRANTS_360_FUNDER_ID": env.get("GRANTS_360_FUNDER_ID") or prefix,
        "GRANTS_360_FUNDER_NAME": env.get("GRANTS_360_FUNDER_NAME")
        or "Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly",
    }


def _flag(value: str | None, default: bool) -> bool:
    return default if not value else value.lower() in {"1", "true", "yes", "on"}


def logging_settings(profile: str, env) -> dict:
    """Log format and request lines: JSON lines to stderr in production, plain text elsewhere.

    The testing profile leaves logging to pytest unless ``LOG_FORMAT`` is set.
    """
    default_format = {"production": "json", "development": "text"}.get(profile, "")
    log_format = (env.get("LOG_FORMAT") or default_format).lower()
    if log_format not in {"json", "text", ""}:
        raise ConfigurationError(f"LOG_FORMAT must be json or text, not {log_format!r}")
    return {
        "LOG_FORMAT": log_format,
        "LOG_LEVEL": (env.get("LOG_LEVEL") or "INFO").upper(),
        "LOG_REQUESTS": _flag(env.get("LOG_REQUESTS"), default=profile == "production"),
        # Client addresses are personal data: off unless the operator needs them in the logs.
        "LOG_REMOTE_ADDR": _flag(env.get("LOG_REMOTE_ADDR"), default=False),
    }


def load_config(profile: str, instance_path: str, environ: dict[str, str] | None = None) -> dict:
    """Return the settings for ``profile`` from ``environ`` (default: the process environment)."""
    env = os.environ if environ is None else environ
    instance = Path(instance_path)
    if profile not in {"development", "production", "testing"}:
        raise ConfigurationError(f"GRANTS_ENV must be development, production or testing, not {profile!r}")

    default_db = f"sqlite:///{instance / 'grants.sqlite'}"
    redis_url = env.get("REDIS_URL") or None
    config: dict = {
        "GRANTS_ENV": profile,
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL") or default_db),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SERVICE_NAME": "Commissioners Grants",
        "OFFICE_NAME": "Office of the Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly",
        "UPLOAD_FOLDER": env.get("UPLOAD_FOLDER") or str(instance / "uploads"),
        "MAX_CONTENT_LENGTH": 11 * 1024 * 1024,  # a 10 MB document plus the form around it
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_LIMIT_PER_ACCOUNT": env.get("LOGIN_LIMIT_PER_ACCOUNT") or "5 per 15 minutes",
        "LOGIN_LIMIT_PER_ADDRESS": env.get("LOGIN_LIMIT_PER_ADDRESS") or "30 per 15 minutes",
        "PASSWORD_RESET_MAX_AGE": timedelta(hours=1),
        "REGISTRATION_LINK_MAX_AGE": timedelta(days=3),
        "INVITE_MAX_AGE": timedelta(days=7),
        # Applicants' personal data is kept this long after their last sign-in or their last grant's
        # end, whichever is later (six years: the limitation period for a claim on a grant agreement).
        "PERSONAL_DATA_RETENTION_DAYS": int(env.get("PERSONAL_DATA_RETENTION_DAYS") or 6 * 365 + 1),
        # "outbox" keeps every message in a table that admins read in the app; "smtp" also sends it.
        "MAIL_BACKEND": env.get("MAIL_BACKEND") or "outbox",
        "MAIL_SERVER": env.get("MAIL_SERVER") or "localhost",
        "MAIL_PORT": int(env.get("MAIL_PORT") or 587),
        "MAIL_USE_TLS": (env.get("MAIL_USE_TLS") or "true").lower() == "true",
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_SENDER": env.get("MAIL_SENDER") or "grants@opcc.example.org",
        "MAIL_TIMEOUT_SECONDS": 10,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "TIMEZONE": "Europe/London",
        # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES") or 0),
        # Keeps this deployment's throttle counters apart when several share one Redis.
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX") or "",
        **logging_settings(profile, env),
        **threesixtygiving_settings(env),
    }

    if profile == "production":
        secret = env.get("SECRET_KEY")
        if not secret or len(secret) < 32:
            raise ConfigurationError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production"
            )
        config.update(
            SECRET_KEY=secret,
            SESSION_COOKIE_SECURE=True,
            REMEMBER_COOKIE_SECURE=True,
            PREFERRED_URL_SCHEME="https",
            HSTS=True,
        )
    elif profile == "development":
        config.update(SECRET_KEY=env.get("SECRET_KEY") or _development_secret_key(instance), HSTS=False)
    else:  # testing
        config.update(
            TESTING=True,
            SECRET_KEY="testing-only-" + "x" * 32,
            SQLALCHEMY_DATABASE_URI=database_url(
                env.get("TEST_DATABASE_URL") or f"sqlite:///{instance / 'test.sqlite'}"
            ),
            HSTS=False,
        )
    return config
