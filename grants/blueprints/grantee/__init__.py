"""The grantee's side of an award (under /grants): the offer and its acceptance, payments
expected, monitoring returns and variation requests, for members of the organisation only."""

from flask import Blueprint

bp = Blueprint("grantee", __name__, url_prefix="/grants")

from grants.blueprints.grantee import claims, returns, routes, variations  # noqa: E402,F401
