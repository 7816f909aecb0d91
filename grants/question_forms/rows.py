"""The repeating rows of the structured types budget_lines, milestones and outcome_measures: each row's
fields with the labels and messages of today's application form (grants/application_form/forms.py),
so that pages and templates made for those sections render these too.

A row is *typed* when anything is typed in it, valid or not; spare rows are left empty and ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wtforms import Form, SelectField, StringField
from wtforms.validators import Length, Optional

from grants.field_components import DateInput, Select, TextInput
from grants.form_definitions.model import QuestionType
from grants.forms import DateInputField, MoneyField, SelectChoice

BUDGET_CATEGORIES = [
    SelectChoice("", "Choose a category"),
    SelectChoice("staff", "Staff"),
    SelectChoice("sessional", "Sessional workers and facilitators"),
    SelectChoice("volunteers", "Volunteers' expenses"),
    SelectChoice("venue", "Venue hire"),
    SelectChoice("equipment", "Equipment"),
    SelectChoice("materials", "Materials and resources"),
    SelectChoice("training", "Training"),
    SelectChoice("travel", "Travel"),
    SelectChoice("publicity", "Publicity"),
    SelectChoice("other", "Other"),
]


class BudgetLineRow(Form):
    category = SelectField("Category", choices=BUDGET_CATEGORIES, widget=Select(), validate_choice=False)
    description = StringField(
        "What it pays for",
        widget=TextInput(),
        validators=[Optional(), Length(max=200, message="Description must be 200 characters or fewer")],
    )
    amount = MoneyField("Amount", name_for_errors="Amount", widget=TextInput())


VAT_RECOVERABLE = [
    SelectChoice("", "Choose one"),
    SelectChoice("no", "No, we cannot recover it"),
    SelectChoice("yes", "Yes, we can recover it"),
]


class BudgetLineVatRow(BudgetLineRow):
    """A budget line in a round that records VAT: the VAT within the amount, and whether the
    organisation can recover it from HMRC (then it is not a cost to the organisation)."""

    vat = MoneyField("VAT included in the amount", name_for_errors="VAT",
                     description="Enter 0 if there is no VAT on this line", widget=TextInput())
    vat_recoverable = SelectField("Can you recover this VAT from HMRC?", choices=VAT_RECOVERABLE, widget=Select(),
                                  validate_choice=False)


class MilestoneRow(Form):
    description = StringField(
        "Milestone",
        widget=TextInput(),
        validators=[Optional(), Length(max=200, message="Milestone must be 200 characters or fewer")],
    )
    due = DateInputField("Date", name_for_errors="Milestone date", widget=DateInput())


class OutcomeRow(Form):
    outcome = StringField(
        "Outcome",
        widget=TextInput(),
        validators=[Optional(), Length(max=300, message="Outcome must be 300 characters or fewer")],
    )
    measure = StringField(
        "How you will measure it",
        widget=TextInput(),
        validators=[Optional(), Length(max=300, message="Measure must be 300 characters or fewer")],
    )


@dataclass(frozen=True)
class RowType:
    """What a structured row type asks and how its page names it."""

    form: type[Form]
    singular: str  # "Budget line 1", "Add another budget line"
    plural: str  # "Enter at least 2 budget lines"
    check: str  # the list's own message when a typed row has a problem
    blank_rows: int  # rows shown on a new page, as today's form shows


ROW_TYPES = {
    QuestionType.BUDGET_LINES: RowType(BudgetLineRow, "Budget line", "budget lines", "Check your budget lines", 4),
    QuestionType.MILESTONES: RowType(MilestoneRow, "Milestone", "milestones", "Check your milestones", 3),
    QuestionType.OUTCOME_MEASURES: RowType(OutcomeRow, "Outcome", "outcomes", "Check your outcomes", 3),
}


def row_form(question_type: QuestionType, vat: bool) -> type[Form]:
    """The row form of a structured type; budget lines ask about VAT where the round records it."""
    if question_type is QuestionType.BUDGET_LINES and vat:
        return BudgetLineVatRow
    return ROW_TYPES[question_type].form


def typed_rows(field_list: Any) -> list[Any]:
    """The rows (forms) of a repeating list that have anything typed in them, valid or not."""
    return [
        entry.form
        for entry in field_list.entries
        if any(sub.raw_data and any(str(value).strip() for value in sub.raw_data) for sub in entry.form)
    ]


def row_answers(field_list: Any) -> list[dict[str, Any]]:
    """The typed rows as kept: each row's fields by name ({"category", "description", "amount"} for a
    budget line, with "vat" and "vat_recoverable" where the round records VAT; Decimal amounts and dates
    as the fields read them, None where unreadable)."""
    return [{sub.short_name: sub.data for sub in row} for row in typed_rows(field_list)]
