"""The pure comparison of an organisation with a register's entry (no database)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.interfaces.due_diligence.matching import (
    EntryFacts,
    comparable_name,
    comparable_number,
    names_match,
    status_flags,
)


@pytest.mark.parametrize("ours, theirs", [
    ("Tamar Valley Recovery Community", "TAMAR VALLEY RECOVERY COMMUNITY"),
    ("Bodmin Moor Youth Trust", "The Bodmin Moor Youth Trust"),
    ("Recovery Trust, The", "The Recovery Trust"),
    ("Harbour Homes Ltd", "HARBOUR HOMES LIMITED"),
    ("Harbour Homes Ltd.", "Harbour Homes Limited"),
    ("Penwith Community Kitchen CIC", "PENWITH COMMUNITY KITCHEN C.I.C."),
    ("Kernow Youth Diversion CIC", "KERNOW YOUTH DIVERSION COMMUNITY INTEREST COMPANY"),
    ("Friends & Families of Users", "FRIENDS AND FAMILIES OF USERS"),
    ("St Ives Recovery Café", "ST IVES RECOVERY CAFE"),
    ("Women's Aid Plymouth", "WOMENS AID PLYMOUTH"),
    ("Cymorth Cyf", "CYMORTH LIMITED"),
    ("Devon Drug   Service", "Devon Drug Service"),
])
def test_names_written_differently_match(ours, theirs):
    assert names_match(ours, theirs)


@pytest.mark.parametrize("ours, theirs", [
    ("Bodmin Moor Youth Trust", "Bodmin Moor Young People's Trust"),
    ("Harbour Homes Ltd", "Harbour Homes Trust"),
    ("Harbour Homes CIC", "Harbour Homes Limited"),  # a different legal form is a different body
])
def test_different_names_do_not_match(ours, theirs):
    assert not names_match(ours, theirs)


@given(st.text(max_size=40))
def test_comparing_is_idempotent_and_a_name_matches_itself(name):
    assert comparable_name(comparable_name(name)) == comparable_name(name)
    assert names_match(name, name)
    assert names_match(name, name.upper().lower())


@pytest.mark.parametrize("number, company, expected", [
    ("1234567", True, "01234567"),
    (" 0987 6543 ", True, "09876543"),
    ("sc123456", True, "SC123456"),
    ("1187654", False, "1187654"),
])
def test_numbers_are_compared_as_the_register_keys_them(number, company, expected):
    assert comparable_number(number, company) == expected


@pytest.mark.parametrize("facts, company, flags", [
    (EntryFacts("A", "Registered"), False, []),
    (EntryFacts("A", "Removed", ended_on=date(2024, 3, 31)), False, ["Removed from the register on 31 March 2024"]),
    (EntryFacts("A", "Registered", in_administration=True, insolvent=True), False,
     ["In administration", "Insolvent"]),
    (EntryFacts("A", "Active"), True, []),
    (EntryFacts("A", "Dissolved", ended_on=date(2022, 7, 1)), True, ["Dissolved on 1 July 2022"]),
    (EntryFacts("A", "Active - Proposal to Strike off"), True, ["Proposal to strike off"]),
    (EntryFacts("A", "In Administration", in_administration=True), True, ["In Administration"]),
    (EntryFacts("A", "Liquidation"), True, ["Liquidation"]),
])
def test_status_flags_say_what_to_look_at(facts, company, flags):
    assert status_flags(facts, company) == flags
