from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import scoring
from scoring import bench

ROOT = Path(__file__).resolve().parents[2]


def test_the_engine_imports_neither_flask_nor_sqlalchemy():
    # A fresh interpreter: this test process has already imported the app through tests/conftest.py.
    code = (
        "import sys, scoring, scoring.bench\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy'))\n"
        "print(','.join(loaded))"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    assert run.stdout.strip() == ""


def test_every_public_name_is_exported_and_documented():
    for name in scoring.__all__:
        thing = getattr(scoring, name)
        if callable(thing) and not isinstance(thing, type):
            assert thing.__doc__, f"{name} has no docstring"


def test_every_module_stays_readable():
    for module in (ROOT / "scoring").glob("*.py"):
        assert len(module.read_text().splitlines()) <= 400, module.name


def test_the_benchmark_runs_on_a_small_round(capsys):
    bench.main(["--bids", "40", "--repeat", "1"])
    printed = capsys.readouterr().out
    assert "40 bids" in printed and "MILP alone:" in printed
