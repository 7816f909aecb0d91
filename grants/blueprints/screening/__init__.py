from flask import Blueprint

bp = Blueprint("screening", __name__, url_prefix="/screening")

from grants.blueprints.screening import routes, shortlisting  # noqa: E402,F401
