"""Figures the suite measures as it runs (pairs checked, payloads tried, races run, faults injected),
printed together at the end of the run by ``pytest_terminal_summary`` in tests/conftest.py.

Two kinds: ``report(line)`` records a line a test worked out whole; ``count(name)`` adds to a running
total that many tests share (examples run, faults injected), given once at the end whatever the
order the tests ran in. In a parallel run (pytest-xdist) each worker sends its lines and totals to
the controller when it finishes (``for_controller``/``add_from_worker``), which prints them once.
"""

from __future__ import annotations

FIGURES: list[str] = []
COUNTS: dict[str, int] = {}


def report(line: str) -> None:
    """Record one line for the end-of-run summary (and print it, for ``-s`` runs)."""
    FIGURES.append(line)
    print(f"\n{line}")


def count(name: str, number: int = 1) -> None:
    """Add ``number`` to the total called ``name`` (shown at the end as "<name>: <total>")."""
    COUNTS[name] = COUNTS.get(name, 0) + number


def for_controller() -> dict:
    """What this worker measured, in types that execnet carries."""
    return {"lines": list(FIGURES), "counts": dict(COUNTS)}


def add_from_worker(figures: dict) -> None:
    FIGURES.extend(figures.get("lines", ()))
    for name, number in figures.get("counts", {}).items():
        count(name, number)


def summary_lines() -> list[str]:
    """Every line and total, sorted: the same summary whatever order (or workers) the tests ran in."""
    return sorted([*FIGURES, *(f"{name}: {number}" for name, number in COUNTS.items())])
