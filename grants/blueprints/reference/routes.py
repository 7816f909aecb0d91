"""The plan and the reference data the service is built on, read-only for everyone."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.blueprints.reference import bp
from grants.extensions import db
from grants.models.reference import (
    AdderStrand,
    DrugsOutcome,
    LocalAuthority,
    PlanApproach,
    PoliceForceArea,
)
from grants.permissions import public
from grants.reference_data import CENSUS_SOURCE, PLAN_SOURCE


@bp.route("")
@public
def index():
    return render_template(
        "reference/index.html",
        approaches=db.session.scalars(
            select(PlanApproach).options(selectinload(PlanApproach.commitments)).order_by(PlanApproach.position)
        ).all(),
        adder=db.session.scalars(select(AdderStrand).order_by(AdderStrand.position)).all(),
        outcomes=db.session.scalars(select(DrugsOutcome).order_by(DrugsOutcome.position)).all(),
        local_authorities=db.session.scalars(select(LocalAuthority).order_by(LocalAuthority.position)).all(),
        force_areas=db.session.scalars(select(PoliceForceArea).order_by(PoliceForceArea.position)).all(),
        plan_source=PLAN_SOURCE,
        census_source=CENSUS_SOURCE,
    )
