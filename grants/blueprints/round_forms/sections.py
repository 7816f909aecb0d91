"""The form builder's section pages: add a section (with its first question, as a section needs one),
change its title and description, remove it with its questions (saying what depends on them), and
move it up or down."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from grants.blueprints.round_forms import bp
from grants.blueprints.round_forms.builder import FORM_URL, builder, move, refuse_frozen, store, validated
from grants.blueprints.round_forms.forms import ChangeForm, NewSectionForm, SectionForm
from grants.blueprints.round_forms.questions import page_parts, question_form
from grants.interfaces.round_forms import editing
from grants.interfaces.rounds import funding_rounds as rounds
from grants.permissions import role_required


@bp.route(f"{FORM_URL}/sections/new", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def add_section(round_id: int, kind: str):
    b = builder(round_id, kind)
    if not b.editable:
        return refuse_frozen(b)
    form: NewSectionForm = question_form(b, adding=True, form_class=NewSectionForm)
    position = len(b.definition.sections)
    form.section_path = (f"sections[{position}]", str(form.section_id.data or ""))
    form.question_path = (f"sections[{position}].questions[0]", str(form.question_id.data or ""))
    if validated(b, form):
        section = form.section_document([form.document()])
        done = store(b, form, lambda: editing.add_section(b.definition, section),
                     f"section {form.section_id.data} added", f"The section “{form.title.data}” has been added",
                     anchor=f"section-{form.section_id.data}")
        if done is not None:
            return done
    return render_template("round_forms/new_section.html", b=b, form=form,
                           **page_parts(b, form, b.definition.questions()))


@bp.route(f"{FORM_URL}/sections/<section_id>", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def change_section(round_id: int, kind: str, section_id: str):
    b = builder(round_id, kind)
    section = b.section(section_id)
    if not b.editable:
        return refuse_frozen(b)
    kwargs: dict[str, Any] = {"definition": b.definition}
    if request.method == "GET":
        kwargs |= {"formdata": None, "data": {"title": section.title, "description": section.description}}
    form = SectionForm(**kwargs)
    form.section_id.data = section_id
    form.section_path = (f"sections[{editing.section_position(b.definition, section_id)}]", section_id)
    if validated(b, form):
        done = store(b, form, lambda: editing.change_section(b.definition, section_id, str(form.title.data),
                                                             str(form.description.data or "")),
                     f"section {section_id} changed", f"The section “{form.title.data}” has been changed",
                     anchor=f"section-{section_id}")
        if done is not None:
            return done
    return render_template("round_forms/section.html", b=b, form=form, section=section)


@bp.route(f"{FORM_URL}/sections/<section_id>/remove", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def remove_section(round_id: int, kind: str, section_id: str):
    b = builder(round_id, kind)
    section = b.section(section_id)
    if not b.editable:
        return refuse_frozen(b)
    form = ChangeForm()
    problems = editing.section_removal_problems(b.definition, section_id)
    if not problems and validated(b, form):
        done = store(b, form, lambda: editing.remove_section(b.definition, section_id),
                     f"section {section_id} removed", f"The section “{section.title}” has been removed")
        if done is not None:
            return done
    return render_template("round_forms/remove.html", b=b, form=form, problems=problems, thing="section",
                           question=None, section=section)


@bp.route(f"{FORM_URL}/sections/<section_id>/move-<any(up, down):direction>", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def move_section(round_id: int, kind: str, section_id: str, direction: editing.Direction):
    b = builder(round_id, kind)
    section = b.section(section_id)
    return move(b, "section", section_id, section.title, direction,
                lambda: editing.move_section(b.definition, section_id, direction))
