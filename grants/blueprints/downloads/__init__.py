"""Files made in the background: asking for one, waiting for it, downloading it (issue 23)."""

from flask import Blueprint

bp = Blueprint("downloads", __name__, url_prefix="/downloads")

from grants.blueprints.downloads import routes  # noqa: E402,F401
