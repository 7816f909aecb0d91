from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.ranking import RULES, Bid, money, pence, pounds, rank_bids
from tests.scoring.builders import make_bid


def test_ranking_applies_the_tie_break_rules_in_turn():
    bids = [
        make_bid("CGS-5", 9_000, "3.10", fit="2"),
        make_bid("CGS-4", 9_000, "3.10", fit="3"),  # same score: better strategic fit first
        make_bid("CGS-3", 8_000, "3.10", fit="2"),  # same score and fit: cheaper first
        make_bid("CGS-2", 8_000, "3.10", fit="2"),  # all the same: reference decides
        make_bid("CGS-1", 20_000, "3.50", fit="1"),
    ]
    ranked = rank_bids(bids)
    assert [(entry.rank, entry.bid.reference, entry.decided_by) for entry in ranked] == [
        (1, "CGS-1", None),
        (2, "CGS-4", "higher panel score"),
        (3, "CGS-2", "higher strategic fit score"),
        (4, "CGS-3", "reference"),
        (5, "CGS-5", "lower amount requested"),
    ]
    assert RULES[-1] == "reference"


def test_repeated_references_are_refused():
    with pytest.raises(ValueError, match="repeated: CGS-1"):
        rank_bids([make_bid("CGS-1", 100, "3"), make_bid("CGS-1", 200, "2")])


@settings(max_examples=50, deadline=None)
@given(st.permutations(range(6)), st.lists(st.sampled_from(["2.00", "3.00"]), min_size=6, max_size=6))
def test_the_order_never_depends_on_the_order_bids_come_in(order, scores):
    bids = [make_bid(f"CGS-{n}", 100 * (1 + n % 2), scores[n], fit=str(n % 3)) for n in range(6)]
    shuffled = [bids[i] for i in order]
    assert [e.bid for e in rank_bids(shuffled)] == [e.bid for e in rank_bids(bids)]


def test_money_is_whole_pence():
    assert pence("12500.50") == 1_250_050
    assert pence(Decimal("0.01")) == 1
    assert pence(40) == 4_000
    with pytest.raises(ValueError, match="not a whole number of pence"):
        pence("1.005")
    with pytest.raises(TypeError):
        pence(1.5)
    assert pounds(1_250_050) == Decimal("12500.50")
    assert money(1_250_000) == "£12,500"
    assert money(1_250_050) == "£12,500.50"


def test_a_bid_checks_its_amount_and_scores():
    with pytest.raises(ValueError, match="more than £0"):
        make_bid("CGS-1", 0, "3")
    with pytest.raises(TypeError, match="whole pence"):
        Bid("CGS-1", "Org", Decimal("100.00"), Decimal(3), Decimal(3))
    with pytest.raises(TypeError, match="not a float"):
        Bid("CGS-1", "Org", 100, 3.0, Decimal(3))
    bid = Bid("CGS-1", "Org", 100, 3, "2.5", areas=["devon"])
    assert bid.panel_score == Decimal(3) and bid.strategic_fit_score == Decimal("2.5")
    assert bid.areas == frozenset({"devon"})


def test_money_as_a_float_is_refused_in_words():
    with pytest.raises(TypeError) as raised:
        pence(12.5)
    assert str(raised.value) == "Give money as a Decimal, an int or a string, not a float"


def test_every_repeated_reference_is_named():
    bids = [make_bid("B", 10, "3"), make_bid("A", 10, "3"), make_bid("B", 20, "2"), make_bid("A", 20, "2")]
    with pytest.raises(ValueError) as raised:
        rank_bids(bids)
    assert str(raised.value) == "Bid references must be unique; repeated: A, B"


def test_a_bid_of_a_penny_and_areas_and_approaches_as_lists():
    bid = Bid("A", "Org", 1, Decimal(3), Decimal(2), areas=["devon"], approaches=["people", "people"])
    assert (bid.amount_pence, bid.areas, bid.approaches) == (1, frozenset({"devon"}), frozenset({"people"}))
