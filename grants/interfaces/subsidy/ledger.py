"""Each organisation's ledger of minimal financial assistance (MFA) and SPEI assistance, and the
Subsidy Control Act 2022 section 36 limit checked before an offer is made as MFA.

The ledger holds what an organisation declared on a submitted application (source "declared") and
what this office gave as MFA (source "opcc", one entry per award, kept equal to the award's amount
while the award holds money, removed when the offer is withdrawn or lapses). The limit counts MFA
and SPEI assistance together, given within the elapsed part of the current financial year and the
two before it, as at the day of the offer.

Concurrency: the check locks the organisation's row (SELECT … FOR UPDATE on PostgreSQL; SQLite
allows one writer at a time), so two offers to one organisation at once cannot both pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import abort
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from grants import audit
from grants.extensions import db
from grants.formatting import london_today, long_date, money
from grants.interfaces.admin.settings import money_setting, setting
from grants.interfaces.subsidy import declaration as declarations
from grants.models.accounts import User
from grants.models.applications import Application
from grants.models.awards import COMMITTING, Award
from grants.models.organisations import Organisation
from grants.models.subsidy import AssistanceKind, AssistanceSource, SubsidyBasis, SubsidyEntry

ZERO = Decimal("0.00")
MFA_NOT_CONFIRMED = ("Confirm that you have read the statement of minimal financial assistance and will keep it "
                     "and your declaration for 3 years")


@dataclass(frozen=True)
class Position:
    """Where an organisation stands against the limit on ``on``."""

    on: date
    window_start: date
    total: Decimal  # MFA and SPEI within the window
    limit: Decimal
    source: str

    @property
    def headroom(self) -> Decimal:
        return self.limit - self.total

    @property
    def over(self) -> Decimal:
        return max(self.total - self.limit, ZERO)


def organisation_or_404(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id) or abort(404)


def entries(organisation_id: int) -> list[SubsidyEntry]:
    """The organisation's ledger, newest first."""
    return list(db.session.scalars(
        select(SubsidyEntry).where(SubsidyEntry.organisation_id == organisation_id)
        .options(joinedload(SubsidyEntry.application), joinedload(SubsidyEntry.award))
        .order_by(SubsidyEntry.given_on.desc(), SubsidyEntry.id.desc())
    ))


def in_window(entry: SubsidyEntry, on: date) -> bool:
    return declarations.window_start(on) <= entry.given_on <= on


def counted(rows: list[SubsidyEntry], on: date) -> list[SubsidyEntry]:
    """The entries the limit counts on ``on``: those in the window, each declared amount once (the
    same giver, date, amount and kind declared on two applications is one grant)."""
    seen: set[tuple] = set()
    kept = []
    for entry in rows:
        if not in_window(entry, on):
            continue
        if entry.source is AssistanceSource.DECLARED:
            key = (entry.giver.strip().lower(), entry.given_on, entry.amount, entry.kind)
            if key in seen:
                continue
            seen.add(key)
        kept.append(entry)
    return kept


def position(organisation_id: int, on: date | None = None, excluding_award_id: int | None = None,
             adding: Decimal = ZERO) -> Position:
    on = on or london_today()
    rows = [entry for entry in entries(organisation_id)
            if excluding_award_id is None or entry.award_id != excluding_award_id]
    total = sum((entry.amount for entry in counted(rows, on)), ZERO) + adding
    return Position(on=on, window_start=declarations.window_start(on), total=total,
                    limit=money_setting("mfa_limit"), source=setting("mfa_limit_source"))


# The limit ---------------------------------------------------------------------------------------

def lock_organisation(organisation_id: int) -> None:
    """Hold the organisation's row until the transaction ends, so that limit checks are serialised."""
    db.session.execute(select(Organisation.id).where(Organisation.id == organisation_id).with_for_update())


def basis_for(application: Application) -> SubsidyBasis:
    """MFA when the application's subsidy-control section says the project is economic activity;
    otherwise (no section, or "no") not a subsidy."""
    return SubsidyBasis.MFA if declarations.is_economic(application) else SubsidyBasis.NOT_A_SUBSIDY


def limit_problem(organisation: Organisation, amount: Decimal, on: date | None = None,
                  award: Award | None = None) -> str | None:
    """Lock the organisation and say why an award of ``amount`` cannot be given as MFA on ``on``
    (the award's own earlier entry aside), or None when it fits within the limit."""
    lock_organisation(organisation.id)
    after = position(organisation.id, on, excluding_award_id=award.id if award is not None else None,
                     adding=amount)
    if after.total <= after.limit:
        return None
    return (f"An award of {money(amount)} cannot be made as minimal financial assistance: with it, "
            f"{organisation.name} would have had {money(after.total)} of minimal financial assistance and SPEI "
            f"assistance from {long_date(after.window_start)} to {long_date(after.on)}, over the "
            f"{money(after.limit)} limit ({after.source}) by {money(after.over)}")


