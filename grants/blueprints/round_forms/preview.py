"""The preview of a round's form: each section exactly as applicants will see it, with the round's
own lists and limits. Answers typed into a preview are checked as they would be, and never kept."""

from __future__ import annotations

from flask import abort, render_template, request
from werkzeug.datastructures import CombinedMultiDict

from grants.blueprints.round_forms import bp
from grants.blueprints.round_forms.builder import FORM_URL, builder
from grants.form_definitions.model import MONITORING_ONLY_TYPES
from grants.interfaces.applications.questions import Section, guidance, has_files, list_nouns, round_context
from grants.interfaces.rounds import funding_rounds as rounds
from grants.permissions import role_required
from grants.question_forms import section_form


@bp.route(f"{FORM_URL}/preview/<section_id>", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def preview(round_id: int, kind: str, section_id: str):
    b = builder(round_id, kind)
    ids = [section.id for section in b.definition.sections]
    if section_id not in ids:
        abort(404)
    position = ids.index(section_id)
    chosen = b.definition.sections[position]
    task = Section(chosen.id, chosen.title, chosen)
    # A monitoring return's own types ask about an award's milestones, lines and outcomes: with no award
    # to ask about, such a section is described rather than shown.
    needs_award = [question.label for question in chosen.questions if question.type in MONITORING_ONLY_TYPES]
    form = None
    if not needs_award:
        form = section_form(b.definition, chosen, round_context(b.funding_round),
                            formdata=CombinedMultiDict([request.files, request.form]) if request.method == "POST"
                            else None)
        if request.method == "POST":
            form.validate()  # the answers are checked and shown, never kept
    return render_template(
        "round_forms/preview.html", b=b, section=chosen, form=form, needs_award=needs_award,
        list_labels=list_nouns(task), guidance=guidance(task), has_files=has_files(task),
        checked=request.method == "POST",
        previous=b.definition.sections[position - 1] if position > 0 else None,
        following=b.definition.sections[position + 1] if position + 1 < len(ids) else None,
    )
