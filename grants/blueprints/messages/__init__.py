"""Message threads on applications and grants (issue 23): /messages."""

from flask import Blueprint

bp = Blueprint("messages", __name__, url_prefix="/messages")

from grants.blueprints.messages import routes  # noqa: E402,F401
