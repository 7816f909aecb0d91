"""Configuration comes from the environment, with safe defaults and a strict production profile."""

from __future__ import annotations

import secrets

import pytest

from grants import create_app
from grants.config import ConfigurationError, database_url, load_config, secret_key_problem

GOOD_KEY = "9f1c0e5b7a3d48e2b6c4f0a1d9e7c3b5a8f2e6d0c4b1a7e3"
BANK_KEY = "XlYs6h2pn0m4vQp8KZCqRk7bqk2bq1bQ6tq5xv0cW3I="  # a Fernet key, for these tests only
PRODUCTION = {"SECRET_KEY": GOOD_KEY, "PUBLIC_BASE_URL": "https://grants.opcc.example.org",
              "BANK_DETAILS_KEYS": BANK_KEY}


def test_development_defaults_to_sqlite_in_the_instance_folder(tmp_path):
    config = load_config("development", str(tmp_path), environ={})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'grants.sqlite'}"
    assert config["UPLOAD_FOLDER"] == str(tmp_path / "uploads")
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["MAIL_BACKEND"] == "outbox"


def test_development_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_config("development", str(tmp_path), environ={})["SECRET_KEY"]
    second = load_config("development", str(tmp_path), environ={})["SECRET_KEY"]
    assert first == second
    assert len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("secret", [
    None, "", "too-short",
    "a" * 32,  # long enough, but one character
    "k" * 48,
    "ab" * 20,  # two characters
    "a1b2c3d4" * 4,  # eight characters, but a pattern repeated
    "scale-out-" + "k" * 40,
    "changeme-changeme-changeme-changeme",
    "your-secret-key-goes-here-0123456789",
    "REPLACE_ME_WITH_A_LONG_RANDOM_STRING_1234",
    "you-will-never-guess-this-one-9283",
    "abcdefghijklmnopqrstuvwxyz0123456789",  # a run of the alphabet
    "Kx9!" * 10,
])
def test_production_refuses_to_start_without_a_proper_secret_key(tmp_path, secret):
    environ = {**PRODUCTION}
    environ.pop("SECRET_KEY")
    if secret is not None:
        environ["SECRET_KEY"] = secret
    with pytest.raises(ConfigurationError, match="SECRET_KEY") as refused:
        load_config("production", str(tmp_path), environ=environ)
    # The message says how to make a good one.
    assert "secrets.token_hex(32)" in str(refused.value)


def test_random_keys_are_always_accepted():
    for _ in range(2000):
        for key in (secrets.token_hex(32), secrets.token_hex(16), secrets.token_urlsafe(32)):
            assert secret_key_problem(key) is None, key


@pytest.mark.parametrize("key", [
    # Made by secrets.token_hex(32) in a CI run and refused for holding "abcdef".
    "22ed407b12ffaa0abcdef17d5f3232558429784645215bd219f3f8cf3ed460d4",
    "0c9e71d2" + "123456" + "aa47fe0b3c5d9e8f1a2b6c7d0e4f3a9b8c1d2e5f6a7b0c9d8e3f",
    # Eight or nine in a row turn up in random hex often enough to matter; ten do not.
    "5e0f2a9c" + "456789ab" + "d3b1e7c0f4a6928d5e1b3c7a0f9d2e8b6c4a1d7e3f5b",
])
def test_random_keys_with_a_short_run_are_accepted(key):
    assert secret_key_problem(key) is None


@pytest.mark.parametrize("key", [
    "5e0f2a9c" + "0123456789" + "d3b1e7c0f4a6928d5e1b3c7a0f9d2e8b6c4a1d7e3f5b",
    "5e0f2a9c" + "a" * 10 + "d3b1e7c0f4a6928d5e1b3c7a0f9d2e8b6c4a1d7e3f5b",
])
def test_a_run_of_ten_is_refused(key):
    assert "long run" in secret_key_problem(key)


