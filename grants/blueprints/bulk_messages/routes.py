"""Officers write to a group: the messages sent, writing one, checking it before it goes, and who
each went to.

Writing and checking a message writes nothing, so its form's one-time key stays usable (the
request rolls back, grants.transactions) and the browser's Back and a second Continue work; the
send button's key is used up by sending, so a double click or a resubmission sends once.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.bulk_messages import bp
from grants.blueprints.bulk_messages.forms import ROUND_FIELDS, MessageForm, SendForm
from grants.extensions import db
from grants.forms import page_arg
from grants.interfaces.bulk_messages import sending
from grants.interfaces.bulk_messages.groups import GROUPS
from grants.models.accounts import Role
from grants.models.rounds import FundingRound
from grants.permissions import role_required

WRITERS = (Role.GRANTS_OFFICER, Role.ADMIN)


@bp.route("/")
@role_required(*WRITERS)
def index():
    results, counts = sending.sent_messages(page_arg())
    return render_template("bulk_messages/index.html", results=results, counts=counts)


def _compose(form: MessageForm):
    return render_template("bulk_messages/new.html", form=form, groups=GROUPS, round_fields=ROUND_FIELDS)


def _show_problem(form: MessageForm, problem: sending.BulkMessageProblem):
    """The service's refusal beside the question it is about."""
    name = ROUND_FIELDS.get(form.group.data or "", "group") if problem.field == "round_id" else problem.field
    form[name].errors = [*form[name].errors, str(problem)]  # a form put back unvalidated has a tuple
    return _compose(form)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*WRITERS)
def new():
    rounds = sending.rounds_to_choose()
    if request.method == "GET":
        return _compose(MessageForm(formdata=None, rounds=rounds))
    if request.form.get("change"):
        # Back from the check page: the message as it was, to change.
        form = MessageForm(formdata=None, rounds=rounds)
        form.fill(*(request.form.get(name, "") for name in ("group", "round_id", "subject", "body")))
        return _compose(form)
    form = MessageForm(rounds=rounds)
    if not form.validate_on_submit():
        return _compose(form)
    funding_round = db.session.get(FundingRound, form.round_id) if form.round_id else None
    try:
        shown = sending.preview(form.group.data or "", funding_round, form.subject.data or "", form.body.data or "")
    except sending.BulkMessageProblem as problem:
        return _show_problem(form, problem)
    send_form = SendForm(formdata=None, data={
        "group": shown.kind.key, "round_id": str(shown.funding_round.id) if shown.funding_round else "",
        "subject": form.subject.data, "body": form.body.data,
    })
    return render_template("bulk_messages/check.html", preview=shown, send_form=send_form)


@bp.route("/send", methods=["POST"])
@role_required(*WRITERS)
def send():
    form = SendForm()
    form.validate_on_submit()  # the CSRF token: a forged POST is refused before this view runs
    round_id = form.chosen_round_id
    funding_round = db.session.get(FundingRound, round_id) if round_id else None
    group, subject, body = form.group.data or "", form.subject.data or "", form.body.data or ""
    try:
        message = sending.send(group, funding_round, subject, body, current_user._get_current_object())
    except sending.BulkMessageProblem as problem:
        compose = MessageForm(formdata=None, rounds=sending.rounds_to_choose())
        compose.fill(group, form.round_id.data or "", subject, body)
        return _show_problem(compose, problem)
    count = len(message.recipients)
    flash(f"Message sent to {count} {'person' if count == 1 else 'people'}", "success")
    return redirect(url_for("bulk_messages.show", bulk_message_id=message.id), 303)


@bp.route("/<int:bulk_message_id>")
@role_required(*WRITERS)
def show(bulk_message_id: int):
    return render_template("bulk_messages/show.html", message=sending.sent_message(bulk_message_id))
