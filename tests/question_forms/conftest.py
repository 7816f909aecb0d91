"""Forms from definitions (grants/question_forms) are built and rendered without a database: the
fields render through the GOV.UK macros, which need only an app with the service's template loader.

``db`` replaces the suite's autouse fixture of the same name (tests/conftest.py), which would build
the app and open a transaction for every test; nothing here touches either.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader


@pytest.fixture
def db():
    yield None


def template_app() -> Flask:
    """An app that renders templates as the service does (grants._init_templates), and nothing else."""
    app = Flask("question-forms")
    app.jinja_loader = ChoiceLoader([
        PackageLoader("grants"),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                      "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf")}),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")
    return app


@pytest.fixture(scope="session")
def pages_app() -> Flask:
    """One app for the folder, so that each template is compiled once."""
    return template_app()


@pytest.fixture(autouse=True)
def app_context(pages_app: Flask) -> Iterator[Flask]:
    """Flask-WTF forms read the app's settings, and the GOV.UK widgets render templates."""
    with pages_app.app_context():
        yield pages_app
