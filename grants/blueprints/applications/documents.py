"""Supporting documents: upload, list, download, delete."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from wtforms import RadioField, ValidationError
from wtforms.validators import InputRequired

from grants import uploads
from grants.blueprints.applications import bp
from grants.document_store import DocumentMissing
from grants.extensions import db
from grants.field_components import Radios
from grants.forms import GovForm, SelectChoice, required, submit
from grants.interfaces.applications import documents as docs
from grants.interfaces.applications.submission import application_for, application_for_member
from grants.models.accounts import Role
from grants.models.applications import DocumentKind
from grants.permissions import role_required


class DocumentForm(GovForm):
    kind = RadioField(
        "What is the document?",
        choices=[SelectChoice(kind.value, kind.label) for kind in DocumentKind],
        widget=Radios(),
        validate_choice=False,  # validate_kind answers in GOV.UK words
        validators=[InputRequired(message="Select what the document is")],
    )
    file = FileField(
        "Upload a file",
        description="PDF, DOCX, XLSX, ODT, JPG or PNG, smaller than 10MB",
        widget=GovFileInput(),
        validators=[FileRequired(message="Select a file")],
    )
    submit = submit("Upload document")

    def __init__(self, *args, has_room: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_room = has_room
        self.upload: uploads.CheckedUpload | None = None

    def validate_kind(self, field):
        if field.data not in {kind.value for kind in DocumentKind}:
            raise ValidationError("Select what the document is")

    def validate_file(self, field):
        if not self.has_room:
            raise ValidationError(docs.TOO_MANY)
        try:
            self.upload = uploads.check_upload(field.data.filename, field.data.stream)
        except uploads.UploadRefused as refused:
            raise ValidationError(refused.message) from None


@bp.route("/<int:application_id>/documents", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def documents(application_id: int):
    application = application_for_member(current_user, application_id, lead_only=False)
    form = DocumentForm(has_room=docs.has_room(application))
    if form.is_submitted() and not application.is_editable:
        flash(docs.NOT_A_DRAFT, "error")
        return redirect(url_for("applications.documents", application_id=application.id))
    if form.validate_on_submit():
        upload = required(form.upload)  # set by validate_file
        try:
            with docs.stored_file(upload) as stored_name:
                document = docs.add_document(
                    application,
                    DocumentKind(form.kind.data),
                    upload,
                    stored_name,
                    current_user._get_current_object(),
                )
                # Committed here, not after the request: inside the block, so that the file is removed
                # again if the commit fails (no file without its row).
                db.session.commit()
        except docs.DocumentsLocked as locked:
            db.session.rollback()
            flash(str(locked), "error")
        else:
            flash(f"{document.original_filename} has been uploaded", "success")
        return redirect(url_for("applications.documents", application_id=application.id))
    return render_template(
        "applications/documents.html",
        application=application,
        form=form if application.is_editable else None,
        missing=docs.missing_documents(application),
        file_description=docs.file_description,
        accept=uploads.ACCEPT,
    )


@bp.route("/<int:application_id>/documents/<int:document_id>/delete", methods=["POST"])
@role_required(Role.APPLICANT)
def delete_document(application_id: int, document_id: int):
    application = application_for_member(current_user, application_id, lead_only=False)
    document = docs.document_for(application, document_id)
    name = document.original_filename
    try:
        stored_name = docs.delete_document(application, document, current_user._get_current_object())
    except docs.DocumentsLocked as locked:
        db.session.rollback()
        flash(str(locked), "error")
    else:
        # Committed here, not after the request: the file is discarded only once the row is gone for good.
        db.session.commit()
        docs.discard_file(stored_name)
        flash(f"{name} has been deleted", "success")
    return redirect(url_for("applications.documents", application_id=application.id))


@bp.route("/<int:application_id>/documents/<int:document_id>")
@role_required(Role.APPLICANT, Role.GRANTS_OFFICER, Role.ADMIN)
def download_document(application_id: int, document_id: int):
    application = application_for(current_user, application_id, lead_only=False)
    return document_response(docs.document_for(application, document_id))


def document_response(document):
    """The stored file as a private download (never shown inline, never cached)."""
    try:
        stream = docs.open_document(document)
    except DocumentMissing:
        current_app.logger.error("Document %s of application %s has no file", document.id, document.application_id)
        abort(404)
    response = send_file(stream, mimetype=docs.served_content_type(document), conditional=False, etag=False)
    response.headers["Content-Disposition"] = docs.content_disposition(document.original_filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
