"""One form per section of the application. Each takes the application, for the round's rules."""

from __future__ import annotations

from decimal import Decimal

from dateutil.relativedelta import relativedelta
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from grants.application_form.fields import choose_many, long_answer, yes_no
from grants.field_components import Checkbox, Radios, Select, TextInput
from grants.formatting import money
from grants.forms import DateInputField, DateRequired, GovForm, MoneyField, SelectChoice, WholeNumberField
from grants.models.applications import Application


def _typed_rows(field_list) -> list:
    """The rows of a repeating list that have anything typed in them (valid or not)."""
    return [
        entry.form
        for entry in field_list.entries
        if any(sub.raw_data and any(str(value).strip() for value in sub.raw_data) for sub in entry.form)
    ]


class SectionForm(GovForm):
    """A section's form, told which application it belongs to (for the round's rules)."""

    def __init__(self, *args, application: Application, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)
        self.set_choices(application)

    def set_choices(self, application: Application) -> None:
        """Fill choices that depend on the round."""


class ProjectForm(SectionForm):
    title = StringField(
        "Project name",
        description="A short name we can use to refer to your project",
        widget=TextInput(),
        validators=[
            InputRequired(message="Enter your project's name"),
            Length(max=100, message="Project name must be 100 characters or fewer"),
        ],
    )
    summary = long_answer(
        "Summarise your project",
        "Enter a summary of your project",
        100,
        "Summary",
        hint="What you will do, for whom, and what difference it will make. We may publish this.",
    )
    activities = long_answer(
        "What activities will you deliver?",
        "Describe the activities you will deliver",
        400,
        "Activities",
    )
    need = long_answer(
        "What is the need for your project?",
        "Describe the need for your project",
        300,
        "Need",
        hint="Evidence of the need in your part of Devon, Cornwall or the Isles of Scilly: local figures, "
        "what people have told you, what is missing now.",
    )


class PrioritiesForm(SectionForm):
    approaches = choose_many(
        "Which of the plan's approaches does your project serve?",
        "Select at least one of the plan's approaches",
    )
    approaches_how = long_answer(
        "How does your project serve these approaches?",
        "Describe how your project serves the approaches you selected",
        250,
        "Your answer",
    )
    adder_strands = choose_many(
        "Which parts of ADDER does your project contribute to?",
        "Select at least one part of ADDER",
    )
    outcomes = choose_many(
        "Which National Combating Drugs outcomes will your project help with?",
        "Select at least one Combating Drugs outcome",
    )
    outcomes_how = long_answer(
        "How will your project help with these outcomes?",
        "Describe how your project will help with the outcomes you selected",
        250,
        "Your answer",
    )

    def set_choices(self, application):
        funding_round = application.funding_round
        self.approaches.choices = [SelectChoice(a.code, a.name) for a in funding_round.approaches]
        self.adder_strands.choices = [SelectChoice(s.code, s.name) for s in funding_round.adder_strands]
        self.outcomes.choices = [SelectChoice(o.code, o.name) for o in funding_round.outcomes]


class AreasForm(SectionForm):
    local_authorities = choose_many(
        "Which areas will your project work in?",
        "Select at least one area",
    )
    places = StringField(
        "Towns, villages or neighbourhoods (optional)",
        description="For example: Devonport and Stonehouse in Plymouth",
        widget=TextInput(),
        validators=[Optional(), Length(max=300, message="Places must be 300 characters or fewer")],
    )

    def set_choices(self, application):
        self.local_authorities.choices = [
            SelectChoice(la.code, la.name) for la in application.funding_round.local_authorities
        ]


AGE_GROUPS = [
    SelectChoice("under-13", "Under 13"),
    SelectChoice("13-17", "13 to 17"),
    SelectChoice("18-25", "18 to 25"),
    SelectChoice("26-64", "26 to 64"),
    SelectChoice("65-plus", "65 and over"),
]
BENEFICIARY_GROUPS = [
    SelectChoice("treatment-recovery", "People in drug or alcohol treatment or recovery"),
    SelectChoice("criminal-justice", "People in the criminal justice system, or leaving prison"),
    SelectChoice("families", "Families and carers of people who use drugs"),
    SelectChoice("young-people-at-risk", "Young people at risk of exploitation or county lines"),
    SelectChoice("communities", "Communities affected by drug supply or drug-related anti-social behaviour"),
    SelectChoice("other", "Other people"),
]


class BeneficiariesForm(SectionForm):
    people = WholeNumberField(
        "How many people will your project reach?",
        name_for_errors="Number of people",
        description="An estimate is fine",
        validators=[
            InputRequired(message="Enter how many people your project will reach"),
            NumberRange(min=1, max=1_000_000, message="Number of people must be between 1 and 1,000,000"),
        ],
        render_kw={"params": {"classes": "govuk-input--width-5", "inputmode": "numeric"}},
    )
    age_groups = choose_many("Which age groups?", "Select at least one age group")
    groups = choose_many("Which groups of people will benefit?", "Select at least one group of people")
    description = long_answer(
        "Tell us about the people your project will help",
        "Describe the people your project will help",
        200,
        "Your answer",
    )

    def set_choices(self, application):
        self.age_groups.choices = AGE_GROUPS
        self.groups.choices = BENEFICIARY_GROUPS


