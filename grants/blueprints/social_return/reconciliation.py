"""Why the model's figure for the Devon and Cornwall preset differs from the plan's: the waterfall from
one to the other and the value each assumption would need (grants.modelling.sroi_reconciliation)."""

from __future__ import annotations

from flask import render_template

from grants.blueprints.social_return import bp
from grants.blueprints.social_return.waterfall_chart import summary, waterfall_chart
from grants.interfaces.social_return import calculator
from grants.interfaces.social_return.parameters import SROI_USERS, parameters_of
from grants.modelling.social_return import whole_pounds
from grants.modelling.sroi_defaults import GDP_DEFLATOR, devon_and_cornwall_preset
from grants.modelling.sroi_reconciliation import millions, reconcile, signed_pounds
from grants.permissions import role_required


@bp.route("/reconciliation", endpoint="reconciliation")
@role_required(*SROI_USERS)
def reconciliation():
    preset = devon_and_cornwall_preset()
    sets = calculator.available_sets()
    row = sets[0] if sets else None
    outcome = chart = None
    if row is not None:
        parameters = parameters_of(row).in_prices_of(preset.price_year, GDP_DEFLATOR)
        outcome = reconcile(preset.inputs, parameters, preset.reported)
        chart = waterfall_chart(outcome.waterfall)
    return render_template(
        "social_return/reconciliation.html", preset=preset, row=row, outcome=outcome, chart=chart,
        chart_summary=summary(outcome.waterfall) if outcome else "", whole_pounds=whole_pounds,
        signed_pounds=signed_pounds, millions=millions)
