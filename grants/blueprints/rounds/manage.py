"""Running funding rounds: grants officers create, change, publish, extend and delete them;
administrators may change the rules of a round that has opened, giving a reason."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from grants.blueprints.rounds import bp
from grants.blueprints.rounds.forms import ExtendForm, OverrideForm, RoundForm, RoundTextForm
from grants.extensions import db
from grants.formatting import london_datetime, money
from grants.forms import ConfirmForm, required
from grants.interfaces.rounds import funding_rounds as rounds
from grants.models.accounts import Role
from grants.models.claims import PaymentBasis
from grants.models.organisations import LegalType
from grants.models.rounds import VatDisplay
from grants.permissions import role_required


@bp.route("/manage")
@role_required(*rounds.ROUND_STAFF)
def manage():
    return render_template("rounds/manage.html", rows=rounds.managed_rounds())


@bp.route("/manage/<int:round_id>")
@role_required(*rounds.ROUND_STAFF)
def manage_round(round_id: int):
    funding_round = rounds.round_for_staff(round_id)
    return render_template(
        "rounds/manage_round.html",
        funding_round=funding_round,
        state=funding_round.state(),
        applications=rounds.application_count(funding_round),
        confirm=ConfirmForm(),
    )


@bp.route("/manage/new", methods=["GET", "POST"])
@role_required(Role.GRANTS_OFFICER)
def create():
    form = RoundForm(choices=rounds.round_choices())
    if form.validate_on_submit():
        funding_round = rounds.create_round(form.values())
        flash(
            f"{funding_round.name} has been created as a draft. Publish it when it is ready",
            "success",
        )
        return redirect(url_for("rounds.manage_round", round_id=funding_round.id))
    return render_template("rounds/form.html", form=form, funding_round=None, frozen=False)


@bp.route("/<int:round_id>/edit", methods=["GET", "POST"])
@role_required(Role.GRANTS_OFFICER)
def edit(round_id: int):
    funding_round = rounds.round_for_staff(round_id)
    frozen = funding_round.rules_frozen()
    form = _round_form(funding_round, frozen)
    submitted = form.validate_on_submit()
    if (
        frozen
        and request.method == "POST"
        and any(name in request.form for name in RoundForm.RULE_FIELDS)
    ):
        # A page loaded before the round opened: its rules would be saved over frozen ones.
        form.add_problem(
            "This round opened while you were editing, so its dates, budget, award limits, "
            "project length, income limit and eligibility and priority lists can no longer be "
            "changed here. Nothing has been saved: check the name, description and guidance and "
            "save again"
        )
    elif submitted:
        values = form.text_values() if frozen else form.values()
        try:
            changed = rounds.update_round(funding_round, values, form.loaded_version())
            db.session.flush()  # now, so that a conflict is refused below in words; the request commits after
        except (rounds.EditConflict, StaleDataError):
            db.session.rollback()
            return _conflict(round_id, form, "rounds/form.html", frozen=frozen)
        except rounds.RulesFrozen as problem:
            db.session.rollback()
            form.add_problem(str(problem))
        else:
            flash("Your changes have been saved" if changed else "Nothing was changed", "success")
            return redirect(url_for("rounds.manage_round", round_id=round_id))
    return render_template(
        "rounds/form.html", form=form, funding_round=funding_round, frozen=frozen
    )


def _round_form(funding_round, frozen: bool, saved: bool = False):
    """The edit form: the whole round until it opens, then its words only.

    It shows the saved round when the page is first loaded, or with ``saved`` (after a conflict);
    otherwise what was submitted.
    """
    kwargs = {}
    if saved or request.method == "GET":
        kwargs = {"formdata": None, "data": RoundForm.data_for(funding_round)}
    if frozen:
        return RoundTextForm(**kwargs)
    return RoundForm(choices=rounds.round_choices(), **kwargs)


def _conflict(round_id: int, submitted, template: str, **context):
    """Someone saved first: show their values, say what was not saved, overwrite nothing."""
    funding_round = rounds.round_for_staff(round_id)
    if isinstance(submitted, OverrideForm):
        form = OverrideForm(
            formdata=None,
            data=OverrideForm.rules_data(funding_round) | {"version": str(funding_round.version)},
            choices=rounds.round_choices(),
        )
        form.reason.data = submitted.reason.data
        entered = submitted.rule_values()
    else:
        form = _round_form(funding_round, context["frozen"], saved=True)
        entered = submitted.text_values() if context["frozen"] else submitted.values()
    form.add_problem(
        "This round was changed by someone else while you were editing. The page now shows "
        "their changes; nothing of yours has been saved"
    )
    unsaved = _unsaved(form, entered, rounds.round_values(funding_round))
    return render_template(
        template, form=form, funding_round=funding_round, unsaved=unsaved, **context
    )


# Rules shown by their own words: the choice's label, the tolerance as a percentage.
LABELLED = {
    "payment_basis": lambda value: PaymentBasis(value).label,
    "claim_tolerance_percent": lambda value: f"{value}%",
    "vat_display": lambda value: VatDisplay(value).label,
}


def _unsaved(form, entered: dict, saved: dict) -> list[tuple[str, str]]:
    """(question, what you entered) for each value that differs from the one now saved."""
    rows = []
    for key, value in entered.items():
        if _same(value, saved.get(key)):
            continue
        if key in ("opens_at", "closes_at"):
            label, text = (
                ("Opening" if key == "opens_at" else "Closing") + " date and time",
                london_datetime(value),
            )
        elif key == "eoi_closes_at":
            label, text = "Expressions of interest close", london_datetime(value) if value else "One stage"
        elif key == "panel_scores_eoi":
            label, text = form.panel_scores_eoi.label.text, "Yes" if value else "No"
        elif key == "legal_types":
            label, text = form.legal_types.label.text, "; ".join(LegalType(v).label for v in value)
        elif key in rounds.REFERENCE_LISTS:
            names = {choice.value: choice.label for choice in getattr(form, key).choices}
            label, text = (
                getattr(form, key).label.text,
                "; ".join(names.get(str(v), str(v)) for v in value),
            )
        elif key == "rubric_id":
            names = {choice.value: choice.label for choice in form.rubric.choices}
            label, text = form.rubric.label.text, names.get(str(value or ""), "Not chosen yet")
        elif key in LABELLED:
            label, text = getattr(form, key).label.text, LABELLED[key](value)
        elif key in rounds.RULE_COLUMNS and key != "max_project_months":
            label, text = (
                getattr(form, key).label.text,
                money(value) if value is not None else "No limit",
            )
        else:
            label, text = getattr(form, key).label.text, str(value or "")
        rows.append((label, text))
    return rows


def _same(a, b) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return a == b


@bp.route("/<int:round_id>/publish", methods=["POST"])
@role_required(Role.GRANTS_OFFICER)
def publish(round_id: int):
    funding_round = rounds.round_for_staff(round_id)
    if ConfirmForm().validate_on_submit():
        try:
            rounds.publish_round(funding_round)
            db.session.flush()  # now, so that a conflict is refused below in words; the request commits after
        except rounds.RoundProblem as problem:
            db.session.rollback()
            flash(str(problem), "error")
        else:
            when = (
                "now open"
                if funding_round.is_open()
                else f"open from {london_datetime(funding_round.opens_at)}"
            )
            flash(f"{funding_round.name} has been published. It is {when}", "success")
    return redirect(url_for("rounds.manage_round", round_id=round_id))


@bp.route("/<int:round_id>/delete", methods=["GET", "POST"])
@role_required(Role.GRANTS_OFFICER)
def delete(round_id: int):
    funding_round = rounds.round_for_staff(round_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = funding_round.name
        try:
            rounds.delete_round(funding_round)
            db.session.flush()  # now, so that a conflict is refused below in words; the request commits after
        except rounds.RoundProblem as problem:
            db.session.rollback()
            flash(str(problem), "error")
        except IntegrityError:  # an application was started in the meantime
            db.session.rollback()
            flash(f"{name} cannot be deleted because it has applications", "error")
        else:
            flash(f"{name} has been deleted", "success")
            return redirect(url_for("rounds.manage"))
        return redirect(url_for("rounds.manage_round", round_id=round_id))
    return render_template(
        "rounds/delete.html",
        form=form,
        funding_round=funding_round,
        problem=rounds.deletion_problem(funding_round),
    )


@bp.route("/<int:round_id>/extend", methods=["GET", "POST"])
@role_required(Role.GRANTS_OFFICER)
def extend(round_id: int):
    funding_round = rounds.round_for_staff(round_id)
    form = ExtendForm()
    if funding_round.decided_at is None and form.validate_on_submit():
        try:
            rounds.extend_closing(funding_round, required(form.closes_at))
            db.session.flush()  # now, so that a conflict is refused below in words; the request commits after
        except rounds.RoundProblem as problem:
            db.session.rollback()
            form.closes_on.errors = [*form.closes_on.errors, str(problem)]
        except StaleDataError:
            db.session.rollback()
            form.closes_on.errors = [
                *form.closes_on.errors,
                "This round was changed by someone else while you were editing. "
                "Check the closing date and try again",
            ]
        else:
            flash(f"The closing date is now {london_datetime(funding_round.closes_at)}", "success")
            return redirect(url_for("rounds.manage_round", round_id=round_id))
    return render_template("rounds/extend.html", form=form, funding_round=funding_round)


@bp.route("/<int:round_id>/override", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def override(round_id: int):
    funding_round = rounds.round_for_staff(round_id)
    data = None
    if request.method == "GET":
        data = OverrideForm.rules_data(funding_round) | {"version": str(funding_round.version)}
    form = OverrideForm(data=data, choices=rounds.round_choices())
    if form.validate_on_submit():
        try:
            changed = rounds.override_rules(
                funding_round, form.rule_values(), required(form.reason.data), form.loaded_version()
            )
            db.session.flush()  # now, so that a conflict is refused below in words; the request commits after
        except (rounds.EditConflict, StaleDataError):
            db.session.rollback()
            return _conflict(round_id, form, "rounds/override.html")
        else:
            flash(
                "The round's rules have been changed" if changed else "Nothing was changed",
                "success",
            )
            return redirect(url_for("rounds.manage_round", round_id=round_id))
    return render_template("rounds/override.html", form=form, funding_round=funding_round)
