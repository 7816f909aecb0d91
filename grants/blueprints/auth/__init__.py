from flask import Blueprint

bp = Blueprint("auth", __name__)

from grants.blueprints.auth import routes, second_factor  # noqa: E402,F401