def mfa_statement(award: Award) -> str:
    """The section 37 statement the offer letter gives (kept on the award when the offer is made)."""
    given_on = offer_day(award)
    return (f"This grant of {money(award.amount)} is given to {award.organisation.name} on {long_date(given_on)} "
            "as minimal financial assistance under the Subsidy Control Act 2022 (section 36). "
            f"The total of minimal financial assistance and SPEI assistance an enterprise may have in the "
            f"current financial year and the two before it is {money(money_setting('mfa_limit'))} "
            f"({setting('mfa_limit_source')}). You must keep this letter and your declaration of the minimal "
            "financial assistance and SPEI assistance you had before it for 3 years from the date of this grant, "
            "and give them to the OPCC or the Secretary of State if asked. Tell any other public body that "
            "offers you minimal financial assistance in that time about this grant.")


def offer_day(award: Award) -> date:
    """The day the award was offered, in the UK: the date of the assistance."""
    return london_today(award.offered_at)


def given(award: Award, actor: User | None) -> None:
    """After an offer is made or its amount changed: the section 37 statement for an MFA award, and
    its ledger entry."""
    if award.subsidy_basis is SubsidyBasis.MFA:
        award.mfa_statement = mfa_statement(award)
    sync_award(award, actor)


# Keeping the ledger ------------------------------------------------------------------------------

def record_declared(application: Application, user: User | None) -> int:
    """On submission: the application's declared amounts become ledger entries, in place of any the
    same application declared before. Returns how many."""
    db.session.execute(delete(SubsidyEntry).where(SubsidyEntry.application_id == application.id,
                                                  SubsidyEntry.source == AssistanceSource.DECLARED)
                       .execution_options(synchronize_session="fetch"))
    declared = declarations.declaration(application)
    if declared is None or not declared.economic:
        return 0
    for row in declared.amounts:
        db.session.add(SubsidyEntry(
            organisation_id=application.organisation_id, kind=row.kind, source=AssistanceSource.DECLARED,
            giver=row.giver, given_on=row.given_on, amount=row.amount,
            description=f"Declared on application {application.reference}", application_id=application.id,
            created_by_id=user.id if user is not None else None,
        ))
    if declared.amounts:
        db.session.flush()
        audit.record("subsidy.declared", application,
                     f"{len(declared.amounts)} amounts of assistance ({money(declarations.total(declared))}) "
                     f"declared on {application.reference} entered in the subsidy ledger", actor=user)
    return len(declared.amounts)


def award_entry(award: Award) -> SubsidyEntry | None:
    return db.session.scalar(select(SubsidyEntry).where(SubsidyEntry.award_id == award.id,
                                                        SubsidyEntry.source == AssistanceSource.OPCC))


def sync_award(award: Award, actor: User | None = None) -> None:
    """Keep the award's own entry in step: present, for the award's amount, while an MFA award holds
    money (offered, accepted, closed); removed otherwise (withdrawn, lapsed)."""
    entry = award_entry(award)
    holds = award.subsidy_basis is SubsidyBasis.MFA and award.status in COMMITTING
    if not holds:
        if entry is not None:
            db.session.delete(entry)
            db.session.flush()
            audit.record("subsidy.removed", award, f"Minimal financial assistance of {money(entry.amount)} to "
                         f"{award.organisation.name} taken off the subsidy ledger ({award.status.label.lower()})",
                         actor=actor)
        return
    if entry is None:
        db.session.add(SubsidyEntry(
            organisation_id=award.organisation_id, kind=AssistanceKind.MFA, source=AssistanceSource.OPCC,
            giver=setting_office_name(), given_on=offer_day(award), amount=award.amount,
            description=f"Grant for {award.application.reference}", award_id=award.id,
            application_id=award.application_id, created_by_id=actor.id if actor is not None else None,
        ))
        db.session.flush()
        audit.record("subsidy.given", award, f"Minimal financial assistance of {money(award.amount)} to "
                     f"{award.organisation.name} entered in the subsidy ledger", actor=actor)
    elif entry.amount != award.amount:
        before = entry.amount
        entry.amount = award.amount
        db.session.flush()
        audit.record("subsidy.changed", award, f"Minimal financial assistance to {award.organisation.name} "
                     f"changed in the subsidy ledger", changes=audit.diff({"amount": before}, {"amount": award.amount}),
                     actor=actor)


def setting_office_name() -> str:
    from flask import current_app

    return str(current_app.config.get("OFFICE_NAME") or "This office")
