"""Grants officers' and finance staff's award pages: making offers, payments, monitoring
returns, variations and closure, the portfolio dashboard and the 360Giving open data."""

from flask import Blueprint

bp = Blueprint("awards", __name__, url_prefix="/awards")

from grants.blueprints.awards import (  # noqa: E402,F401
    claims,
    monitoring,
    offers,
    payment_batches,
    payment_runs,
    payments,
    portfolio,
    variations,
    vat,
)
