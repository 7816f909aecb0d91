"""The app as the browser tests serve it: a separate process on its own fresh database.

``python -m tests.browser.server prepare`` migrates the database, loads the reference data and
seeds the demo (as ``make demo`` does); gunicorn then serves ``tests.browser.server:create()``.
Both read their settings from the environment the fixture gives them:

- ``BROWSER_DATABASE_URL``: the database (SQLite file or PostgreSQL), never the main test database;
- ``BROWSER_UPLOAD_FOLDER``: where uploaded documents are kept.

A separate process keeps the app's module-level extensions (the session, the rate limiter) apart
from the in-process test app of the rest of the suite.
"""

from __future__ import annotations

import os
import sys

from flask import Flask


def create() -> Flask:
    from grants import create_app
    from grants.config import database_url

    return create_app(
        {
            "GRANTS_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url(os.environ["BROWSER_DATABASE_URL"]),
            "UPLOAD_FOLDER": os.environ["BROWSER_UPLOAD_FOLDER"],
            # One browser signs in as the same demo user many times; the limits have tests of their own.
            "RATELIMIT_ENABLED": False,
            # Flask's TESTING re-raises errors; the browser should see the 500 page a user would.
            "TESTING": False,
            "PROPAGATE_EXCEPTIONS": False,
            # As in production: a slow export is made after the request, in a thread (no Redis here).
            "BACKGROUND_JOBS": "background",
        }
    )


def prepare() -> None:
    """Migrate, load reference data and seed the demo: ``flask db upgrade``, ``reference load``, ``demo seed``."""
    from flask_migrate import upgrade

    app = create()
    with app.app_context():
        upgrade()
    runner = app.test_cli_runner()
    for command in (["reference", "load"], ["demo", "seed"]):
        result = runner.invoke(args=command, catch_exceptions=False)
        if result.exit_code != 0:
            sys.exit(f"flask {' '.join(command)} failed:\n{result.output}")


if __name__ == "__main__":
    if sys.argv[1:] != ["prepare"]:
        sys.exit("usage: python -m tests.browser.server prepare")
    prepare()
