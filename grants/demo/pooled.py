"""Demo pooled budget: a three-year treatment and recovery agreement between the OPCC and all five
local authorities, with a closed year of monthly actuals and the current year under way.

The local authorities share what the OPCC's fixed contribution leaves in proportion to their
Census 2021 populations. Years are relative to today, so the closed year is always last year.
Goes through the pooled-budget interfaces; idempotent (matched by reference).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from grants.extensions import db
from grants.formatting import LONDON
from grants.interfaces.auth import accounts
from grants.interfaces.pooled_budgets import agreements as pooled_budgets
from grants.interfaces.pooled_budgets import figures as pooled_figures
from grants.interfaces.pooled_budgets import partners as pooled_partners
from grants.modelling.calendar import financial_year_start
from grants.models.pooled_budgets import (
    Agreement,
    AgreementStatus,
    ContributionBasis,
    InstalmentProfile,
    Partner,
    PartnerKind,
    month_start,
)
from grants.models.reference import LocalAuthority
from grants.models.types import utcnow

REFERENCE = "PB-DCIOS-TREATMENT"
OPCC_CONTRIBUTION = Decimal("400000.00")
# Annual budgets by service.
LINES = (
    ("Community treatment", Decimal("1200000.00")),
    ("Criminal justice treatment pathway", Decimal("450000.00")),
    ("Prison release continuity of care", Decimal("250000.00")),
    ("Recovery support", Decimal("300000.00")),
    ("Young people's service", Decimal("200000.00")),
)
# How each line's monthly spend runs against its budget (1.00 = on budget): recovery support runs
# over by more than the tolerance; the young people's service under.
RUN_RATE = {"Community treatment": Decimal("0.99"), "Criminal justice treatment pathway": Decimal("1.01"),
            "Prison release continuity of care": Decimal("0.97"), "Recovery support": Decimal("1.08"),
            "Young people's service": Decimal("0.90")}


def _population_shares(authorities: list[LocalAuthority]) -> list[Decimal]:
    """Each authority's share of the total population, in percent to 3 places, adding up to 100."""
    total = sum(la.population for la in authorities)
    shares = [(Decimal(la.population) * 100 / total).quantize(Decimal("0.001")) for la in authorities]
    shares[0] += Decimal(100) - sum(shares)
    return shares


def _monthly(amount: Decimal, rate: Decimal, month: int) -> Decimal:
    # A little seasonal wobble so the months differ, steady over the year.
    wobble = Decimal(("1.02", "0.98", "1.00", "1.01", "0.99", "1.00")[month % 6])
    return (amount / 12 * rate * wobble).quantize(Decimal("0.01"))


def _partner(**where: object) -> Partner:
    partner = db.session.scalar(select(Partner).filter_by(**where))
    assert partner is not None  # ensure_partners makes the OPCC and one for each council
    return partner


def seed_pooled_budget() -> Agreement | None:
    """The demo agreement, unless it exists; the caller commits."""
    existing = db.session.scalar(select(Agreement).filter_by(reference=REFERENCE))
    if existing is not None:
        return existing
    finance = accounts.get_user_by_email("finance@example.org")
    if finance is None:
        return None
    pooled_partners.ensure_partners()
    opcc = _partner(kind=PartnerKind.OPCC)
    authorities = list(db.session.scalars(select(LocalAuthority).order_by(LocalAuthority.position)))
    councils = [_partner(local_authority_id=la.id) for la in authorities]
    today = utcnow().astimezone(LONDON).date()
    last_year = financial_year_start(today) - 1
    agreement = pooled_budgets.create_agreement(
        {
            "title": "Devon, Cornwall and Isles of Scilly drug and alcohol treatment and recovery pool",
            "reference": REFERENCE,
            "legal_basis": "Crime and disorder reduction grant under section 9 of the Police Reform and Social "
                           "Responsibility Act 2011, pooled with the councils' public health grant",
            "host_partner_id": opcc.id,
            "fund_manager": "Chief Finance Officer, OPCC",
            "start_year": last_year,
            "end_year": last_year + 2,
            "status": AgreementStatus.ACTIVE,
            "review_dates": [date(last_year + 1, 3, 31).isoformat(), date(last_year + 2, 3, 31).isoformat()],
            "tolerance_percent": Decimal("5.00"),
            "notes": "Continues while regional co-commissioning with the South West PCCs is scoped.",
        },
        [opcc.id] + [council.id for council in councils],
        [name for name, _ in LINES],
        finance,
    )
    lines = {line.name: line for line in agreement.lines}
    shares = _population_shares(authorities)
    for year in agreement.years:
        uplift = Decimal("1.02") ** (year - last_year)  # 2% a year
        budgets = {lines[name].id: (amount * uplift).quantize(Decimal("1")) for name, amount in LINES}
        inputs = [pooled_budgets.ContributionInput(opcc.id, ContributionBasis.FIXED, amount=OPCC_CONTRIBUTION,
                                                   profile=InstalmentProfile.QUARTERLY)]
        inputs += [pooled_budgets.ContributionInput(council.id, ContributionBasis.SHARE, share_percent=share,
                                                    profile=InstalmentProfile.QUARTERLY)
                   for council, share in zip(councils, shares, strict=True)]
        pooled_budgets.save_year(agreement, year, inputs, budgets, finance)

    # Last year: twelve months of actuals, then closed with the variance shared pro rata.
    # This year: actuals for the months gone by, forecasts for every month.
    months_gone = [m for m in range(1, 13) if month_start(last_year + 1, m) < today.replace(day=1)]
    for year, actual_months in ((last_year, range(1, 13)), (last_year + 1, months_gone)):
        budget_of = {b.line_id: b.amount for line in agreement.lines for b in line.budgets if b.year == year}
        rows = []
        for name, line in lines.items():
            for month in range(1, 13):
                actual = _monthly(budget_of[line.id], RUN_RATE[name], month) if month in actual_months else None
                forecast = _monthly(budget_of[line.id], Decimal("1.00"), month)
                rows.append(pooled_figures.FigureRow(line.id, month, None if actual is None else str(actual),
                                                     str(forecast), 0))
        pooled_figures.save_figures(agreement, year, rows, finance, today=today)
    pooled_figures.close_year(agreement, last_year, Decimal("5000.00"), finance)  # part of its underspend
    db.session.flush()
    return agreement
