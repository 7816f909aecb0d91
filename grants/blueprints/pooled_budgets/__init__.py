"""Pooled-budget agreements with local authorities: agreements, partners and contributions;
monthly actuals, forecasts and the year end; spreadsheets out and in."""

from flask import Blueprint

bp = Blueprint("pooled_budgets", __name__, url_prefix="/pooled-budgets")

from grants.blueprints.pooled_budgets import actuals, agreements, spreadsheets  # noqa: E402,F401
