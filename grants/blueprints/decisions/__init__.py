"""The commissioner's decision notices: drafted on approval, edited, signed, then published on the
public Decisions page."""

from flask import Blueprint

bp = Blueprint("decisions", __name__, url_prefix="/decisions")

from grants.blueprints.decisions import routes  # noqa: E402,F401
