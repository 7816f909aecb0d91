"""Bank details: an organisation enters its account for grant payments; finance verifies a change by a
call-back before it takes effect."""

from flask import Blueprint

bp = Blueprint("bank_details", __name__, url_prefix="/bank-details")

from grants.blueprints.bank_details import routes  # noqa: E402,F401
