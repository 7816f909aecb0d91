"""The agreement's wording and defaults: amounts in words, the standard conditions, and the default
payment schedule (which must add up to the penny)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.award_conditions import STANDARD_CONDITIONS, amount_in_words, condition_text, number_in_words
from grants.interfaces.awards.offers import default_schedule, end_of_day
from grants.models.awards import InstalmentTrigger


@pytest.mark.parametrize("number, words", [
    (0, "zero"), (7, "seven"), (15, "fifteen"), (40, "forty"), (99, "ninety-nine"), (100, "one hundred"),
    (101, "one hundred and one"), (1000, "one thousand"), (1005, "one thousand and five"),
    (1250, "one thousand, two hundred and fifty"), (12503, "twelve thousand, five hundred and three"),
    (200000, "two hundred thousand"), (1000001, "one million and one"),
])
def test_numbers_in_british_english_words(number, words):
    assert number_in_words(number) == words


@pytest.mark.parametrize("amount, words", [
    ("4000.00", "four thousand pounds"), ("1.00", "one pound"), ("0.01", "zero pounds and one penny"),
    ("3999.99", "three thousand, nine hundred and ninety-nine pounds and ninety-nine pence"),
])
def test_money_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_negative_amounts_have_no_words():
    with pytest.raises(ValueError):
        amount_in_words(Decimal("-1.00"))


def test_the_standard_conditions_cover_a_small_grant():
    assert {"purpose", "records", "acknowledge", "safeguarding", "changes", "monitoring", "unspent",
            "no_promotion", "data_protection"} <= set(STANDARD_CONDITIONS)
    assert "6 years" in STANDARD_CONDITIONS["records"]
    assert condition_text("retired_key") == "retired_key"


@given(pence=st.integers(min_value=2, max_value=10**11), days=st.integers(min_value=0, max_value=1100))
def test_the_default_schedule_adds_up_to_the_penny_within_the_period(pence, days):
    amount, start = Decimal(pence) / 100, date(2027, 4, 1)
    end = start + timedelta(days=days)
    first, second = default_schedule(amount, start, end)
    assert first.amount + second.amount == amount and abs(first.amount - second.amount) <= Decimal("0.01")
    assert first.trigger is InstalmentTrigger.ON_ACCEPTANCE and second.trigger is InstalmentTrigger.AFTER_RETURN
    assert first.due_date == start <= second.due_date <= end


@pytest.mark.parametrize("day, utc", [
    (date(2027, 1, 15), "2027-01-15T23:59:59+00:00"),  # GMT
    (date(2027, 7, 15), "2027-07-15T22:59:59+00:00"),  # BST: an hour ahead of UTC
])
def test_a_deadline_is_the_end_of_its_day_in_uk_time(day, utc):
    assert end_of_day(day).isoformat() == utc