def test_production_refuses_to_start_without_its_public_address(tmp_path):
    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL"):
        load_config("production", str(tmp_path), environ={"SECRET_KEY": GOOD_KEY})
    for bad in ("grants.opcc.example.org", "ftp://grants.opcc.example.org", "https://", "https://x.org/?a=1"):
        with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL"):
            load_config("production", str(tmp_path), environ={**PRODUCTION, "PUBLIC_BASE_URL": bad})


def test_production_answers_only_its_own_host_and_those_listed(tmp_path):
    config = load_config("production", str(tmp_path), environ={**PRODUCTION, "PUBLIC_BASE_URL": "https://grants.opcc.example.org/"})
    assert config["PUBLIC_BASE_URL"] == "https://grants.opcc.example.org"
    assert config["TRUSTED_HOSTS"] == ["grants.opcc.example.org"]
    config = load_config("production", str(tmp_path),
                         environ={**PRODUCTION, "TRUSTED_HOSTS": "grants.internal, 10.0.0.5"})
    assert config["TRUSTED_HOSTS"] == ["grants.opcc.example.org", "grants.internal", "10.0.0.5"]


def test_production_app_factory_refuses_too(monkeypatch, tmp_path):
    monkeypatch.setenv("GRANTS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("GRANTS_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError):
        create_app()


def test_production_cookies_are_secure(tmp_path):
    config = load_config("production", str(tmp_path), environ=PRODUCTION)
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["HSTS"] is True


def test_environment_settings_are_read(tmp_path):
    config = load_config(
        "production",
        str(tmp_path),
        environ={
            **PRODUCTION,
            "DATABASE_URL": "postgres://grants:pw@db.internal:5432/grants",
            "REDIS_URL": "redis://cache.internal:6379/0",
            "UPLOAD_FOLDER": "/srv/uploads",
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "smtp.internal",
            "MAIL_PORT": "2525",
        },
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://grants:pw@db.internal:5432/grants"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/0"
    assert config["UPLOAD_FOLDER"] == "/srv/uploads"
    assert (config["MAIL_BACKEND"], config["MAIL_SERVER"], config["MAIL_PORT"]) == ("smtp", "smtp.internal", 2525)


def test_unknown_profile_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="GRANTS_ENV"):
        load_config("staging", str(tmp_path), environ={})


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg_3(raw, expected):
    assert database_url(raw) == expected



# A bad value stops start-up with one message naming the variable, the value given and what it should be.

@pytest.mark.parametrize("name, value, message", [
    ("MAIL_PORT", "abc", 'MAIL_PORT must be a whole number from 1 to 65535 (got "abc")'),
    ("MAIL_PORT", "70000", 'MAIL_PORT must be a whole number from 1 to 65535 (got "70000")'),
    ("MAIL_PORT", "25.5", 'MAIL_PORT must be a whole number from 1 to 65535 (got "25.5")'),
    ("TRUSTED_PROXIES", "-1", 'TRUSTED_PROXIES must be a whole number from 0 to 10 (got "-1")'),
    ("TRUSTED_PROXIES", "one", 'TRUSTED_PROXIES must be a whole number from 0 to 10 (got "one")'),
    ("PERSONAL_DATA_RETENTION_DAYS", "0",
     'PERSONAL_DATA_RETENTION_DAYS must be a whole number of 1 or more (got "0")'),
    ("PERSONAL_DATA_RETENTION_DAYS", "6 years",
     'PERSONAL_DATA_RETENTION_DAYS must be a whole number of 1 or more (got "6 years")'),
    ("MAIL_USE_TLS", "maybe", 'MAIL_USE_TLS must be true or false (got "maybe")'),
    ("LOG_REQUESTS", "2", 'LOG_REQUESTS must be true or false (got "2")'),
    ("LOG_REMOTE_ADDR", "yes please", 'LOG_REMOTE_ADDR must be true or false (got "yes please")'),
    ("MAIL_BACKEND", "sendgrid", 'MAIL_BACKEND must be outbox or smtp (got "sendgrid")'),
    ("LOG_FORMAT", "xml", 'LOG_FORMAT must be json or text (got "xml")'),
    ("LOG_LEVEL", "LOUD", 'LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL (got "LOUD")'),
    ("LOGIN_LIMIT_PER_ACCOUNT", "five",
     'LOGIN_LIMIT_PER_ACCOUNT must be a rate such as "5 per 15 minutes" (got "five")'),
    ("SECOND_FACTOR_LIMIT", "5 every hour",
     'SECOND_FACTOR_LIMIT must be a rate such as "5 per 15 minutes" (got "5 every hour")'),
    ("MAIL_SENDER", "grants", 'MAIL_SENDER must be an email address such as grants@opcc.example.org (got "grants")'),
    ("PUBLIC_BASE_URL", "grants.opcc.example.org",
     'PUBLIC_BASE_URL must be an http or https address such as https://grants.opcc.example.org '
     '(got "grants.opcc.example.org")'),
    ("TRUSTED_HOSTS", "grants.internal, https://lb.internal/",
     'TRUSTED_HOSTS must be host names separated by commas, such as grants.internal,10.0.0.5 '
     '(got "https://lb.internal/")'),
    ("GRANTS_360_PREFIX", "opccdc",
     'GRANTS_360_PREFIX must start with 360G- and hold only letters, digits, - and _ (got "opccdc")'),
])
def test_a_bad_value_is_refused_in_words(tmp_path, name, value, message):
    with pytest.raises(ConfigurationError) as refused:
        load_config("production", str(tmp_path), environ={**PRODUCTION, name: value})
    assert str(refused.value) == message


