"""The grantee's claims on a grant paid on claims (issue 21): start one, enter the period, the spend on
each budget line and a description, upload evidence, save as a draft, check and submit. Another
organisation's grant or claim is "not found"."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from wtforms import TextAreaField, ValidationError
from wtforms.validators import Length

from grants import uploads
from grants.blueprints.awards.offer_forms import attach
from grants.blueprints.grantee import bp
from grants.document_store import DocumentMissing
from grants.extensions import db
from grants.field_components import CharacterCount
from grants.formatting import money
from grants.forms import ConfirmForm, DateInputField, GovForm, MoneyField, submit
from grants.interfaces.applications.documents import content_disposition, discard_file, stored_file
from grants.interfaces.awards import claim_vat, claims
from grants.interfaces.awards.awarding import award_for_member, award_for_staff
from grants.models.accounts import Role
from grants.permissions import role_required

URL = "/<int:award_id>/claims/<int:claim_id>"
SAVE_AS_DRAFT = "action-draft"


class ClaimForm(GovForm):
    """A claim's period, description and evidence; a money field per budget line is added by ``claim_form``."""

    period_start = DateInputField("Start of the period the claim covers", name_for_errors="Start of the period")
    period_end = DateInputField("End of the period the claim covers", name_for_errors="End of the period")
    description = TextAreaField(
        "What was the money spent on?", widget=CharacterCount(),
        description="For example, the coordinator’s wages for May and the hall hire for the summer sessions",
        render_kw={"params": {"maxlength": claims.DESCRIPTION_MAX_CHARACTERS, "rows": 4}},
        validators=[Length(max=claims.DESCRIPTION_MAX_CHARACTERS,
                           message=f"The description must be {claims.DESCRIPTION_MAX_CHARACTERS:,} characters "
                           "or fewer")],
    )
    evidence = FileField("Upload evidence (optional)", widget=GovFileInput(),
                         description="A receipt or an invoice: PDF, DOCX, XLSX, ODT, JPG or PNG, smaller than 10MB. "
                         "Upload one file at a time; each save keeps the file chosen")
    submit = submit("Save and continue")

    upload: uploads.CheckedUpload | None = None

    def validate_evidence(self, field):
        self.upload = None
        if not getattr(field.data, "filename", None):
            return
        try:
            self.upload = uploads.check_upload(field.data.filename, field.data.stream)
        except uploads.UploadRefused as refused:
            raise ValidationError(refused.message) from None

    def line_fields(self):
        return [self[name] for name in self._fields if name.startswith("line_")]


def _positive_or_zero(form, field):
    if field.data is not None and field.data < 0:
        raise ValidationError(f"{field.name_for_errors} must be £0 or more")


def _within_spend(key: str):
    """The VAT on a line is part of its spend, so never more than it."""

    def check(form, field):
        spend = form[f"line_{key}"].data or Decimal(0)
        if field.data is not None and field.data > spend:
            raise ValidationError(f"{field.name_for_errors} must be no more than the spend on the line "
                                  f"({money(spend)})")

    return check


