"""Applicants answer grants officers' clarification questions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from grants.blueprints.applications import bp
from grants.blueprints.screening.forms import without_nul
from grants.field_components import CharacterCount
from grants.forms import GovForm, required, submit
from grants.interfaces.applications.submission import application_for_member
from grants.interfaces.screening import applications as screening
from grants.models.accounts import Role
from grants.permissions import role_required


class ClarificationAnswerForm(GovForm):
    answer = TextAreaField(
        "Your answer",
        widget=CharacterCount(),
        filters=[without_nul],
        render_kw={"params": {"maxlength": screening.ANSWER_MAX_CHARACTERS}},
        # DataRequired, not InputRequired: an answer of only spaces is no answer.
        validators=[
            DataRequired(message="Enter your answer"),
            Length(
                max=screening.ANSWER_MAX_CHARACTERS,
                message=f"Answer must be {screening.ANSWER_MAX_CHARACTERS:,} characters or fewer",
            ),
        ],
    )
    submit = submit("Send answer")


@bp.route("/<int:application_id>/clarifications/<int:clarification_id>", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def clarification(application_id: int, clarification_id: int):
    application = application_for_member(current_user, application_id)
    question = screening.clarification_for(application, clarification_id)
    # Answers are read-only once given, and not asked for once the application has left screening.
    open_to_answer = question.answered_at is None and application.status in screening.CLARIFIABLE
    here = url_for("applications.clarification", application_id=application.id, clarification_id=question.id)
    if request.method == "POST" and not open_to_answer:
        flash("This question has already been answered" if question.answered_at else
              f"This question can no longer be answered: the application is {application.status.label.lower()}", "info")
        return redirect(here)
    form = ClarificationAnswerForm()
    if form.validate_on_submit():
        if screening.answer_clarification(question, required(form.answer.data), current_user._get_current_object()):
            flash("Your answer has been sent to the grants team", "success")
        else:
            flash("This question has already been answered", "info")
        return redirect(here)
    return render_template(
        "applications/clarification.html",
        application=application,
        clarification=question,
        form=form if open_to_answer else None,
        application_link=url_for("applications.task_list", application_id=application.id),
    )
