"""Demo data for subsidy (issue 21): filled in by its builder."""


def seed() -> None:
    """Add what is missing; the caller commits."""
