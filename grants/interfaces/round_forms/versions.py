"""Versions of a round's forms: the current one, saving the next, copying from another round, and the
JSON import and export (docs/form-definitions.md).

A version is never changed: each save adds the next one, and the current form is the newest (the
shipped standard form while a round has none). A form freezes when its round opens, like the round's
rules (``FundingRound.rules_frozen``): after that only an administrator may add a version, giving a
reason, and it applies to new applications only. The command line (``by=None``) counts as an
administrator, as whoever runs it holds the server. Every save is audited in the caller's
transaction; nothing here commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from grants import audit
from grants.extensions import db
from grants.form_definitions import FormDefinition, Kind, dump, dumps, load, loads, standard
from grants.models.accounts import Role, User
from grants.models.round_forms import RoundForm
from grants.models.rounds import FundingRound

# What people call each kind of form, in a sentence.
KIND_NAMES = {
    Kind.APPLICATION: "application form",
    Kind.ELIGIBILITY: "eligibility check",
    Kind.MONITORING: "monitoring return",
    Kind.EXPRESSION_OF_INTEREST: "expression of interest form",
}
# Who the audit log says made a version when no one is signed in.
COMMAND_LINE = "Command line (flask forms)"


class RoundFormProblem(ValueError):
    """A form version that cannot be saved; the message is for the user. Nothing has been written."""


class FormFrozen(RoundFormProblem):
    """The round has opened: only an administrator, giving a reason, may add a version."""


def _a(name: str) -> str:
    """ "an application form", "a monitoring return"."""
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def filename(funding_round: FundingRound, kind: Kind) -> str:
    """The download's name: ``round-12-application-form.json``."""
    return f"round-{funding_round.id}-{kind.value.replace('_', '-')}-form.json"


# Reading -----------------------------------------------------------------------------------------

def current_version(funding_round: FundingRound, kind: Kind) -> RoundForm | None:
    """The round's newest stored version of ``kind``, or ``None`` if it has none (it asks the standard form)."""
    return db.session.scalar(
        select(RoundForm)
        .where(RoundForm.round_id == funding_round.id, RoundForm.kind == kind)
        .order_by(RoundForm.version.desc())
        .limit(1)
    )


def current(funding_round: FundingRound, kind: Kind) -> FormDefinition:
    """The form of ``kind`` the round asks now: its newest version, or the standard form."""
    row = current_version(funding_round, kind)
    return standard(kind) if row is None else load(row.definition)


def export_json(funding_round: FundingRound, kind: Kind) -> str:
    """The current form of ``kind`` as the canonical JSON text that ``import_json`` reads back."""
    return dumps(current(funding_round, kind))


# Saving ------------------------------------------------------------------------------------------

def save(
    funding_round: FundingRound,
    kind: Kind,
    definition: FormDefinition,
    by: User | None,
    reason: str | None = None,
    now: datetime | None = None,
) -> RoundForm:
    """Store ``definition`` as the round's next version of ``kind``.

    Raises ``FormFrozen`` once the round has opened, unless ``by`` is an administrator (or the
    command line) and gives a reason; ``RoundFormProblem`` if the definition is of another kind.
    """
    return _save(funding_round, kind, definition, by, reason, "saved", now)


def copy_from(
    source_round: FundingRound,
    target_round: FundingRound,
    kind: Kind,
    by: User | None,
    reason: str | None = None,
    now: datetime | None = None,
) -> RoundForm:
    """Store ``source_round``'s current form of ``kind`` as ``target_round``'s next version."""
    if source_round.id == target_round.id:
        raise RoundFormProblem(f"Choose another round to copy the {KIND_NAMES[kind]} from")
    return _save(target_round, kind, current(source_round, kind), by, reason, f"copied from {source_round.name}", now)


def import_json(
    funding_round: FundingRound,
    kind: Kind | None,
    text: str | bytes,
    by: User | None,
    reason: str | None = None,
    now: datetime | None = None,
) -> RoundForm:
    """Store the JSON document ``text`` (bytes are read as UTF-8) as the round's next version of the
    kind the document gives.

    Raises ``FormDefinitionError`` naming every problem with the document, and ``RoundFormProblem``
    when ``kind`` is given and the document is of another kind; nothing is saved either way.
    """
    definition = loads(text)
    if kind is not None and definition.kind != kind:
        raise RoundFormProblem(
            f'The file is {_a(KIND_NAMES[definition.kind])} (its "kind" is "{definition.kind.value}"), '
            f"not {_a(KIND_NAMES[kind])}. Nothing has been imported"
        )
    return _save(funding_round, definition.kind, definition, by, reason, "imported from a file", now)


def _override_reason(
    funding_round: FundingRound, kind: Kind, by: User | None, reason: str | None, now: datetime | None
) -> str | None:
    """The reason for a version made after the round opened (``None`` before it opens); ``FormFrozen``
    when that is not allowed."""
    reason = (reason or "").strip() or None
    if not funding_round.rules_frozen(now):
        return reason
    name = KIND_NAMES[kind]
    if by is not None and not by.has_role(Role.ADMIN):
        raise FormFrozen(
            f"This round has opened, so its {name} can no longer be changed. "
            "An administrator can make a new version if they must, giving the reason"
        )
    if reason is None:
        raise FormFrozen(f"Enter the reason for changing the {name} of a round that has opened")
    return reason


def _newest_version(funding_round: FundingRound, kind: Kind) -> int | None:
    return db.session.scalar(
        select(func.max(RoundForm.version)).where(RoundForm.round_id == funding_round.id, RoundForm.kind == kind)
    )


def _question_ids(document: dict[str, Any]) -> list[str]:
    return [question["id"] for section in document["sections"] for question in section["questions"]]


def _save(
    funding_round: FundingRound,
    kind: Kind,
    definition: FormDefinition,
    by: User | None,
    reason: str | None,
    how: str,
    now: datetime | None,
) -> RoundForm:
    name = KIND_NAMES[kind]
    if definition.kind != kind:
        raise RoundFormProblem(f"This is {_a(KIND_NAMES[definition.kind])}, not {_a(name)}")
    reason = _override_reason(funding_round, kind, by, reason, now)
    newest = _newest_version(funding_round, kind)
    before = dump(current(funding_round, kind))
    row = RoundForm(round_id=funding_round.id, kind=kind, version=(newest or 0) + 1, definition=dump(definition),
                    created_by=by, reason=reason)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # another save took this version number first
        raise RoundFormProblem(
            f"Someone else saved a new version of this {name} at the same time. Nothing has been saved: try again"
        ) from None
    summary = f"Version {row.version} of the {name} of {funding_round.name} {how}"
    if funding_round.rules_frozen(now):
        summary += f", after the round opened (an administrator's override). Reason: {reason}"
    changes = audit.diff(
        {"version": newest, "question_ids": _question_ids(before)},
        {"version": row.version, "question_ids": _question_ids(row.definition), "reason": reason},
    )
    # The action is the first word of how it was made: round_form.saved, .copied or .imported.
    event = audit.record(f"round_form.{how.split()[0]}", row, summary, changes=changes, actor=by)
    if by is None and event.actor_id is None:
        event.actor_label = COMMAND_LINE
    return row
