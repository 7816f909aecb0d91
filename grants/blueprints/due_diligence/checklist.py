"""A round's due-diligence checklist, for the staff who run rounds: see it, add, change, remove and
move items. Each change is audited (grants.interfaces.due_diligence.checklists)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from grants.blueprints.due_diligence import bp
from grants.blueprints.due_diligence.forms import ItemForm
from grants.extensions import db
from grants.forms import ConfirmForm, add_error
from grants.interfaces.due_diligence import checklists
from grants.interfaces.rounds import funding_rounds as rounds
from grants.permissions import role_required

ROUND_URL = "/rounds/<int:round_id>"


def _checklist_url(funding_round, anchor: str | None = None) -> str:
    return url_for("due_diligence.checklist", round_id=funding_round.id, _anchor=anchor)


@bp.route(ROUND_URL)
@role_required(*rounds.ROUND_STAFF)
def checklist(round_id: int):
    funding_round = rounds.round_for_staff(round_id)
    return render_template(
        "due_diligence/checklist.html", funding_round=funding_round, items=checklists.items_of(funding_round),
        marked=checklists.marked_counts(funding_round),
    )


@bp.route(f"{ROUND_URL}/items/add", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def add_item(round_id: int):
    funding_round = rounds.round_for_staff(round_id)
    form = ItemForm()
    if form.validate_on_submit():
        try:
            item = checklists.add_item(funding_round, form.label.data or "", form.hint.data or "",
                                       bool(form.required.data), current_user._get_current_object())
        except checklists.ChecklistProblem as problem:
            db.session.rollback()
            add_error(form.label, str(problem))
        else:
            flash(f"“{item.label}” has been added to the checklist", "success")
            return redirect(_checklist_url(funding_round, f"item-{item.id}"))
    return render_template("due_diligence/item.html", funding_round=funding_round, form=form, item=None)


@bp.route(f"{ROUND_URL}/items/<item_id>/change", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def change_item(round_id: int, item_id: str):
    funding_round = rounds.round_for_staff(round_id)
    item = checklists.item_of(funding_round, item_id)
    form = ItemForm(data={"label": item.label, "hint": item.hint, "required": item.required})
    if form.validate_on_submit():
        try:
            changed = checklists.change_item(funding_round, item.id, form.label.data or "", form.hint.data or "",
                                             bool(form.required.data), current_user._get_current_object())
        except checklists.ChecklistProblem as problem:
            db.session.rollback()
            add_error(form.label, str(problem))
        else:
            flash(f"“{form.label.data}” has been saved" if changed else "Nothing was changed", "success")
            return redirect(_checklist_url(funding_round, f"item-{item.id}"))
    return render_template("due_diligence/item.html", funding_round=funding_round, form=form, item=item,
                           marked=checklists.marked_counts(funding_round).get(item.id, 0))


@bp.route(f"{ROUND_URL}/items/<item_id>/remove", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def remove_item(round_id: int, item_id: str):
    funding_round = rounds.round_for_staff(round_id)
    item = checklists.item_of(funding_round, item_id)
    problem = checklists.removal_problem(funding_round, item.id)
    form = ConfirmForm()
    if not problem and form.validate_on_submit():
        checklists.remove_item(funding_round, item.id, current_user._get_current_object())
        flash(f"“{item.label}” has been removed from the checklist", "success")
        return redirect(_checklist_url(funding_round))
    return render_template("due_diligence/remove.html", funding_round=funding_round, form=form, item=item,
                           problem=problem)


@bp.route(f"{ROUND_URL}/items/<item_id>/move-<any(up, down):direction>", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def move_item(round_id: int, item_id: str, direction: checklists.Direction):
    funding_round = rounds.round_for_staff(round_id)
    item = checklists.item_of(funding_round, item_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            checklists.move_item(funding_round, item.id, direction, current_user._get_current_object())
        except checklists.ChecklistProblem as problem:
            db.session.rollback()
            flash(str(problem), "error")
        else:
            flash(f"“{item.label}” has been moved {direction}", "success")
        return redirect(_checklist_url(funding_round, f"item-{item.id}"))
    return render_template("due_diligence/move.html", funding_round=funding_round, form=form, item=item,
                           direction=direction)