def test_an_unknown_profile_is_named_with_the_choices(tmp_path):
    with pytest.raises(ConfigurationError) as refused:
        load_config("staging", str(tmp_path), environ={})
    assert str(refused.value) == 'GRANTS_ENV must be development, production or testing (got "staging")'


def test_a_bad_database_or_redis_address_is_refused_without_showing_it(tmp_path):
    """An address can hold a password, so the message describes it without repeating it."""
    with pytest.raises(ConfigurationError) as refused:
        load_config("production", str(tmp_path), environ={
            **PRODUCTION, "DATABASE_URL": "grants:hunter2@db.internal", "REDIS_URL": "cache:hunter2@x"})
    assert str(refused.value).splitlines() == [
        "The configuration has 2 problems:",
        "- DATABASE_URL must be a database address such as postgresql://user@host/dbname",
        "- REDIS_URL must be a redis:// or rediss:// address such as redis://cache.internal:6379/0",
    ]
    assert "hunter2" not in str(refused.value)


def test_every_problem_is_reported_together(tmp_path):
    with pytest.raises(ConfigurationError) as refused:
        load_config("production", str(tmp_path), environ={
            "SECRET_KEY": "changeme-hunter2-changeme",
            "MAIL_PORT": "abc", "MAIL_USE_TLS": "maybe", "LOG_FORMAT": "xml", "TRUSTED_PROXIES": "x"})
    assert str(refused.value).splitlines() == [
        "The configuration has 7 problems:",
        "- SECRET_KEY must be at least 32 characters long (it has 25). "
        "Make one with: python3 -c 'import secrets; print(secrets.token_hex(32))'",
        "- BANK_DETAILS_KEYS must be set in production: one or more Fernet keys, comma-separated, newest first. "
        "Make one with: python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'",
        "- PUBLIC_BASE_URL must be set in production to the service's public address, such as "
        "https://grants.opcc.example.org: every link in an email is built from it",
        '- MAIL_PORT must be a whole number from 1 to 65535 (got "abc")',
        '- MAIL_USE_TLS must be true or false (got "maybe")',
        '- TRUSTED_PROXIES must be a whole number from 0 to 10 (got "x")',
        '- LOG_FORMAT must be json or text (got "xml")',
    ]
    assert refused.value.problems[3] == 'MAIL_PORT must be a whole number from 1 to 65535 (got "abc")'
    assert "hunter2" not in str(refused.value)  # a secret is described, never repeated


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("TRUE", True), ("1", True), ("yes", True), ("on", True),
    ("false", False), ("False", False), ("0", False), ("no", False), ("off", False), ("", True),
])
def test_true_or_false_settings_take_the_usual_spellings(tmp_path, value, expected):
    config = load_config("production", str(tmp_path), environ={**PRODUCTION, "MAIL_USE_TLS": value})
    assert config["MAIL_USE_TLS"] is expected


