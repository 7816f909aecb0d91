from flask import Blueprint

bp = Blueprint("applications", __name__, url_prefix="/applications")

from grants.blueprints.applications import clarifications, documents, partners, public_duties, routes  # noqa: E402,F401
