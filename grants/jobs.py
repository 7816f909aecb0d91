"""Background work (issue 23): jobs on a queue in Redis, or in the process when there is no Redis.

**RQ, not Celery.** The service's jobs are a handful of plain functions (send the queued email, run
the daily jobs, build a slow export) on one Redis it already needs for shared rate limits. RQ is a
small, maintained library made for exactly that: a job is a function and its arguments, a worker is
one command, and since 2.5 it schedules recurring jobs itself (``rq.cron``). Celery would bring a
broker abstraction, its own configuration and a beat process for the same three jobs.

- With ``REDIS_URL`` set, ``enqueue`` puts a job on the ``grants`` queue; ``flask jobs worker`` runs
  the jobs (any number of workers, on any host, against the one Redis and database) and ``flask jobs
  scheduler`` enqueues the recurring ones (``RECURRING``). Every recurring job is safe to run twice:
  the outbox never sends a message twice (grants.mail) and the daily jobs do nothing more the second
  time in a day.
- Without Redis (the embedded default on a laptop), ``enqueue`` runs the job in a background thread
  of the process, so ``make run`` needs nothing more; the daily jobs are then ``flask send-reminders``.

A job runs in an application context with a session of its own, which it commits itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app

QUEUE = "grants"
# (the job's dotted path, its schedule): cron in UTC, or an interval in seconds.
RECURRING: tuple[tuple[str, dict[str, Any]], ...] = (
    ("grants.mail.sweep", {"interval": 300}),  # email that could not be sent before
    ("grants.daily.run_daily_jobs", {"cron": "0 6 * * *"}),  # 6am UTC: 6 or 7am in the UK
)

_executor: ThreadPoolExecutor | None = None
_worker_app: Flask | None = None


def redis_connection(app: Flask) -> Any | None:
    """A Redis connection for the queue, or None when the service runs without Redis."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    from redis import Redis

    return Redis.from_url(url)


def _function(path: str) -> Callable[..., Any]:
    module, _, name = path.rpartition(".")
    if not module.startswith("grants."):
        raise ValueError(f"{path} is not a job of this service")
    return getattr(importlib.import_module(module), name)


def run(path: str, *args: Any) -> Any:
    """Run the job ``path`` (a function of the grants package) with ``args`` in an application context:
    the worker's entry point for every job. The worker process makes its app once."""
    global _worker_app
    from grants.extensions import db

    app = current_app._get_current_object() if _has_app() else None  # type: ignore[attr-defined]
    if app is None:
        if _worker_app is None:
            from grants import create_app

            _worker_app = create_app()
        app = _worker_app
    with app.app_context():
        try:
            return _function(path)(*args)
        finally:
            db.session.remove()


def _has_app() -> bool:
    try:
        current_app._get_current_object()  # type: ignore[attr-defined]
    except RuntimeError:
        return False
    return True


def _in_thread(app: Flask, path: str, args: tuple[Any, ...]) -> None:
    from grants.extensions import db

    with app.app_context():
        try:
            _function(path)(*args)
        except Exception:  # noqa: BLE001  logged; the work it left is picked up by the next run
            app.logger.exception("Background job %s failed", path)
        finally:
            db.session.remove()


def enqueue(path: str, *args: Any) -> str:
    """Run the job ``path`` with ``args`` in the background: on the Redis queue when there is one, else in
    a thread of this process. Returns where it went ("queue" or "thread")."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    _function(path)  # refuse an unknown job here, not in the worker
    connection = redis_connection(app)
    if connection is not None:
        from rq import Queue

        Queue(QUEUE, connection=connection).enqueue(run, path, *args, result_ttl=3600, failure_ttl=7 * 86400)
        return "queue"
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs")
    _executor.submit(_in_thread, app, path, args)
    return "thread"


_AFTER_COMMIT = "jobs_after_commit"  # session.info: the jobs this transaction leaves for after its commit


def enqueue_after_commit(path: str, *args: Any) -> None:
    """Run the job ``path`` with ``args`` once the current transaction commits (never if it is rolled
    back): the job then sees what the transaction wrote. With ``BACKGROUND_JOBS=manual`` (the tests)
    it is not started: the test runs it."""
    from grants.extensions import db

    _function(path)
    db.session.info.setdefault(_AFTER_COMMIT, []).append((path, args))


def _after_commit(session: Any) -> None:
    waiting = session.info.pop(_AFTER_COMMIT, [])
    if not waiting or current_app.config["BACKGROUND_JOBS"] != "background":
        return
    for path, args in waiting:
        try:
            enqueue(path, *args)
        except Exception:  # noqa: BLE001  the queue is down: the person can ask again
            current_app.logger.exception("Could not start the job %s", path)


def _after_rollback(session: Any, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_AFTER_COMMIT, None)


def init_app(app: Flask) -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)


def work(app: Flask, burst: bool = False) -> bool:
    """Run a worker on the queue until stopped (or, with ``burst``, until it is empty)."""
    from rq import SimpleWorker, Worker

    connection = redis_connection(app)
    if connection is None:
        raise RuntimeError("Set REDIS_URL to run a worker: without Redis, jobs run inside the app")
    global _worker_app
    _worker_app = app
    worker_class = SimpleWorker if burst else Worker
    return bool(worker_class([QUEUE], connection=connection).work(burst=burst))


def scheduler(app: Flask) -> Any:
    """The recurring jobs' scheduler (``start()`` runs it until stopped)."""
    from rq.cron import CronScheduler

    connection = redis_connection(app)
    if connection is None:
        raise RuntimeError("Set REDIS_URL to run the scheduler: without Redis, schedule flask send-reminders")
    cron = CronScheduler(connection=connection)
    for path, schedule in RECURRING:
        cron.register(run, QUEUE, args=(path,), **schedule)
    return cron
