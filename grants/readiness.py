"""Whether this instance is ready for traffic: what ``/readyz`` reports to a load balancer.

``/healthz`` says the process is alive and reaches the database. Ready also means the database
schema is at the migrations' head (the release step ``flask db upgrade`` has run, so the code and
the schema agree) and, when ``REDIS_URL`` is set, that Redis answers: without it the sign-in
throttle cannot count.
"""

from __future__ import annotations

import os
from functools import cache

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text

from grants.extensions import db

OK = "ok"
NOT_USED = "not used"
REDIS_TIMEOUT_SECONDS = 1.0  # a probe that hangs is worse than one that fails


def checks() -> dict[str, str]:
    """Each dependency's state: ``ok``, ``not used``, or what is wrong."""
    result = {"database": _database()}
    result["migrations"] = _migrations() if result["database"] == OK else "unknown"
    result["redis"] = _redis(current_app.config.get("REDIS_URL"))
    return result


def is_ready(states: dict[str, str]) -> bool:
    return all(state in (OK, NOT_USED) for state in states.values())


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means not ready
        db.session.rollback()
        return "unreachable"
    return OK


def _migrations() -> str:
    try:
        current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    except Exception:  # noqa: BLE001
        db.session.rollback()
        return "unknown"
    return OK if current == _script_heads(current_app.extensions["migrate"].directory) else "behind"


@cache
def _script_heads(directory: str) -> frozenset[str]:
    """The newest revisions among the migration scripts (read once: they do not change at run time)."""
    config = Config()
    config.set_main_option("script_location", os.path.abspath(directory))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _redis(url: str | None) -> str:
    if not url:
        return NOT_USED
    import redis

    client = redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except redis.RedisError:
        return "unreachable"
    finally:
        client.close()
    return OK
