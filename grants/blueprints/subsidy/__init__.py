"""Subsidy control: the subsidy-control section's ledger, the MFA limit check, and the subsidy database list."""

from flask import Blueprint

bp = Blueprint("subsidy", __name__, url_prefix="/subsidy")

from grants.blueprints.subsidy import routes  # noqa: E402,F401
