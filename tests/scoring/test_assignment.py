"""Assigning panel members to bids."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import assign_scorers


def test_every_bid_gets_three_scorers_and_the_work_is_shared():
    result = assign_scorers(["b1", "b2", "b3", "b4"], ["ann", "bob", "cat", "dan"])
    assert all(len(members) == 3 for members in result.scorers.values())
    assert result.load == {"ann": 3, "bob": 3, "cat": 3, "dan": 3}
    assert result.shortfalls == ()


def test_a_conflicted_member_never_scores_that_bid():
    result = assign_scorers(["b1", "b2"], ["ann", "bob", "cat", "dan"], conflicts=[("ann", "b1"), ("bob", "b1")])
    assert result.scorers["b1"] == ("cat", "dan")
    assert [s.message for s in result.shortfalls] == [
        "Bid b1 needs 3 scorers but only 2 panel members are free of conflicts"
    ]
    assert "ann" in result.scorers["b2"] and "bob" in result.scorers["b2"]


def test_hand_made_assignments_are_kept_and_counted():
    result = assign_scorers(["b1", "b2"], ["ann", "bob", "cat"], per_bid=1, existing=[("cat", "b1")])
    assert result.scorers["b1"] == ("cat",)
    assert result.scorers["b2"] == ("ann",)  # cat already has work; ann and bob tie, ann first


def test_a_hand_made_assignment_that_is_conflicted_is_dropped():
    result = assign_scorers(["b1"], ["ann", "bob"], per_bid=1, conflicts=[("ann", "b1")], existing=[("ann", "b1")])
    assert result.scorers["b1"] == ("bob",)


def test_the_result_does_not_depend_on_input_order():
    one = assign_scorers(["b2", "b1", "b3"], ["cat", "ann", "bob"], per_bid=2)
    two = assign_scorers(["b1", "b3", "b2"], ["bob", "cat", "ann"], per_bid=2)
    assert one == two


def test_at_least_one_scorer_per_bid():
    with pytest.raises(ValueError, match="at least 1 scorer"):
        assign_scorers(["b1"], ["ann"], per_bid=0)


@settings(max_examples=200)
@given(
    bids=st.lists(st.sampled_from([f"b{n}" for n in range(12)]), max_size=12, unique=True),
    members=st.lists(st.sampled_from([f"m{n}" for n in range(7)]), min_size=1, max_size=7, unique=True),
    per_bid=st.integers(1, 4),
    data=st.data(),
)
def test_properties(bids, members, per_bid, data):
    pairs = [(m, b) for m in members for b in bids]
    conflicts = data.draw(st.lists(st.sampled_from(pairs), unique=True) if pairs else st.just([]))
    result = assign_scorers(bids, members, conflicts, per_bid)
    blocked = set(conflicts)
    for bid, scorers in result.scorers.items():
        free = [m for m in members if (m, bid) not in blocked]
        assert len(scorers) == min(per_bid, len(free))  # as many as possible, never more than asked
        assert len(set(scorers)) == len(scorers)
        assert not any((m, bid) in blocked for m in scorers)
    assert sum(result.load.values()) == sum(len(s) for s in result.scorers.values())
    assert {s.bid for s in result.shortfalls} == {
        bid for bid in bids if len([m for m in members if (m, bid) not in blocked]) < per_bid
    }
    if not conflicts and result.load:
        assert max(result.load.values()) - min(result.load.values()) <= 1


def test_the_bid_fewest_can_score_is_filled_first():
    # Only ann is free for b2, so b2 is filled first with ann and b1 then goes to bob: one each.
    result = assign_scorers(["b1", "b2"], ["ann", "bob"], conflicts=[("bob", "b2")], per_bid=1)
    assert result.scorers == {"b1": ("bob",), "b2": ("ann",)}
    assert result.load == {"ann": 1, "bob": 1}


def test_each_hand_made_assignment_adds_one_to_the_load():
    result = assign_scorers(["b1", "b2", "b3"], ["ann", "bob", "cat"], per_bid=1,
                            existing=[("cat", "b1"), ("cat", "b2")])
    assert result.load == {"ann": 1, "bob": 0, "cat": 2}
    assert result.scorers == {"b1": ("cat",), "b2": ("cat",), "b3": ("ann",)}


def test_the_number_of_scorers_is_checked_in_words():
    with pytest.raises(ValueError) as raised:
        assign_scorers(["b1"], ["ann"], per_bid=0)
    assert str(raised.value) == "Each bid needs at least 1 scorer"
