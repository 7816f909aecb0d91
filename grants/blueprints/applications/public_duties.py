"""The applicant's subsidy-control section (Subsidy Control Act 2022) and the optional mark of what
it considers confidential (Freedom of Information Act 2000): two fixed tasks beside the round's own
form sections (see ``grants.interfaces.subsidy.declaration`` and ``.confidentiality``)."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import BooleanField, FieldList, Form, FormField, RadioField, StringField, TextAreaField, ValidationError
from wtforms.validators import Length

from grants.blueprints.applications import bp
from grants.field_components import CharacterCount, Checkbox, Radios, TextInput
from grants.formatting import london_today, long_date
from grants.forms import DateInputField, GovForm, MoneyField, SelectChoice, add_error, submit
from grants.interfaces.applications.questions import raw_answers, to_formdata
from grants.interfaces.applications.submission import application_for_member
from grants.interfaces.subsidy import confidentiality
from grants.interfaces.subsidy import declaration as declarations
from grants.interfaces.subsidy.declaration import Declaration, DeclaredAmount
from grants.models.accounts import Role
from grants.models.subsidy import AssistanceKind
from grants.permissions import role_required

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
KIND_CHOICES = [SelectChoice(kind.value, kind.label) for kind in AssistanceKind]
ADD_ROW = "action-add-amounts"
GIVER_MAX_CHARACTERS = 200


class AmountRowForm(Form):
    """One amount of assistance. A row left empty is ignored."""

    giver = StringField("Who gave it", description="The public body, for example a council or a government "
                        "department", widget=TextInput())
    given_on = DateInputField("Date it was given", name_for_errors="Date of assistance",
                              description="The date of the letter that gave it, for example 27 3 2026")
    amount = MoneyField("Amount", name_for_errors="Amount of assistance")
    kind = RadioField("Kind of assistance", choices=KIND_CHOICES, widget=Radios(), validate_choice=False)

    @property
    def number(self) -> int:
        prefix: str = self._prefix  # type: ignore[attr-defined]  # BaseForm's, which the stubs leave out
        return int(prefix.rstrip("-").rsplit("-", 1)[-1]) + 1

    def is_blank(self) -> bool:
        return (not (self.giver.data or "").strip() and not (getattr(self.amount, "raw_text", "") or "").strip()
                and not self.given_on.raw_data and not self.kind.data)

    def checked(self, today: date) -> DeclaredAmount | None:
        """The row's amount of assistance, or None with its problems added to its fields."""
        number = self.number
        giver = (self.giver.data or "").strip()
        if not giver:
            add_error(self.giver, f"Enter who gave assistance {number}")
        elif len(giver) > GIVER_MAX_CHARACTERS:
            add_error(self.giver, f"Who gave assistance {number} must be {GIVER_MAX_CHARACTERS} characters or fewer")
        if self.given_on.data is None and not self.given_on.errors:
            add_error(self.given_on, f"Enter the date assistance {number} was given")
        elif self.given_on.data is not None and (problem := declarations.date_problem(self.given_on.data, today,
                                                                                      number)):
            add_error(self.given_on, problem)
        if self.amount.data is None and not self.amount.errors:
            add_error(self.amount, f"Enter the amount of assistance {number}")
        elif self.amount.data is not None and self.amount.data <= 0:
            add_error(self.amount, f"Amount of assistance {number} must be more than £0")
        if self.kind.data not in {kind.value for kind in AssistanceKind}:
            add_error(self.kind, f"Select the kind of assistance {number}")
        if self.giver.errors or self.given_on.errors or self.amount.errors or self.kind.errors:
            return None
        assert self.given_on.data is not None and self.amount.data is not None
        return DeclaredAmount(giver, self.given_on.data, self.amount.data, AssistanceKind(self.kind.data))


ECONOMIC_HINT = (
    "An economic activity is offering goods or services in a market, where others could offer them too and "
    "someone pays for them (for example, selling training, running a café or providing services under "
    "contract). Free support to victims, volunteering and awareness work paid for by grants are usually not "
    "economic activity."
)
# What trading means for a charity: most of its work is not, and a purely charitable project says "No".
CHARITY_ECONOMIC_HINT = (
    "A charity trades when it sells goods or services in a market (for example, running a shop or café, or "
    "selling training), charges people or organisations for its services, or delivers services under a "
    "contract. If your project is purely charitable and free of charge to the people it helps, answer ‘No’: "
    "you will not be asked about any amounts."
)


