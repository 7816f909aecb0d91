"""Due diligence: each round's checklist, officers' findings on each bid, and the registers the checks read."""

from flask import Blueprint

bp = Blueprint("due_diligence", __name__, url_prefix="/due-diligence")

from grants.blueprints.due_diligence import routes  # noqa: E402,F401
