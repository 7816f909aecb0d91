"""Locust users for one page of the benchmark (run by benchmarks.load, one page at a time).

Each user carries the session cookie of an account of its own (BENCH_COOKIES, a JSON list of the
values of the BENCH_COOKIE_NAME cookie: live sessions benchmarks.load opened with benchmarks.sessions,
so no user posts the sign-in forms), waits until all users are ready, then asks for the page over
and over with no think time; BENCH_SECONDS after the last user was ready, locust stops.
Every page response's time and X-Query-Count go to BENCH_OUTPUT as JSON when locust stops.
"""

import json
import os
import time
from urllib.parse import urlsplit

import gevent
import gevent.event
from locust import HttpUser, events, task

PATH = os.environ["BENCH_PATH"]
COOKIE_NAME = os.environ.get("BENCH_COOKIE_NAME", "session")
COOKIES = json.loads(os.environ.get("BENCH_COOKIES") or "[]")  # one per account; none for public pages
USERS = int(os.environ["BENCH_USERS"])
SECONDS = float(os.environ["BENCH_SECONDS"])
OUTPUT = os.environ["BENCH_OUTPUT"]

ready = [0]
everyone_ready = gevent.event.Event()
samples = []  # (start, milliseconds, status, query count)
numbers = iter(range(10_000))


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **_):
    if name == "page" and response is not None:
        count = response.headers.get("X-Query-Count")
        samples.append((time.time(), response_time, response.status_code, int(count) if count else None))


@events.quitting.add_listener
def _write(**_):
    with open(OUTPUT, "w") as out:
        json.dump({"samples": samples}, out)


class PageUser(HttpUser):
    wait_time = staticmethod(lambda: 0)

    def on_start(self):
        number = next(numbers)
        if COOKIES:
            # For the server's host and every path, as the server sets it, so that the cookie it
            # sends back with each response (a permanent session is refreshed) replaces this one.
            self.client.cookies.set(COOKIE_NAME, COOKIES[number % len(COOKIES)],
                                    domain=urlsplit(self.host).hostname, path="/")
        ready[0] += 1
        if ready[0] >= USERS and not everyone_ready.is_set():
            everyone_ready.set()
            gevent.spawn_later(SECONDS, self.environment.runner.quit)
        everyone_ready.wait()

    @task
    def page(self):
        # No redirects followed: a session that stopped counting shows as a failure, not as the
        # sign-in page's timings.
        with self.client.get(PATH, name="page", catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