class SubsidyControlForm(GovForm):
    economic = RadioField(
        "Does your organisation trade, or is the project an economic activity?",
        description=ECONOMIC_HINT,
        choices=YES_NO, widget=Radios(), validate_choice=False,
    )
    amounts = FieldList(FormField(AmountRowForm), min_entries=1, max_entries=declarations.MAX_AMOUNTS)
    complete_list = BooleanField(
        "I confirm this is every amount of minimal financial assistance and SPEI assistance my organisation "
        "has had in this financial year and the two before it (or that it has had none)",
        widget=Checkbox(),
    )
    submit = submit("Save and continue")

    def validate_economic(self, field):
        if field.data not in {"yes", "no"}:
            raise ValidationError("Select yes if your organisation trades or the project is an economic activity")

    def ignore_amounts(self) -> None:
        for entry in self.amounts.entries:
            for field in entry.form:
                field.errors = []
        self.amounts.errors = []
        self.complete_list.errors = []

    def declaration(self, today) -> Declaration | None:
        """The clean declaration, or None with the field errors added."""
        if self.economic.data == "no":
            return Declaration(economic=False, amounts=())
        if self.economic.data != "yes":
            return None
        rows, good = [], True
        for entry in self.amounts.entries:
            row: AmountRowForm = entry.form
            if row.is_blank():
                continue
            checked = row.checked(today)
            good = good and checked is not None
            if checked is not None:
                rows.append(checked)
        # The list's own errors are gathered when it validates: gather them again with the rows' new ones.
        self.amounts.errors = [entry.errors for entry in self.amounts.entries if entry.errors]
        if not self.complete_list.data:
            add_error(self.complete_list, "Confirm that you have listed all the assistance your organisation has had")
            good = False
        return Declaration(economic=True, amounts=tuple(rows)) if good else None


class ConfidentialityForm(GovForm):
    confidential = RadioField(
        "Is there information in your application that you consider confidential?",
        description="For example, details of people you support, or commercially sensitive prices",
        choices=YES_NO, widget=Radios(), validate_choice=False,
    )
    details = TextAreaField(
        "What information, and why you consider it confidential",
        description="Name the sections or answers, and say what harm disclosing them could do",
        widget=CharacterCount(),
        render_kw={"params": {"maxlength": confidentiality.DETAILS_MAX_CHARACTERS, "rows": 5}},
        validators=[Length(max=confidentiality.DETAILS_MAX_CHARACTERS,
                           message=f"Your answer must be {confidentiality.DETAILS_MAX_CHARACTERS:,} characters "
                           "or fewer")],
    )
    submit = submit("Save and continue")

    def validate_confidential(self, field):
        if field.data not in {"yes", "no"}:
            raise ValidationError("Select yes if there is information you consider confidential")

    def validate_details(self, field):
        if self.confidential.data == "yes" and not (field.data or "").strip():
            raise ValidationError("Say what information you consider confidential and why")


def _draft(application_id: int):
    """The lead organisation's draft (a partner's contact gets 404); a submitted one goes back to the
    task list, which shows it."""
    return application_for_member(current_user, application_id, lead_only=True)


@bp.app_context_processor
def _public_duties():
    # For the task list, check-answers and the staff's application page.
    return {
        "subsidy_declaration": declarations.declaration,
        "subsidy_section_status": declarations.status,
        "subsidy_section_required": declarations.required,
        "confidential_information": confidentiality.marked,
        "confidentiality_answered": confidentiality.answered,
    }


@bp.route("/<int:application_id>/subsidy-control", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def subsidy_control(application_id: int):
    application = _draft(application_id)
    if not declarations.applies(application):
        abort(404)
    if not application.is_editable:
        flash("This application has been submitted and can no longer be changed", "info")
        return redirect(url_for("applications.task_list", application_id=application.id))
    today = london_today()
    if request.method == "POST":  # the CSRF token is checked before the view (CSRFProtect)
        form = SubsidyControlForm()
        declared = None
        if ADD_ROW in request.form:  # a no-JavaScript "Add another": the page again, with an empty row
            if len(form.amounts.entries) < declarations.MAX_AMOUNTS:
                form.amounts.append_entry()
        else:
            valid = form.validate()
            if form.economic.data == "no":  # the amounts are not asked for: what is in them does not matter
                form.ignore_amounts()
                valid = not form.errors
            declared = form.declaration(today)  # every row's problems in the summary at once
            declared = declared if valid else None
        # Kept as typed, valid or not: the section is complete only with a valid declaration.
        declarations.save(application, raw_answers(request.form), declared, current_user)
        if declared is not None:
            return redirect(url_for("applications.task_list", application_id=application.id))
    else:
        typed = declarations.typed(application)
        form = SubsidyControlForm(formdata=to_formdata(typed), meta={"csrf": False}) if typed else SubsidyControlForm()
    if declarations.is_charity(application):
        form.economic.description = CHARITY_ECONOMIC_HINT
    return render_template("applications/subsidy_control.html", application=application, form=form,
                           window_start=long_date(declarations.window_start(today)))


@bp.route("/<int:application_id>/confidentiality", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def confidentiality_section(application_id: int):
    application = _draft(application_id)
    if not application.is_editable:
        flash("This application has been submitted and can no longer be changed", "info")
        return redirect(url_for("applications.task_list", application_id=application.id))
    saved = confidentiality.answers(application)
    form = ConfidentialityForm(data=None if request.method == "POST" else saved)
    if form.validate_on_submit():
        confidentiality.save(application, form.confidential.data == "yes", form.details.data or "", current_user)
        return redirect(url_for("applications.check", application_id=application.id))
    return render_template("applications/confidentiality.html", application=application, form=form)
