"""Funding rounds for the public: the rounds open now, a round's page and its eligibility check.

The eligibility check writes nothing to the database, for anyone: the answer is kept in the
session only, so that the application can start from it.
"""

from __future__ import annotations

from flask import render_template, request, session
from flask_login import current_user

from grants.blueprints.rounds import bp
from grants.blueprints.rounds.eligibility import EligibilityForm, eligibility_problems
from grants.interfaces import rounds
from grants.models.accounts import Role
from grants.models.rounds import RoundState
from grants.permissions import public

# The application's start page, written in another area; the button shows once it exists.
START_ENDPOINT = "applications.start"


@bp.route("")
@public
def index():
    open_rounds, opening_soon = rounds.public_rounds()
    return render_template("rounds/index.html", open_rounds=open_rounds, opening_soon=opening_soon)


@bp.route("/<int:round_id>")
@public
def show(round_id: int):
    funding_round = rounds.round_for_public(current_user, round_id)
    return render_template(
        "rounds/show.html",
        funding_round=funding_round,
        state=funding_round.state(),
        area=rounds.area_text(funding_round),
    )


@bp.route("/<int:round_id>/eligibility", methods=["GET", "POST"])
@public
def eligibility(round_id: int):
    funding_round = rounds.round_for_public(current_user, round_id)
    form = EligibilityForm(area=rounds.area_text(funding_round))
    organisation = _applicant_organisation()
    if request.method == "GET" and organisation is not None:
        form.legal_type.data = organisation.legal_type.value
        form.annual_income.data = organisation.annual_income
    state = funding_round.state()
    if form.validate_on_submit():
        problems = eligibility_problems(funding_round, form.answers())
        _remember_eligibility(funding_round.id, eligible=not problems)
        return render_template(
            "rounds/eligibility_result.html",
            funding_round=funding_round,
            state=state,
            problems=problems,
            next_step=_next_step(state),
            start_endpoint=START_ENDPOINT,
        )
    return render_template(
        "rounds/eligibility.html", form=form, funding_round=funding_round, state=state
    )


def _applicant_organisation():
    if current_user.is_authenticated and current_user.has_role(Role.APPLICANT):
        return current_user.organisation
    return None


def _remember_eligibility(round_id: int, eligible: bool) -> None:
    """Keep the rounds this browser was found eligible for (in the session, not the database)."""
    remembered = [rid for rid in session.get("eligible_rounds", []) if rid != round_id]
    session["eligible_rounds"] = [*remembered, round_id] if eligible else remembered


def _next_step(state: RoundState) -> str:
    """What an eligible visitor does next: "start", "set_up_organisation", "sign_in", "staff"
    or "not_open"."""
    if state is not RoundState.OPEN:
        return "not_open"
    if not current_user.is_authenticated:
        return "sign_in"
    if not current_user.has_role(Role.APPLICANT):
        return "staff"
    if current_user.organisation_id is None:
        return "set_up_organisation"
    return "start"


@bp.app_template_global()
def round_state_tag(state: RoundState) -> dict:
    """The GOV.UK tag for a round's state."""
    colours = {
        RoundState.DRAFT: "govuk-tag--grey",
        RoundState.SCHEDULED: "govuk-tag--blue",
        RoundState.OPEN: "govuk-tag--green",
        RoundState.CLOSED: "govuk-tag--orange",
        RoundState.DECIDED: "govuk-tag--purple",
    }
    return {"text": state.label, "classes": colours[state]}


@bp.app_template_global()
def round_list_names(funding_round, key: str) -> list[str]:
    """The names in one of a round's lists ("legal_types", "local_authorities", ...), in order."""
    return rounds.list_names(funding_round, key)
