"""Versions of a round's forms: the current one, saving the next, copying from another round, and the
JSON import and export (docs/form-definitions.md).

Each save adds the next version, and the current form is the newest (the shipped standard form while
a round has none). A form freezes when its round opens, like the round's rules
(``FundingRound.rules_frozen``): after that only an administrator may add a version, giving a reason,
and it applies to new applications only. The command line (``by=None``) counts as an administrator,
as whoever runs it holds the server.

The form builder's changes (``edit``) are many small steps: until the round opens they change the
newest version in place, as no application can have used it yet, so that history is not a version
per click; once it has opened, each change is a new version like any save. Every save and every
change is audited in the caller's transaction; nothing here commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from grants import audit
from grants.extensions import db
from grants.form_definitions import FormDefinition, Kind, dump, dumps, load_stored, loads, standard
from grants.models.accounts import Role, User
from grants.models.applications import Application
from grants.models.awards import MonitoringReturn
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
    return standard(kind) if row is None else load_stored(row.definition)


def version_in_force(funding_round: FundingRound, kind: Kind) -> RoundForm:
    """The stored version an application (or return) starting now answers: the newest, or, while the
    round asks the standard form, the standard form stored as version 1 so that the answers keep the
    form they were given even when the shipped standard form changes later. Not a change anyone made:
    not audited, and allowed after the round has opened."""
    row = current_version(funding_round, kind)
    if row is not None:
        return row
    row = RoundForm(round_id=funding_round.id, kind=kind, version=1, definition=dump(standard(kind)))
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # another application stored it first: use theirs
        found = current_version(funding_round, kind)
        assert found is not None
        return found
    return row


def in_use(row: RoundForm) -> bool:
    """Whether any application or monitoring return answers this version (it can then no longer change
    in place)."""
    answered_by = Application if row.kind is not Kind.MONITORING else MonitoringReturn
    return db.session.scalar(select(answered_by.id).where(answered_by.form_id == row.id).limit(1)) is not None


def rounds_to_copy_from(funding_round: FundingRound, kind: Kind) -> list[tuple[FundingRound, int | None]]:
    """Every other round, newest first, with the number of its newest version of ``kind`` (``None``
    when it asks the standard form)."""
    newest = (select(RoundForm.round_id, func.max(RoundForm.version).label("version"))
              .where(RoundForm.kind == kind).group_by(RoundForm.round_id).subquery())
    rows = db.session.execute(
        select(FundingRound, newest.c.version)
        .outerjoin(newest, newest.c.round_id == FundingRound.id)
        .where(FundingRound.id != funding_round.id)
        .order_by(FundingRound.opens_at.desc(), FundingRound.id.desc())
    ).all()
    return [(row[0], row[1]) for row in rows]


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


def reset_to_standard(
    funding_round: FundingRound,
    kind: Kind,
    by: User | None,
    reason: str | None = None,
    now: datetime | None = None,
) -> RoundForm:
    """Store the standard form of ``kind`` as the round's next version: the round asks it again."""
    return _save(funding_round, kind, standard(kind), by, reason, "reset to the standard form", now)


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


def edit(
    funding_round: FundingRound,
    kind: Kind,
    definition: FormDefinition,
    by: User | None,
    what: str,
    reason: str | None = None,
    now: datetime | None = None,
) -> RoundForm:
    """Store a change made in the form builder: ``what`` says it in words ("question q added").

    Until the round opens, the newest version takes the change in place (version 1 is made if the
    round still asks the standard form), unless an application already answers it; after, the change is
    the next version, which only an administrator may make, giving a reason (``FormFrozen`` otherwise).
    """
    name = KIND_NAMES[kind]
    if definition.kind != kind:
        raise RoundFormProblem(f"This is {_a(KIND_NAMES[definition.kind])}, not {_a(name)}")
    row = current_version(funding_round, kind)
    if row is None or funding_round.rules_frozen(now) or in_use(row):
        return _save(funding_round, kind, definition, by, reason, f"edited ({what})", now)
    before = row.definition
    row.definition = dump(definition)
    db.session.flush()
    changes = audit.diff(
        {"question_ids": _question_ids(before), "section_ids": _section_ids(before)},
        {"question_ids": _question_ids(row.definition), "section_ids": _section_ids(row.definition)},
    )
    summary = f"Version {row.version} of the {name} of {funding_round.name} edited ({what})"
    event = audit.record("round_form.edited", row, summary, changes=changes, actor=by)
    if by is None and event.actor_id is None:
        event.actor_label = COMMAND_LINE
    return row


def _override_reason(
    funding_round: FundingRound, kind: Kind, by: User | None, reason: str | None, now: datetime | None
) -> str | None:
    """The reason for a version made after the round opened (``None`` before it opens); ``FormFrozen``
    when that is not allowed."""
    reason = (reason or "").strip() or None
    if not funding_round.rules_frozen(now):
        return reason
    if by is not None and not by.has_role(Role.ADMIN):
        raise FormFrozen(frozen_message(kind))
    if reason is None:
        raise FormFrozen(reason_missing(kind))
    return reason


def frozen_message(kind: Kind) -> str:
    """Why someone other than an administrator cannot change a form of a round that has opened."""
    return (f"This round has opened, so its {KIND_NAMES[kind]} can no longer be changed. "
            "An administrator can make a new version if they must, giving the reason")


def reason_missing(kind: Kind) -> str:
    """The message when an administrator changes a form after opening without saying why."""
    return f"Enter the reason for changing the {KIND_NAMES[kind]} of a round that has opened"


def _newest_version(funding_round: FundingRound, kind: Kind) -> int | None:
    return db.session.scalar(
        select(func.max(RoundForm.version)).where(RoundForm.round_id == funding_round.id, RoundForm.kind == kind)
    )


def _question_ids(document: dict[str, Any]) -> list[str]:
    return [question["id"] for section in document["sections"] for question in section["questions"]]


def _section_ids(document: dict[str, Any]) -> list[str]:
    return [section["id"] for section in document["sections"]]


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
    # The action is the first word of how it was made: round_form.saved, .copied, .imported, .edited or .reset.
    event = audit.record(f"round_form.{how.split()[0]}", row, summary, changes=changes, actor=by)
    if by is None and event.actor_id is None:
        event.actor_label = COMMAND_LINE
    return row
