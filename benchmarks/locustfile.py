"""Locust users for one page of the benchmark (run by benchmarks.load, one page at a time).

Each user signs in through the real form (CSRF token from the page) with an account of its own,
waits until all users have signed in, then asks for the page over and over with no think time;
BENCH_SECONDS after the last user signed in, locust stops.
Every page response's time and X-Query-Count go to BENCH_OUTPUT as JSON when locust stops.
"""

import json
import os
import re
import time

import gevent
import gevent.event
from locust import HttpUser, events, task

PATH = os.environ["BENCH_PATH"]
ACCOUNTS = json.loads(os.environ.get("BENCH_ACCOUNTS") or "[]")
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
USERS = int(os.environ["BENCH_USERS"])
SECONDS = float(os.environ["BENCH_SECONDS"])
OUTPUT = os.environ["BENCH_OUTPUT"]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

signed_in = [0]
everyone_in = gevent.event.Event()
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
        if ACCOUNTS:
            email = ACCOUNTS[number % len(ACCOUNTS)]
            page = self.client.get("/sign-in", name="sign-in form")
            token = CSRF.search(page.text).group(1)
            response = self.client.post("/sign-in", name="sign-in", allow_redirects=False,
                                        data={"email": email, "password": PASSWORD, "csrf_token": token})
            if response.status_code != 302:
                raise RuntimeError(f"Sign-in failed for {email}: {response.status_code}")
        signed_in[0] += 1
        if signed_in[0] >= USERS and not everyone_in.is_set():
            everyone_in.set()
            gevent.spawn_later(SECONDS, self.environment.runner.quit)
        everyone_in.wait()

    @task
    def page(self):
        with self.client.get(PATH, name="page", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
