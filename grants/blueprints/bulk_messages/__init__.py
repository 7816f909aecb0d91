"""Messages to a chosen group (issue 23): officers write to every applicant in a round, every grantee
with a return overdue or every panel member of a round, check it, send it, and see who it went to."""

from flask import Blueprint

bp = Blueprint("bulk_messages", __name__, url_prefix="/messages/bulk")

from grants.blueprints.bulk_messages import routes  # noqa: E402,F401
