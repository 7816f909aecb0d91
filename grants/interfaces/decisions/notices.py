"""The commissioner's decision notices: drafted when a round's funding decision is approved, edited
by the commissioner, then signed. A signed notice is fixed and public.

Rules kept here:
- a notice is drafted once per decision, in the approval's own transaction, with the next decision
  number of the financial year (``<prefix>/<2026-27>/<004>``): the running number is one UPDATE of
  a counter row, so two approvals at the same moment never share a number;
- only the commissioner edits and signs; an edit or a signature made from an older version than the
  one saved (``seen_version``) is refused and changes nothing;
- once signed, nothing changes the notice: the service refuses, and a flush that would change a
  signed notice's row raises (``_refuse_changes_once_signed``), whoever tries;
- every drafting, edit (with its changes) and signature is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import abort
from sqlalchemy import event, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from grants import audit
from grants.extensions import db
from grants.formatting import london_today, long_date, money
from grants.forms import without_nul
from grants.interfaces.admin.settings import setting
from grants.modelling.calendar import financial_year
from grants.models.accounts import Role, User
from grants.models.applications import Application, ReferenceCounter
from grants.models.decisions import DecisionNotice
from grants.models.panel import ConflictDeclaration, FundingDecision, ScoreSheet
from grants.models.rounds import FundingRound
from grants.models.types import utcnow

# Staff who may read drafts; only the commissioner edits and signs.
NOTICE_READERS = (Role.GRANTS_OFFICER, Role.FINANCE_OFFICER, Role.COMMISSIONER, Role.ADMIN)
NOTICE_SIGNERS = (Role.COMMISSIONER,)

# The narrative the commissioner edits, with the words each is called by in messages.
NARRATIVE_FIELDS: dict[str, str] = {
    "title": "title",
    "summary": "summary",
    "decision": "decision",
    "reasons": "reasons for the decision",
    "financial_implications": "financial implications",
    "legal_basis": "legal basis",
    "conflicts_of_interest": "conflicts of interest",
}
TITLE_MAX_CHARACTERS = 300  # the column's length
TEXT_MAX_CHARACTERS = 20_000

LEGAL_BASIS = (
    "Section 9 of the Police Reform and Social Responsibility Act 2011 allows a police and crime "
    "commissioner to award crime and disorder reduction grants: grants which, in the commissioner's "
    "opinion, will secure, or contribute to securing, crime and disorder reduction in the commissioner's "
    "area. A grant may be made subject to any conditions the commissioner thinks appropriate. Each grant "
    "in this decision is made under that power and on the conditions set out in its grant agreement."
)
STALE_MESSAGE = ("Someone else saved this decision notice after you opened it. Your text is kept below; "
                 "the text saved now is shown under each part that differs. Check it, then save again")
SIGNED_MESSAGE = "This decision notice has been signed, so it can no longer be changed"


class NoticeError(Exception):
    """A change to a notice that cannot be made; ``field`` names the part it is about."""

    def __init__(self, message: str, field: str | None = None, stale: bool = False):
        super().__init__(message)
        self.field = field
        self.stale = stale


# Numbering ---------------------------------------------------------------------------------------

def _next_in_series(series: str) -> int:
    """The next number in ``series``: one UPDATE, so concurrent callers queue on the counter's row;
    the first of a series inserts it, in a savepoint, and the loser of that race takes the update."""
    for _attempt in range(2):
        bumped = db.session.execute(
            update(ReferenceCounter).where(ReferenceCounter.series == series)
            .values(value=ReferenceCounter.value + 1).returning(ReferenceCounter.value)
        ).scalar_one_or_none()
        if bumped is not None:
            return int(bumped)
        try:
            with db.session.begin_nested():
                db.session.add(ReferenceCounter(series=series, value=1))
        except IntegrityError:  # another transaction started the series first: take the next one
            continue
        return 1
    raise RuntimeError(f"Could not number {series}")  # pragma: no cover - the row exists by now


def next_number(day) -> str:
    """The next decision number for ``day``'s financial year, for example "PCC/D/2026-27/004"."""
    year = financial_year(day)
    prefix = setting("decision_number_prefix")
    return f"{prefix}/{year}/{_next_in_series(f'decision-{year}'):03d}"


# Drafting ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Grant:
    reference: str
    recipient: str
    amount: Decimal
    purpose: str


