"""Configuration, read from the environment when the app is created (never at import time).

``GRANTS_ENV`` chooses the profile: ``development`` (the default), ``production`` or ``testing``.

Every variable is read through :class:`Environment`, whose small typed readers (whole numbers,
true/false, one of a few words, rates, addresses) note a bad value instead of raising, so that
start-up stops once with every problem listed, each naming the variable, the value given (never a
secret or an address that may hold a password) and what it should be.
"""

from __future__ import annotations

import math
import os
import re
import secrets
from collections import Counter
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import overload
from urllib.parse import urlsplit


class ConfigurationError(RuntimeError):
    """The environment does not give what the chosen profile needs.

    ``problems`` holds one sentence per bad or missing setting; the message lists them all.
    """

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        if len(self.problems) == 1:
            message = self.problems[0]
        else:
            message = "\n- ".join([f"The configuration has {len(self.problems)} problems:", *self.problems])
        super().__init__(message)


class Environment:
    """Typed readers for environment variables that collect problems rather than stop at the first.

    An unset or empty variable takes the default. A bad value is noted in ``problems`` and the
    default returned, so reading goes on; :meth:`check` then raises one :class:`ConfigurationError`.
    """

    def __init__(self, environ: Mapping[str, str]):
        self.environ = environ
        self.problems: list[str] = []

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def check(self) -> None:
        if self.problems:
            raise ConfigurationError(self.problems)

    def raw(self, name: str) -> str:
        """The value as given, without surrounding spaces; ``""`` when unset."""
        return (self.environ.get(name) or "").strip()

    def refuse(self, name: str, should_be: str, value: str | None = None) -> None:
        """Note that ``name`` is wrong; ``value`` is shown unless it is ``None`` (secrets, addresses)."""
        self.problem(f"{name} must be {should_be}" + ("" if value is None else f' (got "{value}")'))

    @overload
    def text(self, name: str, default: str) -> str: ...
    @overload
    def text(self, name: str, default: None = None) -> str | None: ...

    def text(self, name: str, default: str | None = None) -> str | None:
        return self.raw(name) or default

    def whole_number(self, name: str, default: int, minimum: int, maximum: int | None = None) -> int:
        value = self.raw(name)
        if not value:
            return default
        should_be = (f"a whole number from {minimum} to {maximum}" if maximum is not None
                     else f"a whole number of {minimum} or more")
        number = int(value) if re.fullmatch(r"[+-]?[0-9]+", value) else None
        if number is None or number < minimum or (maximum is not None and number > maximum):
            self.refuse(name, should_be, value)
            return default
        return number

    _TRUE = {"1", "true", "yes", "on"}
    _FALSE = {"0", "false", "no", "off"}

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw(name).lower()
        if not value:
            return default
        if value in self._TRUE | self._FALSE:
            return value in self._TRUE
        self.refuse(name, "true or false", self.raw(name))
        return default

    def choice(self, name: str, choices: tuple[str, ...], default: str, *, upper: bool = False) -> str:
        """One of ``choices``, in any case; ``upper`` keeps the choices in capitals (log levels)."""
        value = self.raw(name)
        if not value:
            return default
        normalised = value.upper() if upper else value.lower()
        if normalised not in choices:
            self.refuse(name, _one_of(choices), value)
            return default
        return normalised

    def rate(self, name: str, default: str) -> str:
        """A Flask-Limiter rate such as ``5 per 15 minutes``."""
        from limits import parse_many

        value = self.raw(name)
        if not value:
            return default
        try:
            parse_many(value)
        except ValueError:
            self.refuse(name, f'a rate such as "{default}"', value)
            return default
        return value

    def email_address(self, name: str, default: str) -> str:
        value = self.raw(name)
        if not value:
            return default
        if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", value):
            self.refuse(name, f"an email address such as {default}", value)
            return default
        return value


def _one_of(choices: tuple[str, ...]) -> str:
    return choices[0] if len(choices) == 1 else ", ".join(choices[:-1]) + " or " + choices[-1]


def database_url(raw: str) -> str:
    """Use the psycopg 3 driver for plain ``postgres://`` and ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def _database_address(env: Environment, name: str, default: str) -> str:
    """``name`` as a SQLAlchemy URL; not repeated in a message, since it may hold a password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    value = env.raw(name)
    if not value:
        return default
    try:
        make_url(value)
    except ArgumentError:
        env.refuse(name, "a database address such as postgresql://user@host/dbname")
        return default
    return database_url(value)


def _redis_address(env: Environment) -> str | None:
    value = env.raw("REDIS_URL")
    if value and urlsplit(value).scheme not in {"redis", "rediss", "unix"}:
        env.refuse("REDIS_URL", "a redis:// or rediss:// address such as redis://cache.internal:6379/0")
        return None
    return value or None


