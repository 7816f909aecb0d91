"""The page load test: gunicorn serving the app on the benchmark database, locust (headless)
driving one page at a time with 20 signed-in users, and each worker's peak memory per page.

The users are signed in with sessions opened directly on the server (benchmarks.sessions), not
through the sign-in forms: the pages are measured, not signing in."""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from benchmarks import bulk, generate_pages, report, sessions
from benchmarks.generate import FIXED_BIDS, NOTICE_GRANTS, ROOT, Plan

if TYPE_CHECKING:  # requests comes with the bench extra; the page list is read without it (by the tests)
    import requests

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
LIST_PAGE = 50
PER_PAGE = 25  # grants.interfaces.screening.applications.PER_PAGE
FORM_SECTION = "budget"  # of the standard application form: the section with the most kinds of question


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    role: str | None  # whose accounts sign in; None for the public baseline
    path: str
    compared: bool = True  # False: at the large scale only, so it has no growth row


def pages(plan: Plan) -> list[Page]:
    """The baseline first, then the issue's pages, with the ids the generator made.

    The keys (as in results.json) are stable; the pages that show one round show a fixed-size round
    (the same bids at every scale), so their growth compares the same page amid more data. When the
    large round is bigger than the fixed-size ones (at scale 1: 1,000 bids), two more pages show it:
    ``recommendation_large`` and ``scoring_summary_large``, checked against the p95 target only.
    """
    list_page = min(LIST_PAGE, _list_pages(plan))
    compare = "&".join(f"ids={i}" for i in plan.scenarios)
    fixed = plan.counts.get("fixed_round_applications", 0)
    large = plan.counts.get("large_round_applications", 0)  # every one a bid
    listed = [
        Page("baseline", "Public start page (baseline)", None, "/"),
        Page("applicant_dashboard", "Applicant dashboard", "applicant", "/applications"),
        Page("application_list", f"Officer application list (Devon, by organisation, page {list_page})",
             "grants_officer",
             f"/screening/rounds/{plan.list_round}?local_authority=devon&sort=organisation&order=asc&page={list_page}"),
        Page("application", "One application", "grants_officer", f"/screening/applications/{plan.application}"),
        Page("panel_queue", "Panel member's queue (2 rounds being scored)", "panel_member", "/panel"),
        Page("scoring_summary", f"Scoring summary with calibration ({FIXED_BIDS}-bid round)", "grants_officer",
             f"/panel/rounds/{plan.results_round}/results"),
        Page("recommendation", f"Funding recommendation ({FIXED_BIDS}-bid round)", "grants_officer",
             f"/panel/rounds/{plan.recommendation_round}/recommendation"),
        Page("awards_dashboard", "Awards dashboard", "grants_officer", "/awards/dashboard"),
        Page("pooled_agreement", "Pooled-budget agreement", "finance_officer", f"/pooled-budgets/{plan.agreement}"),
        Page("scenario_comparison", f"Co-commissioning scenario comparison ({len(plan.scenarios)} scenarios)",
             "finance_officer", f"/co-commissioning/compare?{compare}"),
        *added_pages(plan),
    ]
    if large > fixed:
        listed += [
            Page("recommendation_large", f"Funding recommendation ({large:,}-bid round)", "grants_officer",
                 f"/panel/rounds/{plan.large_round}/recommendation", compared=False),
            Page("scoring_summary_large", f"Scoring summary with calibration ({large:,}-bid round)",
                 "grants_officer", f"/panel/rounds/{plan.large_round}/results", compared=False),
        ]
    return listed