def _funded(decision: FundingDecision) -> list[Grant]:
    applications = db.session.scalars(
        select(Application).where(Application.id.in_(list(decision.funded)))
        .options(joinedload(Application.organisation)).order_by(Application.reference, Application.id)
    )
    return [Grant(reference=application.reference or "", recipient=application.organisation.name,
                  amount=application.amount_requested or Decimal(0),
                  purpose=application.project_title or "Not given")
            for application in applications]


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def _summary(funding_round: FundingRound, grants: list[Grant], total: Decimal, office: str) -> str:
    if not grants:
        return (f"The {office} has decided to make no grants from the {funding_round.name} funding round.")
    return (f"The {office} has decided to award {_plural(len(grants), 'grant')} totalling {money(total)} from "
            f"the {funding_round.name} funding round, to the organisations listed in this notice, for the "
            "projects they proposed.")


def _decision(funding_round: FundingRound, grants: list[Grant], total: Decimal, considered: int) -> str:
    not_funded = max(considered - len(grants), 0)
    lines = [
        f"To award {_plural(len(grants), 'grant')} totalling {money(total)} from the "
        f"{money(funding_round.total_budget)} budget of the {funding_round.name} funding round, to the "
        "organisations and for the purposes listed in this notice, each on the conditions of its grant agreement."
        if grants else f"To make no grant from the {funding_round.name} funding round.",
    ]
    if not_funded:
        lines.append(f"{_plural(not_funded, 'other bid')} considered {'is' if not_funded == 1 else 'are'} not funded.")
    return " ".join(lines)


NORMALISED = ", normalised for differences between scorers"
OBJECTIVES = {
    "total_score": "funds the bids whose panel scores add up to the most",
    "score_weighted_spend": "makes the most of the budget by weighting each bid's panel score by the amount it "
                            "asks for",
}


def _reasons(funding_round: FundingRound, decision: FundingDecision, considered: int) -> str:
    record = decision.recommendation
    rules, result = record.rules, record.result
    scored = sum(1 for entry in result["decisions"] if entry.get("rank") is not None)
    optimum = result.get("optimum") or {"references": [], "spend_pence": 0}
    threshold = Decimal(rules.get("quality_threshold") or 0)
    aggregation = "median" if rules.get("aggregation") == "median" else "mean"
    paragraphs = [
        f"The {funding_round.name} round opened on {long_date(funding_round.opens_at)} and closed on "
        f"{long_date(funding_round.closes_at)}. {_plural(considered, 'bid')} passed the eligibility checks and "
        f"{'was' if considered == 1 else 'were'} assessed by the grants panel against the round's published scoring "
        f"criteria; {_plural(scored, 'bid')} received a panel score. Each bid's final score is the {aggregation} of "
        f"its panel members' scores{NORMALISED if rules.get('normalised') else ''}.",
        f"On {long_date(record.created_at)} the grants team prepared a funding recommendation that "
        f"{OBJECTIVES.get(rules.get('objective', ''), 'selects the best set of bids')} within the budget"
        f"{f', funding no bid with a final score below {threshold}' if threshold else ''}. It recommended "
        f"{_plural(len(optimum['references']), 'bid')} asking for {money(Decimal(optimum['spend_pence']) / 100)}.",
    ]
    if decision.changed:
        entries = {entry["application_id"]: entry for entry in result["decisions"]}
        recommended = set((result.get("optimum") or {}).get("application_ids", []))
        funded = set(decision.funded)
        changes = [f"{entries[i]['reference']} ({entries[i]['organisation']}) is funded although it was not "
                   "recommended" for i in sorted(funded - recommended) if i in entries]
        changes += [f"{entries[i]['reference']} ({entries[i]['organisation']}) is not funded although it was "
                    "recommended" for i in sorted(recommended - funded) if i in entries]
        paragraphs.append("The Commissioner has changed the recommendation: " + "; ".join(changes) + ". "
                          f"The Commissioner's reason: {decision.reason}")
    else:
        paragraphs.append("The Commissioner accepts the recommendation without change. The bids funded are "
                          "those that, taken together, best meet the round's criteria within its budget.")
    return "\n\n".join(paragraphs)


