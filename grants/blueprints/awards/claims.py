"""The grants officer checks a claim on a grant paid on claims (issue 21): the lines against their
budgets and what was claimed before, the evidence, then accept (the claim becomes an instalment due for
finance), return for changes or reject, with a note. The grantee is emailed the outcome."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import RadioField, TextAreaField, ValidationError
from wtforms.validators import Length

from grants.blueprints.awards import bp
from grants.blueprints.awards.offer_forms import attach
from grants.extensions import db
from grants.field_components import CharacterCount, Radios
from grants.formatting import money
from grants.forms import GovForm, SelectChoice, page_arg, submit
from grants.interfaces.awards import claim_vat, claims, claims_queue
from grants.interfaces.awards.awarding import AWARD_MANAGERS, AWARD_VIEWERS, award_for_staff
from grants.interfaces.awards.payments import PAYMENT_VIEWERS
from grants.permissions import role_required

URL = "/<int:award_id>/claims/<int:claim_id>"
DECISIONS = [SelectChoice("accept", "Accept: the claim is paid as claimed"),
             SelectChoice("return", "Return it for changes"),
             SelectChoice("reject", "Reject it: it will not be paid")]


class CheckForm(GovForm):
    decision = RadioField("What is your decision?", choices=DECISIONS, widget=Radios(), validate_choice=False)
    note = TextAreaField(
        "Note to the grantee", widget=CharacterCount(),
        description="Needed to return or reject the claim: say what to change, or why it is rejected. "
        "The grantee is emailed it",
        render_kw={"params": {"maxlength": claims.NOTE_MAX_CHARACTERS, "rows": 4}},
        validators=[Length(max=claims.NOTE_MAX_CHARACTERS,
                           message=f"The note must be {claims.NOTE_MAX_CHARACTERS:,} characters or fewer")],
    )
    submit = submit("Save decision")

    def validate_decision(self, field):
        if field.data not in {choice.value for choice in DECISIONS}:
            raise ValidationError("Select whether to accept, return or reject the claim")


@bp.app_template_global("claims_paid_as_instalments")
def claims_paid_as_instalments() -> dict[int, int]:
    """{instalment id: claim number} of the accepted claims, so that finance's queue says which
    instalments are claims (one query for the page)."""
    return claims.claim_numbers_by_instalment()


@bp.route("/claims", endpoint="claims")
@role_required(*PAYMENT_VIEWERS)  # those who see the payments queue see the claims that feed it
def claims_list():
    status = claims_queue.status_choice(request.args.get("status"))
    return render_template("awards/claims.html", status=status, statuses=claims_queue.LISTED_STATUSES,
                           results=claims_queue.staff_claims(status, page_arg()))


def _claim(award_id: int, claim_id: int):
    return claims.claim_of(award_for_staff(award_id), claim_id)


@bp.app_template_global("claim_vat")
def claim_vat_text(claim) -> str | None:
    """The claim's total with and without VAT, in the round's order, with the VAT the organisation can
    recover; None when the round does not record VAT."""
    return claim_vat.described(claim, claims.budget_lines(claim.award))


def _page(claim, form):
    _, before_total = claims.claimed_before(claim.award, claim)
    return render_template("awards/claim.html", claim=claim, award=claim.award, form=form,
                           lines=claims.line_rows(claim),
                           before_total=before_total,
                           problems=claims.problems(claim) if claim.status.value == "submitted" else [],
                           can_check=current_user.has_role(*AWARD_MANAGERS) and claim.status.value == "submitted")


@bp.route(URL)
@role_required(*AWARD_VIEWERS)
def claim(award_id: int, claim_id: int):
    return _page(_claim(award_id, claim_id), CheckForm(formdata=None))


@bp.route(URL, methods=["POST"])
@role_required(*AWARD_MANAGERS)
def check_claim(award_id: int, claim_id: int):
    claim = _claim(award_id, claim_id)
    form = CheckForm()
    if form.validate_on_submit():
        officer = current_user._get_current_object()
        try:
            if form.decision.data == "accept":
                instalment = claims.accept_claim(claim, officer, form.note.data)
                message = (f"Claim {claim.number} of {money(claim.total)} has been accepted: instalment "
                           f"{instalment.number} is due for finance to approve and pay")
            elif form.decision.data == "return":
                claims.return_claim(claim, officer, form.note.data)
                message = f"Claim {claim.number} has been returned to the grantee for changes"
            else:
                claims.reject_claim(claim, officer, form.note.data)
                message = f"Claim {claim.number} has been rejected"
        except claims.ClaimError as refused:
            db.session.rollback()
            attach(form, refused)
        else:
            flash(message + ". The grantee has been emailed", "success")
            return redirect(url_for("awards.show", award_id=claim.award_id, _anchor="claims"))
    return _page(claim, form)
