"""After every test, the portfolio's kept totals (grants.interfaces.awards.portfolio_totals) equal the
totals worked out from scratch over the rows the test left: whatever path a test changed an award,
a payment, a repayment or a return by, the change moved the buckets it should have. Run by the suite's
``db`` fixture (tests/conftest.py) as the test ends, before its transaction is rolled back."""

from __future__ import annotations

from sqlalchemy import exc, func, select

from grants.extensions import db
from grants.interfaces.awards import portfolio_totals
from grants.models.awards import Award
from grants.models.portfolio import PortfolioBucket, PortfolioFigure, PortfolioToBuild


def _kept() -> tuple[set, set]:
    buckets = {(b.round_id, b.year_starting, b.awards, *(getattr(b, name) for name in portfolio_totals.MONEY))
               for b in db.session.scalars(select(PortfolioBucket))}
    figures = {(f.round_id, f.year_starting, f.measure, f.code, f.awards, f.amount, f.paid)
               for f in db.session.scalars(select(PortfolioFigure))}
    return buckets, figures


def problems() -> list[str]:
    """What the kept totals got wrong ([] when they are right, or when there is nothing to check)."""
    try:
        session = db.session()
        if not session.is_active:
            return []
        portfolio_totals.settle()  # what a commit would do with the test's last changes
        if db.session.get(PortfolioToBuild, 1) is not None:
            return []  # still to build: the first read builds them from scratch
        if not db.session.scalar(select(func.count()).select_from(Award)) and not db.session.scalar(
                select(func.count()).select_from(PortfolioBucket)):
            return []
        db.session.expire_all()
        kept = _kept()
        portfolio_totals.rebuild()
        db.session.expire_all()
        scratch = _kept()
    except exc.SQLAlchemyError:
        return []  # the test left its transaction unusable (a refused write it checks): nothing to read
    if kept == scratch:
        return []
    return [f"kept but not so: {sorted(kept[i] - scratch[i], key=str)}; so but not kept: "
            f"{sorted(scratch[i] - kept[i], key=str)}" for i in (0, 1) if kept[i] != scratch[i]]