def _financial_implications(funding_round: FundingRound, grants: list[Grant], total: Decimal) -> str:
    headroom = funding_round.total_budget - total
    if not grants:
        return (f"The round's budget is {money(funding_round.total_budget)}. No grant is awarded, so none of the "
                "budget is committed by this decision.")
    return (f"The round's budget is {money(funding_round.total_budget)}. The {_plural(len(grants), 'grant')} in this "
            f"decision total {money(total)}, leaving {money(headroom)} of the budget unallocated. The grants are "
            "paid from the Commissioner's grants budget in instalments set out in each grant agreement; an "
            "instalment is paid only when its conditions are met, and money not spent on the project is repaid.")


def _conflicts(funding_round: FundingRound) -> str:
    # Whether the member had started a score sheet on the bid, read with each declaration (one
    # statement however many conflicts were declared).
    started_scoring = select(ScoreSheet.id).where(
        ScoreSheet.application_id == ConflictDeclaration.application_id,
        ScoreSheet.user_id == ConflictDeclaration.user_id).exists()
    declarations = db.session.execute(
        select(ConflictDeclaration, started_scoring.label("scored")).join(Application)
        .where(Application.round_id == funding_round.id, ConflictDeclaration.conflicted.is_(True))
        .options(joinedload(ConflictDeclaration.application).joinedload(Application.organisation))
        .order_by(Application.reference, ConflictDeclaration.declared_at, ConflictDeclaration.id)
    ).all()
    if not declarations:
        return ("Panel members declared any conflict of interest before opening each bid. No conflict of interest "
                "was declared.")
    lines = ["Panel members declared any conflict of interest before opening each bid. These conflicts were "
             "declared:"]
    for declaration, scored in declarations:
        application = declaration.application
        handled = ("The member had already started scoring this bid; the declaration is recorded with the scores."
                   if scored else "The member could not open this bid and took no part in scoring it.")
        reason = (declaration.reason or "").strip()
        # Not named: the notice is published, and a panel member may be a volunteer from the community.
        # The commissioner can name them in the draft where the office's practice is to do so.
        lines.append(f"- A panel member declared a conflict of interest in "
                     f"{application.reference} ({application.organisation.name})"
                     f"{f': {reason}' if reason else '.'}{'' if reason.endswith('.') or not reason else '.'} "
                     f"{handled}")
    return "\n".join(lines)


def draft_notice(decision: FundingDecision, commissioner: User) -> DecisionNotice:
    """Draft the decision notice for ``decision``, in the caller's transaction (the approval's)."""
    funding_round = decision.funding_round
    grants = _funded(decision)
    total = sum((grant.amount for grant in grants), Decimal(0))
    considered = len(decision.recommendation.result.get("decisions", []))
    office = setting("decision_maker_office")
    today = london_today(decision.approved_at)
    notice = DecisionNotice(
        round_id=funding_round.id, decision_id=decision.id, number=next_number(today),
        title=f"{funding_round.name} – award of grants"[:TITLE_MAX_CHARACTERS],
        decision_maker_name=setting("decision_maker_name"), decision_maker_office=office,
        decision_date=today,
        summary=_summary(funding_round, grants, total, office),
        decision=_decision(funding_round, grants, total, considered),
        reasons=_reasons(funding_round, decision, considered),
        financial_implications=_financial_implications(funding_round, grants, total),
        legal_basis=LEGAL_BASIS,
        conflicts_of_interest=_conflicts(funding_round),
        grants=[{"reference": grant.reference, "recipient": grant.recipient, "amount": f"{grant.amount:.2f}",
                 "purpose": grant.purpose} for grant in grants],
        drafted_at=utcnow(),
    )
    db.session.add(notice)
    db.session.flush()
    audit.record("decision_notice.drafted", notice,
                 f"Decision notice {notice.number} drafted for {funding_round.name}",
                 changes=audit.diff({}, {
                     **{name: getattr(notice, name) for name in ("number", "decision_maker_name",
                                                                 "decision_maker_office", "decision_date",
                                                                 *NARRATIVE_FIELDS)},
                     "grants": [f"{grant['reference']}: {grant['recipient']}, £{grant['amount']}"
                                for grant in notice.grants]}),
                 actor=commissioner)
    return notice


# Reading -----------------------------------------------------------------------------------------

def notice_or_404(notice_id: int) -> DecisionNotice:
    notice = db.session.get(DecisionNotice, notice_id)
    if notice is None:
        abort(404)
    return notice


def signed_notice_or_404(notice_id: int) -> DecisionNotice:
    """A signed notice; a draft is not found, as if it did not exist."""
    notice = db.session.get(DecisionNotice, notice_id)
    if notice is None or notice.signed_at is None:
        abort(404)
    return notice


