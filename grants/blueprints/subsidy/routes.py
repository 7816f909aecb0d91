"""Subsidy control for staff: an organisation's ledger against the minimal financial assistance
limit, and the list (and export) of subsidies for the UK subsidy database."""

from __future__ import annotations

from flask import Response, render_template

from grants.blueprints.subsidy import bp
from grants.interfaces.awards.awarding import AWARD_VIEWERS
from grants.interfaces.subsidy import database, ledger
from grants.models.subsidy import SubsidyBasis
from grants.permissions import role_required


@bp.route("/organisations/<int:organisation_id>")
@role_required(*AWARD_VIEWERS)
def organisation(organisation_id: int):
    found = ledger.organisation_or_404(organisation_id)
    now = ledger.position(found.id)
    entries = ledger.entries(found.id)
    return render_template("subsidy/organisation.html", organisation=found, entries=entries, position=now,
                           counted={entry.id for entry in ledger.counted(entries, now.on)})

@bp.route("/database")
@role_required(*AWARD_VIEWERS)
def database_list():
    return render_template("subsidy/database.html", records=database.records(), threshold=database.threshold())


@bp.route("/database.csv")
@role_required(*AWARD_VIEWERS)
def database_export():
    response = Response(database.export_csv(database.records()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename={database.filename()}"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.app_context_processor
def _subsidy_helpers():
    # For the offer form: on what footing the offer would be made, and the organisation's headroom.
    def offer_position(application):
        basis = ledger.basis_for(application)
        return basis, ledger.position(application.organisation_id) if basis is SubsidyBasis.MFA else None

    return {"subsidy_offer_position": offer_position}
