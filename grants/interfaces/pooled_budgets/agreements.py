"""Pooled-budget agreements: partners, agreements, their members and budget lines, contributions
by year, and the risk-share rule.

Every change is audited in the caller's transaction. Agreements, line budgets and contributions
carry a version: a form says which version it was loaded from (``seen_version``) and a save over
someone else's newer change is refused with PooledError (``stale`` set), nothing saved.
Money is Decimal pounds here and whole pence in grants.modelling.pooled.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from grants import audit
from grants.extensions import db
from grants.modelling.apportionment import apportion
from grants.modelling.calendar import financial_year_label as year_label
from grants.modelling.pooled import ContributionEntry, YearContributions, payment_profile, year_contributions
from grants.models.accounts import Role, User
from grants.models.pooled_budgets import (
    Agreement,
    AgreementPartner,
    BudgetLine,
    Contribution,
    ContributionBasis,
    InstalmentProfile,
    LineBudget,
    MonthlyFigure,
    Partner,
    RiskShareRule,
)

POOLED_VIEWERS = (Role.FINANCE_OFFICER, Role.COMMISSIONER, Role.ADMIN)
POOLED_MANAGERS = (Role.FINANCE_OFFICER,)

STALE_MESSAGE = ("Someone else changed this agreement while you were editing it. Check the current values below "
                 "and make your changes again")
PENNY = Decimal("0.01")


class PooledError(Exception):
    """A pooled-budget change that cannot be made; ``field`` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None, stale: bool = False):
        super().__init__(message)
        self.field = field
        self.stale = stale



def pence(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)).quantize(PENNY) * 100)


def _flush(message: str = STALE_MESSAGE) -> None:
    try:
        db.session.flush()
    except StaleDataError:  # another transaction saved the row after this one read it
        db.session.rollback()
        raise PooledError(message, stale=True) from None


# Agreements --------------------------------------------------------------------------------------

def list_agreements(year: int | None = None) -> list[Agreement]:
    """Every agreement, newest first; with ``year``, those running in that financial year."""
    query = (select(Agreement).options(joinedload(Agreement.host_partner))
             .order_by(Agreement.start_year.desc(), Agreement.reference))
    if year is not None:
        query = query.where(Agreement.start_year <= year, Agreement.end_year >= year)
    return list(db.session.scalars(query))


# What the agreement's page shows: partners, every line's yearly budgets and the contributions,
# loaded in one statement each rather than one per line and per partner.
AGREEMENT_PAGE = (
    selectinload(Agreement.members).joinedload(AgreementPartner.partner),
    selectinload(Agreement.lines).selectinload(BudgetLine.budgets),
    selectinload(Agreement.contributions),
)


def agreement_or_404(agreement_id: int, options: Sequence = ()) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id, options=list(options))
    if agreement is None:
        abort(404)
    return agreement


def year_total(agreement: Agreement, year: int) -> Decimal:
    """The agreed total for a year: the sum of its line budgets."""
    return sum((b.amount for line in agreement.lines for b in line.budgets if b.year == year), Decimal(0))


def year_totals(agreements: Sequence[Agreement]) -> dict[int, dict[int, Decimal]]:
    """``year_total`` of every year of every agreement, summed in one query: {agreement id: {year: total}}."""
    sums = db.session.execute(
        select(BudgetLine.agreement_id, LineBudget.year, func.sum(LineBudget.amount))
        .join(LineBudget.line)
        .where(BudgetLine.agreement_id.in_([agreement.id for agreement in agreements]))
        .group_by(BudgetLine.agreement_id, LineBudget.year)
    ) if agreements else ()
    # SQLite sums NUMERIC as floating point: back to whole pence.
    found = {(agreement_id, year): Decimal(total).quantize(PENNY) for agreement_id, year, total in sums}
    return {a.id: {y: found.get((a.id, y), Decimal(0)) for y in a.years} for a in agreements}


AGREEMENT_FIELDS = ("title", "reference", "legal_basis", "host_partner_id", "fund_manager", "start_year", "end_year",
                    "status", "review_dates", "tolerance_percent", "notes")


def _check_details(values: dict, agreement: Agreement | None, partner_ids: Sequence[int]) -> None:
    _check_text(values, agreement)
    _check_years(values)
    _check_partners(values, partner_ids)


