"""Forms from form definitions (docs/form-definitions.md): one section of a definition as a WTForms
form on the house fields and GOV.UK widgets, checked as the definition says, with the answers the
service keeps. No database: the round's values come in a ``RoundContext``.

    form = section_form(definition, "budget", context, formdata=request.form, answers=earlier)
    if form.validate():
        keep(kept_answers(form))

A question's field is named by its id; the rows of budget_lines, milestones and outcome_measures are
named ``<id>-<n>-<part>`` (``lines-0-amount``) and render with the section template's macro
(grants/templates/applications/_fields.html) given ``list_nouns(section)``. A monitoring question
(milestone_progress…) is a field per item of the award's application, given as the context's
``return_plan``, named as returns name them (``status_1``, ``spend_1``…) and shown in ``field_groups``.
"""

from grants.question_forms.answers import SectionAnswers
from grants.question_forms.build import (
    RESERVED_IDS,
    QuestionForm,
    conditional_reveals,
    field_groups,
    hidden_questions,
    kept_answers,
    list_nouns,
    not_asked_fields,
    section_form,
    spend_to_date,
    without_hidden,
)
from grants.question_forms.context import ReturnPlan, RoundContext
from grants.question_forms.monitoring import Group

__all__ = [
    "RESERVED_IDS",
    "Group",
    "QuestionForm",
    "ReturnPlan",
    "RoundContext",
    "SectionAnswers",
    "conditional_reveals",
    "field_groups",
    "hidden_questions",
    "kept_answers",
    "list_nouns",
    "not_asked_fields",
    "section_form",
    "spend_to_date",
    "without_hidden",
]