def test_numbers_and_choices_take_surrounding_spaces_and_any_case(tmp_path):
    config = load_config("production", str(tmp_path), environ={
        **PRODUCTION, "MAIL_PORT": " 2525 ", "MAIL_BACKEND": "SMTP", "LOG_LEVEL": "warning",
        "PERSONAL_DATA_RETENTION_DAYS": "30"})
    assert (config["MAIL_PORT"], config["MAIL_BACKEND"], config["LOG_LEVEL"]) == (2525, "smtp", "WARNING")
    assert config["PERSONAL_DATA_RETENTION_DAYS"] == 30


def test_the_app_factory_stops_with_the_same_message(monkeypatch, tmp_path):
    monkeypatch.setenv("GRANTS_ENV", "development")
    monkeypatch.setenv("GRANTS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("MAIL_PORT", "abc")
    with pytest.raises(ConfigurationError, match=r'^MAIL_PORT must be a whole number from 1 to 65535 \(got "abc"\)$'):
        create_app()


def test_starting_the_wsgi_app_shows_every_problem(tmp_path):
    """What an operator sees when ``gunicorn wsgi:app`` (which imports ``wsgi``) will not start."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "GRANTS_ENV": "production", "SECRET_KEY": GOOD_KEY, "BANK_DETAILS_KEYS": BANK_KEY,
           "GRANTS_INSTANCE_PATH": str(tmp_path),
           "PUBLIC_BASE_URL": "https://grants.opcc.example.org", "MAIL_PORT": "abc", "MAIL_BACKEND": "sendgrid"}
    started = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=Path(__file__).resolve().parent.parent,
                             env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode != 0
    assert ("ConfigurationError: The configuration has 2 problems:\n"
            '- MAIL_BACKEND must be outbox or smtp (got "sendgrid")\n'
            '- MAIL_PORT must be a whole number from 1 to 65535 (got "abc")\n') in started.stderr
    assert GOOD_KEY not in started.stderr


@pytest.mark.parametrize(("value", "message"), [
    ("not-a-key", "BANK_DETAILS_KEYS key 1 is not a Fernet key (32 url-safe base64-encoded bytes); make one with "
                  "Fernet.generate_key()"),
    (f"{BANK_KEY}, short", "BANK_DETAILS_KEYS key 2 is not a Fernet key (32 url-safe base64-encoded bytes); make "
                           "one with Fernet.generate_key()"),
])
def test_a_bank_details_key_that_is_not_a_fernet_key_is_refused_without_showing_it(tmp_path, value, message):
    for profile in ("production", "development"):
        with pytest.raises(ConfigurationError) as refused:
            load_config(profile, str(tmp_path), environ={**PRODUCTION, "BANK_DETAILS_KEYS": value})
        assert refused.value.problems == [message]
        assert BANK_KEY not in str(refused.value)


def test_bank_details_keys_are_apart_from_the_secret_key(tmp_path):
    """Production takes its keys (newest first) from the environment; development makes one into the
    instance folder, beside but apart from the secret key, and keeps it."""
    other = "0hdw3ukyrFXNAnS1Ci7LU4pD52t20bDjvGO3Yc1P3wQ="
    config = load_config("production", str(tmp_path),
                         environ={**PRODUCTION, "BANK_DETAILS_KEYS": f"{BANK_KEY},{other}"})
    assert config["BANK_DETAILS_KEYS"] == f"{BANK_KEY},{other}"
    first = load_config("development", str(tmp_path), environ={})
    assert (tmp_path / "bank_details_key").read_text().strip() == first["BANK_DETAILS_KEYS"]
    assert first["BANK_DETAILS_KEYS"] != first["SECRET_KEY"]
    assert load_config("development", str(tmp_path), environ={})["BANK_DETAILS_KEYS"] == first["BANK_DETAILS_KEYS"]
