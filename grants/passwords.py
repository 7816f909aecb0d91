"""Password rules after the NCSC's guidance: long enough, not a common password, no composition rules."""

from __future__ import annotations

import gzip
import re
from functools import cache
from importlib.resources import files

MIN_LENGTH = 12
MAX_LENGTH = 256  # long passphrases are welcome; this only stops absurd hashing work
# Shown in the "too easy to guess" message; refused itself, since everyone who is refused reads it.
EXAMPLE_PASSWORD = "tulip-harbour-kettle"
TOO_EASY = f"Password is too easy to guess. Use 3 random words, for example ‘{EXAMPLE_PASSWORD}’"

# Digits and symbols people add to a common word to pass a length rule ("password1234!").
_LEADING_PADDING = re.compile(r"^[\d\W_]*")
_TRAILING_PADDING = re.compile(r"[\d\W_]*$")


@cache
def common_passwords() -> frozenset[str]:
    data = files("grants").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip() for line in gzip.decompress(data).decode().splitlines() if line.strip())


def password_problem(password: str, email: str | None = None) -> str | None:
    """The reason ``password`` is refused, in words for the user, or ``None`` when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if _letters(lowered) == _letters(EXAMPLE_PASSWORD):
        return "Password must not be the example: choose 3 random words of your own"
    common = common_passwords()
    if (
        lowered in common
        or _padded_common(lowered, common)
        or len(set(lowered)) <= 2
        or _is_run(lowered)
        or _repeats_something_guessable(lowered, common)
    ):
        return TOO_EASY
    if email:
        local = email.lower().split("@")[0]
        if len(local) >= 4 and local in lowered:
            return "Password must not contain your email address"
    return None


def _letters(text: str) -> str:
    return "".join(character for character in text if character.isalpha())


def _is_run(text: str) -> bool:
    """A straight run of characters such as "123456789012" or "zyxwvutsrqpo" (digits wrap 9 to 0)."""
    steps = set()
    for a, b in zip(text, text[1:], strict=False):
        step = ord(b) - ord(a)
        if a.isdigit() and b.isdigit():
            step = (step + 10) % 10
            step = -1 if step == 9 else step
        steps.add(step)
    return len(steps) == 1 and steps <= {1, -1}


def _repeats_something_guessable(text: str, common: frozenset[str]) -> bool:
    """"passwordpassword" or "abcabcabcabc": a short or common piece said again and again."""
    for period in range(1, len(text) // 2 + 1):
        if len(text) % period == 0 and text[:period] * (len(text) // period) == text:
            unit = text[:period]
            return len(unit) <= 4 or unit in common
    return False


def _padding_length(padding: re.Pattern[str], text: str) -> int:
    """How many characters of padding the text starts or ends with (the patterns also match nothing)."""
    match = padding.search(text)
    return 0 if match is None else match.end() - match.start()


def _padded_common(text: str, common: frozenset[str]) -> bool:
    """A common password with digits or symbols added before or after it ("!!sunshine2026")."""
    lead = _padding_length(_LEADING_PADDING, text)
    trail = _padding_length(_TRAILING_PADDING, text)
    for start in range(0, lead + 1):
        for end in range(len(text) - trail, len(text) + 1):
            if end - start >= 4 and text[start:end] in common:
                return True
    return False