def _development_secret_key(instance_path: Path) -> str:
    """A key generated once into the instance folder, so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def bank_details_keys_problem(value: str | None) -> str | None:
    """Why BANK_DETAILS_KEYS (comma-separated Fernet keys, the first used to encrypt, every one to
    decrypt, so a key can be rotated in) is unusable, or None."""
    from cryptography.fernet import Fernet

    keys = [key.strip() for key in (value or "").split(",") if key.strip()]
    if not keys:
        return ("BANK_DETAILS_KEYS must be set in production: one or more Fernet keys, comma-separated, newest "
                "first. Make one with: python3 -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'")
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            return (f"BANK_DETAILS_KEYS key {number} is not a Fernet key (32 url-safe base64-encoded bytes); "
                    "make one with Fernet.generate_key()")
    return None


def _development_bank_details_keys(instance_path: Path) -> str:
    """A bank-details key generated once into the instance folder, apart from the secret key."""
    from cryptography.fernet import Fernet

    key_file = instance_path / "bank_details_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(Fernet.generate_key().decode())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# 360Giving publishes grants under a prefix it registers for the publisher; every one starts "360G-".
# Until the OPCC registers, the grant ids are made with this placeholder.
DEFAULT_360_PREFIX = "360G-opccdc"
_360_PREFIX = re.compile(r"360G-[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*")


def threesixtygiving_settings(env: Environment) -> dict[str, str]:
    """The 360Giving publisher settings: the grant-id prefix and the funder's org-id and name.

    A Police and Crime Commissioner is a corporation sole with no charity or company number, and
    is not in the UK government organisation register (org-id GB-GOR; a 2020 copy was checked),
    so the funder's id defaults to the publisher prefix, as 360Giving's identifier guidance does
    for an organisation without a registered number. Set GRANTS_360_FUNDER_ID if the OPCC is
    given an org-id in a register.
    """
    prefix = env.text("GRANTS_360_PREFIX", DEFAULT_360_PREFIX)
    if not _360_PREFIX.fullmatch(prefix):
        env.problem(f'GRANTS_360_PREFIX must start with 360G- and hold only letters, digits, - and _ (got "{prefix}")')
        prefix = DEFAULT_360_PREFIX
    source = env.text("GRANTS_360_DATA_SOURCE", "")
    if source and not re.fullmatch(r"https?://[^\s/]+\S*", source):
        env.problem(f'GRANTS_360_DATA_SOURCE must be a web address starting https:// (got "{source}")')
        source = ""
    return {
        "GRANTS_360_PREFIX": prefix,
        "GRANTS_360_FUNDER_ID": env.text("GRANTS_360_FUNDER_ID", prefix),
        "GRANTS_360_FUNDER_NAME": env.text("GRANTS_360_FUNDER_NAME",
                                           "Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly"),
        # The published data's dataSource; empty: the service's public list of grants made.
        "GRANTS_360_DATA_SOURCE": source,
    }


# Values seen in tutorials, templates and .env examples: a key containing one of these is a placeholder.
# No word here is spelt only with hex digits: one such as "abcdef" turns up by chance in about one
# ``token_hex(32)`` in 280,000, and a good key must never be refused. Runs such as "abcdefgh" and
# "12345678" are caught by ``_longest_run`` instead.
_PLACEHOLDER_WORDS = (
    "changeme", "change-me", "change_me", "changethis", "replaceme", "replace-me", "replace_me", "secret",
    "password", "example", "placeholder", "yoursecret", "your-secret", "your_secret", "notsecure", "insecure",
    "default", "development", "dev-key", "devkey", "testing", "letmein", "qwerty", "you-will-never-guess",
    "supersecret", "fixme",
)
GOOD_KEY_HINT = "Make one with: python3 -c 'import secrets; print(secrets.token_hex(32))'"


def secret_key_problem(secret: str | None) -> str | None:
    """Why ``secret`` is not fit to sign sessions and emailed links in production, or ``None``.

    A key is refused when it is short, is built from a few characters (32 × ``a``, ``abab…``), has
    long runs (``aaaaaaaa``, ``abcdefgh``), repeats a shorter pattern or holds a known placeholder word.
    ``secrets.token_hex(32)`` and ``secrets.token_urlsafe(32)`` always pass. The message never repeats the key.
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
    # Ten in a row: random hex makes one by chance about once in 10^10 keys (eight would be 1 in 10^6).
    if _longest_run(secret) >= 10:
        return "SECRET_KEY has a long run of repeated or consecutive characters. " + GOOD_KEY_HINT
    return None


