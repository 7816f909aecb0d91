"""Officers' findings on a bid's due-diligence checklist, and the gate they make: a bid goes to the
panel only once every *required* item of its round's checklist is met or marked not needed.

Findings are kept while the bid is submitted or under assessment; a bid that fails screening needs
none. The "register checks" item is informed by the registers: it can be marked met only when each
number the organisation gives was checked against an imported extract and found, with nothing about
its status to look at; a name that differs from the register's needs a note saying why it is right
(a name changed since the extract, a working name)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants import audit
from grants.extensions import db
from grants.interfaces.due_diligence.checklists import REGISTER_ITEM_ID, ChecklistItem, item_of, items_of
from grants.interfaces.due_diligence.registers import RegisterCheck, check_organisation
from grants.models.accounts import User
from grants.models.applications import Application, ApplicationStage, ApplicationStatus
from grants.models.due_diligence import CheckOutcome, DueDiligenceCheck
from grants.models.types import utcnow

# While findings can be recorded: before the panel and while it assesses (references can come late).
OPEN_STATUSES = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_ASSESSMENT})
NOTE_MAX = 2_000


class FindingProblem(ValueError):
    """A finding that cannot be recorded; the message is for the officer, about ``field`` of the form."""

    def __init__(self, message: str, field: str = "outcome"):
        super().__init__(message)
        self.field = field


class FindingConflict(FindingProblem):
    """Someone else recorded a finding on the item after the page was loaded."""


@dataclass(frozen=True)
class ItemFinding:
    item: ChecklistItem
    check: DueDiligenceCheck | None

    @property
    def holds(self) -> bool:
        """Whether this item keeps the bid from the panel."""
        return self.item.required and (self.check is None or self.check.outcome is CheckOutcome.NOT_MET)

    @property
    def state(self) -> str:
        return self.check.outcome.label if self.check else "Not marked"


def checks_of(application: Application) -> dict[str, DueDiligenceCheck]:
    """The application's findings by item id, each with who recorded it (not their roles: shown by name)."""
    rows = db.session.scalars(
        select(DueDiligenceCheck).where(DueDiligenceCheck.application_id == application.id)
        .options(joinedload(DueDiligenceCheck.checked_by).lazyload(User.role_grants))
    )
    return {check.item_id: check for check in rows}


def findings(application: Application) -> list[ItemFinding]:
    """Each item of the round's checklist with its finding, in the checklist's order."""
    items = items_of(application.funding_round)
    if not items:
        return []  # no checklist: no query
    checks = checks_of(application)
    return [ItemFinding(item, checks.get(item.id)) for item in items]


def holding_items(application: Application, found: list[ItemFinding] | None = None) -> list[ItemFinding]:
    """The required items not met or not yet marked (of ``found``, the application's ``findings`` when
    the caller has them already)."""
    return [finding for finding in (findings(application) if found is None else found) if finding.holds]


def gate_refusal(application: Application, found: list[ItemFinding] | None = None) -> str | None:
    """Why the bid cannot go to the panel yet, naming each item that holds it, or None (``found`` as
    for ``holding_items``)."""
    held = holding_items(application, found)
    if not held:
        return None
    names = [f"{finding.item.label} ({finding.state.lower()})" for finding in held]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    its = "item" if len(names) == 1 else "items"
    return (f"{application.reference} cannot go to the panel until its required due-diligence {its} "
            f"{'is' if len(names) == 1 else 'are'} met or marked not needed: {listed}")


def can_record(application: Application) -> bool:
    return application.stage is ApplicationStage.FULL and application.status in OPEN_STATUSES


def register_checks(application: Application) -> list[RegisterCheck]:
    return check_organisation(application.organisation)


def register_refusal(checks: list[RegisterCheck], note: str) -> str | None:
    """Why "register checks" cannot be marked met on these results, or None."""
    if not checks:
        return ("The organisation gives no charity or company number, so there is nothing to check on a register. "
                "Mark the item not needed, saying why")
    for check in checks:
        if not check.checked or not check.found or check.flags:
            return ("Register checks cannot be marked met: " + "; ".join(check.problems)
                    + ". Mark it not met, or not needed with the reason")
    if any(not check.name_matches for check in checks) and not note.strip():
        return "Enter a note saying why the name that differs from the register's is right"
    return None


def record_finding(application: Application, item_id: str, outcome: CheckOutcome, note: str,
                   officer: User, expected_version: int) -> DueDiligenceCheck:
    """Record the officer's finding on one item (``expected_version`` 0 for an item not yet marked).

    Raises ``FindingProblem`` for a bid that is no longer open, a missing note, or "register checks"
    met against the registers' word; ``FindingConflict`` if someone else marked the item meanwhile.
    """
    if not can_record(application):
        raise FindingProblem(f"Due diligence cannot be recorded: {application.reference} is "
                             f"{application.status.label.lower()}")
    item = item_of(application.funding_round, item_id)
    note = note.strip()
    if outcome is not CheckOutcome.MET and not note:
        raise FindingProblem(f"Enter a note saying why “{item.label}” is {outcome.label.lower()}", "note")
    if len(note) > NOTE_MAX:
        raise FindingProblem(f"Note must be {NOTE_MAX:,} characters or fewer", "note")
    if item.id == REGISTER_ITEM_ID and outcome is CheckOutcome.MET:
        refusal = register_refusal(register_checks(application), note)
        if refusal:
            raise FindingProblem(refusal, "note" if refusal.startswith("Enter") else "outcome")
    check = checks_of(application).get(item.id)
    if (check.version if check else 0) != expected_version:
        raise FindingConflict(f"Someone else marked “{item.label}” while you were looking at it. "
                              "Check their finding below")
    before = {"outcome": check.outcome, "note": check.note} if check else {}
    if check is None:
        check = DueDiligenceCheck(application_id=application.id, item_id=item.id)
        db.session.add(check)
    check.outcome, check.note, check.checked_by_id, check.checked_at = outcome, note, officer.id, utcnow()
    db.session.flush()
    audit.record(
        "due_diligence.checked", application,
        f"{application.reference}: due-diligence item “{item.label}” marked {outcome.label.lower()}",
        changes=audit.diff(before, {"outcome": outcome, "note": note}) | {"item": {"before": None, "after": item.id}},
        actor=officer,
    )
    return check


def application_for_due_diligence(application_id: int) -> Application:
    """A submitted full application (a draft or an expression of interest is "not found")."""
    application = db.session.get(Application, application_id)
    if (application is None or application.status is ApplicationStatus.DRAFT
            or application.stage is not ApplicationStage.FULL):
        abort(404)
    return application
