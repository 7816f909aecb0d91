"""The app as the benchmark serves it: ``gunicorn 'benchmarks.server:bench_app()'``.

Two settings differ from a normal deployment, both for measuring: every response carries the
number of SQL statements it ran (X-Query-Count), and sign-in rate limiting is off, because every
simulated user signs in from 127.0.0.1 and the per-address limit would lock them out.
"""

from grants import create_app


def bench_app():
    return create_app({"QUERY_COUNT_HEADER": True, "RATELIMIT_ENABLED": False})
