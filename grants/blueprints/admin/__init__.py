from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from grants.blueprints.admin import email_templates, personal_data, routes, two_factor  # noqa: E402,F401
