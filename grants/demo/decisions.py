"""Demo data for decisions (issue 21): filled in by its builder."""


def seed() -> None:
    """Add what is missing; the caller commits."""