def _longest_run(text: str) -> int:
    """The longest stretch of characters that repeat or count up or down by one (``aaaa``, ``4567``)."""
    longest = run = 1
    step = None
    for before, after in zip(text, text[1:], strict=False):
        difference = ord(after) - ord(before)
        if difference in (-1, 0, 1) and (step is None or difference == step):
            run, step = run + 1, difference
        else:
            run, step = (2, difference) if difference in (-1, 0, 1) else (1, None)
        longest = max(longest, run)
    return longest


# A host name, an IPv4 address or a bracketed IPv6 one; a leading dot also allows its subdomains
# (as Werkzeug's trusted_hosts does).
_HOST = re.compile(r"\.?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
                   r"|\[[0-9A-Fa-f:.]+\]")


def public_address(env: Environment, profile: str) -> dict:
    """The one address every emailed and shared link is built from, and the hosts the app answers.

    Links are never built from a request's Host header, which a visitor chooses. Production must
    name its address (``PUBLIC_BASE_URL``) and answers only its host and any other names listed in
    ``TRUSTED_HOSTS`` (comma-separated, e.g. an internal name the load balancer's health check uses);
    requests for any other host get 400.
    """
    # Only production must name it (an unknown profile is reported by itself, not as this too).
    default = {"production": "", "testing": "http://localhost"}.get(profile, "http://127.0.0.1:5000")
    raw = env.raw("PUBLIC_BASE_URL") or default
    hostname = None
    if not raw:
        env.problem(
            "PUBLIC_BASE_URL must be set in production to the service's public address, such as "
            "https://grants.opcc.example.org: every link in an email is built from it"
        )
    else:
        parts = urlsplit(raw)
        try:
            hostname = parts.hostname
            parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
        except ValueError:
            hostname = None
        if parts.scheme not in {"http", "https"} or not hostname or parts.query or parts.fragment:
            env.refuse("PUBLIC_BASE_URL", "an http or https address such as https://grants.opcc.example.org", raw)
            hostname = None
    extra = [host.strip() for host in env.raw("TRUSTED_HOSTS").split(",") if host.strip()]
    for host in extra:
        if not _HOST.fullmatch(host):
            env.refuse("TRUSTED_HOSTS", "host names separated by commas, such as grants.internal,10.0.0.5", host)
    trusted = [hostname, *extra] if profile == "production" or extra else None
    return {"PUBLIC_BASE_URL": (raw or "").rstrip("/"), "TRUSTED_HOSTS": trusted}


def logging_settings(profile: str, env: Environment) -> dict:
    """Log format and request lines: JSON lines to stderr in production, plain text elsewhere.

    The testing profile leaves logging to pytest unless ``LOG_FORMAT`` is set.
    """
    default_format = {"production": "json", "development": "text"}.get(profile, "")
    return {
        "LOG_FORMAT": env.choice("LOG_FORMAT", ("json", "text"), default_format),
        "LOG_LEVEL": env.choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"), "INFO", upper=True),
        "LOG_REQUESTS": env.flag("LOG_REQUESTS", default=profile == "production"),
        # Client addresses are personal data: off unless the operator needs them in the logs.
        "LOG_REMOTE_ADDR": env.flag("LOG_REMOTE_ADDR", default=False),
    }


PROFILES = ("development", "production", "testing")


