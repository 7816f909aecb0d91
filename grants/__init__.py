"""PCC Grants: the Commissioners Grant scheme and drug-treatment commissioning for an OPCC."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask.templating import Environment
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides settings read from the environment (tests use it)."""
    app = Flask(__name__, instance_path=os.environ.get("GRANTS_INSTANCE_PATH") or None)
    app.jinja_environment = TemplateEnvironment

    from grants.config import load_config

    overrides = dict(config or {})
    profile = overrides.pop("GRANTS_ENV", None) or os.environ.get("GRANTS_ENV") or "development"
    app.config.from_mapping(load_config(profile, app.instance_path))
    app.config.from_mapping(overrides)

    _init_templates(app)
    _init_extensions(app)
    from grants import url_converters

    url_converters.init_app(app)  # before the blueprints: a route takes its converters when added
    _register_blueprints(app)

    from grants import cli, errors, form_keys, query_count, request_logging, security, static_assets, transactions

    request_logging.init_app(app)
    security.init_app(app)
    static_assets.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    query_count.init_app(app)  # only when QUERY_COUNT_HEADER is set (the benchmark)
    # After the extensions, so that Flask-WTF's CSRF check runs before a form's key is looked at.
    form_keys.init_app(app)
    # After the form keys: the request's one commit (or rollback) comes before the key's result is written.
    transactions.init_app(app)
    return app


class TemplateEnvironment(Environment):
    """Flask's Jinja environment, with each template's globals held as one dict.

    Jinja keeps them as a ChainMap over the environment's globals and looks through it on every
    ``{% from ... import %}`` that runs (every GOV.UK component a page uses, each time its macro is
    called): a third of a bare page's template time. A dict taken when the template is loaded does the
    same, as Jinja asks that no global be added after a template is loaded (they are all added by
    ``create_app``)."""

    def make_globals(self, d: Mapping[str, Any] | None) -> dict[str, Any]:
        return {**self.globals, **(d or {})}


def _init_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("grants"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")
    WTFormsHelpers(app)
    from grants.forms import error_summary

    app.add_template_global(error_summary)
    from grants.components import summary_list

    app.add_template_global(summary_list, "summary_list_markup")
    from grants.pagination import pagination

    app.add_template_global(pagination, "pagination_markup")

    from grants import formatting, jobs, links, mail, navigation

    formatting.init_app(app)
    links.init_app(app)
    mail.init_app(app)
    jobs.init_app(app)
    navigation.init_app(app)


def _init_extensions(app: Flask) -> None:
    from grants import models  # noqa: F401  (every model registered before Alembic looks)
    from grants.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    # Batch mode lets SQLite, which cannot ALTER most things, follow the same migrations.
    from grants.database import render_migration_item

    migrate.init_app(
        app,
        db,
        directory=os.path.join(app.root_path, os.pardir, "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    with app.app_context():
        from grants.database import configure_engine

        configure_engine(db.engine)


def _register_blueprints(app: Flask) -> None:
    from grants.blueprints.admin import bp as admin_bp
    from grants.blueprints.applications import bp as applications_bp
    from grants.blueprints.auth import bp as auth_bp
    from grants.blueprints.awards import bp as awards_bp
    from grants.blueprints.bank_details import bp as bank_details_bp
    from grants.blueprints.bulk_messages import bp as bulk_messages_bp
    from grants.blueprints.cocommissioning import bp as cocommissioning_bp
    from grants.blueprints.deadlines import bp as deadlines_bp
    from grants.blueprints.decisions import bp as decisions_bp
    from grants.blueprints.downloads import bp as downloads_bp
    from grants.blueprints.due_diligence import bp as due_diligence_bp
    from grants.blueprints.grantee import bp as grantee_bp
    from grants.blueprints.main import bp as main_bp
    from grants.blueprints.messages import bp as messages_bp
    from grants.blueprints.organisations import bp as organisations_bp
    from grants.blueprints.organisations import invites_bp
    from grants.blueprints.panel import bp as panel_bp
    from grants.blueprints.pooled_budgets import bp as pooled_budgets_bp
    from grants.blueprints.reference import bp as reference_bp
    from grants.blueprints.round_forms import bp as round_forms_bp
    from grants.blueprints.rounds import bp as rounds_bp
    from grants.blueprints.rubrics import bp as rubrics_bp
    from grants.blueprints.screening import bp as screening_bp
    from grants.blueprints.social_return import bp as social_return_bp
    from grants.blueprints.subsidy import bp as subsidy_bp

    for blueprint in (
        main_bp,
        auth_bp,
        organisations_bp,
        invites_bp,
        reference_bp,
        rounds_bp,
        round_forms_bp,
        rubrics_bp,
        applications_bp,
        screening_bp,
        due_diligence_bp,
        panel_bp,
        awards_bp,
        subsidy_bp,
        bank_details_bp,
        decisions_bp,
        grantee_bp,
        pooled_budgets_bp,
        social_return_bp,
        cocommissioning_bp,
        deadlines_bp,
        downloads_bp,
        bulk_messages_bp,
        messages_bp,
        admin_bp,
    ):
        app.register_blueprint(blueprint)
