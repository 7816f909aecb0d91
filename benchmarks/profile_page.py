"""One page's work in process, for finding where its time goes (no server, no load):

    .venv/bin/python -m benchmarks.profile_page EMAIL PATH [--database-url URL] [--times N]
        [--sql] [--profile [--sort tottime] [--lines 40]] [--seed 2026]

It signs a test client in as EMAIL (a benchmark account) with a live session opened directly
(benchmarks.sessions: no password or second factor asked), asks for PATH twice to warm up, then N
times, and prints the median and quickest time and the page's size. ``--sql`` lists each SQL
statement of one request with its time and rows; ``--profile`` prints cProfile's table over the N
requests. The figures in the issue notes'
"in process" columns come from this.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time

from benchmarks import generate_pages
from benchmarks.generate import DEFAULT_DATABASE


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("email")
    parser.add_argument("path")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE)
    parser.add_argument("--times", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026, help="the seed the data set was generated with")
    parser.add_argument("--sql", action="store_true", help="list one request's SQL statements")
    parser.add_argument("--profile", action="store_true", help="cProfile the requests")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=40)
    options = parser.parse_args(argv)

    from benchmarks import bulk, sessions

    os.environ.update({key: value for key, value in bulk.server_environment(options.database_url).items()
                       if key in ("DATABASE_URL", "GRANTS_ENV")})
    os.environ.pop("REDIS_URL", None)
    # The key the data set's bank details were sealed with, as the bench's server has it (a payment
    # run's page reads them).
    os.environ.setdefault("BANK_DETAILS_KEYS", generate_pages.bank_details_key(options.seed))
    from grants import create_app

    app = create_app({"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    try:
        client.set_cookie(sessions.cookie_name(app), sessions.open_session(app, options.email))
    except LookupError as problem:
        raise SystemExit(str(problem)) from None
    for _ in range(2):
        response = client.get(options.path)
    if response.status_code != 200:
        raise SystemExit(f"{options.path} answered {response.status_code}")

    times = []
    profiler = cProfile.Profile() if options.profile else None
    for _ in range(options.times):
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        client.get(options.path)
        if profiler:
            profiler.disable()
        times.append((time.perf_counter() - started) * 1000)
    print(f"{options.path}: median {statistics.median(times):.1f} ms, quickest {min(times):.1f} ms "
          f"over {options.times} requests ({len(response.data):,} bytes)"
          + (" (times include the profiler)" if profiler else ""))
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats(options.sort).print_stats(options.lines)
        print(text.getvalue())
    if options.sql:
        _statements(app, client, options.path)


def _statements(app, client, path: str) -> None:
    from sqlalchemy import event

    from grants.extensions import db

    log: list[tuple[float, int, str]] = []
    with app.app_context():
        engine = db.engine

    def before(connection, _cursor, _statement, _parameters, _context, _many):
        connection.info["started"] = time.perf_counter()

    def after(connection, cursor, statement, _parameters, _context, _many):
        log.append(((time.perf_counter() - connection.info["started"]) * 1000, cursor.rowcount, statement))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    for milliseconds, rows, statement in log:
        print(f"{milliseconds:7.2f} ms {rows:6} rows  {' '.join(statement.split())[:160]}")
    print(f"{sum(entry[0] for entry in log):.1f} ms of SQL over {len(log)} statements")


if __name__ == "__main__":
    main()
