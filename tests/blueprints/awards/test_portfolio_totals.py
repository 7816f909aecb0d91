"""The portfolio's kept totals (grants.interfaces.awards.portfolio_totals): each way an award's money can
move moves the buckets it should, and nothing else; a write the totals are not told of is caught.

Every test of the suite also ends with tests/portfolio_check.py (the kept totals equal the sums from
scratch); these tests check that check, and the parts it relies on, one by one."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text, update

from grants.interfaces import writes
from grants.interfaces.awards import portfolio, portfolio_totals
from grants.models.awards import AwardStatus, Instalment, InstalmentStatus
from grants.models.portfolio import PortfolioBucket, PortfolioFigure
from tests import portfolio_check
from tests.blueprints.awards.test_portfolio import PORTFOLIO, build_award
from tests.factories import FundingRoundFactory


@pytest.fixture
def rounds(db):
    return {"one": FundingRoundFactory(name="Round one", total_budget=Decimal("20000.00")),
            "two": FundingRoundFactory(name="Round two", total_budget=Decimal("10000.00"))}


def _bucket(db, award) -> PortfolioBucket:
    db.session.expire_all()
    return db.session.get(PortfolioBucket, (award.round_id, portfolio_totals.year_starting(award.start_date)))


def test_a_committed_payment_moves_its_bucket_and_no_other(db, rounds):
    award = build_award(db, rounds["one"], PORTFOLIO[1], 1)  # accepted, nothing paid yet
    other = build_award(db, rounds["two"], PORTFOLIO[1], 2)
    db.session.commit()
    before, untouched = _bucket(db, award), _bucket(db, other)
    paid_before, other_worked_out = before.paid, untouched.worked_out_at
    instalment = next(i for i in award.instalments if i.status is not InstalmentStatus.PAID)
    instalment.status, instalment.paid_on = InstalmentStatus.PAID, date(2026, 6, 1)
    db.session.commit()
    assert _bucket(db, award).paid == paid_before + instalment.amount
    assert _bucket(db, other).worked_out_at == other_worked_out  # not worked out again


def test_moving_an_award_to_another_year_empties_the_bucket_it_left(db, rounds):
    award = build_award(db, rounds["one"], PORTFOLIO[1], 1)
    db.session.commit()
    left = (award.round_id, portfolio_totals.year_starting(award.start_date))
    award.start_date = award.start_date.replace(year=award.start_date.year + 2)
    db.session.commit()
    assert db.session.get(PortfolioBucket, left) is None
    assert not db.session.scalars(select(PortfolioFigure).where(
        PortfolioFigure.round_id == left[0], PortfolioFigure.year_starting == left[1])).all()
    assert _bucket(db, award).awarded == award.amount


def test_a_guarded_update_tells_the_totals_which_awards_it_changed(db, rounds):
    award = build_award(db, rounds["one"], PORTFOLIO[1], 1)
    db.session.commit()
    instalment = next(i for i in award.instalments if i.status is not InstalmentStatus.PAID)
    changed = writes.rows_changed(update(Instalment).where(Instalment.id == instalment.id)
                                  .values(status=InstalmentStatus.PAID, paid_on=date(2026, 6, 1))
                                  .execution_options(synchronize_session=False))
    assert changed == 1
    assert db.session.connection().info[portfolio_totals.PENDING].awards == {award.id}
    assert not db.session.connection().info[portfolio_totals.PENDING].everything
    db.session.commit()
    assert portfolio.dashboard(portfolio.PortfolioFilter(round_id=award.round_id)).total.paid == sum(
        (i.amount for i in award.instalments if i.status is InstalmentStatus.PAID or i.id == instalment.id),
        Decimal(0))


def test_an_orm_update_that_does_not_say_its_rows_moves_every_bucket(db, rounds, caplog):
    award = build_award(db, rounds["one"], PORTFOLIO[1], 1)
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger=portfolio_totals.__name__):
        db.session.execute(update(Instalment).where(Instalment.award_id == award.id)
                           .values(status=InstalmentStatus.PAID).execution_options(synchronize_session=False))
    assert db.session.connection().info[portfolio_totals.PENDING].everything
    assert "every bucket will be worked out again" in caplog.text
    db.session.commit()
    assert _bucket(db, award).paid == award.amount
    assert _bucket(db, award).remaining == Decimal(0)


def test_the_suites_check_finds_a_write_the_totals_were_not_told_of(db, rounds):
    award = build_award(db, rounds["one"], PORTFOLIO[1], 1)
    db.session.commit()
    assert portfolio_check.problems() == []
    # Plain SQL passes by the session's bookkeeping, as a forgotten write path would.
    db.session.execute(text("UPDATE awards SET amount = amount + 1 WHERE id = :id"), {"id": award.id})
    found = portfolio_check.problems()
    assert found and "kept but not so" in found[0]
    assert portfolio_check.problems() == []  # the check built them again: the test's own end passes


def test_the_totals_are_built_on_first_read_when_a_database_has_none(db, rounds):
    award = build_award(db, rounds["one"], PORTFOLIO[1], 1)
    db.session.commit()
    expected = portfolio.dashboard(portfolio.PortfolioFilter())
    db.session.execute(text("DELETE FROM portfolio_figures"))
    db.session.execute(text("DELETE FROM portfolio_buckets"))
    db.session.execute(text("INSERT INTO portfolio_to_build (id, since) VALUES (1, CURRENT_TIMESTAMP)"))  # as upgraded
    rebuilt = portfolio.dashboard(portfolio.PortfolioFilter())
    assert rebuilt.total == expected.total and rebuilt.total.awarded == award.amount
    assert rebuilt.by_area == expected.by_area and rebuilt.people == expected.people


def test_a_withdrawn_award_leaves_the_totals(db, rounds):
    award = build_award(db, rounds["one"], PORTFOLIO[1], 1)
    db.session.commit()
    award.status = AwardStatus.WITHDRAWN
    db.session.commit()
    assert _bucket(db, award) is None
    assert portfolio.dashboard(portfolio.PortfolioFilter()).total == portfolio.Money()