def claim_form(claim, **kwargs) -> ClaimForm:
    """The claim's form with one money field per budget line of the application, named "line_<key>", and
    in a round that records VAT one for the VAT within that spend, "vat_<key>"."""

    class Form(ClaimForm):
        pass

    lines = claims.budget_lines(claim.award)
    asks_vat = claim_vat.asked(claim)
    for number, line in enumerate(lines, start=1):
        hint = f"Budget: {money(line.budget)}" if line.budget is not None else "No budget was given by line"
        setattr(Form, f"line_{line.key}", MoneyField(line.label, name_for_errors=f"Spend on budget line {number}",
                                                     description=hint, validators=[_positive_or_zero]))
        if asks_vat:
            recoverable = ". Your budget says your organisation can recover this VAT" if line.vat_recoverable else ""
            setattr(Form, f"vat_{line.key}", MoneyField(
                f"VAT included in the spend on {line.label} (optional)", name_for_errors=f"VAT on budget line {number}",
                description=f"Leave it empty if there was no VAT{recoverable}",
                validators=[_positive_or_zero, _within_spend(line.key)]))
    if not kwargs.get("formdata") and request.method == "GET":
        spend, vat = claims.amounts(claim), claim_vat.vat_amounts(claim)
        kwargs.setdefault("data", {"period_start": claim.period_start, "period_end": claim.period_end,
                                   "description": claim.description}
                          | {f"line_{key}": amount for key, amount in spend.items()}
                          | {f"vat_{key}": amount for key, amount in vat.items() if amount})
    form = Form(**kwargs)
    # The page's order: the period, each line with its VAT, the description, the evidence.
    line_names = [name for line in lines for name in (f"line_{line.key}", f"vat_{line.key}") if name in form._fields]
    order = ["period_start", "period_end", *line_names, "description", "evidence"]
    form._fields = {name: form._fields[name] for name in order} | {
        k: v for k, v in form._fields.items() if k not in order}
    return form


@bp.app_template_global("award_claims")
def award_claims(award) -> list:
    """The award's claims, for the award pages of the grantee and of staff."""
    return claims.claims_of(award)


def _award(award_id: int):
    return award_for_member(current_user, award_id)


def _claim(award_id: int, claim_id: int):
    return claims.claim_of(_award(award_id), claim_id)


def _claim_url(claim) -> str:
    return url_for("grantee.claim", award_id=claim.award_id, claim_id=claim.id)


@bp.route("/<int:award_id>/claims", methods=["POST"])
@role_required(Role.APPLICANT)
def start_claim(award_id: int):
    award = _award(award_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        claim = claims.start_claim(award, current_user._get_current_object())
    except claims.ClaimError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("grantee.show", award_id=award.id))
    return redirect(_claim_url(claim))


