"""Password rules (NCSC guidance): length and a deny list, no composition rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.passwords import EXAMPLE_PASSWORD, MIN_LENGTH, common_passwords, password_problem

TOO_EASY = "Password is too easy to guess. Use 3 random words, for example ‘tulip-harbour-kettle’"


def test_the_shipped_list_is_loaded():
    common = common_passwords()
    assert len(common) > 19_000
    assert {"password", "qwerty", "letmein"} <= common


@pytest.mark.parametrize(
    "password",
    ["lighthouse-pasty-gorse", "correct horse battery", "Tr3vithick!Engine", "x" * 5 + "ylophone-river"],
)
def test_good_passwords_pass_without_composition_rules(password):
    assert password_problem(password) is None


@pytest.mark.parametrize(
    "password, problem",
    [
        ("eleven-char", f"Password must be {MIN_LENGTH} characters or more"),
        ("a" * 257, "Password must be 256 characters or fewer"),
        ("1qaz2wsx3edc", TOO_EASY),  # on the list as it is
        ("iloveyou1234", TOO_EASY),  # a common password padded with digits
        ("!!Sunshine2026!!", TOO_EASY),  # padded both ends, any case
        ("aaaaaaaaaaaa", TOO_EASY),
        ("abababababab", TOO_EASY),
        ("123456789012", TOO_EASY),
        ("abcdefghijklm", TOO_EASY),
        ("monkeymonkey", TOO_EASY),
    ],
)
def test_weak_passwords_are_refused(password, problem):
    assert password_problem(password) == problem


def test_password_containing_the_email_name_is_refused():
    assert password_problem("my-name-is-jo.bloggs!", email="jo.bloggs@example.org") == (
        "Password must not contain your email address"
    )
    assert password_problem("a-jo-in-the-middle-x", email="jo@example.org") is None  # too short a name to matter


@given(st.text(min_size=0, max_size=300))
def test_any_text_gets_a_verdict_never_an_error(text):
    problem = password_problem(text)
    assert problem is None or isinstance(problem, str)
    if len(text) < MIN_LENGTH:
        assert problem is not None


@given(st.sampled_from(sorted(common_passwords())), st.text(alphabet="0123456789!?#", max_size=6))
def test_common_passwords_stay_refused_with_digits_added(word, padding):
    assert password_problem(word + padding) is not None


def test_the_too_easy_message_ends_with_an_example_of_3_random_words():
    assert TOO_EASY.endswith(f"for example ‘{EXAMPLE_PASSWORD}’")
    words = EXAMPLE_PASSWORD.split("-")
    assert len(words) == 3 and all(word.isalpha() and word not in common_passwords() for word in words)
    assert len(EXAMPLE_PASSWORD) >= MIN_LENGTH


@pytest.mark.parametrize("password", ["tulip-harbour-kettle", "Tulip Harbour Kettle", "tulipharbourkettle!"])
def test_the_example_itself_is_refused_once_everyone_has_seen_it(password):
    assert password_problem(password) == "Password must not be the example: choose 3 random words of your own"