def _check_text(values: dict, agreement: Agreement | None) -> None:
    """The title, reference, legal basis and fund manager: entered, not too long, the reference not taken."""
    for name, message in (("title", "Enter the agreement’s title"), ("reference", "Enter the agreement’s reference"),
                          ("legal_basis", "Enter the legal basis"), ("fund_manager", "Enter the pooled-fund manager")):
        if not (values.get(name) or "").strip():
            raise PooledError(message, name)
    if len(values["reference"]) > 40:
        raise PooledError("Reference must be 40 characters or fewer", "reference")
    for name in ("title", "fund_manager"):
        if len(values[name]) > 200:
            raise PooledError("This must be 200 characters or fewer", name)
    taken = db.session.scalar(select(Agreement).where(func.lower(Agreement.reference) == values["reference"].lower()))
    if taken is not None and taken is not agreement:
        raise PooledError(f"Reference {values['reference']} is already used by “{taken.title}”: choose another",
                          "reference")


def _check_years(values: dict) -> None:
    if values.get("start_year") is None or values.get("end_year") is None:
        raise PooledError("Select the first and last financial years", "start_year")
    if values["end_year"] < values["start_year"]:
        raise PooledError(f"The last financial year must be {year_label(values['start_year'])} or later", "end_year")
    if values["end_year"] - values["start_year"] > 9:
        raise PooledError("An agreement can run for 10 financial years at most", "end_year")


def _check_partners(values: dict, partner_ids: Sequence[int]) -> None:
    """The partners, the host among them, and the tolerance."""
    if not partner_ids:
        raise PooledError("Select the partners", "partner_ids")
    if len(set(partner_ids)) != len(partner_ids) or any(db.session.get(Partner, pid) is None for pid in partner_ids):
        raise PooledError("Select partners from the list", "partner_ids")
    if values.get("host_partner_id") is None:
        raise PooledError("Select the host partner", "host_partner_id")
    if values.get("host_partner_id") not in partner_ids:
        raise PooledError("The host must be one of the partners", "host_partner_id")
    tolerance = values.get("tolerance_percent")
    if tolerance is None or tolerance < 0 or tolerance > 100:
        raise PooledError("Tolerance must be between 0% and 100%", "tolerance_percent")


def create_agreement(values: dict, partner_ids: Sequence[int], line_names: Sequence[str], user: User) -> Agreement:
    """A new agreement with its partners (in the order given) and budget lines (no budgets yet)."""
    _check_details(values, None, partner_ids)
    names = _line_names(line_names)
    agreement = Agreement(**{k: values[k] for k in AGREEMENT_FIELDS if k in values}, created_by=user)
    agreement.members = [AgreementPartner(partner_id=pid, position=n) for n, pid in enumerate(partner_ids)]
    agreement.lines = [BudgetLine(name=name, position=n) for n, name in enumerate(names)]
    db.session.add(agreement)
    db.session.flush()
    audit.record("agreement.created", agreement, f"Pooled-budget agreement {agreement.reference} created",
                 changes=audit.diff({}, {**audit.snapshot(agreement), "partners": list(partner_ids),
                                         "lines": names}), actor=user)
    return agreement


def _line_names(line_names: Sequence[str]) -> list[str]:
    names = [" ".join(n.split()) for n in line_names if n.strip()]
    if not names:
        raise PooledError("Enter at least one budget line", "lines")
    if len({n.lower() for n in names}) != len(names):
        raise PooledError("Each budget line must have a different name", "lines")
    if any(len(n) > 200 for n in names):
        raise PooledError("Budget line names must be 200 characters or fewer", "lines")
    return names


def update_agreement(agreement: Agreement, seen_version: int | None, changes: dict, user: User) -> None:
    """Change the agreement's details (and its partners, with ``partner_ids`` in ``changes``)."""
    if seen_version != agreement.version:
        raise PooledError(STALE_MESSAGE, stale=True)
    partner_ids = changes.pop("partner_ids", [m.partner_id for m in agreement.members])
    _check_details({**{k: getattr(agreement, k) for k in AGREEMENT_FIELDS}, **changes}, agreement, partner_ids)
    if changes.get("start_year", agreement.start_year) != agreement.start_year or \
            changes.get("end_year", agreement.end_year) != agreement.end_year:
        _check_years_free(agreement, changes.get("start_year", agreement.start_year),
                          changes.get("end_year", agreement.end_year))
    before = {name: getattr(agreement, name) for name in changes}
    before_members = [m.partner_id for m in agreement.members]
    with db.session.no_autoflush:
        for name, value in changes.items():
            setattr(agreement, name, value)
        set_members(agreement, partner_ids, user, audited=False)
    if not audit.pending_changes(agreement) and before_members != list(partner_ids):
        agreement.updated_at = func.now()  # so the version goes up when only the partners changed
    _flush()
    audit.record("agreement.updated", agreement, f"Agreement {agreement.reference} changed",
                 changes=audit.diff({**before, "partners": before_members},
                                    {**{n: getattr(agreement, n) for n in changes}, "partners": list(partner_ids)}),
                 actor=user)


