from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/organisations")
invites_bp = Blueprint("invites", __name__, url_prefix="/invites")

from grants.blueprints.organisations import routes  # noqa: E402,F401
