"""In-process timings: the exports (through the app's own routes, with Flask's test client, so a
streamed body is read to the end), the funding recommendation's MILP and the Monte Carlo run.

Each is run twice: once for the time (nothing watching), once under tracemalloc for the peak of
memory Python allocated while it ran. The process's peak resident memory is given too.
"""

from __future__ import annotations

import gc
import resource
import time
import tracemalloc
from dataclasses import dataclass

from benchmarks import bulk, sessions
from benchmarks.generate import Plan

MB = 1024 * 1024


@dataclass(frozen=True)
class Target:
    seconds: float | None = None
    peak_mb: float | None = None

    def describe(self) -> str:
        parts = []
        if self.seconds is not None:
            parts.append(f"< {self.seconds:g} s")
        if self.peak_mb is not None:
            parts.append(f"< {self.peak_mb:g} MB")
        return ", ".join(parts) or "none set"


def measure(run) -> dict:
    """Seconds for one untraced run, then the tracemalloc peak (MB) of a second run."""
    gc.collect()
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    try:
        run()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return {"seconds": seconds, "peak_mb": peak / MB}


def verdict(result: dict, target: Target) -> str:
    if target.seconds is None and target.peak_mb is None:
        return "-"
    ok = (target.seconds is None or result["seconds"] < target.seconds) and (
        target.peak_mb is None or result["peak_mb"] < target.peak_mb)
    return "PASS" if ok else "MISS"


def _client(app, email: str):
    """A test client signed in as ``email`` with a live session (benchmarks.sessions)."""
    client = app.test_client()
    client.set_cookie(sessions.cookie_name(app), sessions.open_session(app, email))
    return client


def _download(client, path: str):
    def run():
        response = client.get(path)
        body = response.get_data()
        response.close()
        if response.status_code != 200 or not body:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return run


def timings(plan: Plan) -> list[dict]:
    """Every in-process timing with its target and PASS/MISS."""
    from grants import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": bulk.driver_url(plan.database_url), "RATELIMIT_ENABLED": False})
    finance = _client(app, plan.accounts["finance_officer"][0])
    officer = _client(app, plan.accounts["grants_officer"][0])
    with app.app_context():
        from sqlalchemy import select

        from grants.extensions import db
        from grants.models.pooled_budgets import Agreement

        agreements = list(db.session.scalars(select(Agreement.id).order_by(Agreement.id)))
        db.session.remove()

    def pooled():
        for agreement_id in agreements:
            _download(finance, f"/pooled-budgets/{agreement_id}/export.xlsx")()

    awards = plan.counts.get("awards", 0)
    bids = f"{plan.counts['large_round_applications']:,}" if "large_round_applications" in plan.counts else "the"
    jobs = [
        (f"Pooled budgets xlsx, all {len(agreements)} agreements (one workbook each)", pooled, Target()),
        (f"360Giving JSON, all {awards:,} awards", _download(officer, "/awards/open-data/360giving.json"),
         Target(2, 200)),
        (f"360Giving xlsx, all {awards:,} awards", _download(officer, "/awards/open-data/360giving.xlsx"),
         Target(1, 200)),  # issue 24: under 1 s
        (f"Scoring matrix xlsx, {bids} bid round",
         _download(officer, f"/panel/rounds/{plan.large_round or plan.recommendation_round}/scoring.xlsx"),
         Target(3)),
        ("MILP recommendation, 1,000 random bids (scoring.bench)", _milp(), Target(2)),
        ("Monte Carlo social return, 10,000 draws", _monte_carlo(), Target(1)),
    ]
    results = []
    for title, run, target in jobs:
        print(f"  {title} ...", end="", flush=True)
        try:
            result = measure(run)
        except Exception as problem:  # noqa: BLE001 - reported, and the other timings still run
            result = {"seconds": None, "peak_mb": None, "error": f"{type(problem).__name__}: {problem}"}
        result.update(title=title, target=target.describe(),
                      verdict=verdict(result, target) if "error" not in result else "ERROR")
        print(f" {result['seconds']:.2f} s" if result["seconds"] is not None else f" {result['error']}", flush=True)
        results.append(result)
    results.append({"title": "Process peak resident memory (ru_maxrss) after all of them",
                    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "seconds": None,
                    "target": "-", "verdict": "-"})
    return results


def _milp():
    from scoring.bench import random_round
    from scoring.funding import recommend_funding

    bids, rules = random_round(1000, 2026)
    return lambda: recommend_funding(bids, rules)


def _monte_carlo():
    from grants.modelling.sroi_defaults import DEFAULT_PARAMETERS, devon_and_cornwall_preset
    from grants.modelling.sroi_sensitivity import monte_carlo

    inputs = devon_and_cornwall_preset().inputs
    return lambda: monte_carlo(inputs, DEFAULT_PARAMETERS, seed=2026, runs=10_000)