def _check_years_free(agreement: Agreement, start: int, end: int) -> None:
    """Refuse dropping a year that already has contributions or monthly figures."""
    outside = lambda year: year < start or year > end  # noqa: E731
    if any(outside(c.year) for c in agreement.contributions) or db.session.scalar(
            select(func.count(MonthlyFigure.id)).join(BudgetLine).where(
                BudgetLine.agreement_id == agreement.id, (MonthlyFigure.year < start) | (MonthlyFigure.year > end))):
        raise PooledError("A year with contributions or monthly figures cannot be taken out of the agreement",
                          "start_year")


def set_members(agreement: Agreement, partner_ids: Sequence[int], user: User, audited: bool = True) -> None:
    """The agreement's partners, in order; a partner with contributions cannot be removed."""
    if agreement.host_partner_id not in partner_ids:
        raise PooledError("The host must be one of the partners", "partner_ids")
    current = {m.partner_id: m for m in agreement.members}
    removed = set(current) - set(partner_ids)
    if any(c.partner_id in removed for c in agreement.contributions):
        raise PooledError("A partner with contributions cannot be removed: set its contributions to £0 instead",
                          "partner_ids")
    before = list(current)
    agreement.members = [current.get(pid) or AgreementPartner(partner_id=pid) for pid in partner_ids]
    for position, member in enumerate(agreement.members):
        member.position = position
    if audited and before != list(partner_ids):
        audit.record("agreement.partners_changed", agreement, f"Partners of {agreement.reference} changed",
                     changes=audit.diff({"partners": before}, {"partners": list(partner_ids)}), actor=user)


# Budget lines ------------------------------------------------------------------------------------

def add_line(agreement: Agreement, name: str, user: User) -> BudgetLine:
    name = _line_names([*(line.name for line in agreement.lines), name])[-1]
    line = BudgetLine(name=name, position=len(agreement.lines))
    agreement.lines.append(line)
    audit.record("budget_line.created", line, f"Budget line {name} added to {agreement.reference}", actor=user)
    return line


def rename_line(line: BudgetLine, name: str, user: User) -> None:
    names = [n.name for n in line.agreement.lines if n is not line]
    name = _line_names([*names, name])[-1]
    before = line.name
    line.name = name
    audit.record("budget_line.renamed", line, f"Budget line {before} renamed {name}",
                 changes=audit.diff({"name": before}, {"name": name}), actor=user)


def remove_line(line: BudgetLine, user: User) -> None:
    if db.session.scalar(select(func.count(MonthlyFigure.id)).where(MonthlyFigure.line_id == line.id)):
        raise PooledError(f"{line.name} has monthly figures, so it cannot be removed", "lines")
    audit.record("budget_line.removed", line, f"Budget line {line.name} removed from {line.agreement.reference}",
                 changes=audit.diff(audit.snapshot(line), {}), actor=user)
    line.agreement.lines.remove(line)


def set_line_budget(line: BudgetLine, year: int, amount: Decimal, user: User, seen_version: int | None = None) -> None:
    if year not in line.agreement.years:
        raise PooledError(f"{year_label(year)} is not a year of this agreement", "year")
    if amount is None or amount < 0:
        raise PooledError(f"Enter a budget of £0 or more for {line.name}", f"line-{line.id}")
    budget = next((b for b in line.budgets if b.year == year), None)
    if budget is not None and seen_version is not None and budget.version != seen_version:
        raise PooledError(STALE_MESSAGE, stale=True)
    before = None if budget is None else budget.amount
    if budget is None:
        budget = LineBudget(year=year, amount=amount)
        line.budgets.append(budget)
    budget.amount = amount
    if before != amount:
        audit.record("line_budget.set", line, f"{line.name} budget for {year_label(year)} set",
                     changes=audit.diff({f"budget {year_label(year)}": before}, {f"budget {year_label(year)}": amount}),
                     actor=user)


# Contributions -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ContributionInput:
    """What the form says of one partner's contribution for a year."""

    partner_id: int
    basis: ContributionBasis
    amount: Decimal | None = None
    share_percent: Decimal | None = None
    profile: InstalmentProfile = InstalmentProfile.QUARTERLY
    seen_version: int | None = None


def _entry(basis, amount, share, key) -> ContributionEntry:
    if basis is ContributionBasis.SHARE:
        return ContributionEntry(key, share_percent=share)
    return ContributionEntry(key, fixed_pence=None if amount is None else pence(amount))


