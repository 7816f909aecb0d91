"""The portfolio's pure parts: sharing money out to the penny, reading people reached from a return,
and the money figures of one award."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.interfaces.awards import portfolio
from grants.models.awards import AwardStatus, InstalmentStatus

CATALOGUE = [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")]
amounts = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False)
codes = st.lists(st.sampled_from(["a", "b", "c", "d", "unknown"]), max_size=6)


def test_share_out_splits_to_the_penny_in_the_catalogue_order():
    rows = portfolio.share_out(
        [(Decimal("0.05"), ["b", "a", "c"]), (Decimal("10.00"), ["zz"]), (Decimal("1.00"), ["c", "c"])],
        [("a", "A"), ("b", "B"), ("c", "C")],
    )
    assert [(row.name, row.awards, row.amount) for row in rows] == [
        ("A", 1, Decimal("0.02")), ("B", 1, Decimal("0.02")), ("C", 2, Decimal("1.01")),
        ("Not recorded", 1, Decimal("10.00")),
    ]


@pytest.mark.parametrize("answers, expected", [
    ({"people": {"people_families": ["3"], "people_all": ["1,204"]}}, {"families": 3, "all": 1204}),
    ({"people": {"people_families": ["three"], "people_communities": [""], "people_other": ["-2"]}}, {}),
    ({"people": {"people_families": 4, "people_unknown_group": ["5"]}}, {"families": 4}),
    ({"people": "12"}, {}),
    ({}, {}),
    (None, {}),
])
def test_people_counts_read_the_return_as_typed(answers, expected):
    assert portfolio.people_counts(answers) == expected



@given(st.lists(st.tuples(amounts, codes), max_size=12))
def test_shares_add_up_to_the_money_to_the_penny(entries):
    rows = portfolio.share_out(entries, CATALOGUE)
    assert sum(row.amount for row in rows) == sum((amount for amount, _codes in entries), Decimal(0))
    assert [row.code for row in rows if row.code] == [code for code, _name in CATALOGUE]
    assert all(row.amount == row.amount.quantize(Decimal("0.01")) and row.amount >= 0 for row in rows)
    named = [sum(1 for _amount, chosen in entries if code in chosen) for code, _name in CATALOGUE]
    assert [row.awards for row in rows if row.code] == named


@given(amounts, st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, unique=True))
def test_one_award_is_shared_equally_within_a_penny(amount, chosen):
    rows = [row for row in portfolio.share_out([(amount, chosen)], CATALOGUE) if row.code in chosen]
    assert max(row.amount for row in rows) - min(row.amount for row in rows) <= Decimal("0.01")
    # The odd pennies go to the first in the catalogue's order.
    assert [row.amount for row in rows] == sorted((row.amount for row in rows), reverse=True)


def _award(status, amount, paid_amounts):
    instalments = [SimpleNamespace(amount=Decimal(a), status=InstalmentStatus.PAID) for a in paid_amounts]
    instalments.append(SimpleNamespace(amount=Decimal("1.00"), status=InstalmentStatus.APPROVED))
    return SimpleNamespace(status=status, amount=Decimal(amount), instalments=instalments, repayments=[],
                           underspend=None)


@pytest.mark.parametrize("status, offered, committed, remaining", [
    (AwardStatus.OFFERED, "900.00", "0.00", "0.00"),
    (AwardStatus.ACCEPTED, "0.00", "900.00", "600.00"),
    (AwardStatus.CLOSED, "0.00", "900.00", "0.00"),  # nothing left to pay on a closed award
])
def test_the_money_of_one_award(status, offered, committed, remaining):
    figures = portfolio.award_money(_award(status, "900.00", ["200.00", "100.00"]))
    assert figures == portfolio.Money(awards=1, awarded=Decimal("900.00"), offered=Decimal(offered),
                                      committed=Decimal(committed), paid=Decimal("300.00"),
                                      remaining=Decimal(remaining))