class MilestoneForm(Form):
    description = StringField(
        "Milestone",
        widget=TextInput(),
        validators=[Optional(), Length(max=200, message="Milestone must be 200 characters or fewer")],
    )
    due = DateInputField("Date", name_for_errors="Milestone date")


class DeliveryForm(SectionForm):
    start_date = DateInputField(
        "When will your project start?",
        name_for_errors="Start date",
        description="For example, 1 4 2027",
        validators=[DateRequired("Enter the date your project will start")],
    )
    end_date = DateInputField(
        "When will your project end?",
        name_for_errors="End date",
        validators=[DateRequired("Enter the date your project will end")],
    )
    milestones = FieldList(FormField(MilestoneForm), min_entries=3, max_entries=12)

    def validate_end_date(self, field):
        start = self.start_date.data
        if not (start and field.data):
            return
        if field.data <= start:
            raise ValidationError("End date must be after the start date")
        months = self.application.funding_round.max_project_months
        if field.data > start + relativedelta(months=months):
            raise ValidationError(f"Your project must last {months} months or less")

    def validate_milestones(self, field):
        filled = _typed_rows(field)
        if not filled:
            raise ValidationError("Enter at least one milestone")
        start, end = self.start_date.data, self.end_date.data
        for milestone in filled:
            if not milestone.description.data:
                milestone.description.errors.append("Enter what the milestone is")
            if not milestone.due.data:
                if not milestone.due.errors:
                    milestone.due.errors.append("Enter the date of the milestone")
            elif start and end and not (start <= milestone.due.data <= end):
                milestone.due.errors.append("Milestone date must be between the project's start and end dates")
        if any(milestone.errors for milestone in filled):
            raise ValidationError("Check your milestones")


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


class BudgetLineForm(Form):
    category = SelectField("Category", choices=BUDGET_CATEGORIES, widget=Select(), validate_choice=False)
    description = StringField(
        "What it pays for",
        widget=TextInput(),
        validators=[Optional(), Length(max=200, message="Description must be 200 characters or fewer")],
    )
    amount = MoneyField("Amount", name_for_errors="Amount")


class BudgetForm(SectionForm):
    lines = FieldList(FormField(BudgetLineForm), min_entries=4, max_entries=20)
    amount_requested = MoneyField(
        "How much are you asking us for?",
        name_for_errors="The amount you are asking for",
        description="This must be the total of your budget lines",
        validators=[InputRequired(message="Enter how much you are asking for")],
    )
    project_cost = MoneyField(
        "What is the total cost of your project?",
        name_for_errors="Total project cost",
        description="Including money from other funders and your own contribution",
        validators=[InputRequired(message="Enter the total cost of your project")],
    )
    other_funding = MoneyField(
        "How much are other funders giving? (optional)",
        name_for_errors="Other funding",
        validators=[Optional()],
    )
    other_funders = StringField(
        "Who are the other funders? (optional)",
        widget=TextInput(),
        validators=[Optional(), Length(max=300, message="Other funders must be 300 characters or fewer")],
    )
    match_funding = MoneyField(
        "How much is your organisation putting in? (optional)",
        name_for_errors="Match funding",
        description="Money or the value of volunteer time and donated goods",
        validators=[Optional()],
    )

    def filled_lines(self) -> list:
        return _typed_rows(self.lines)

    def lines_total(self) -> Decimal:
        return sum(((line.amount.data or Decimal("0")) for line in self.filled_lines()), Decimal("0"))

    def validate_lines(self, field):
        lines = self.filled_lines()
        if not lines:
            raise ValidationError("Enter at least one budget line")
        for line in lines:
            if not line.category.data:
                line.category.errors.append("Select a category")
            if not line.description.data:
                line.description.errors.append("Enter what the money pays for")
            if line.amount.data is None:
                if not line.amount.errors:
                    line.amount.errors.append("Enter the amount")
            elif line.amount.data <= 0:
                line.amount.errors.append("Amount must be more than £0")
        if any(line.errors for line in lines):
            raise ValidationError("Check your budget lines")

    def validate_amount_requested(self, field):
        asked = field.data
        if asked is None:
            return
        funding_round = self.application.funding_round
        if asked < funding_round.min_award:
            raise ValidationError(
                f"The amount you are asking for must be {money(funding_round.min_award, pence=False)} or more")
        if asked > funding_round.max_award:
            raise ValidationError(
                f"The amount you are asking for must be {money(funding_round.max_award, pence=False)} or less")
        total = self.lines_total()
        if self.filled_lines() and asked != total:
            raise ValidationError(
                f"The amount you are asking for ({money(asked)}) must equal the total of your budget lines "
                f"({money(total)})"
            )

    def validate_project_cost(self, field):
        if field.data is None:
            return
        if field.data <= 0:
            raise ValidationError("Total project cost must be more than £0")
        asked = self.amount_requested.data
        if asked is not None and asked > field.data:
            raise ValidationError("The amount you are asking for must not be more than the total cost of your project")
        others = (self.other_funding.data or Decimal("0")) + (self.match_funding.data or Decimal("0"))
        if asked is not None and asked + others > field.data:
            raise ValidationError(
                "Your funding from us, other funders and your organisation adds up to more than the total project cost"
            )

    def validate_other_funding(self, field):
        if field.data is not None and field.data < 0:
            raise ValidationError("Other funding must be £0 or more")

    def validate_match_funding(self, field):
        if field.data is not None and field.data < 0:
            raise ValidationError("Match funding must be £0 or more")