def notice_for_round(round_id: int, signed_only: bool = False) -> DecisionNotice | None:
    query = select(DecisionNotice).where(DecisionNotice.round_id == round_id)
    if signed_only:
        query = query.where(DecisionNotice.signed_at.is_not(None))
    return db.session.scalar(query)


def all_notices() -> list[DecisionNotice]:
    """Every notice, drafts first, then the signed ones newest first (for staff)."""
    return list(db.session.scalars(
        select(DecisionNotice).options(joinedload(DecisionNotice.funding_round))
        .order_by(DecisionNotice.signed_at.is_not(None), DecisionNotice.signed_at.desc(),
                  DecisionNotice.drafted_at.desc(), DecisionNotice.id.desc())
    ))


def grants_total(notice: DecisionNotice) -> Decimal:
    return sum((Decimal(grant["amount"]) for grant in notice.grants), Decimal(0))


# Editing and signing -----------------------------------------------------------------------------

def _check_open(notice: DecisionNotice, seen_version: int | None) -> None:
    if notice.signed_at is not None:
        raise NoticeError(SIGNED_MESSAGE)
    if seen_version != notice.version:
        raise NoticeError(STALE_MESSAGE, stale=True)


def _flush() -> None:
    try:
        db.session.flush()
    except StaleDataError:  # another transaction saved the notice after this one read it
        db.session.rollback()
        raise NoticeError(STALE_MESSAGE, stale=True) from None


def checked_values(values: dict[str, str | None]) -> dict[str, str]:
    """The narrative as typed, trimmed: every part entered and not too long; NoticeError otherwise."""
    checked = {}
    for name, words in NARRATIVE_FIELDS.items():
        text = without_nul(values.get(name) or "").strip().replace("\r\n", "\n")
        if not text:
            raise NoticeError(f"Enter the {words}", name)
        limit = TITLE_MAX_CHARACTERS if name == "title" else TEXT_MAX_CHARACTERS
        if len(text) > limit:
            raise NoticeError(f"{words[0].upper()}{words[1:]} must be {limit:,} characters or fewer", name)
        checked[name] = " ".join(text.split()) if name == "title" else text
    return checked


def update_notice(notice: DecisionNotice, seen_version: int | None, values: dict[str, str | None],
                  commissioner: User) -> bool:
    """Save the commissioner's narrative; False when nothing changed."""
    _check_open(notice, seen_version)
    checked = checked_values(values)
    before = {name: getattr(notice, name) for name in checked}
    changes = audit.diff(before, checked)
    if not changes:
        return False
    for name, value in checked.items():
        setattr(notice, name, value)
    _flush()
    audit.record("decision_notice.updated", notice, f"Decision notice {notice.number} changed: "
                 + ", ".join(NARRATIVE_FIELDS[name] for name in changes), changes=changes, actor=commissioner)
    return True


def sign_notice(notice: DecisionNotice, seen_version: int | None, commissioner: User,
                now: datetime | None = None) -> None:
    """Sign the notice as it stands: from now on it is fixed and public."""
    if not commissioner.has_role(*NOTICE_SIGNERS):
        raise NoticeError("Only the commissioner can sign a decision notice")
    _check_open(notice, seen_version)
    checked_values({name: getattr(notice, name) for name in NARRATIVE_FIELDS})  # a draft is never signed empty
    notice.signed_at = now or utcnow()
    notice.signed_by_id = commissioner.id
    _flush()
    audit.record("decision_notice.signed", notice,
                 f"Decision notice {notice.number} signed by {commissioner.full_name}",
                 changes={"signed_at": {"before": None, "after": notice.signed_at.isoformat()},
                          "signed_by": {"before": None, "after": commissioner.full_name},
                          "version": {"before": seen_version, "after": notice.version}},
                 actor=commissioner)


@event.listens_for(DecisionNotice, "before_update")
def _refuse_changes_once_signed(_mapper, _connection, notice: DecisionNotice) -> None:
    """A signed notice is the published record: no path may change its row."""
    history = inspect(notice).attrs.signed_at.history
    was_signed = bool(history.deleted and history.deleted[0] is not None) or (
        not history.has_changes() and notice.signed_at is not None)
    if was_signed:
        raise NoticeError(SIGNED_MESSAGE)
