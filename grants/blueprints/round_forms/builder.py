"""The form builder for the staff who run rounds: a round's form of one kind, its page, and what
every change page shares (finding the form, refusing a frozen one, storing a change and saying so).
Copying a form from another round and going back to the standard form are here too; questions and
sections have their own modules.

A form changes freely until its round opens; then it is frozen, and only an administrator may change
it, giving a reason, each change making a new version for new applications only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from grants.blueprints.round_forms import bp
from grants.blueprints.round_forms.forms import ChangeForm, CopyForm
from grants.extensions import db
from grants.form_definitions import (
    FormDefinition,
    FormDefinitionError,
    Kind,
    Question,
    Section,
    load_stored,
    standard,
)
from grants.forms import SelectChoice, add_error
from grants.interfaces.round_forms import editing, versions
from grants.interfaces.round_forms.describe import question_summary
from grants.interfaces.rounds import funding_rounds as rounds
from grants.models.accounts import Role, User
from grants.models.round_forms import RoundForm
from grants.models.rounds import FundingRound
from grants.permissions import role_required

# /rounds/<id>/forms/<kind>: any other kind is not found.
FORM_URL = "/<int:round_id>/forms/<any(" + ", ".join(kind.value for kind in Kind) + "):kind>"


@dataclass
class Builder:
    """A round's form of one kind, as the builder's pages see it."""

    funding_round: FundingRound
    kind: Kind
    row: RoundForm | None  # the newest stored version; None while the round asks the standard form
    definition: FormDefinition
    frozen: bool
    admin: bool

    @property
    def name(self) -> str:
        """'application form', 'monitoring return'."""
        return versions.KIND_NAMES[self.kind]

    @property
    def editable(self) -> bool:
        return not self.frozen or self.admin

    def question(self, question_id: str) -> Question:
        try:
            return self.definition.question(question_id)
        except KeyError:
            abort(404)

    def section(self, section_id: str) -> Section:
        try:
            return self.definition.sections[editing.section_position(self.definition, section_id)]
        except KeyError:
            abort(404)

    def url(self, anchor: str | None = None) -> str:
        """The form's page, at ``anchor``."""
        return url_for("round_forms.show", round_id=self.funding_round.id, kind=self.kind.value, _anchor=anchor)


def builder(round_id: int, kind: str) -> Builder:
    """The form of ``kind`` of the round, as it is now; 404 for a round that does not exist."""
    funding_round = rounds.round_for_staff(round_id)
    form_kind = Kind(kind)
    row = versions.current_version(funding_round, form_kind)
    definition = standard(form_kind) if row is None else load_stored(row.definition)
    return Builder(funding_round, form_kind, row, definition, funding_round.rules_frozen(),
                   current_user.has_role(Role.ADMIN))


def signed_in() -> User:
    user: User = current_user._get_current_object()
    return user


def refuse_frozen(b: Builder) -> Response:
    """Back to the form's page, which says why it cannot change."""
    flash(versions.frozen_message(b.kind), "error")
    return redirect(b.url())


def validated(b: Builder, form: ChangeForm) -> bool:
    """``form`` was sent and is valid, and gives a reason if the round has opened."""
    if not form.validate_on_submit():
        if form.is_submitted() and b.frozen and not (form.reason.data or "").strip():
            add_error(form.reason, versions.reason_missing(b.kind))
        return False
    if b.frozen and not (form.reason.data or "").strip():
        add_error(form.reason, versions.reason_missing(b.kind))
        return False
    return True


def store(b: Builder, form: ChangeForm, change: Callable[[], FormDefinition], what: str,
          done: str, anchor: str | None = None) -> Response | None:
    """Make the change and store it (``versions.edit``), then go back to the form's page saying
    ``done``. The engine's problems are shown on ``form`` and None is returned; a change refused as a
    whole, or a round that opened meanwhile, is said on the form's page."""
    try:
        row = versions.edit(b.funding_round, b.kind, change(), signed_in(), what, reason=form.reason.data)
        db.session.flush()  # now, so that a conflict is refused below in words; the request commits after
    except FormDefinitionError as error:
        db.session.rollback()
        form.place(error.problems)  # the question and section forms have place
        return None
    except editing.EditRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
    except versions.FormFrozen as frozen:
        db.session.rollback()
        if b.admin:
            add_error(form.reason, str(frozen))
            return None
        flash(str(frozen), "error")
    except versions.RoundFormProblem as problem:
        db.session.rollback()
        flash(str(problem), "error")
    else:
        flash(done + new_version_note(b, row), "success")
        return redirect(b.url(anchor))
    return redirect(b.url())  # the page's top, where the refusal is said


