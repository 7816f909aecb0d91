"""Importing a form from a JSON file on the builder's page: ``versions.import_json`` checks the whole
document and names every problem, listed here in the error summary; nothing is saved unless the whole
document is valid. The file is read by its content (JSON text of at most 1 MB), never by its name or the
type the browser gives. After the round opens, only an administrator may import, giving a reason."""

from __future__ import annotations

import re

from flask import flash, redirect, render_template
from werkzeug.datastructures import FileStorage

from grants.blueprints.round_forms import bp
from grants.blueprints.round_forms.builder import FORM_URL, builder, refuse_frozen, signed_in, validated
from grants.blueprints.round_forms.forms import ImportForm
from grants.extensions import db
from grants.form_definitions import FormDefinitionError, Problem
from grants.forms import add_error
from grants.interfaces.round_forms import versions
from grants.interfaces.rounds import funding_rounds as rounds
from grants.permissions import role_required

MAX_BYTES = 1024 * 1024  # 1 MB: the standard application form is about 20 KB
NAME_MAX = 100  # characters of the file's name repeated back
_PART = re.compile(r"(\w+)\[(\d+)\]")


def place_words(where: str) -> str:
    """Where a problem is, in words: "form" is the whole file, an id is itself, and a JSON path is
    counted from 1 ("sections[0].questions[2].limits" → "Section 1, question 3, limits")."""
    if where == "form":
        return "The file"
    words = []
    for part in where.split("."):
        numbered = _PART.fullmatch(part)
        if numbered is None:
            words.append(part)
        else:
            name = numbered.group(1).removesuffix("s")
            words.append(f"{name} {int(numbered.group(2)) + 1}")
    if len(words) == 1:
        return where  # a section's or a question's id, as the file writes it
    text = ", ".join(words)
    return text[:1].upper() + text[1:]


def problem_words(problem: Problem) -> str:
    """A problem of the file as "where: message"."""
    message = problem.message
    if problem.where == "form" and message.startswith("the file "):
        return message[:1].upper() + message[1:]  # "The file is not JSON: …" says where already
    return f"{place_words(problem.where)}: {message}"


def file_name(upload: FileStorage) -> str:
    """The uploaded file's own name, without any folders a browser sent, shortened if long."""
    name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (name[:NAME_MAX] + "…") if len(name) > NAME_MAX else (name or "the file")


@bp.route(f"{FORM_URL}/import", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def import_form(round_id: int, kind: str):
    b = builder(round_id, kind)
    if not b.editable:
        return refuse_frozen(b)
    form = ImportForm()
    if validated(b, form):
        upload: FileStorage = form.file.data
        content = upload.stream.read(MAX_BYTES + 1)
        if not content:
            add_error(form.file, "The selected file is empty")
        elif len(content) > MAX_BYTES:
            add_error(form.file, "The selected file must be 1 MB or smaller")
        else:
            try:
                row = versions.import_json(b.funding_round, b.kind, content, signed_in(), reason=form.reason.data)
                db.session.flush()  # now, so that a conflict is refused below in words; the request commits after
            except FormDefinitionError as error:
                db.session.rollback()
                form.form_errors.extend((problem_words(problem), form.file.id) for problem in error.problems)
            except versions.FormFrozen as frozen:
                db.session.rollback()
                if not b.admin:
                    flash(str(frozen), "error")
                    return redirect(b.url())
                add_error(form.reason, str(frozen))
            except versions.RoundFormProblem as problem:  # another kind of form, or a save at the same time
                db.session.rollback()
                add_error(form.file, str(problem))
            else:
                flash(f"Version {row.version} imported from {file_name(upload)}", "success")
                return redirect(b.url())
    return render_template("round_forms/import.html", b=b, form=form, max_mb=MAX_BYTES // (1024 * 1024))
