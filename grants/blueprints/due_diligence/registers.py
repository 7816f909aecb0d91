"""The registers' published files, for administrators: which extracts the checks read, and importing a
new one. A browser upload takes files up to the service's upload limit (a sample, a zipped
Charity Commission extract of that size); the full files, Companies House's 2.5 GB above all, are
imported on the server with ``flask registers import``, which reads them as a stream."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from grants.blueprints.due_diligence import bp
from grants.blueprints.due_diligence.forms import RegisterImportForm
from grants.extensions import db
from grants.forms import add_error
from grants.interfaces.due_diligence import importing, registers
from grants.models.accounts import Role
from grants.models.due_diligence import Register
from grants.permissions import role_required
from grants.uploads import safe_display_name


@bp.route("/registers", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def registers_page():
    form = RegisterImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        filename = safe_display_name(upload.filename)
        register = Register(form.register.data)
        try:
            if register is Register.CHARITY:
                extract = importing.import_charity_extract(upload.stream, filename, current_user._get_current_object())
            else:
                extract = importing.import_company_data(upload.stream, filename, form.extract_date.data,
                                                        current_user._get_current_object())
        except importing.RegisterFileProblem as problem:
            db.session.rollback()
            add_error(form.extract_date if str(problem).startswith("Enter the date") else form.file, str(problem))
        else:
            flash(f"{register.label} imported from {extract.filename}: {extract.row_count:,} entries", "success")
            return redirect(url_for("due_diligence.registers_page"))
    return render_template(
        "due_diligence/registers.html", form=form, history=registers.extract_history(),
        latest={register: registers.latest_extract(register) for register in Register},
        upload_limit_mb=(current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024),
    )
