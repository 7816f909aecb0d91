"""VAT as the round shows it, for the pages of staff and grantees (grants.interfaces.awards.vat)."""

from __future__ import annotations

from grants.blueprints.awards import bp
from grants.interfaces.awards import vat
from grants.models.applications import Application
from grants.models.awards import Award


@bp.app_template_global("award_vat")
def award_vat(award: Award) -> str | None:
    """The award with and without VAT, in the round's order; None when the round does not record VAT."""
    split = vat.of_award(award)
    return vat.describe(split, award.funding_round.vat_display) if split is not None else None


@bp.app_template_global("application_vat")
def application_vat(application: Application) -> str | None:
    """The budget asked for with and without VAT; None when the round does not record VAT."""
    split = vat.of_application(application)
    return vat.describe(split, application.funding_round.vat_display) if split is not None else None
