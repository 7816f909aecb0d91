from flask import Blueprint

bp = Blueprint("rubrics", __name__, url_prefix="/rubrics")

from grants.blueprints.rubrics import routes  # noqa: E402,F401
