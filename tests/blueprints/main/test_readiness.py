"""/readyz: ready when the database answers at the migrations' head and Redis (when used) answers."""

from __future__ import annotations

import os

import pytest

from grants import readiness


def test_ready_on_a_migrated_database_without_redis(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "migrations": "ok", "redis": "not used"}
    assert response.headers["Cache-Control"] == "no-store"


def test_not_ready_before_the_release_step_has_migrated_the_database(client, monkeypatch):
    monkeypatch.setattr(readiness, "_script_heads", lambda directory: frozenset({"9999_newer_than_the_database"}))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["migrations"] == "behind"
    assert client.get("/healthz").status_code == 200  # alive, just not ready


def test_not_ready_when_the_database_does_not_answer(client, monkeypatch):
    from sqlalchemy.orm import scoping

    def refuse(*args, **kwargs):
        raise OSError("database down")

    monkeypatch.setattr(scoping.scoped_session, "execute", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable", "migrations": "unknown",
                                   "redis": "not used"}


def test_not_ready_when_redis_does_not_answer(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["redis"] == "unreachable"


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="set TEST_REDIS_URL to a Redis the tests may use")
def test_ready_with_redis(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", os.environ["TEST_REDIS_URL"])
    response = client.get("/readyz")
    assert response.status_code == 200 and response.get_json()["redis"] == "ok"