class OutcomeForm(Form):
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


class OutcomesForm(SectionForm):
    outcomes = FieldList(FormField(OutcomeForm), min_entries=3, max_entries=10)

    def validate_outcomes(self, field):
        filled = _typed_rows(field)
        if not filled:
            raise ValidationError("Enter at least one outcome")
        for outcome in filled:
            if not outcome.outcome.data:
                outcome.outcome.errors.append("Enter the outcome")
            if not outcome.measure.data:
                outcome.measure.errors.append("Enter how you will measure this outcome")
        if any(outcome.errors for outcome in filled):
            raise ValidationError("Check your outcomes")


class SafeguardingForm(SectionForm):
    safeguarding_policy = yes_no(
        "Does your organisation have a safeguarding policy?",
        "Select yes if your organisation has a safeguarding policy",
    )
    safeguarding_lead = StringField(
        "Who is your safeguarding lead?",
        description="Their name and role",
        widget=TextInput(),
        validators=[
            InputRequired(message="Enter the name of your safeguarding lead"),
            Length(max=200, message="Safeguarding lead must be 200 characters or fewer"),
        ],
    )
    vulnerable_people = yes_no(
        "Will your project work with children or adults at risk?",
        "Select yes if your project will work with children or adults at risk",
    )
    dbs_checks = RadioField(
        "Will the people who deliver it have the right DBS checks?",
        choices=[
            SelectChoice("yes", "Yes"),
            SelectChoice("no", "No"),
            SelectChoice("not-needed", "Not needed for this project"),
        ],
        widget=Radios(),
        validators=[InputRequired(message="Select whether the people who deliver it will have DBS checks")],
    )
    equality_policy = yes_no(
        "Does your organisation have an equality and diversity policy?",
        "Select yes if your organisation has an equality and diversity policy",
    )
    insurance = yes_no(
        "Does your organisation have public liability insurance?",
        "Select yes if your organisation has public liability insurance",
    )
    explanation = long_answer(
        "Anything you need to explain (optional)",
        "",
        200,
        "Your explanation",
        hint="For example, if you answered no to a question above, tell us what you will put in place",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.explanation.validators = [Optional(), *self.explanation.validators[1:]]

    def validate_safeguarding_policy(self, field):
        if field.data == "no":
            raise ValidationError("You must have a safeguarding policy to apply. Upload it with your documents")

    def validate_dbs_checks(self, field):
        if field.data == "no" and self.vulnerable_people.data == "yes":
            raise ValidationError("People working with children or adults at risk must have DBS checks")


class DeclarationsForm(SectionForm):
    accurate = BooleanField(
        "The information in this application is true and complete",
        widget=Checkbox(),
        validators=[InputRequired(message="Confirm that the information is true and complete")],
    )
    authorised = BooleanField(
        "I am authorised to apply on behalf of my organisation",
        widget=Checkbox(),
        validators=[InputRequired(message="Confirm that you are authorised to apply")],
    )
    conditions = BooleanField(
        "If we are offered a grant, we will use it only for this project and report on it as asked",
        widget=Checkbox(),
        validators=[InputRequired(message="Confirm that you accept the grant conditions")],
    )
    data_protection = BooleanField(
        "I have read the privacy notice and understand how our information will be used",
        widget=Checkbox(),
        validators=[InputRequired(message="Confirm that you have read the privacy notice")],
    )
    name = StringField(
        "Your full name",
        widget=TextInput(),
        validators=[
            InputRequired(message="Enter your full name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    position = StringField(
        "Your position in the organisation",
        description="For example, chair, treasurer or project manager",
        widget=TextInput(),
        validators=[
            InputRequired(message="Enter your position"),
            Length(max=200, message="Position must be 200 characters or fewer"),
        ],
    )