def contributions_for_year(agreement: Agreement, year: int) -> tuple[YearContributions, dict[Hashable, list[int]]]:
    """The year's contributions by partner id (total = its line budgets) and each partner's
    instalments in pence under its payment profile (by partner id). Partners with no contribution count as £0."""
    saved = {c.partner_id: c for c in agreement.contributions if c.year == year}
    entries = [_entry(saved[m.partner_id].basis, saved[m.partner_id].amount, saved[m.partner_id].share_percent,
                      m.partner_id) if m.partner_id in saved else ContributionEntry(m.partner_id, fixed_pence=0)
               for m in agreement.members]
    result = year_contributions(pence(year_total(agreement, year)), entries, year_label(year))
    if not result.problems and result.total_pence and result.amounts:
        # Shown to 0.001%, split by largest remainder so that the partners' shares add up to 100%.
        thousandths = apportion(100_000, [result.amounts[p] for p in result.amounts])
        result = replace(result, shares_percent={p: Decimal(t) / 1000 for p, t in zip(result.amounts, thousandths,
                                                                                      strict=True)})
    profiles = {pid: payment_profile(result.amounts.get(pid, 0),
                                     saved[pid].profile.value if pid in saved else "annual")
                for pid in result.amounts}
    return result, profiles


def save_year(agreement: Agreement, year: int, inputs: Sequence[ContributionInput],
              line_budgets: dict[int, Decimal], user: User,
              line_versions: dict[int, int] | None = None) -> YearContributions:
    """Save a year's line budgets and every partner's contribution together, or nothing: refused
    (PooledError) when an amount is negative or missing, shares do not add up to 100%, the
    contributions do not come to the year's total, or a budget or contribution was changed by
    someone else since the form was loaded (``seen_version`` of each input; ``line_versions`` maps
    a line id to the version of its budget for the year, 0 when it had none)."""
    if year not in agreement.years:
        raise PooledError(f"{year_label(year)} is not a year of this agreement")
    lines = {line.id: line for line in agreement.lines}
    _check_versions(agreement, year, inputs, line_versions)
    _check_line_budgets(lines, line_budgets)
    members = {m.partner_id: m.partner for m in agreement.members}
    _check_inputs(members, inputs)
    budgets = {line_id: line_budgets.get(line_id, next((b.amount for b in line.budgets if b.year == year),
                                                       Decimal(0))) for line_id, line in lines.items()}
    total = pence(sum(budgets.values(), Decimal(0)))
    given = {item.partner_id: item for item in inputs}
    entries = [_entry(given[pid].basis, given[pid].amount, given[pid].share_percent, pid) if pid in given
               else ContributionEntry(pid, fixed_pence=0) for pid in members]
    result = year_contributions(total, entries, year_label(year))
    if result.problems:
        raise PooledError("; ".join(result.problems), "contributions")
    for line_id, amount in budgets.items():
        set_line_budget(lines[line_id], year, amount, user)
    _save_contributions(agreement, year, inputs, members, user)
    _flush()
    return result


def _check_versions(agreement: Agreement, year: int, inputs: Sequence[ContributionInput],
                    line_versions: dict[int, int] | None) -> None:
    """Refuse the save when a budget or contribution of the year changed since the form was loaded."""
    saved_budgets = {line.id: next((b for b in line.budgets if b.year == year), None) for line in agreement.lines}
    for line_id, seen in (line_versions or {}).items():
        budget = saved_budgets.get(line_id)
        if (budget.version if budget is not None else 0) != seen:
            raise PooledError(STALE_MESSAGE, stale=True)
    saved_contributions = {c.partner_id: c for c in agreement.contributions if c.year == year}
    for item in inputs:
        contribution = saved_contributions.get(item.partner_id)
        version = contribution.version if contribution is not None else 0
        if item.seen_version is not None and version != item.seen_version:
            raise PooledError(STALE_MESSAGE, stale=True)


def _check_line_budgets(lines: dict[int, BudgetLine], line_budgets: dict[int, Decimal]) -> None:
    for line_id, amount in line_budgets.items():
        if line_id not in lines:
            raise PooledError("That budget line is not part of this agreement")
        if amount is None or amount < 0:
            raise PooledError(f"Enter a budget of £0 or more for {lines[line_id].name}", f"line-{line_id}")


