"""Charity numbers, company numbers and postcodes: what is accepted, and the canonical form kept."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grants.identifiers import (
    normalise_charity_number,
    normalise_company_number,
    normalise_postcode,
)

NORMALISERS = [normalise_charity_number, normalise_company_number, normalise_postcode]
CANONICAL_POSTCODE = re.compile(r"[A-Z][A-Z0-9]{1,3} [0-9][A-Z]{2}")


@pytest.fixture(autouse=True)
def db():
    """Pure functions: no database (this replaces the suite's per-test database fixture)."""
    yield None


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("1234567", "1234567"),
        ("123456", "123456"),  # older six-digit numbers
        (" 1 234 567 ", "1234567"),
        ("1234567-1", "1234567-1"),  # a linked charity
        ("1234567-12", "1234567-12"),
        ("sc012345", "SC012345"),
        ("SC 012345", "SC012345"),
        ("nic100001", "NIC100001"),
        ("NIC 100 001", "NIC100001"),
    ],
)
def test_charity_numbers_in_use_are_kept_in_one_form(typed, kept):
    assert normalise_charity_number(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "12345",  # too short
        "12345678",  # too long
        "0123456",  # numbers do not start with 0
        "1234567-",
        "1234567-1234",
        "SC12345",  # Scottish numbers are SC and six digits
        "SC0123456",
        "SC01234A",
        "NI100001",
        "NIC000001",
        "NIC10000",
        "CH1234567",
        "١٢٣٤٥٦٧",  # Arabic-Indic digits are not a charity number
        "1٢٣٤٥٦٧",
        "charity",
    ],
)
def test_malformed_charity_numbers_are_refused_with_a_message(typed):
    with pytest.raises(
        ValueError, match="^Enter a charity number in the correct format, like 1234567"
    ):
        normalise_charity_number(typed)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("01234567", "01234567"),  # the leading zero is part of the number
        ("1234567", "01234567"),
        ("1234", "00001234"),
        ("00001234", "00001234"),
        ("12345678", "12345678"),
        ("sc123456", "SC123456"),
        ("SC 123 456", "SC123456"),
        ("NI012345", "NI012345"),
        ("oc301234", "OC301234"),
        ("R0123456", "R0123456"),
    ],
)
def test_company_numbers_are_eight_characters_with_leading_zeros_kept(typed, kept):
    assert normalise_company_number(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "0",
        "00000000",  # no company is number zero
        "123456789",  # nine digits
        "SC12345",
        "SC1234567",
        "XX123456",  # not a Companies House register
        "S1234567",
        "12-34567",
        "١٢٣٤",  # Arabic-Indic digits
        "0١٢٣٤٥٦٧",
        "SC١٢٣٤٥٦",
        "company",
    ],
)
def test_malformed_company_numbers_are_refused_with_a_message(typed):
    with pytest.raises(
        ValueError, match="^Enter a company number in the correct format, like 01234567"
    ):
        normalise_company_number(typed)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("PL1 2AB", "PL1 2AB"),
        ("pl12ab", "PL1 2AB"),
        ("  ex1  1aa ", "EX1 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("TR21 0LW", "TR21 0LW"),  # St Mary's, Isles of Scilly
        ("gir0aa", "GIR 0AA"),
        ("SW1A\t1AA", "SW1A 1AA"),
    ],
)
def test_postcodes_come_out_upper_case_with_one_space(typed, kept):
    assert normalise_postcode(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "PL1",  # outward code only
        "2AB",
        "PL1 2A",
        "PL1 2ABC",
        "QL1 2AB",  # Q is never the first letter
        "PL1 2CB",  # C is never in the inward code
        "PL1 AAB",
        "12345",
        "PL1-2AB",
        "ＰＬ１ ２ＡＢ",  # full-width letters and digits
        "PL١ ٢AB",
        "not a postcode",
    ],
)
def test_malformed_postcodes_are_refused_with_a_message(typed):
    with pytest.raises(ValueError, match="^Enter a real postcode, like PL1 2AB$"):
        normalise_postcode(typed)


