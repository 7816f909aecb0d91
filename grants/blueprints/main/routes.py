"""The public start page, information pages, the signed-in home page and the health checks."""

from __future__ import annotations

from flask import jsonify, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from grants import readiness
from grants.blueprints.main import bp
from grants.extensions import db
from grants.interfaces.main import home as home_panels
from grants.interfaces.rounds import funding_rounds as rounds
from grants.permissions import login_required, public


@bp.route("/")
@public
def start():
    try:
        open_rounds = rounds.public_rounds()[0]
    except SQLAlchemyError:  # the start page is still served while the database is down, without its rounds
        db.session.rollback()
        open_rounds = None
    return render_template("main/start.html", open_rounds=open_rounds)


@bp.route("/home")
@login_required
def home():
    return render_template("main/home.html", panels=home_panels.panels_for(current_user))


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("main/accessibility.html")


@bp.route("/privacy")
@public
def privacy():
    return render_template("main/privacy.html")


@bp.route("/cookies")
@public
def cookies():
    return render_template("main/cookies.html")


@bp.route("/healthz")
@public
def healthz():
    """Liveness: 200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means not ready
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/readyz")
@public
def readyz():
    """Readiness: 200 when the database answers at the migrations' head and Redis (if used) answers."""
    states = readiness.checks()
    ready = readiness.is_ready(states)
    return jsonify(status="ok" if ready else "unavailable", **states), 200 if ready else 503
