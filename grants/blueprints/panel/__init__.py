"""The assessment panel: members' queues, conflict declarations and score sheets; officers' panel
membership, assignment, progress, results, moderation and the funding recommendation; the
commissioner's approval; feedback to applicants."""

from flask import Blueprint

bp = Blueprint("panel", __name__, url_prefix="/panel")

from grants.blueprints.panel import decision_views, member_views, officer_views  # noqa: E402,F401
