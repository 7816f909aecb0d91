"""Demo data for due diligence (issue 21): filled in by its builder."""


def seed() -> None:
    """Add what is missing; the caller commits."""
