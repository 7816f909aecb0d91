"""A round's forms as data: the JSON download of a round's current form (docs/form-definitions.md)."""

from flask import Blueprint

# The pages sit under the round they belong to: /rounds/<id>/form.json.
bp = Blueprint("round_forms", __name__, url_prefix="/rounds")

from grants.blueprints.round_forms import routes  # noqa: E402,F401
