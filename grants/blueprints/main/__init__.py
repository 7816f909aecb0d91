from flask import Blueprint

bp = Blueprint("main", __name__)

from grants.blueprints.main import routes  # noqa: E402,F401
