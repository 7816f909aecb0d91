"""The download of a round's current form as JSON, for the staff who run rounds."""

from __future__ import annotations

from flask import Response, abort, request

from grants.blueprints.round_forms import bp
from grants.form_definitions import Kind
from grants.interfaces.round_forms import versions
from grants.interfaces.rounds import funding_rounds as rounds
from grants.permissions import role_required


def _kind() -> Kind:
    """The kind of form in the address (``?kind=eligibility``), the application form by default."""
    try:
        return Kind(request.args.get("kind", Kind.APPLICATION.value))
    except ValueError:
        abort(404)


@bp.route("/<int:round_id>/form.json")
@role_required(*rounds.ROUND_STAFF)
def download(round_id: int):
    funding_round = rounds.round_for_staff(round_id)
    kind = _kind()
    response = Response(versions.export_json(funding_round, kind), mimetype="application/json")
    response.headers["Content-Disposition"] = f"attachment; filename={versions.filename(funding_round, kind)}"
    response.headers["Cache-Control"] = "no-store"  # a draft form changes: always the current one
    return response
