"""With REDIS_URL set, separate app processes (workers or hosts) share one sign-in throttle."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL")

# One worker process: a fresh app making failed sign-ins, printing each status code.
WORKER = """
import sys
from grants import create_app
uri, storage, prefix, email, attempts = sys.argv[1:]
app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": uri, "WTF_CSRF_ENABLED": False,
                  "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_KEY_PREFIX": prefix})
client = app.test_client()
codes = [client.post("/sign-in", data={"email": email, "password": "wrong-password-x"}).status_code
         for _ in range(int(attempts))]
print(" ".join(map(str, codes)))
"""


def _worker(app, storage: str, prefix: str, attempts: int) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-c", WORKER, app.config["SQLALCHEMY_DATABASE_URI"], storage, prefix,
         "someone@example.org", str(attempts)],
        capture_output=True, text=True, timeout=120, check=True,
    )
    return [int(code) for code in result.stdout.split()]


def _run_two_workers(app, storage: str) -> tuple[list[int], list[int]]:
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    prefix = f"test-{uuid.uuid4().hex}"  # a fresh key space per run
    first = _worker(app, storage, prefix, limit - 1)
    second = _worker(app, storage, prefix, 2)
    return first, second


@pytest.mark.skipif(not REDIS_URL, reason="set TEST_REDIS_URL to a Redis database the tests may use")
def test_failures_in_one_process_count_in_another(app):
    first, second = _run_two_workers(app, REDIS_URL)
    assert set(first) == {200}
    assert second == [200, 429]


def test_without_redis_each_process_counts_alone(app):
    """The control: in-memory storage is per process, which is why production needs Redis."""
    first, second = _run_two_workers(app, "memory://")
    assert set(first) == {200} and second == [200, 200]
