"""What the browser tests report at the end of the run: the axe-core summary (and
test-artifacts/axe-report.json) and how long the browser tests took (their set-up, run and tear-down
added up, as the reports of the tests give them, so that the figure means the same in one process or
several).

A plugin of the whole suite (``pytest_plugins`` in tests/conftest.py), not of tests/browser/conftest.py
alone: in a parallel run (pytest-xdist) the controller, which prints the summary and writes the report,
never loads the conftest of a folder, as it collects no tests. Each worker sends what its browser tests
found when it finishes; the controller merges it (a page two workers checked counts once) and writes the
one report, so that workers never write the file at the same time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.axe import AxeReport

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"

REPORT = AxeReport()
CLOCK: dict[str, float] = {}  # seconds: "prepare", migrating and seeding the served database
WORKER_CLOCKS: dict[str, dict[str, float]] = {}  # a parallel run's: by worker
BROWSER_TESTS = {"seconds": 0.0}


def pytest_runtest_logreport(report):
    """Adds up the browser tests' time (in a parallel run, the controller gets every worker's reports)."""
    if report.nodeid.startswith("tests/browser/"):
        BROWSER_TESTS["seconds"] += report.duration


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None and REPORT.pages:
        workeroutput["axe"] = REPORT.for_controller()
    if workeroutput is not None and CLOCK:
        workeroutput["browser_clock"] = dict(CLOCK)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    output = getattr(node, "workeroutput", None) or {}
    if "axe" in output:
        REPORT.add_from_worker(output["axe"])
    if "browser_clock" in output:
        WORKER_CLOCKS[node.workerinput["workerid"]] = output["browser_clock"]


def _clock_line() -> str:
    took = f"browser tests took {BROWSER_TESTS['seconds']:.1f}s (set-up, run and tear-down added up)"
    prepared = {worker: clock["prepare"] for worker, clock in sorted(WORKER_CLOCKS.items()) if "prepare" in clock}
    if "prepare" in CLOCK:
        return f"{took}, of which {CLOCK['prepare']:.1f}s migrating and seeding the served database"
    if prepared:
        each = ", ".join(f"{worker} {seconds:.1f}s" for worker, seconds in prepared.items())
        return (f"{took}, of which {sum(prepared.values()):.1f}s migrating and seeding the served databases "
                f"(one per worker that ran them: {each})")
    return took


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if hasattr(config, "workerinput") or not REPORT.pages:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "axe-report.json"
    path.write_text(json.dumps(REPORT.as_json(), indent=2))
    terminalreporter.section("accessibility (axe-core)")
    for line in REPORT.summary_lines():
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"full report: {path.relative_to(PROJECT_ROOT)}")
    terminalreporter.write_line(_clock_line())
