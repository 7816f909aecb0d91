from flask import Blueprint

bp = Blueprint("applications", __name__, url_prefix="/applications")

from grants.blueprints.applications import routes  # noqa: E402,F401