def added_pages(plan: Plan) -> list[Page]:
    """The pages added since the benchmark was first written (issue 24), each on a record of the same
    size at every scale (benchmarks.generate_pages), but the Messages list, which pages through every
    thread (scaled with the data)."""
    runs, per_run = plan.counts.get("payment_runs", 0), generate_pages.RUN_PAYMENTS
    form = f"/rounds/{plan.open_round}/forms/application"
    return [
        Page("round_form", "Round form builder (the open round's application form)", "grants_officer", form + "/"),
        Page("round_form_preview", f"Round form preview ({FORM_SECTION} section)", "grants_officer",
             f"{form}/preview/{FORM_SECTION}"),
        Page("decisions", f"Public decisions list ({plan.counts.get('decision_notices', 0)} notices)", None,
             "/decisions"),
        Page("decision_notice", f"Public decision notice ({NOTICE_GRANTS} grants)", None, f"/decisions/{plan.notice}"),
        Page("payment_runs", f"Payment runs ({runs})", "finance_officer", "/awards/payment-runs"),
        Page("payment_run", f"One payment run ({per_run} payments)", "finance_officer",
             f"/awards/payment-runs/{plan.payment_run}"),
        Page("messages", "Staff Messages list, page 1 (threads grow with the data)", "grants_officer",
             "/messages/"),
        Page("message_thread", f"One application's message thread ({generate_pages.TIMED_MESSAGES} messages)",
             "grants_officer", f"/messages/applications/{plan.application}"),
        Page("panel_deadlines", f"Panel round with the scoring deadline passed ({len(generate_pages.LATE_BIDS)} "
             "late members)", "grants_officer", f"/panel/rounds/{plan.late_round}"),
    ]


