"""An application's answers as people read them: each section's questions with the answers given, as
text lines (check-answers, the officers' application page, the emails and exports that quote them), and
every answer as plain text by question for the applications spreadsheet.

Reading answers back builds each section's form (grants.interfaces.applications.questions), most of the
work of a page that shows them, so ``all_answers`` keeps what it made once a process, keyed by all it
is made from.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

from grants.form_definitions import FormDefinition, Question, QuestionType
from grants.formatting import long_date, money
from grants.interfaces.applications.questions import (
    ORGANISATION,
    Section,
    answers_context,
    definition,
    round_context,
    saved_files,
    saved_form,
    saved_forms,
)
from grants.models.applications import Application
from grants.question_forms import QuestionForm, RoundContext, hidden_questions, kept_answers
from grants.question_forms.rows import BUDGET_CATEGORIES


@dataclass(frozen=True)
class Answer:
    question: str
    lines: tuple[str, ...]  # one or more lines of text; empty when not answered
    question_id: str = ""

    @property
    def summary_row(self) -> dict[str, dict[str, object]]:
        """The answer as a row of a summary list (applications/_answers.html): the question, and the
        lines as typed (escaped) with a line break between, or "Not answered". A new dict each time."""
        value = Markup("<br>").join(map(escape, self.lines)) if self.lines else "Not answered"
        return {"key": {"text": self.question}, "value": {"html": value}}


def _choice_labels(question: Question, context: RoundContext) -> dict[str, str]:
    if question.type in (QuestionType.ONE_CHOICE, QuestionType.SEVERAL_CHOICES):
        return {option.value: option.label for option in question.options}
    if question.type is QuestionType.YES_NO:
        return {"yes": "Yes", "no": "No"}
    try:
        return dict(context.choices(question.type))
    except KeyError:
        return {}


_CATEGORY_LABELS = {choice.value: choice.label for choice in BUDGET_CATEGORIES if choice.value}


def _row_line(question: Question, row: Mapping[str, Any]) -> str:
    parts: list[str] = []
    for name, value in row.items():
        if value is None or value == "":
            continue
        if question.type is QuestionType.BUDGET_LINES and name == "category":
            parts.append(_CATEGORY_LABELS.get(str(value), str(value)))
        elif question.type is QuestionType.BUDGET_LINES and name == "vat":
            parts.append(f"including {_plain(value)} VAT" if value else "no VAT")
        elif question.type is QuestionType.BUDGET_LINES and name == "vat_recoverable":
            if row.get("vat"):
                parts.append({"yes": "recoverable", "no": "not recoverable"}.get(str(value), str(value)))
        else:
            parts.append(_plain(value))
    return " – ".join(parts)


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, date):
        return long_date(value)
    return str(value)


def describe(question: Question, value: object, context: RoundContext) -> tuple[str, ...]:
    """An answer as lines of plain text for a person to read; empty when not answered."""
    if value is None or value == "" or value == [] or value == {}:
        return () if question.type is not QuestionType.DECLARATION else ("No",)
    if question.type in (QuestionType.BUDGET_LINES, QuestionType.MILESTONES, QuestionType.OUTCOME_MEASURES):
        rows = value if isinstance(value, list) else []
        return tuple(line for row in rows if isinstance(row, Mapping) and (line := _row_line(question, row)))
    labels = _choice_labels(question, context)
    if labels:
        chosen = value if isinstance(value, list) else [value]
        return tuple(labels.get(str(item), str(item)) for item in chosen if item)
    if question.type is QuestionType.UK_ADDRESS and isinstance(value, Mapping):
        return tuple(str(part) for part in value.values() if part)
    if question.type in (QuestionType.WHOLE_NUMBER, QuestionType.PEOPLE_REACHED) and isinstance(value, int):
        return (f"{value:,}",)
    if question.type is QuestionType.PERCENTAGE and isinstance(value, Decimal):
        return (f"{value}%",)
    if question.type is QuestionType.FILE:
        name = getattr(value, "display_name", None) or (value.get("filename") if isinstance(value, Mapping) else None)
        return (str(name or "A file was uploaded"),)
    return (_plain(value),)


def _rows(section: Section, built: QuestionForm | None, context: RoundContext) -> list[Answer]:
    if built is None or section.questions is None:
        return []
    hidden = set(hidden_questions(built))
    values = kept_answers(built)
    return [Answer(question.label, describe(question, values.get(question.id), context), question.id)
            for question in section.questions.questions if question.id not in hidden]


def answers(application: Application, section: Section) -> list[Answer]:
    """The section's questions and the answers given, in order, for check-answers and officers.
    Questions hidden by an earlier answer are left out; empty for a section never saved."""
    return _rows(section, saved_form(application, section), round_context(application.funding_round))


def all_answers(application: Application) -> list[tuple[Section, list[Answer]]]:
    """Every task of the application with its answers (``answers``), the organisation's first with none.

    Kept once a process for the same answers (``_SHOWN``): reading them back builds every section's
    form, most of the work of a page that shows them."""
    context = answers_context(application.funding_round)
    keyed = _shown_key(application, context)
    if keyed is None:
        shown = _shown(application, context)
    else:
        form_definition, key = keyed
        found = _SHOWN.get(key)
        if found is not None and found[0] is form_definition:
            shown = found[1]
        else:
            shown = _shown(application, context)
            with _SHOWN_LOCK:  # gthread workers: one thread at a time changes the dict
                while len(_SHOWN) >= _SHOWN_KEPT:
                    _SHOWN.pop(next(iter(_SHOWN)))
                _SHOWN[key] = (form_definition, shown)
    return [(ORGANISATION, []), *((section, list(rows)) for section, rows in shown)]


_Shown = tuple[tuple[Section, tuple[Answer, ...]], ...]


def _shown(application: Application, context: RoundContext) -> _Shown:
    return tuple((section, tuple(_rows(section, built, context)))
                 for section, built in saved_forms(application, context))


# Answers as shown (``all_answers``), by all they are made from: the form's definition, the round's
# context (its labels and limits), each section's typed answers, and the documents a file answer names.
# A change to any of them makes a new key, so an entry is never stale; keyed by content, not row ids,
# as a rolled-back row's id comes back. The definition is keyed by identity (frozen, one object per
# content: ``_read``), and the entry holds it so that its id is not reused while the entry is kept.
_SHOWN: dict[tuple, tuple[FormDefinition, _Shown]] = {}
_SHOWN_KEPT = 256  # applications held; the oldest kept is dropped first
_SHOWN_LOCK = threading.Lock()


def _shown_key(application: Application, context: RoundContext) -> tuple[FormDefinition, tuple] | None:
    """The form answered and the key of ``all_answers``'s entry; None for an application that answers
    its round's current form rather than a stored version (read afresh each time: not kept)."""
    if application.form is None:
        return None
    form_definition = definition(application)
    records = sorted(application.sections, key=lambda record: record.key)
    typed = json.dumps([[record.key, record.answers] for record in records], sort_keys=True, default=str,
                       separators=(",", ":"))
    # Documents only when a section keeps a file's (read as the forms read them: not loaded otherwise).
    files = any(saved_files(record.answers) for record in records)
    documents = tuple(sorted(document.id for document in application.documents)) if files else ()
    return form_definition, (id(form_definition), context, hashlib.sha256(typed.encode()).digest(), documents)


# Spreadsheets ----------------------------------------------------------------------------------

def export_columns(definitions: list[FormDefinition]) -> list[tuple[str, str]]:
    """(question id, column heading) for every question of these forms, in the order of the first
    form that asks each, for a spreadsheet with a column per question."""
    columns: dict[str, str] = {}
    for form_definition in definitions:
        for part in form_definition.sections:
            for question in part.questions:
                columns.setdefault(question.id, f"{part.title}: {question.label}")
    return list(columns.items())


def export_values(application: Application) -> dict[str, str]:
    """Each answer of the application as plain text, by question id (hidden questions left out)."""
    context = round_context(application.funding_round)
    values: dict[str, str] = {}
    for section, built in saved_forms(application):
        if built is None or section.questions is None:
            continue
        kept_here = kept_answers(built)
        hidden = set(hidden_questions(built))
        for question in section.questions.questions:
            if question.id not in hidden:
                values[question.id] = "\n".join(describe(question, kept_here.get(question.id), context))
    return values
