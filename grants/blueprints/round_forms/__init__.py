"""A round's forms as data: the JSON download of a round's current form (docs/form-definitions.md),
and the form builder, where the staff who run rounds change a round's forms."""

from flask import Blueprint

# The pages sit under the round they belong to: /rounds/<id>/form.json, /rounds/<id>/forms/<kind>/.
bp = Blueprint("round_forms", __name__, url_prefix="/rounds")

from grants.blueprints.round_forms import (  # noqa: E402,F401
    builder,
    importing,
    library,
    preview,
    questions,
    routes,
    sections,
)