def load_config(profile: str, instance_path: str, environ: Mapping[str, str] | None = None) -> dict:
    """Return the settings for ``profile`` from ``environ`` (default: the process environment).

    Raises :class:`ConfigurationError` listing every bad or missing setting.
    """
    env = Environment(os.environ if environ is None else environ)
    instance = Path(instance_path)
    if profile not in PROFILES:
        env.refuse("GRANTS_ENV", _one_of(PROFILES), profile)

    if profile == "production" and (problem := secret_key_problem(env.environ.get("SECRET_KEY"))):
        env.problem(problem)
    bank_keys = env.raw("BANK_DETAILS_KEYS")
    if (bank_keys or profile == "production") and (problem := bank_details_keys_problem(bank_keys)):
        env.problem(problem)
    address = public_address(env, profile)

    database = _database_address(env, "DATABASE_URL", f"sqlite:///{instance / 'grants.sqlite'}")
    redis_url = _redis_address(env)
    config: dict = {
        "GRANTS_ENV": profile,
        "SQLALCHEMY_DATABASE_URI": database,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SERVICE_NAME": "Commissioners Grants",
        "OFFICE_NAME": "Office of the Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly",
        "UPLOAD_FOLDER": env.text("UPLOAD_FOLDER", str(instance / "uploads")),
        "MAX_CONTENT_LENGTH": 11 * 1024 * 1024,  # a 10 MB document plus the form around it
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_LIMIT_PER_ACCOUNT": env.rate("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": env.rate("LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes"),
        # A browser the person has signed in from before skips the two limits above (which anyone
        # could set off to lock them out) and has this allowance of its own instead.
        "LOGIN_LIMIT_PER_DEVICE": env.rate("LOGIN_LIMIT_PER_DEVICE", "10 per 15 minutes"),
        # Wrong second-factor codes for one account before it must wait.
        "SECOND_FACTOR_LIMIT": env.rate("SECOND_FACTOR_LIMIT", "5 per 15 minutes"),
        "PASSWORD_RESET_MAX_AGE": timedelta(hours=1),
        "REGISTRATION_LINK_MAX_AGE": timedelta(days=3),
        "INVITE_MAX_AGE": timedelta(days=7),
        # Applicants' personal data is kept this long after their last sign-in or their last grant's
        # end, whichever is later (six years: the limitation period for a claim on a grant agreement).
        "PERSONAL_DATA_RETENTION_DAYS": env.whole_number("PERSONAL_DATA_RETENTION_DAYS", 6 * 365 + 1, minimum=1),
        # "outbox" keeps every message in a table that admins read in the app; "smtp" also sends it,
        # after the commit, retried until it goes (grants.mail).
        "MAIL_BACKEND": env.choice("MAIL_BACKEND", ("outbox", "smtp"), "outbox"),
        "MAIL_SERVER": env.text("MAIL_SERVER", "localhost"),
        "MAIL_PORT": env.whole_number("MAIL_PORT", 587, minimum=1, maximum=65535),
        "MAIL_USE_TLS": env.flag("MAIL_USE_TLS", default=True),
        "MAIL_USERNAME": env.text("MAIL_USERNAME"),
        "MAIL_PASSWORD": env.environ.get("MAIL_PASSWORD") or None,  # as given: spaces may be part of it
        "MAIL_SENDER": env.email_address("MAIL_SENDER", "grants@opcc.example.org"),
        "MAIL_TIMEOUT_SECONDS": 10,
        # A message that fails this many times is given up on and shown to administrators (grants.mail).
        "MAIL_MAX_ATTEMPTS": env.whole_number("MAIL_MAX_ATTEMPTS", 6, minimum=1, maximum=50),
        # "background": queued mail is sent after the commit by a job (grants.jobs: the Redis queue, or a
        # thread of the process without Redis); "manual": only when grants.mail.sweep runs (flask
        # send-outbox; the tests).
        "MAIL_DELIVERY": env.choice("MAIL_DELIVERY", ("background", "manual"),
                                    "manual" if profile == "testing" else "background"),
        # "background": work a request leaves for a job (a slow export) starts after its commit
        # (grants.jobs.enqueue_after_commit); "manual": only when the job is run by hand (the tests).
        "BACKGROUND_JOBS": env.choice("BACKGROUND_JOBS", ("background", "manual"),
                                      "manual" if profile == "testing" else "background"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "TIMEZONE": "Europe/London",
        # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust.
        "TRUSTED_PROXIES": env.whole_number("TRUSTED_PROXIES", 0, minimum=0, maximum=10),
        # Keeps this deployment's throttle counters apart when several share one Redis.
        "RATELIMIT_KEY_PREFIX": env.text("RATELIMIT_KEY_PREFIX", ""),
        **logging_settings(profile, env),
        **threesixtygiving_settings(env),
        **address,
    }
    if profile == "testing":
        test_db = _database_address(env, "TEST_DATABASE_URL", f"sqlite:///{instance / 'test.sqlite'}")
    env.check()

    if profile == "production":
        config.update(
            SECRET_KEY=env.environ["SECRET_KEY"],
            BANK_DETAILS_KEYS=bank_keys,
            SESSION_COOKIE_SECURE=True,
            REMEMBER_COOKIE_SECURE=True,
            PREFERRED_URL_SCHEME="https",
            HSTS=True,
        )
    elif profile == "development":
        config.update(SECRET_KEY=env.environ.get("SECRET_KEY") or _development_secret_key(instance), HSTS=False,
                      BANK_DETAILS_KEYS=bank_keys or _development_bank_details_keys(instance))
    else:  # testing
        config.update(
            TESTING=True,
            SECRET_KEY="testing-only-" + "x" * 32,
            # A fixed test key (Fernet.generate_key() once); never used outside the tests.
            BANK_DETAILS_KEYS=bank_keys or "0hdw3ukyrFXNAnS1Ci7LU4pD52t20bDjvGO3Yc1P3wQ=",
            SQLALCHEMY_DATABASE_URI=test_db,
            HSTS=False,
        )
    return config
