"""Figures the suite measures as it runs (pairs checked, payloads tried, races run, faults injected),
printed together at the end of the run by ``pytest_terminal_summary`` in tests/conftest.py."""

from __future__ import annotations

FIGURES: list[str] = []


def report(line: str) -> None:
    """Record one line for the end-of-run summary (and print it, for ``-s`` runs)."""
    FIGURES.append(line)
    print(f"\n{line}")
