"""The thread on an application (and its grant), its attachments, and the grants team's list of threads."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf.file import MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from wtforms import TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length

from grants import uploads
from grants.blueprints.messages import bp
from grants.document_store import DocumentMissing
from grants.extensions import db
from grants.field_components import CharacterCount
from grants.forms import GovForm, add_error, page_arg, required, submit
from grants.interfaces.applications.documents import content_disposition, file_description
from grants.interfaces.applications.submission import APPLICATION_STAFF
from grants.interfaces.messages import threads
from grants.models.accounts import Role
from grants.models.applications import Application
from grants.permissions import role_required

THREAD_ROLES = (Role.APPLICANT, *APPLICATION_STAFF)


class MessageForm(GovForm):
    body = TextAreaField(
        "Your message",
        widget=CharacterCount(),
        validators=[DataRequired(message=threads.EMPTY_BODY),
                    Length(max=threads.MAX_BODY_CHARACTERS, message=threads.LONG_BODY)],
    )
    attachments = MultipleFileField(
        "Attach files (optional)",
        description=f"Up to {threads.MAX_ATTACHMENTS} files: PDF, DOCX, XLSX, ODT, JPG or PNG, each smaller than 10MB",
        widget=GovFileInput(multiple=True),
    )
    submit = submit("Send message")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.uploads: list[uploads.CheckedUpload] = []

    def validate_attachments(self, field):
        chosen = [file for file in field.data or [] if file and file.filename]
        try:
            self.uploads = threads.checked_attachments([(file.filename, file.stream) for file in chosen])
        except threads.MessageRefused as refused:
            raise ValidationError(refused.message) from None


def _back(application: Application) -> tuple[str, str]:
    """Where the thread's back link goes: the grant if there is one, else the application."""
    award = threads.award_of(application)
    if threads.is_staff(current_user):
        if award is not None:
            return url_for("awards.show", award_id=award.id), "Back to the grant"
        return url_for("screening.application", application_id=application.id), "Back to the application"
    if award is not None:
        return url_for("grantee.show", award_id=award.id), "Back to your grant"
    return url_for("applications.task_list", application_id=application.id), "Back to your application"


@bp.route("/applications/<int:application_id>", methods=["GET", "POST"])
@role_required(*THREAD_ROLES)
def thread(application_id: int):
    application = threads.application_for_thread(current_user, application_id)
    user = current_user._get_current_object()
    form = MessageForm()
    if form.validate_on_submit():
        try:
            with threads.posting(application, user, required(form.body.data), form.uploads) as message:
                # Committed here, inside the block, so that the stored files are removed again if the
                # commit fails (no file without its message).
                db.session.commit()
        except threads.MessageRefused as refused:
            db.session.rollback()
            add_error(form.body if refused.field == "body" else form.attachments, refused.message)
        else:
            flash("Your message has been sent", "success")
            return redirect(url_for("messages.thread", application_id=application.id, _anchor=f"message-{message.id}"))
    messages = threads.thread(application)
    read_up_to = threads.last_read(application, user)
    if messages and request.method == "GET":
        threads.mark_read(application, user, up_to=messages[-1].id)
    back_href, back_text = _back(application)
    return render_template(
        "messages/thread.html",
        application=application,
        messages=messages,
        new_ids={message.id for message in messages if threads.is_new(message, user, read_up_to)},
        form=form,
        accept=uploads.ACCEPT,
        file_size=file_description,
        max_characters=threads.MAX_BODY_CHARACTERS,
        staff=threads.is_staff(user),
        back_href=back_href,
        back_text=back_text,
    )


@bp.route("/applications/<int:application_id>/attachments/<int:attachment_id>")
@role_required(*THREAD_ROLES)
def attachment(application_id: int, attachment_id: int):
    application = threads.application_for_thread(current_user, application_id)
    found = threads.attachment_for(application, attachment_id)
    try:
        stream = threads.open_attachment(found)
    except DocumentMissing:
        current_app.logger.error("Attachment %s of application %s has no file", found.id, application.id)
        abort(404)
    response = send_file(stream, mimetype=threads.served_content_type(found), conditional=False, etag=False)
    response.headers["Content-Disposition"] = content_disposition(found.original_filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/")
@role_required(*APPLICATION_STAFF)
def index():
    only_new = request.args.get("new") == "1"
    user = current_user._get_current_object()
    results, summaries = threads.threads_for_staff(user, page_arg(), only_new=only_new)
    return render_template("messages/index.html", results=results, summaries=summaries, only_new=only_new,
                           with_new=threads.threads_with_new(user))


@bp.app_context_processor
def thread_links():
    return {"message_thread": message_thread}


def message_thread(application: Application | None) -> dict | None:
    """For the application and grant pages: the thread's address and how many of its messages are new
    to the signed-in user, or None when they may not see it (a draft, a partner's contact, panel...)."""
    if not current_user.is_authenticated or not threads.may_see(current_user, application):
        return None
    assert application is not None
    return {"href": url_for("messages.thread", application_id=application.id),
            "new": threads.new_count(application, current_user)}
