"""Forms from form definitions (docs/form-definitions.md): one section of a definition as a WTForms
form on the house fields and GOV.UK widgets, checked as the definition says, with the answers the
service keeps. No database: the round's values come in a ``RoundContext``.

    form = section_form(definition, "budget", context, formdata=request.form, answers=earlier)
    if form.validate():
        keep(kept_answers(form))

A question's field is named by its id; the rows of budget_lines, milestones and outcome_measures are
named ``<id>-<n>-<part>`` (``lines-0-amount``) and render with the section template's macro
(grants/templates/applications/_fields.html) given ``list_nouns(section)``.
"""

from grants.question_forms.answers import SectionAnswers
from grants.question_forms.build import (
    RESERVED_IDS,
    QuestionForm,
    hidden_questions,
    kept_answers,
    list_nouns,
    section_form,
    without_hidden,
)
from grants.question_forms.context import RoundContext

__all__ = [
    "RESERVED_IDS",
    "QuestionForm",
    "RoundContext",
    "SectionAnswers",
    "hidden_questions",
    "kept_answers",
    "list_nouns",
    "section_form",
    "without_hidden",
]
