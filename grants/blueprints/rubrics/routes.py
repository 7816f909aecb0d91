"""Scoring rubrics: grants officers create and change them, make new versions of frozen ones and
delete unused ones; administrators may look.

The edit page is one form for the whole rubric. Its "Add another criterion", "Remove" and "Update
the scale" buttons change the page and save nothing (no JavaScript needed); "Save changes" saves
it all at once, so a rubric is never saved half-changed.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from grants.blueprints.rubrics import bp
from grants.blueprints.rubrics.forms import HIGHEST_SCORE, MAX_CRITERIA, NewRubricForm, RubricForm, unsaved_rows
from grants.extensions import db
from grants.forms import ConfirmForm, required
from grants.interfaces.rubrics import editing as rubrics
from grants.models.accounts import Role
from grants.permissions import role_required
from scoring import DEFAULT_RUBRIC
from scoring.rubrics import percent

RUBRIC_VIEWERS = (Role.GRANTS_OFFICER, Role.ADMIN)


@bp.route("")
@role_required(*RUBRIC_VIEWERS)
def index():
    return render_template("rubrics/index.html", rows=rubrics.list_rubrics())


@bp.route("/<int:rubric_id>")
@role_required(*RUBRIC_VIEWERS)
def show(rubric_id: int):
    rubric = rubrics.rubric(rubric_id)
    return render_template(
        "rubrics/show.html",
        rubric=rubric,
        scale=rubrics.scale(rubric),
        rounds=rubrics.rounds_using(rubric),
        deletion_problem=rubrics.deletion_problem(rubric),
        confirm=ConfirmForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.GRANTS_OFFICER)
def create():
    form = NewRubricForm()
    if form.validate_on_submit():
        try:
            rubric = rubrics.create_rubric(required(form.name.data), form.description.data or "", _officer())
            db.session.flush()  # now, so that a conflict is refused below in words; the request commits after
        except rubrics.RubricInvalid as invalid:
            db.session.rollback()
            form.name.errors = [*form.name.errors, *(problem.message for problem in invalid.problems)]
        except IntegrityError:  # the same name, created at the same moment
            db.session.rollback()
            form.name.errors = [*form.name.errors, f"A rubric called {form.name.data} already exists"]
        else:
            flash(
                f"{rubric.label} has been created from the standard rubric. "
                "Change its criteria, weights and descriptors, then save",
                "success",
            )
            return redirect(url_for("rubrics.edit", rubric_id=rubric.id))
    return render_template("rubrics/new.html", form=form, standard=DEFAULT_RUBRIC)


@bp.route("/<int:rubric_id>/edit", methods=["GET", "POST"])
@role_required(Role.GRANTS_OFFICER)
def edit(rubric_id: int):
    rubric = rubrics.rubric(rubric_id)
    if request.method == "GET":
        if rubric.frozen_at is not None:
            return _frozen(rubric)
        return _edit_page(rubric, RubricForm.for_rubric(rubric))

    form = RubricForm(saved_scale=rubrics.scale(rubric))
    action = request.form.get("action", "save")
    if rubric.frozen_at is not None:
        return _frozen(rubric, form, form.draft() if action == "save" and form.validate() else None)
    if action != "save":
        form.change_page(action)
        return _edit_page(rubric, form)
    if form.validate():  # the CSRF token is checked for every POST, before the view
        entered = form.draft()
        try:
            changed = rubrics.update_rubric(rubric, entered, _officer(), form.updated_from.data)
            db.session.flush()  # now, so that a conflict is refused below in words; the request commits after
        except rubrics.RubricFrozen:
            db.session.rollback()
            return _frozen(rubric, form, entered)
        except rubrics.RubricConflict as conflict:
            db.session.rollback()
            saved = RubricForm.for_rubric(rubric)
            saved.add_problem(str(conflict))
            return _edit_page(rubric, saved, unsaved_rows(entered, rubrics.draft_of(rubric)))
        except rubrics.RubricInvalid as invalid:
            db.session.rollback()
            form.place(invalid.problems)
        except IntegrityError:  # the same name and version, saved at the same moment
            db.session.rollback()
            form.name.errors = [
                *form.name.errors,
                f"A rubric called {form.name.data} already has a version {rubric.version}. Choose another name",
            ]
        else:
            flash("Your changes have been saved" if changed else "Nothing was changed", "success")
            return redirect(url_for("rubrics.show", rubric_id=rubric_id))
    return _edit_page(rubric, form)


def _edit_page(rubric, form, unsaved=None):
    return render_template(
        "rubrics/edit.html",
        rubric=rubric,
        form=form,
        unsaved=unsaved,
        frozen=False,
        highest_score=HIGHEST_SCORE,
        max_criteria=MAX_CRITERIA,
    )


def _frozen(rubric, form=None, entered=None):
    """The rubric cannot change: say why and offer a new version, keeping what was typed in view."""
    if form is not None:
        # Only the reason it was not saved matters now, not how the form was filled in.
        form = RubricForm(saved_scale=rubrics.scale(rubric))
        form.add_problem(rubrics.FROZEN)
    unsaved = unsaved_rows(entered, rubrics.draft_of(rubric)) if entered is not None else None
    return render_template(
        "rubrics/edit.html", rubric=rubric, form=form, unsaved=unsaved, frozen=True, confirm=ConfirmForm()
    )


@bp.route("/<int:rubric_id>/new-version", methods=["POST"])
@role_required(Role.GRANTS_OFFICER)
def new_version(rubric_id: int):
    rubric = rubrics.rubric(rubric_id)
    if ConfirmForm().validate_on_submit():
        try:
            copy = rubrics.new_version(rubric, _officer())
            db.session.flush()  # now, so that a conflict is refused below in words; the request commits after
        except IntegrityError:  # someone else made the next version at the same moment
            db.session.rollback()
            flash("Someone else made a new version of this rubric at the same time. Try again", "error")
        else:
            flash(
                f"Version {copy.version} has been made as a copy of version {rubric.version}. "
                "Change it here, then choose it for a round",
                "success",
            )
            return redirect(url_for("rubrics.edit", rubric_id=copy.id))
    return redirect(url_for("rubrics.show", rubric_id=rubric_id))


@bp.route("/<int:rubric_id>/delete", methods=["GET", "POST"])
@role_required(Role.GRANTS_OFFICER)
def delete(rubric_id: int):
    rubric = rubrics.rubric(rubric_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        label = rubric.label
        try:
            rubrics.delete_rubric(rubric, _officer())
            db.session.flush()  # now, so that a conflict is refused below in words; the request commits after
        except rubrics.RubricError as problem:
            db.session.rollback()
            flash(str(problem), "error")
        except IntegrityError:  # a round chose it, or someone scored with it, in the meantime
            db.session.rollback()
            flash(f"{label} cannot be deleted because a round now uses it", "error")
        else:
            flash(f"{label} has been deleted", "success")
            return redirect(url_for("rubrics.index"))
        return redirect(url_for("rubrics.show", rubric_id=rubric_id))
    return render_template(
        "rubrics/delete.html", form=form, rubric=rubric, problem=rubrics.deletion_problem(rubric)
    )


def _officer():
    return current_user._get_current_object()


@bp.app_template_global()
def rubric_percent(weight) -> str:
    """A weight as people write it: 20%, 12.5%."""
    return percent(weight)
