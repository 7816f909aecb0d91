"""The social-return (SROI) calculator for treatment, and its versioned parameter sets."""

from flask import Blueprint

bp = Blueprint("social_return", __name__, url_prefix="/social-return")

from grants.blueprints.social_return import calculator, parameters, reconciliation  # noqa: E402,F401
