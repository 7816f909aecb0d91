"""The form builder's question pages: add a question to a section, change one, remove one (saying
what depends on it), and move one up or down (from the top of a section into the one before). A question
added from the library (``?from=``, when its id is taken) starts from the library's copy."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request

from grants.blueprints.round_forms import bp
from grants.blueprints.round_forms.builder import FORM_URL, Builder, builder, move, refuse_frozen, store, validated
from grants.blueprints.round_forms.forms import ChangeForm, QuestionFields, QuestionForm
from grants.blueprints.round_forms.library import added_words
from grants.blueprints.round_forms.limits import BOXES, hint
from grants.form_definitions import Kind, Question, QuestionType
from grants.form_definitions.model import ANSWER_LIST_TYPES
from grants.interfaces.round_forms import editing
from grants.interfaces.round_forms import library as question_library
from grants.interfaces.round_forms.describe import TYPE_WORDS, answer_words, types_for
from grants.interfaces.rounds import funding_rounds as rounds
from grants.permissions import role_required


def question_form(b: Builder, adding: bool, saved: Question | None = None, form_class: type = QuestionForm) -> Any:
    """The question's form: the saved question's boxes when the page is first shown, else what was sent."""
    kwargs: dict[str, Any] = {"definition": b.definition, "adding": adding,
                              "allowed_types": types_for(b.kind is Kind.MONITORING)}
    if request.method == "GET":
        kwargs |= {"formdata": None, "data": QuestionForm.data_for(saved) if saved else {"required": "yes"}}
    return form_class(**kwargs)


def page_parts(b: Builder, form: QuestionFields, earlier: list[Question]) -> dict[str, Any]:
    """What the question's boxes need besides the form: the types, the limit boxes, the earlier answers."""
    chosen = set(form.show_if.data or [])
    groups = [
        {"question": question,
         "items": [{"value": f"{question.id}={value}", "text": answer_words(question, [value]),
                    "checked": f"{question.id}={value}" in chosen}
                   for value in (("yes", "no") if question.type is QuestionType.YES_NO
                                 else [option.value for option in question.options])]}
        for question in earlier if question.type in ANSWER_LIST_TYPES
    ]
    types = [{"value": kind.value, "text": TYPE_WORDS[kind][0], "hint": {"text": TYPE_WORDS[kind][1]},
              "checked": form.question_type.data == kind.value}
             for kind in types_for(b.kind is Kind.MONITORING)]
    monitoring = b.kind is Kind.MONITORING
    boxes = [{"name": box.name, "hint": hint(box, monitoring)} for box in BOXES]
    return {"condition_groups": groups, "type_items": types, "limit_boxes": boxes}


def library_choice(b: Builder) -> tuple[question_library.LibraryQuestion, question_library.LibraryCopy] | None:
    """The library's question the page starts from (``?from=``), with its copy for this form; None when
    the page starts blank, 404 when the library has no such question."""
    key = request.args.get("from")
    if key is None:
        return None
    entry = question_library.find(question_library.library(b.funding_round, b.kind), key)
    if entry is None:
        abort(404)
    return entry, question_library.copy_for(entry, b.definition)


def added_document(form: QuestionForm, kept: dict[str, Any] | None) -> dict[str, Any]:
    """The new question's document: the boxes, with what they do not show ``kept`` from a library copy
    (its messages, name for errors and refuse rule)."""
    document: dict[str, Any] = form.document(kept)
    if kept is not None and "refuse" in kept:
        document["refuse"] = kept["refuse"]
    return document


@bp.route(f"{FORM_URL}/sections/<section_id>/questions/new", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def add_question(round_id: int, kind: str, section_id: str):
    b = builder(round_id, kind)
    section = b.section(section_id)
    if not b.editable:
        return refuse_frozen(b)
    chosen = library_choice(b)
    form = question_form(b, adding=True, saved=chosen[1].question if chosen else None)
    taken = chosen is not None and question_library.id_taken(b.definition, chosen[0].question.id)
    if taken and request.method == "GET":
        form.question_id.data = ""  # the officer gives the copy its own id
    position = editing.section_position(b.definition, section_id)
    form.question_path = (f"sections[{position}].questions[{len(section.questions)}]", str(form.question_id.data or ""))
    if validated(b, form):
        kept = chosen[1].document if chosen else None
        done_words = (added_words(str(form.label.data), *chosen) if chosen
                      else f"The question “{form.label.data}” has been added")
        done = store(b, form, lambda: editing.add_question(b.definition, section_id, added_document(form, kept)),
                     f"question {form.question_id.data} added to section {section_id}"
                     + (" from the question library" if chosen else ""),
                     done_words, anchor=f"question-{form.question_id.data}")
        if done is not None:
            return done
    earlier = editing.earlier_questions(b.definition, section_id)
    return render_template("round_forms/question.html", b=b, form=form, section=section, question=None,
                           chosen=chosen, taken=taken, **page_parts(b, form, earlier))


@bp.route(f"{FORM_URL}/questions/<question_id>", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def change_question(round_id: int, kind: str, question_id: str):
    b = builder(round_id, kind)
    question = b.question(question_id)
    if not b.editable:
        return refuse_frozen(b)
    form = question_form(b, adding=False, saved=question)
    form.question_id.data = question_id
    section_index, question_index = editing.question_position(b.definition, question_id)
    form.question_path = (f"sections[{section_index}].questions[{question_index}]", question_id)
    if validated(b, form):
        kept = editing.question_document(b.definition, question_id)
        done = store(b, form, lambda: editing.change_question(b.definition, question_id, form.document(kept)),
                     f"question {question_id} changed", f"The question “{form.label.data}” has been changed",
                     anchor=f"question-{question_id}")
        if done is not None:
            return done
    section = b.definition.sections[section_index]
    earlier = editing.earlier_questions(b.definition, section.id, question_id)
    return render_template("round_forms/question.html", b=b, form=form, section=section, question=question,
                           **page_parts(b, form, earlier))


@bp.route(f"{FORM_URL}/questions/<question_id>/remove", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def remove_question(round_id: int, kind: str, question_id: str):
    b = builder(round_id, kind)
    question = b.question(question_id)
    if not b.editable:
        return refuse_frozen(b)
    form = ChangeForm()
    problems = editing.question_removal_problems(b.definition, question_id)
    if not problems and validated(b, form):
        done = store(b, form, lambda: editing.remove_question(b.definition, question_id),
                     f"question {question_id} removed", f"The question “{question.label}” has been removed")
        if done is not None:
            return done
    return render_template("round_forms/remove.html", b=b, form=form, problems=problems, thing="question",
                           question=question, section=b.definition.section_of(question_id))


@bp.route(f"{FORM_URL}/questions/<question_id>/move-<any(up, down):direction>", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def move_question(round_id: int, kind: str, question_id: str, direction: editing.Direction):
    b = builder(round_id, kind)
    question = b.question(question_id)
    return move(b, "question", question_id, question.label, direction,
                lambda: editing.move_question(b.definition, question_id, direction))
