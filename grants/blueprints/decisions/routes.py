"""The commissioner's decision notices (staff read drafts; the commissioner edits and signs them)
and the public Decisions pages: signed notices, each printable, and the grants made."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.decisions import bp
from grants.blueprints.decisions.forms import NoticeForm, SignForm
from grants.extensions import db
from grants.forms import page_arg, record_id
from grants.interfaces.decisions import notices, publication
from grants.models.decisions import DecisionNotice
from grants.permissions import public, role_required


@bp.app_template_global()
def decision_notice_for(round_id: int, signed_only: bool = False) -> DecisionNotice | None:
    """The round's decision notice (only a signed one with ``signed_only``), for links on the
    round's pages."""
    return notices.notice_for_round(round_id, signed_only=signed_only)


@bp.app_template_global()
def notice_total(notice: DecisionNotice):
    """The total of the grants a notice lists."""
    return notices.grants_total(notice)


def _user():
    return current_user._get_current_object()


def _attach(form, refused: notices.NoticeError) -> None:
    if refused.field and refused.field in form:
        form[refused.field].errors = [*form[refused.field].errors, str(refused)]
    else:
        form.form_errors.append(str(refused))


# The public pages --------------------------------------------------------------------------------

@bp.route("", endpoint="index")
@public
def index():
    return render_template("decisions/index.html", results=publication.signed_notices(page_arg()))


@bp.route("/<int:notice_id>", endpoint="notice")
@public
def notice(notice_id: int):
    return render_template("decisions/notice.html", notice=notices.signed_notice_or_404(notice_id))


@bp.route("/grants", endpoint="grants_made")
@public
def grants_made():
    results, total = publication.grants_made(page_arg())
    return render_template("decisions/grants_made.html", results=results, total=total)


# Staff: drafts, editing and signing --------------------------------------------------------------

@bp.route("/notices", endpoint="notices")
@role_required(*notices.NOTICE_READERS)
def staff_notices():
    return render_template("decisions/notices.html", notices=notices.all_notices())


@bp.route("/notices/<int:notice_id>", endpoint="draft")
@role_required(*notices.NOTICE_READERS)
def draft(notice_id: int):
    return render_template("decisions/draft.html", notice=notices.notice_or_404(notice_id),
                           can_sign=current_user.has_role(*notices.NOTICE_SIGNERS))


def _signed_already(notice: DecisionNotice):
    flash(f"{notices.SIGNED_MESSAGE}: it is published as signed", "error")
    return redirect(url_for("decisions.draft", notice_id=notice.id))


@bp.route("/notices/<int:notice_id>/edit", methods=["GET", "POST"], endpoint="edit")
@role_required(*notices.NOTICE_SIGNERS)
def edit(notice_id: int):
    notice = notices.notice_or_404(notice_id)
    if notice.signed_at is not None:
        return _signed_already(notice)
    form = NoticeForm(data=None if request.method == "POST" else
                      {"version": notice.version, **{name: getattr(notice, name) for name in notices.NARRATIVE_FIELDS}})
    saved = None  # the text saved by someone else, shown beside what was typed after a stale save
    if form.validate_on_submit():
        try:
            changed = notices.update_notice(notice, record_id(form.version.data), form.narrative(), _user())
        except notices.NoticeError as refused:
            db.session.rollback()
            notice = notices.notice_or_404(notice_id)
            if notice.signed_at is not None:
                return _signed_already(notice)
            if refused.stale:
                form.form_errors.append(str(refused))
                typed = form.narrative()
                saved = {name: getattr(notice, name) for name in notices.NARRATIVE_FIELDS
                         if (typed[name] or "").strip() != getattr(notice, name)}
                form.version.data = str(notice.version)  # saving again replaces what is saved now
            else:
                _attach(form, refused)
        else:
            flash("Your changes to the decision notice have been saved" if changed else
                  "You made no changes to the decision notice", "success")
            return redirect(url_for("decisions.draft", notice_id=notice.id))
    return render_template("decisions/edit.html", notice=notice, form=form, saved=saved or {},
                           labels={name: form[name].label.text for name in notices.NARRATIVE_FIELDS})


@bp.route("/notices/<int:notice_id>/sign", methods=["GET", "POST"], endpoint="sign")
@role_required(*notices.NOTICE_SIGNERS)
def sign(notice_id: int):
    notice = notices.notice_or_404(notice_id)
    if notice.signed_at is not None:
        return _signed_already(notice)
    form = SignForm(data=None if request.method == "POST" else {"version": notice.version})
    if form.validate_on_submit():
        try:
            notices.sign_notice(notice, record_id(form.version.data), _user())
        except notices.NoticeError as refused:
            db.session.rollback()
            notice = notices.notice_or_404(notice_id)
            if notice.signed_at is not None:
                return _signed_already(notice)
            form.form_errors.append(str(refused) if not refused.stale else
                                    "Someone else changed this decision notice after you opened it. Read it again "
                                    "below before you sign it")
            form.version.data = str(notice.version)
            form.confirm.data = False
        else:
            flash(f"Decision notice {notice.number} is signed and published on the Decisions page", "success")
            return redirect(url_for("decisions.draft", notice_id=notice.id))
    return render_template("decisions/sign.html", notice=notice, form=form)
