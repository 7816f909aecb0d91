"""The question library's page: on the way to adding a question to a section, an officer starts from
a question of the standard form or of another round's form (``interfaces.round_forms.library``),
found by a text filter and paged. Its copy is added through ``store`` like every change; when its id is
taken, the question page asks for another, with the rest filled in."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, redirect, render_template, request, url_for

from grants.blueprints.round_forms import bp
from grants.blueprints.round_forms.builder import FORM_URL, Builder, builder, refuse_frozen, store, validated
from grants.blueprints.round_forms.forms import LibraryForm
from grants.forms import SelectChoice
from grants.interfaces.paging import Page
from grants.interfaces.round_forms import editing
from grants.interfaces.round_forms import library as question_library
from grants.interfaces.rounds import funding_rounds as rounds
from grants.permissions import role_required

PER_PAGE = 20
FILTER_MAX = 200  # characters of the filter read: a label is at most 300, and a filter is a few words


def added_words(label: str, entry: question_library.LibraryQuestion, copy: question_library.LibraryCopy) -> str:
    """What the success message says: the question added (as ``label``), where from, and what was left behind."""
    return ". ".join([f"The question “{label}” has been added from {entry.source}", *copy.notes])


def _page_number() -> int:
    try:
        return int(request.args.get("page", "1"))
    except ValueError:
        abort(404)


def _add(b: Builder, form: LibraryForm, section_id: str, entry: question_library.LibraryQuestion):
    """Add the copy of ``entry``, or ask for a new id on the question page when its own is taken."""
    question_id = entry.question.id
    if question_library.id_taken(b.definition, question_id):
        page = url_for("round_forms.add_question", round_id=b.funding_round.id, kind=b.kind.value,
                       section_id=section_id)
        return redirect(f"{page}?{urlencode({'from': entry.key})}")
    copy = question_library.copy_for(entry, b.definition)
    return store(b, form, lambda: editing.add_question(b.definition, section_id, copy.document),
                 f"question {question_id} added to section {section_id} from the question library",
                 added_words(entry.question.label, entry, copy), anchor=f"question-{question_id}")


@bp.route(f"{FORM_URL}/sections/<section_id>/questions/library", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def question_library_page(round_id: int, kind: str, section_id: str):
    b = builder(round_id, kind)
    section = b.section(section_id)
    if not b.editable:
        return refuse_frozen(b)
    entries = question_library.library(b.funding_round, b.kind)
    text = " ".join((request.args.get("q") or "").split())[:FILTER_MAX]
    found = question_library.search(entries, text)
    number = _page_number()
    results = Page(found[(number - 1) * PER_PAGE:number * PER_PAGE], number, PER_PAGE, len(found))
    if number < 1 or number > results.pages:
        abort(404)
    form = LibraryForm(definition=b.definition, keys=[entry.key for entry in entries])
    form.choice.choices = [SelectChoice(entry.key, entry.question.label) for entry in results.items]
    if validated(b, form):
        entry = question_library.find(entries, str(form.choice.data))
        assert entry is not None  # validate_choice took only the library's keys
        done = _add(b, form, section_id, entry)
        if done is not None:
            return done
    return render_template("round_forms/library.html", b=b, form=form, section=section, results=results,
                           text=text, total=len(entries))