def new_version_note(b: Builder, row: RoundForm) -> str:
    """What a change after opening made: a new version for new applications only."""
    if b.frozen:
        return f". This is version {row.version} of the {b.name}, for new applications only"
    return ""


def store_version(b: Builder, form: ChangeForm, save: Callable[[], RoundForm],
                  done: Callable[[RoundForm], str]) -> Response | None:
    """Store a whole new version (``save``: a copy, or the standard form again) and go back to the form's
    page saying ``done(row)``. A frozen round is said on the reason box for an administrator (None is
    returned, to show the page again), any other refusal on the form's page."""
    try:
        row = save()
        db.session.flush()  # now, so that a conflict is refused below in words; the request commits after
    except versions.RoundFormProblem as problem:
        db.session.rollback()
        if b.admin and isinstance(problem, versions.FormFrozen):
            add_error(form.reason, str(problem))
            return None
        flash(str(problem), "error")
        return redirect(b.url())
    flash(done(row) + (", for new applications only" if b.frozen else ""), "success")
    return redirect(b.url())


def move(b: Builder, thing: str, thing_id: str, name: str, direction: editing.Direction,
         change: Callable[[], FormDefinition]) -> Response | str:
    """The move up/down page of a question or section (``thing``): confirm, then store the move."""
    if not b.editable:
        return refuse_frozen(b)
    form = ChangeForm()
    if validated(b, form):
        done = store(b, form, change, f"{thing} {thing_id} moved {direction}",
                     f"The {thing} “{name}” has been moved {direction}", anchor=f"{thing}-{thing_id}")
        if done is not None:
            return done
    return render_template("round_forms/move.html", b=b, form=form, direction=direction, thing=thing, name=name)


# The form's page --------------------------------------------------------------------------------

@bp.route(f"{FORM_URL}/")
@role_required(*rounds.ROUND_STAFF)
def show(round_id: int, kind: str):
    b = builder(round_id, kind)
    summaries = {question.id: question_summary(b.definition, question) for question in b.definition.questions()}
    return render_template("round_forms/show.html", b=b, summaries=summaries, kind_names=kinds_of(b.funding_round))


def kinds_of(funding_round: FundingRound) -> dict[Kind, str]:
    """The forms a round asks, by name: the expression of interest form only in a two-stage round.
    A one-stage round never shows that form to anyone, so linking it would invite wasted work; its
    page stays reachable by address, and says so."""
    return {kind: name for kind, name in versions.KIND_NAMES.items()
            if kind is not Kind.EXPRESSION_OF_INTEREST or funding_round.has_eoi_stage}


# Copying and going back to the standard form ----------------------------------------------------

@bp.route(f"{FORM_URL}/copy", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def copy(round_id: int, kind: str):
    b = builder(round_id, kind)
    if not b.editable:
        return refuse_frozen(b)
    others = versions.rounds_to_copy_from(b.funding_round, b.kind)
    form = CopyForm(round_ids=[str(other.id) for other, _version in others])
    form.source.choices = [SelectChoice(str(other.id), other.name) for other, _version in others]
    if validated(b, form):
        source = rounds.round_for_staff(int(str(form.source.data)))
        done = store_version(
            b, form, lambda: versions.copy_from(source, b.funding_round, b.kind, signed_in(), reason=form.reason.data),
            lambda row: f"The {b.name} of {source.name} has been copied to this round as version {row.version}")
        if done is not None:
            return done
    return render_template("round_forms/copy.html", b=b, form=form, others=others)


@bp.route(f"{FORM_URL}/standard", methods=["GET", "POST"])
@role_required(*rounds.ROUND_STAFF)
def reset(round_id: int, kind: str):
    b = builder(round_id, kind)
    if not b.editable:
        return refuse_frozen(b)
    form = ChangeForm()
    if b.row is None:
        if form.is_submitted():
            flash(f"This round already asks the standard {b.name}", "error")
            return redirect(b.url())
    elif validated(b, form):
        done = store_version(
            b, form, lambda: versions.reset_to_standard(b.funding_round, b.kind, signed_in(), reason=form.reason.data),
            lambda row: f"The round asks the standard {b.name} again, as version {row.version}")
        if done is not None:
            return done
    return render_template("round_forms/reset.html", b=b, form=form, standard_title=standard(b.kind).title)
