from flask import Blueprint

bp = Blueprint("rounds", __name__, url_prefix="/rounds")

from grants.blueprints.rounds import manage, routes  # noqa: E402,F401
