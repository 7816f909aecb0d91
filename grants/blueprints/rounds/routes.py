"""Funding rounds for the public: the rounds open now, a round's page and its eligibility check.

The eligibility check asks the round's current eligibility form and writes nothing to the database,
for anyone: the answers read by role are kept in the session only (grants.eligibility), so that the
application can start from them and the organisation's details are filled in from them.
"""

from __future__ import annotations

from dataclasses import replace

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.rounds import bp
from grants.blueprints.rounds.eligibility import EligibilityCheck, eligibility_problems
from grants.eligibility import EligibilityAnswers, remember, remembered
from grants.form_definitions import Kind
from grants.interfaces.round_forms import versions
from grants.interfaces.rounds import funding_rounds as rounds
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
    definition = versions.current(funding_round, Kind.ELIGIBILITY)
    check = EligibilityCheck(funding_round, definition, formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        _fill_in(check, round_id)
    if request.method == "POST" and check.validate():
        answers = check.answers()
        problems = eligibility_problems(funding_round, answers, definition)
        remember(funding_round.id, answers, eligible=not problems)
        return _result_page(funding_round, problems)
    return render_template(
        "rounds/eligibility.html", form=check, funding_round=funding_round, state=funding_round.state()
    )


@bp.route("/<int:round_id>/eligibility/result")
@public
def eligibility_result(round_id: int):
    """The answer to the check this browser made, again: where signing in comes back to."""
    funding_round = rounds.round_for_public(current_user, round_id)
    check = remembered(round_id)
    if check is None:
        return redirect(url_for("rounds.eligibility", round_id=round_id))
    return _result_page(funding_round, eligibility_problems(funding_round, _with_organisation(check.answers)))


def _result_page(funding_round, problems):
    state = funding_round.state()
    return render_template(
        "rounds/eligibility_result.html",
        funding_round=funding_round,
        state=state,
        problems=problems,
        next_step=_next_step(state),
        start_endpoint=START_ENDPOINT,
    )


def _fill_in(check: EligibilityCheck, round_id: int) -> None:
    """Answers given before, in this browser or as the organisation's details, are not asked again."""
    earlier = remembered()
    if earlier is not None:
        if earlier.round_id == round_id:
            check.fill_in(earlier.answers)
        else:  # the area and the amount depend on the round
            check.fill_in(replace(earlier.answers, in_area=None, amount=None))
    organisation = _applicant_organisation()
    if organisation is not None:
        check.fill_in(EligibilityAnswers(legal_type=organisation.legal_type, in_area=None,
                                         annual_income=organisation.annual_income, amount=None))


def _with_organisation(answers: EligibilityAnswers) -> EligibilityAnswers:
    """The answers, with the type and income the applicant's organisation has now, if it is set up, in
    place of those given (a form that did not ask one is not checked on it)."""
    organisation = _applicant_organisation()
    if organisation is None:
        return answers
    return replace(
        answers,
        legal_type=answers.legal_type if answers.legal_type is None else organisation.legal_type,
        annual_income=answers.annual_income if answers.annual_income is None else organisation.annual_income,
    )


def _applicant_organisation():
    if current_user.is_authenticated and current_user.has_role(Role.APPLICANT):
        return current_user.organisation
    return None


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
