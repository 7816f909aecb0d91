"""The forms of a monitoring return's sections. Most are made for the award: one question per
milestone, group of people, budget line and outcome of its application (see ``plan``)."""

from __future__ import annotations

from decimal import Decimal

from wtforms import BooleanField, Field, ValidationError
from wtforms.validators import InputRequired

from grants.application_form.fields import WordLimit, long_answer
from grants.field_components import Checkbox, Radios
from grants.formatting import long_date, money
from grants.forms import GovForm, MoneyField, add_error
from grants.models.awards import Award
from grants.question_forms.monitoring import (
    COMMENT_WORDS,
    MAX_PEOPLE,
    OUTCOME_WORDS,
    PROGRESS,
    CountField,
    Filled,
    Group,
    OneOf,
)
from grants.return_form.plan import ReturnPlan

__all__ = ["MAX_PEOPLE", "CountField", "Filled", "Group", "OneOf"]

STORY_WORDS, PROBLEM_WORDS = 500, 300


class ReturnSectionForm(GovForm):
    """A return section's form, told the award (for the spend limit)."""

    groups: tuple[Group, ...] = ()

    def __init__(self, *args, award: Award, **kwargs):
        self.award = award
        super().__init__(*args, **kwargs)


def _made(name: str, fields: dict, groups: list[Group], base=ReturnSectionForm) -> type[ReturnSectionForm]:
    return type(name, (base,), {**fields, "groups": tuple(groups)})


def _key(code: str) -> str:
    return code.replace("-", "_")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# (1) Activities against the milestones -----------------------------------------------------------

def activities_form(plan: ReturnPlan) -> type[ReturnSectionForm]:
    fields: dict[str, Field] = {}
    groups: list[Group] = []
    for number, milestone in enumerate(plan.milestones, start=1):
        fields[f"status_{number}"] = OneOf(
            f"Progress on milestone {number}", choices=PROGRESS, widget=Radios(),
            validators=[InputRequired(message=f"Select the progress on milestone {number}")],
        )
        fields[f"comment_{number}"] = long_answer(
            f"What happened on milestone {number}", f"Enter what happened on milestone {number}", COMMENT_WORDS,
            f"What happened on milestone {number}",
            hint="What you delivered in this period, or why it is late or dropped",
        )
        groups.append(Group(
            f"Milestone {number}: {milestone.description}", (f"status_{number}", f"comment_{number}"),
            hint=f"Due by {long_date(milestone.due)}" if milestone.due else None, per_row=True,
        ))
    return _made("ActivitiesForm", fields, groups)


# (2) People reached -------------------------------------------------------------------------------

def people_form(plan: ReturnPlan) -> type[ReturnSectionForm]:
    fields = {}
    for code, label in plan.groups:
        name = f"Number of {_lower_first(label)}"
        fields[f"people_{_key(code)}"] = CountField(
            label, name_for_errors=name,
            validators=[Filled(f"Enter the {_lower_first(name)} you reached, or 0")],
            render_kw={"params": {"classes": "govuk-input--width-5", "inputmode": "numeric", "spellcheck": False}},
        )
    group = Group("People reached in this period", tuple(fields), hint="Count each person once in this period. "
                  "Enter 0 for a group you did not reach.", fieldset=True)
    return _made("PeopleForm", fields, [group])


# (3) Spend to date --------------------------------------------------------------------------------

class SpendForm(ReturnSectionForm):
    def spend_fields(self) -> list[MoneyField]:
        return [self[name] for name in self.groups[0].fields]

    def total(self) -> Decimal:
        return sum((field.data or Decimal(0) for field in self.spend_fields()), Decimal(0))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        total = self.total()
        if valid and total > self.award.amount:
            # About the lines together: shown by the first of them, where the summary's link goes.
            add_error(self.spend_fields()[0],
                      f"Spend to date of {money(total)} is more than the award of {money(self.award.amount)}")
            return False
        return valid


def spend_form(plan: ReturnPlan) -> type[ReturnSectionForm]:
    fields = {}
    for number, line in enumerate(plan.budget_lines, start=1):
        fields[f"spend_{number}"] = MoneyField(
            line.label, name_for_errors=f"Spend on budget line {number}",
            description=f"Budget: {money(line.budget)}" if line.budget is not None else None,
            validators=[Filled(f"Enter the spend to date on budget line {number}, or 0",
                               f"Spend on budget line {number} must be £0 or more")],
        )
    group = Group("Spend to date by budget line", tuple(fields), fieldset=True,
                  hint="What you have spent of the grant since it started, not only in this period.")
    return _made("SpendForm", fields, [group], base=SpendForm)


# (4) Outcomes ---------------------------------------------------------------------------------------

def outcomes_form(plan: ReturnPlan) -> type[ReturnSectionForm]:
    fields, groups = {}, []
    proposed = []
    for number, outcome in enumerate(plan.outcomes, start=1):
        name = f"outcome_{number}"
        fields[name] = long_answer(
            outcome.text, f"Enter the progress on outcome {number}", OUTCOME_WORDS, f"Progress on outcome {number}",
            hint=f"How you said you would measure it: {outcome.measure}" if outcome.measure else "",
        )
        proposed.append(name)
    if proposed:
        groups.append(Group("Your project's outcomes", tuple(proposed), hint="Progress so far against each "
                            "outcome in your application, with what your measures show."))
    named = []
    for code, title in plan.drugs_outcomes:
        name = f"drugs_{_key(code)}"
        fields[name] = long_answer(
            title, f"Enter the progress on the Combating Drugs outcome ‘{title}’", OUTCOME_WORDS,
            "Progress on this outcome",
        )
        named.append(name)
    if named:
        groups.append(Group("Combating Drugs outcomes", tuple(named),
                            hint="How your project is helping with the national outcomes you named."))
    return _made("OutcomesForm", fields, groups)


# (5) A story and (6) problems -------------------------------------------------------------------------

class StoryForm(ReturnSectionForm):
    story = long_answer(
        "A story or case study (optional)", "", STORY_WORDS, "Story",
        hint="What changed for someone your project worked with, in their words if they agree.",
    )
    consent = BooleanField(
        "No one can be identified from this story, and the people in it have agreed that we may use it",
        widget=Checkbox(),
    )
    groups = (Group("", ("story", "consent")),)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.story.validators = [WordLimit(STORY_WORDS, "Story")]

    def validate_consent(self, field):
        if self.story.data and not field.data:
            raise ValidationError("Confirm that no one can be identified from the story and that they agreed to it")


class ProblemsForm(ReturnSectionForm):
    problems = long_answer(
        "Problems and risks", "Describe any problems or risks, or enter “None”", PROBLEM_WORDS, "Problems and risks",
        hint="Anything that has gone wrong or might, and what you are doing about it. Enter “None” if there are none.",
    )
    groups = (Group("", ("problems",)),)
