"""The social-return (SROI) calculator for treatment, its versioned parameter sets, and the reconciliation
of the Devon and Cornwall preset with the plan's reported figure."""

from flask import Blueprint

bp = Blueprint("social_return", __name__, url_prefix="/social-return")

from grants.blueprints.social_return import calculator, parameters, reconciliation  # noqa: E402,F401
