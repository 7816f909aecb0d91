"""A slow export is asked for with a POST, made by a job, and downloaded from its own page by the
person who asked (grants.interfaces.downloads)."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, url_for
from flask_login import current_user

from grants.blueprints.downloads import bp
from grants.extensions import db
from grants.forms import ConfirmForm
from grants.interfaces import downloads
from grants.permissions import role_required


@bp.route("/")
@role_required(*downloads.DOWNLOADERS)
def index():
    return render_template("downloads/index.html", files=downloads.files_of(current_user), kinds=downloads.KINDS)


@bp.route("/ask/<export_key>", methods=["POST"])
@role_required(*downloads.DOWNLOADERS)
def ask(export_key: str):
    export = downloads.kind_for(current_user, export_key)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    made = downloads.ask(export, current_user._get_current_object())
    db.session.commit()
    return redirect(url_for("downloads.show", export_id=made.id))


@bp.route("/<int:export_id>")
@role_required(*downloads.DOWNLOADERS)
def show(export_id: int):
    made = downloads.file_for(current_user, export_id)
    return render_template("downloads/show.html", made=made, export=downloads.KINDS[made.kind], form=ConfirmForm())


@bp.route("/<int:export_id>/file")
@role_required(*downloads.DOWNLOADERS)
def file(export_id: int):
    made = downloads.file_for(current_user, export_id)
    if made.status != downloads.READY or not made.filename:
        abort(404)
    response = Response(downloads.content_of(made), mimetype=made.content_type or "application/octet-stream")
    response.headers["Content-Disposition"] = f"attachment; filename={made.filename}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
