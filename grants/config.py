"""Configuration, read from the environment when the app is created (never at import time).

``GRANTS_ENV`` chooses the profile: ``development`` (the default), ``production`` or ``testing``.
"""

from __future__ import annotations

import math
import os
import re
import secrets
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit


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


# Values seen in tutorials, templates and .env examples: a key containing one of these is a placeholder.
_PLACEHOLDER_WORDS = (
    "changeme", "change-me", "change_me", "changethis", "replaceme", "replace-me", "replace_me", "secret",
    "password", "example", "placeholder", "yoursecret", "your-secret", "your_secret", "notsecure", "insecure",
    "default", "development", "dev-key", "devkey", "testing", "letmein", "qwerty", "abcdef", "123456",
    "you-will-never-guess", "supersecret", "fixme",
)
GOOD_KEY_HINT = "Make one with: python3 -c 'import secrets; print(secrets.token_hex(32))'"


def secret_key_problem(secret: str | None) -> str | None:
    """Why ``secret`` is not fit to sign sessions and emailed links in production, or ``None``.

    A key is refused when it is short, is built from a few characters (32 × ``a``, ``abab…``), has
    long runs (``aaaaaaaa``, ``abcdefgh``), repeats a shorter pattern or holds a known placeholder word. ``secrets.token_hex(32)``
    and ``secrets.token_urlsafe(32)`` always pass.
    """
    if not secret:
        return "SECRET_KEY must be set in production. " + GOOD_KEY_HINT
    if len(secret) < 32:
        return f"SECRET_KEY must be at least 32 characters long (it has {len(secret)}). " + GOOD_KEY_HINT
    lowered = secret.lower()
    for word in _PLACEHOLDER_WORDS:
        if word in lowered:
            return f"SECRET_KEY looks like a placeholder (it contains {word!r}). " + GOOD_KEY_HINT
    counts = Counter(secret)
    # Shannon entropy of the key's own characters: random hex has close to 4 bits a character.
    bits_per_char = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    if len(counts) < 8 or bits_per_char < 2.5 or bits_per_char * len(secret) < 80:
        return "SECRET_KEY has too little variety to be random (too few different characters). " + GOOD_KEY_HINT
    if any(secret[period:] == secret[:-period] for period in range(1, len(secret) // 2 + 1)):
        return "SECRET_KEY repeats a shorter pattern. " + GOOD_KEY_HINT
    if _longest_run(secret) >= 8:
        return "SECRET_KEY has a long run of repeated or consecutive characters. " + GOOD_KEY_HINT
    return None


def _longest_run(text: str) -> int:
    """The longest stretch of characters that repeat or count up or down by one (``aaaa``, ``4567``)."""
    longest = run = 1
    step = None
    for before, after in zip(text, text[1:]):
        difference = ord(after) - ord(before)
        if difference in (-1, 0, 1) and (step is None or difference == step):
            run, step = run + 1, difference
        else:
            run, step = (2, difference) if difference in (-1, 0, 1) else (1, None)
        longest = max(longest, run)
    return longest


def public_address(env, profile: str) -> dict:
    """The one address every emailed and shared link is built from, and the hosts the app answers.

    Links are never built from a request's Host header, which a visitor chooses. Production must
    name its address (``PUBLIC_BASE_URL``) and answers only its host and any other names listed in
    ``TRUSTED_HOSTS`` (comma-separated, e.g. an internal name the load balancer's health check uses);
    requests for any other host get 400.
    """
    defaults = {"development": "http://127.0.0.1:5000", "testing": "http://localhost"}
    raw = (env.get("PUBLIC_BASE_URL") or "").strip() or defaults.get(profile)
    if not raw:
        raise ConfigurationError(
            "PUBLIC_BASE_URL must be set in production to the service's public address, such as "
            "https://grants.opcc.example.org: every link in an email is built from it"
        )
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ConfigurationError(f"PUBLIC_BASE_URL must be an http or https address such as "
                                 f"https://grants.opcc.example.org, not {raw!r}")
    extra = [host.strip() for host in (env.get("TRUSTED_HOSTS") or "").split(",") if host.strip()]
    trusted = [parts.hostname, *extra] if profile == "production" or extra else None
    return {"PUBLIC_BASE_URL": raw.rstrip("/"), "TRUSTED_HOSTS": trusted}


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

    if profile == "production" and (problem := secret_key_problem(env.get("SECRET_KEY"))):
        raise ConfigurationError(problem)

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
        # A browser the person has signed in from before skips the two limits above (which anyone
        # could set off to lock them out) and has this allowance of its own instead.
        "LOGIN_LIMIT_PER_DEVICE": env.get("LOGIN_LIMIT_PER_DEVICE") or "10 per 15 minutes",
        # Wrong second-factor codes for one account before it must wait.
        "SECOND_FACTOR_LIMIT": env.get("SECOND_FACTOR_LIMIT") or "5 per 15 minutes",
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
        **public_address(env, profile),
    }

    if profile == "production":
        config.update(
            SECRET_KEY=env["SECRET_KEY"],
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
