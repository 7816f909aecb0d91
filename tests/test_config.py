"""Configuration comes from the environment, with safe defaults and a strict production profile."""

from __future__ import annotations

import secrets

import pytest

from grants import create_app
from grants.config import ConfigurationError, database_url, load_config, secret_key_problem

GOOD_KEY = "9f1c0e5b7a3d48e2b6c4f0a1d9e7c3b5a8f2e6d0c4b1a7e3"
PRODUCTION = {"SECRET_KEY": GOOD_KEY, "PUBLIC_BASE_URL": "https://grants.opcc.example.org"}


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

