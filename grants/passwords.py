"""Password rules after the NCSC's guidance: long enough, not a common password, no composition rules."""

from __future__ import annotations

import gzip
import re
from functools import cache
from importlib.resources import files

MIN_LENGTH = 12
MAX_LENGTH = 256  # long passphrases are welcome; this only stops absurd hashing work

# Digits and symbols people add to a common word to pass a length rule ("password1234!").
_PADDING = re.compile(r"^[\d\W_]+|[\d\W_]+$")


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
    common = common_passwords()
    core = _PADDING.sub("", lowered)
    if lowered in common or (len(core) >= 4 and core in common) or len(set(lowered)) <= 2:
        return "Password is too easy to guess. Use 3 random words, for example"
    if email:
        local = email.lower().split("@")[0]
        if len(local) >= 4 and local in lowered:
            return "Password must not contain your email address"
    return None
