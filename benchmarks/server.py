"""The app as the benchmark serves it: ``gunicorn 'benchmarks.server:bench_app()'``.

gunicorn runs it with the production profile (``GRANTS_ENV=production``, a random SECRET_KEY:
benchmarks.load.Server), so logging (JSON lines, one per request: ``LOG_REQUESTS``, to gunicorn's
log file) and every other setting cost what they cost in production. Four settings differ, all for
measuring over plain HTTP on one machine:

- every response carries the number of SQL statements it ran (X-Query-Count);
- rate limiting is off: every simulated user comes from 127.0.0.1, and the per-address limits
  would count them as one visitor (they do not sign in through the forms: benchmarks.sessions);
- the session and remember-me cookies are not ``Secure``, because locust talks plain HTTP to
  127.0.0.1 (no TLS-terminating proxy in front) and a client keeps no Secure cookie from it.
"""

from grants import create_app


def bench_app():
    return create_app({
        "QUERY_COUNT_HEADER": True,
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
    })