def _list_pages(plan: Plan) -> int:
    """How many pages the officer's filtered list has (page 50 at full size; fewer when small)."""
    engine = create_engine(bulk.driver_url(plan.database_url))
    with engine.connect() as connection:
        count = connection.scalar(text(
            "SELECT count(*) FROM applications a JOIN application_local_authorities l ON l.application_id = a.id "
            "JOIN local_authorities la ON la.id = l.local_authority_id "
            "WHERE a.round_id = :r AND la.code = 'devon' AND a.status <> 'draft'"), {"r": plan.list_round})
    engine.dispose()
    return max(1, math.ceil(count / PER_PAGE))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with ``workers`` workers (sync, or gthread with ``threads`` threads each) on a free port,
    against the benchmark database, with the production profile (see benchmarks.server); its output, the
    app's JSON request log included, goes to ``log`` (instance/bench/gunicorn-<database>.log, replaced
    each run). Its random SECRET_KEY is kept (``secret_key``) so that benchmarks.sessions can sign
    session cookies it accepts."""

    def __init__(self, database_url: str, workers: int = 2, log: Path | None = None, threads: int = 0,
                 bank_details_keys: str | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = bulk.server_environment(database_url, "production")
        self.database_url = database_url
        self.secret_key = secrets.token_hex(32)
        env["SECRET_KEY"] = self.secret_key
        # The key the data set's bank details were sealed with (benchmarks.generate_pages), so that the
        # payment run page can show them.
        env["BANK_DETAILS_KEYS"] = bank_details_keys or Fernet.generate_key().decode()
        env["PUBLIC_BASE_URL"] = self.url
        log = log or ROOT / "instance" / "bench" / f"gunicorn-{database_url.rsplit('/', 1)[1]}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--timeout", "120", "--log-level", "warning",
             *(["--worker-class", "gthread", "--threads", str(threads)] if threads else []),
             "benchmarks.server:bench_app()"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.workers = workers

    def wait(self, seconds: float = 60) -> None:
        import requests

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: see {self.log.name}")
            try:
                answered = requests.get(self.url + "/", timeout=5).status_code == 200
                if answered and len(self.worker_pids()) >= self.workers:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {seconds} s: see {self.log.name}")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def reset_peaks(self) -> bool:
        """Reset each worker's peak resident memory (VmHWM) so the next reading is this page's."""
        try:
            for pid in self.worker_pids():
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            return True
        except OSError:
            return False

    def peaks_mb(self) -> list[float]:
        peaks = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            found = re.search(r"VmHWM:\s+(\d+) kB", status)
            if found:
                peaks.append(int(found.group(1)) / 1024)
        return peaks

    def drain(self) -> None:
        """Wait for the requests locust left queued to finish, so they do not slow the next page."""
        from concurrent.futures import ThreadPoolExecutor

        import requests

        with ThreadPoolExecutor(self.workers) as pool:
            list(pool.map(lambda _: requests.get(self.url + "/", timeout=600), range(self.workers * 2)))

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class SignedIn:
    """Session cookies the served app accepts, one per benchmark account, opened when first asked
    for and kept for the run (a session lives longer than a run: PERMANENT_SESSION_LIFETIME)."""

    def __init__(self, server: Server):
        self.server = server
        self.app = sessions.minting_app(server.database_url, server.secret_key)
        self.name = sessions.cookie_name(self.app)
        self._cookies: dict[str, str] = {}

    def cookies(self, emails: list[str]) -> list[str]:
        for email in emails:
            if email not in self._cookies:
                self._cookies[email] = sessions.open_session(self.app, email)
        return [self._cookies[email] for email in emails]

    def client(self, email: str | None) -> requests.Session:
        """A requests session signed in as ``email`` (no one when None)."""
        import requests

        client = requests.Session()
        if email:
            sessions.carry(client.cookies, self.name, self.cookies([email])[0], self.server.url)
        return client

    def close(self) -> None:
        from grants.extensions import db

        with self.app.app_context():
            db.engine.dispose()


def check(server: Server, signed_in: SignedIn, plan: Plan, page: Page) -> tuple[int, int | None]:
    """One request as one user, to warm up and to check the page renders: (status, queries)."""
    client = signed_in.client(plan.accounts[page.role][0] if page.role else None)
    response = client.get(server.url + page.path, timeout=300, allow_redirects=False)
    count = response.headers.get("X-Query-Count")
    return response.status_code, int(count) if count else None


def run_page(server: Server, signed_in: SignedIn, plan: Plan, page: Page, users: int, seconds: float) -> dict:
    """Drive ``page`` with ``users`` concurrent users for ``seconds``; timings, queries and memory."""
    status, queries = check(server, signed_in, plan, page)
    result = {"key": page.key, "title": page.title, "path": page.path, "compared": page.compared, "status": status,
              "single_queries": queries}
    if status != 200:
        result["error"] = f"the page answered {status}, so it was not load tested"
        return result
    with tempfile.TemporaryDirectory(prefix="bench-locust-") as folder:
        output = Path(folder) / "samples.json"
        cookies = signed_in.cookies(plan.accounts.get(page.role, [])) if page.role else []
        env = dict(os.environ, BENCH_PATH=page.path, BENCH_USERS=str(users), BENCH_OUTPUT=str(output),
                   BENCH_SECONDS=str(seconds), BENCH_COOKIE_NAME=signed_in.name, BENCH_COOKIES=json.dumps(cookies))
        result["memory_reset"] = server.reset_peaks()
        # The locustfile stops the run ``seconds`` after the last user started; this is a backstop.
        run_for = f"{int(seconds + 120)}s"
        subprocess.run([sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
                        "-r", str(users), "-t", run_for, "--host", server.url, "--only-summary",
                        "--loglevel", "ERROR", "--stop-timeout", "10"],
                       cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server.drain()
        result["peak_mb"] = server.peaks_mb()
        samples = json.loads(output.read_text())["samples"] if output.exists() else []
    return result | report.summarise(samples)


def load_test(plan: Plan, users: int, seconds: float, workers: int = 2, only: list[str] | None = None,
              threads: int = 0) -> list[dict]:
    """Every page in turn against one gunicorn; the baseline first."""
    server = Server(plan.database_url, workers, threads=threads,
                    bank_details_keys=generate_pages.bank_details_key(plan.seed))
    signed_in = None
    try:
        server.wait()
        signed_in = SignedIn(server)
        results = []
        for page in pages(plan):
            if only and page.key not in only and page.key != "baseline":
                continue
            print(f"  {page.title} ...", end="", flush=True)
            result = run_page(server, signed_in, plan, page, users, seconds)
            print(f" {result.get('requests', 0)} requests, p50 {result.get('p50_ms') or 0:.0f} ms"
                  + (f" ({result['error']})" if "error" in result else ""), flush=True)
            results.append(result)
        return results
    finally:
        if signed_in:
            signed_in.close()
        server.stop()
