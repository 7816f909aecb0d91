"""``make bench``: generate the data sets, load-test the pages, time the exports and the models.

Run: ``.venv/bin/python -m benchmarks`` (see ``--help``). By default it builds the 200-application
data set (scale 0.01) and the full one (scale 1) in databases of their own, drives every page at
both sizes, times the in-process work on the full size, and prints every figure beside its target.
``--scales 0.01 1 10`` (or ``--large-scale 10``) adds the 200,000-application data set: every page is
driven at the three sizes and the growth table gives each step's p50 ratio (0.01 -> 1 and 1 -> 10),
each judged against the same target; it takes about 25 minutes longer.
Not a test: the figures depend on the machine and on whatever else it is running. The results go
to instance/bench/results.json too (its keys: benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import report
from benchmarks.generate import DEFAULT_DATABASE, LAYOUT, ROOT, Plan, generate

OUTPUT = ROOT / "instance" / "bench"


def _plan(scale: float, url: str, seed: int, reuse: bool) -> Plan:
    saved = OUTPUT / f"plan-{url.rsplit('/', 1)[1]}.json"
    if reuse and saved.exists():
        data = json.loads(saved.read_text())
        if data.get("layout") == LAYOUT and data.get("scale") == scale:
            print(f"Reusing the data set in {url} (generated in {data['seconds']:.0f} s)")
            return Plan(**data)
        print(f"Not reusing {url}: it was generated at another scale or by an older generator")
    print(f"Generating the data set at scale {scale:g} into {url} ...", flush=True)
    plan = generate(scale, url, seed)
    counts = ", ".join(f"{value:,} {key.replace('_', ' ')}" for key, value in plan.counts.items())
    print(f"Generated in {plan.seconds:.1f} s: {counts}", flush=True)
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(plan.as_dict(), indent=2))
    return plan


def database_for(scale: float, scales: list[float], url: str) -> str:
    """The database of the data set at ``scale``: the smallest of several in ``<url>_small``, scale 1
    (or the largest, when 1 is not among them) in ``url``, any other in ``<url>_scale<scale>`` (for
    example grants_bench_scale10), so that --reuse finds each one again."""
    if len(scales) > 1 and scale == min(scales):
        return url + "_small"
    if scale == (1.0 if 1.0 in scales else max(scales)):
        return url
    return url + "_scale" + f"{scale:g}".replace(".", "_")


def scales_to_run(options: argparse.Namespace) -> list[float]:
    """The scales of the run, smallest first: --scales, else the small and full scales (with
    --large-scale after them), or the full one alone with --single-scale."""
    if options.scales:
        chosen = options.scales
    elif options.single_scale:
        chosen = [options.scale]
    else:
        chosen = [options.small_scale, options.scale] + ([options.large_scale] if options.large_scale else [])
    if len(set(chosen)) != len(chosen):
        raise SystemExit(f"Each scale once, please: {' '.join(f'{s:g}' for s in chosen)}")
    return sorted(chosen)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE,
                        help="the full-size database, dropped and recreated (its name must start grants_bench)")
    parser.add_argument("--scale", type=float, default=1.0, help="size of the large data set (1 = 20,000 bids)")
    parser.add_argument("--small-scale", type=float, default=0.01, help="size of the small data set")
    parser.add_argument("--single-scale", action="store_true", help="only the large data set: no growth check")
    parser.add_argument("--large-scale", type=float,
                        help="a third, larger data set after the other two (10 = 200,000 bids; takes longer)")
    parser.add_argument("--scales", type=float, nargs="+", metavar="SCALE",
                        help="the data sets to run, e.g. 0.01 1 10 (instead of --small-scale, --scale and "
                             "--large-scale); the smallest gets --small-seconds, the others --seconds")
    parser.add_argument("--seconds", type=float, default=20,
                        help="load time per page on each data set but the smallest")
    parser.add_argument("--small-seconds", type=float, default=10, help="load time per page on the small one")
    parser.add_argument("--users", type=int, default=20, help="concurrent signed-in users per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=0,
                        help="threads per gunicorn worker (gthread workers); 0 for sync workers")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pages", nargs="*", help="only these pages (keys, as in the JSON); the baseline always")
    parser.add_argument("--no-inprocess", action="store_true", help="skip the in-process timings")
    parser.add_argument("--inprocess-scale", type=float,
                        help="the data set the in-process timings use (default: scale 1 if run, else the largest)")
    parser.add_argument("--reuse", action="store_true", help="reuse data sets generated by an earlier run")
    parser.add_argument("--output", type=Path, default=OUTPUT / "results.json")
    options = parser.parse_args(argv)

    from benchmarks.inprocess import timings
    from benchmarks.load import load_test

    started = time.perf_counter()
    results: dict = {"started_at": datetime.now(UTC).isoformat(), "users": options.users,
                     "workers": options.workers, "threads": options.threads, "cpus": os.cpu_count(),
                     "load_average": os.getloadavg()}
    scales = scales_to_run(options)
    runs = [(scale, database_for(scale, scales, options.database_url),
             options.small_seconds if len(scales) > 1 and scale == scales[0] else options.seconds)
            for scale in scales]
    largest = scales[-1]
    inprocess_scale = options.inprocess_scale or (1.0 if 1.0 in scales else largest)
    if inprocess_scale not in scales:
        raise SystemExit(f"--inprocess-scale {inprocess_scale:g} is not one of the scales run")
    pages_by_scale, plans = {}, {}
    for scale, url, seconds in runs:
        plan = _plan(scale, url, options.seed, options.reuse)
        plans[scale] = plan
        print(f"Load test at scale {scale:g}: {options.users} users, {seconds:g} s a page, "
              f"{options.workers} gunicorn workers" + (f" of {options.threads} threads" if options.threads else ""),
              flush=True)
        pages = report.with_ratios(load_test(plan, options.users, seconds, options.workers, options.pages,
                                             options.threads))
        pages_by_scale[scale] = pages
        results[f"scale_{scale:g}"] = {"plan": plan.as_dict(), "pages": pages}
    if not options.no_inprocess:
        print(f"In-process timings at scale {inprocess_scale:g} ...", flush=True)
        results["inprocess"] = timings(plans[inprocess_scale])
    steps = report.growth_steps(pages_by_scale)
    if steps:
        results["growth"] = steps[0]["rows"]  # 0.01 -> 1, as before the third data set
        results["growth_steps"] = steps
    results["targets"] = report.targets(pages_by_scale[largest], steps, results.get("inprocess"))
    results["seconds"] = time.perf_counter() - started
    results["load_average_after"] = os.getloadavg()
    report.write_json(options.output, results)

    print()
    for scale, _url, _seconds in runs:
        generated = results[f"scale_{scale:g}"]["plan"]
        print(f"Pages at scale {scale:g} ({generated['counts'].get('applications', 0):,} applications; "
              f"generated in {generated['seconds']:.1f} s):")
        print(report.page_table(pages_by_scale[scale]))
        print()
    if steps:
        folds = ", then ".join(f"{step['to'] / step['from']:g}-fold" for step in steps)
        print(f"Growing the data {folds} (p50 target <= {report.P50_GROWTH_TARGET} at each step; "
              "SQL statements per request the same at every scale):")
        print(report.growth_table(steps))
        print()
    if "inprocess" in results:
        print(report.inprocess_table(results["inprocess"]))
        print()
    print("Targets per page (PASS, MISS, or - for none):")
    print(report.targets_table(results["targets"], largest))
    print(report.summary_line(results["targets"]))
    print(f"Load average {results['load_average'][0]:.1f} before, {results['load_average_after'][0]:.1f} after, "
          f"on {os.cpu_count()} CPUs: other work on the machine makes these figures noisy.")
    print(f"Results in {options.output} ({results['seconds'] / 60:.1f} minutes in all)")


if __name__ == "__main__":
    main()