# Properties ------------------------------------------------------------------------------------


def _accepted(normalise, text: str) -> str | None:
    try:
        return normalise(text)
    except ValueError:
        return None


@pytest.mark.parametrize("normalise", NORMALISERS)
@given(text=st.text())
@example(text="١٢٣٤٥٦٧")
@example(text="ſc012345")  # a long s upper-cases to S
@example(text="ß")
def test_normalising_arbitrary_text_raises_nothing_but_value_error(normalise, text):
    try:
        normalise(text)
    except ValueError as error:
        assert str(error)  # a message for the person who typed it


@pytest.mark.parametrize("normalise", NORMALISERS)
@given(text=st.text(alphabet=st.sampled_from("0123456789 ACGINOSRZ-\t١"), max_size=14) | st.text())
def test_normalising_is_idempotent(normalise, text):
    once = _accepted(normalise, text)
    if once is not None:
        assert normalise(once) == once


# Postcodes built from the shapes the Royal Mail uses, in any case and spacing.
_area = st.sampled_from(list("ABCDEFGHIJKLMNOPRSTUWYZ"))
_second = st.sampled_from(list("ABCDEFGHKLMNOPQRSTUVWXY"))
_digit = st.sampled_from(list("0123456789"))
_inward = st.tuples(_digit, *[st.sampled_from(list("ABDEFGHJLNPQRSTUWXYZ"))] * 2).map("".join)
_outward = st.one_of(
    st.tuples(_area, _digit).map("".join),
    st.tuples(_area, _digit, _digit).map("".join),
    st.tuples(_area, _second, _digit).map("".join),
    st.tuples(_area, _second, _digit, _digit).map("".join),
    st.tuples(_area, _digit, st.sampled_from(list("ABCDEFGHJKPSTUW"))).map("".join),
    st.tuples(_area, _second, _digit, st.sampled_from(list("ABEHMNPRVWXY"))).map("".join),
)


@given(
    outward=_outward,
    inward=_inward,
    gap=st.sampled_from(["", " ", "  ", "\t"]),
    lower=st.booleans(),
    padding=st.sampled_from(["", " "]),
)
def test_every_postcode_shape_is_accepted_as_outward_space_inward(
    outward, inward, gap, lower, padding
):
    typed = f"{padding}{outward}{gap}{inward}{padding}"
    assert normalise_postcode(typed.lower() if lower else typed) == f"{outward} {inward}"


@given(text=st.text() | st.from_regex(r"\A[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}\Z"))
def test_accepted_postcodes_are_always_outward_space_inward_upper_case(text):
    postcode = _accepted(normalise_postcode, text)
    if postcode is not None:
        assert CANONICAL_POSTCODE.fullmatch(postcode), postcode
        assert postcode.isascii() and postcode == postcode.upper()
        assert len(postcode) <= 8  # the column's width


@given(text=st.text() | st.from_regex(r"\A(?:[A-Za-z]{2})?[0-9 ]{1,9}\Z"))
@example(text="١٢٣٤")
def test_accepted_company_numbers_are_eight_ascii_characters(text):
    number = _accepted(normalise_company_number, text)
    if number is not None:
        assert (
            len(number) == 8 and number.isascii() and number.isalnum() and number == number.upper()
        )


@given(digits=st.integers(min_value=1, max_value=99_999_999))
def test_company_numbers_keep_their_value_padded_to_eight_digits(digits):
    assert normalise_company_number(str(digits)) == f"{digits:08d}"


@given(text=st.text() | st.from_regex(r"\A(?:SC|NIC|sc)?[0-9 -]{5,10}\Z"))
@example(text="1٢٣٤٥٦٧")
def test_accepted_charity_numbers_are_ascii_without_spaces(text):
    number = _accepted(normalise_charity_number, text)
    if number is not None:
        assert (
            number.isascii() and not any(c.isspace() for c in number) and number == number.upper()
        )
        assert len(number) <= 20  # the column's width
