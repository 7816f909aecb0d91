"""Deadlines: the dates staff and grantees work to, on a page and as a calendar feed to subscribe to."""

from flask import Blueprint

bp = Blueprint("deadlines", __name__)

from grants.blueprints.deadlines import routes  # noqa: E402,F401