def _check_inputs(members: dict[int, Partner], inputs: Sequence[ContributionInput]) -> None:
    """Each contribution is from a partner and has its amount (£0 or more) or share (0% to 100%)."""
    for item in inputs:
        if item.partner_id not in members:
            raise PooledError("That partner is not part of this agreement")
        name = members[item.partner_id].name
        if item.basis is ContributionBasis.FIXED and (item.amount is None or item.amount < 0):
            raise PooledError(f"Enter {name}’s contribution, £0 or more", f"amount-{item.partner_id}")
        if item.basis is ContributionBasis.SHARE and (item.share_percent is None or item.share_percent < 0
                                                       or item.share_percent > 100):
            raise PooledError(f"Enter {name}’s share, between 0% and 100%", f"share-{item.partner_id}")


def _save_contributions(agreement: Agreement, year: int, inputs: Sequence[ContributionInput],
                        members: dict[int, Partner], user: User) -> None:
    """Each partner's contribution for the year as given, audited when it changed."""
    saved = {c.partner_id: c for c in agreement.contributions if c.year == year}
    for item in inputs:
        contribution = saved.get(item.partner_id)
        values = {"basis": item.basis, "amount": item.amount if item.basis is ContributionBasis.FIXED else None,
                  "share_percent": item.share_percent if item.basis is ContributionBasis.SHARE else None,
                  "profile": item.profile}
        before = {} if contribution is None else {k: getattr(contribution, k) for k in values}
        if contribution is None:
            contribution = Contribution(partner_id=item.partner_id, year=year, **values)
            agreement.contributions.append(contribution)
        else:
            for key, value in values.items():
                setattr(contribution, key, value)
        changes = audit.diff(before, values)
        if changes:
            audit.record("contribution.set", ("Contribution", f"{agreement.id}/{item.partner_id}/{year}"),
                         f"{members[item.partner_id].name}’s contribution to {agreement.reference} for "
                         f"{year_label(year)} set", changes=changes, actor=user)


def set_contribution(agreement: Agreement, partner: Partner, year: int, basis, amount: Decimal | None,
                     share: Decimal | None, profile, seen_version: int | None, user: User) -> YearContributions:
    """One partner's contribution, the others kept: refused unless the year still adds up."""
    saved = {c.partner_id: c for c in agreement.contributions if c.year == year}
    inputs = [ContributionInput(c.partner_id, c.basis, c.amount, c.share_percent, c.profile)
              for c in saved.values() if c.partner_id != partner.id]
    inputs.append(ContributionInput(partner.id, ContributionBasis(basis), amount, share, InstalmentProfile(profile),
                                    seen_version))
    return save_year(agreement, year, inputs, {}, user)


# Risk share --------------------------------------------------------------------------------------

def set_risk_share(agreement: Agreement, seen_version: int | None, rule: RiskShareRule | str,
                   percents: dict[int, Decimal | None], caps: dict[int, Decimal | None], user: User) -> None:
    """The rule for a year's variance, fixed percentages (adding up to 100, for the fixed rule) and
    optional caps (£0 or more) per partner."""
    if seen_version != agreement.version:
        raise PooledError(STALE_MESSAGE, stale=True)
    try:
        rule = RiskShareRule(rule)
    except ValueError:
        raise PooledError("Select how a variance is shared", "rule") from None
    for member in agreement.members:
        cap = caps.get(member.partner_id)
        if cap is not None and cap < 0:
            raise PooledError(f"{member.partner.name}’s cap must be £0 or more", f"cap-{member.partner_id}")
        percent = percents.get(member.partner_id)
        if percent is not None and (percent < 0 or percent > 100):
            raise PooledError(f"{member.partner.name}’s percentage must be between 0% and 100%",
                              f"percent-{member.partner_id}")
    if rule is RiskShareRule.FIXED:
        total = sum((percents.get(m.partner_id) or Decimal(0) for m in agreement.members), Decimal(0))
        if total != 100:
            raise PooledError(f"Fixed percentages add up to {total.normalize():f}%: they must add up to 100%",
                              "percents")
    before: dict = {"risk_share_rule": agreement.risk_share_rule}
    after: dict = {"risk_share_rule": rule}
    agreement.risk_share_rule = rule
    for member in agreement.members:
        name = member.partner.name
        new_percent = percents.get(member.partner_id) if rule is RiskShareRule.FIXED else None
        before[f"{name} percent"], before[f"{name} cap"] = member.risk_share_percent, member.risk_cap
        member.risk_share_percent, member.risk_cap = new_percent, caps.get(member.partner_id)
        after[f"{name} percent"], after[f"{name} cap"] = new_percent, member.risk_cap
    changes = audit.diff(before, after)
    if changes and not audit.pending_changes(agreement):
        agreement.updated_at = func.now()  # so the version goes up when only members' settings changed
    _flush()
    if changes:
        audit.record("agreement.risk_share_set", agreement, f"Risk share of {agreement.reference} changed",
                     changes=changes, actor=user)