@bp.route(URL, methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def claim(award_id: int, claim_id: int):
    claim = _claim(award_id, claim_id)
    if claim.status not in claims.EDITABLE:
        return render_template("grantee/claim_view.html", claim=claim, award=claim.award,
                               lines=claims.line_rows(claim))
    form = claim_form(claim)
    if form.validate_on_submit():
        user = current_user._get_current_object()
        spend = {name.removeprefix("line_"): field.data for name, field in form._fields.items()
                 if name.startswith("line_")}
        vat = {name.removeprefix("vat_"): field.data for name, field in form._fields.items()
               if name.startswith("vat_")}
        try:
            claims.save_claim(claim, form.period_start.data, form.period_end.data, spend, form.description.data or "",
                              user, vat=vat)
            if form.upload is not None:
                with stored_file(form.upload) as stored_name:
                    claims.add_evidence(claim, form.upload, stored_name, user)
                    # Committed here, inside the block, so that the file is removed again if the commit
                    # fails (no file without its row).
                    db.session.commit()
        except claims.ClaimError as refused:
            db.session.rollback()
            attach(form, refused)
        else:
            if SAVE_AS_DRAFT in request.form:
                flash(f"Claim {claim.number} has been saved. You can come back to it at any time", "success")
                return redirect(url_for("grantee.show", award_id=claim.award_id, _anchor="claims"))
            if form.upload is not None:
                flash(f"{form.upload.display_name} has been uploaded", "success")
                return redirect(_claim_url(claim))
            return redirect(url_for("grantee.claim_check", award_id=claim.award_id, claim_id=claim.id))
        added = None
    else:
        added = _keep_evidence(claim, form) if form.is_submitted() else None
    return render_template("grantee/claim.html", claim=claim, award=claim.award, form=form, added=added,
                           asks_vat=claim_vat.asked(claim),
                           tolerance=claim.award.funding_round.claim_tolerance_percent,
                           before=claims.claimed_before(claim.award, claim))


def _keep_evidence(claim, form) -> str | None:
    """When another field of the form has a mistake but the file of evidence chosen is valid, keep the
    file against the claim, so that the grantee need not choose it again: browsers never fill a file
    input in again. The file's name when it was kept (the rest of the form is not saved)."""
    upload = form.upload
    if upload is None or form.evidence.errors or form.csrf_token.errors:
        return None
    try:
        with stored_file(upload) as stored_name:
            claims.add_evidence(claim, upload, stored_name, current_user._get_current_object())
            db.session.commit()  # inside the block: a failed commit removes the file again
    except claims.ClaimError as refused:
        db.session.rollback()
        attach(form, refused)
        return None
    return upload.display_name


def _check_page(claim, problems, submit_failed: bool = False):
    return render_template("grantee/claim_check.html", claim=claim, award=claim.award, problems=problems,
                           submit_failed=submit_failed, lines=claims.line_rows(claim), form=ConfirmForm())


@bp.route(URL + "/check")
@role_required(Role.APPLICANT)
def claim_check(award_id: int, claim_id: int):
    claim = _claim(award_id, claim_id)
    if claim.status not in claims.EDITABLE:
        return redirect(_claim_url(claim))
    return _check_page(claim, claims.problems(claim))


@bp.route(URL + "/submit", methods=["POST"])
@role_required(Role.APPLICANT)
def submit_claim(award_id: int, claim_id: int):
    claim = _claim(award_id, claim_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if claim.status not in claims.EDITABLE:  # a second click: the first submission stands
        return redirect(_claim_url(claim))
    try:
        claims.submit_claim(claim, current_user._get_current_object())
    except claims.ClaimError:
        db.session.rollback()
        return _check_page(claim, claims.problems(claim), submit_failed=True)
    _tell_officer(claim)
    flash(f"Claim {claim.number} of {money(claim.total)} has been submitted. Your grants officer will check it",
          "success")
    return redirect(url_for("grantee.show", award_id=claim.award_id, _anchor="claims"))


def _tell_officer(claim) -> None:
    from grants.email_templates import send_template
    from grants.interfaces.awards.management_emails import claim_submitted_values

    officer = claim.award.officer
    if officer is None or not officer.active:
        return  # the grants team sees it on the award page
    send_template("claim_submitted", officer.email, claim_submitted_values(claim, officer))


@bp.route(URL + "/evidence/<int:evidence_id>/remove", methods=["POST"])
@role_required(Role.APPLICANT)
def remove_claim_evidence(award_id: int, claim_id: int, evidence_id: int):
    claim = _claim(award_id, claim_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    document = claims.evidence_of(claim, evidence_id)
    name = document.original_filename
    try:
        stored_name = claims.remove_evidence(claim, document, current_user._get_current_object())
    except claims.ClaimError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(_claim_url(claim))
    db.session.commit()  # the row goes first: the file is removed only once that is committed
    discard_file(stored_name)
    flash(f"{name} has been removed", "success")
    return redirect(_claim_url(claim))


@bp.route(URL + "/evidence/<int:evidence_id>")
@role_required(Role.APPLICANT, Role.GRANTS_OFFICER, Role.FINANCE_OFFICER, Role.ADMIN)
def claim_evidence(award_id: int, claim_id: int, evidence_id: int):
    """A file of evidence, for the grantee's members and for staff, as a private download."""
    if current_user.has_role(Role.GRANTS_OFFICER, Role.FINANCE_OFFICER, Role.ADMIN):
        claim = claims.claim_of(award_for_staff(award_id), claim_id)
    else:
        claim = _claim(award_id, claim_id)
    document = claims.evidence_of(claim, evidence_id)
    try:
        stream = claims.open_evidence(document)
    except DocumentMissing:
        current_app.logger.error("Evidence %s of claim %s has no file", document.id, claim.id)
        abort(404)
    response = send_file(stream, mimetype=claims.served_content_type(document), conditional=False, etag=False)
    response.headers["Content-Disposition"] = content_disposition(document.original_filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
