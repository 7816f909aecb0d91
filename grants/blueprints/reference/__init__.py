from flask import Blueprint

bp = Blueprint("reference", __name__, url_prefix="/reference")

from grants.blueprints.reference import routes  # noqa: E402,F401
