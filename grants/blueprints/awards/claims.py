"""The grants officer checks a claim on a grant paid on claims (issue 21): the lines against their
budgets and what was claimed before, the evidence, then accept (the claim becomes an instalment due for
finance), return for changes or reject, with a note. The grantee is emailed the outcome."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput
from wtforms import RadioField, TextAreaField, ValidationError
from wtforms.validators import Length

from grants.blueprints.awards import bp
from grants.blueprints.awards.offer_forms import attach
from grants.extensions import db
from grants.formatting import money
from grants.forms import GovForm, SelectChoice, submit
from grants.interfaces.awards import claims
from grants.interfaces.awards.awarding import AWARD_MANAGERS, AWARD_VIEWERS, award_for_staff
from grants.permissions import role_required

URL = "/<int:award_id>/claims/<int:claim_id>"
DECISIONS = [SelectChoice("accept", "Accept: the claim is paid as claimed"),
             SelectChoice("return", "Return it for changes"),
             SelectChoice("reject", "Reject it: it will not be paid")]


class CheckForm(GovForm):
    decision = RadioField("What is your decision?", choices=DECISIONS, widget=GovRadioInput(), validate_choice=False)
    note = TextAreaField(
        "Note to the grantee", widget=GovCharacterCount(),
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


def _claim(award_id: int, claim_id: int):
    return claims.claim_of(award_for_staff(award_id), claim_id)


def _page(claim, form):
    spend = claims.amounts(claim)
    by_line, before_total = claims.claimed_before(claim.award, claim)
    lines = [(line, spend.get(line.key), by_line.get(line.key)) for line in claims.budget_lines(claim.award)]
    return render_template("awards/claim.html", claim=claim, award=claim.award, form=form, lines=lines,
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
