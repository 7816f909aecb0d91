"""The job queue (issue 23): with Redis, a commit that queued email puts a job on the RQ queue and a
worker sends it (each message once, however many times the job runs); the scheduler carries the
recurring jobs; without Redis the same job runs in a thread of the process (tests/test_mail_delivery.py)."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from redis import Redis
from redis.exceptions import ConnectionError as RedisDown
from rq import Queue
from sqlalchemy import select

from grants import create_app, jobs, mail
from grants.extensions import db
from grants.models.mail import OutboxMessage
from tests.test_mail_delivery import Server, _free_port, _subjects
from tests.test_migrations import scratch_database_url  # noqa: F401

REDIS_URL = "redis://127.0.0.1:6379/14"  # a database of its own, emptied by the test


@pytest.fixture
def redis_queue():
    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisDown:
        pytest.fail("These tests need the Redis the service runs with, at 127.0.0.1:6379")
    connection.flushdb()
    yield connection
    connection.flushdb()


@pytest.mark.slow
def test_a_commit_that_queued_email_puts_a_job_on_the_queue_and_a_worker_sends_it_once(
        scratch_database_url, redis_queue, monkeypatch):  # noqa: F811
    server = Server(_free_port())
    server.start()
    try:
        app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_database_url,
                          "REDIS_URL": REDIS_URL, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1",
                          "MAIL_PORT": server.port, "MAIL_USE_TLS": False, "MAIL_DELIVERY": "background"})
        monkeypatch.setattr(db, "session", db._make_scoped_session({}))
        with app.app_context():
            upgrade()
            mail.send_email("jo@example.org", "By the worker", "Sent from the queue")
            db.session.commit()
            queue = Queue(jobs.QUEUE, connection=redis_queue)
            assert queue.count == 1 and server.inbox.messages == []  # waiting for a worker, not sent in the request
            # The same job twice (a retry, a second scheduler): the message still goes once.
            jobs.enqueue("grants.mail.sweep")
            assert jobs.work(app, burst=True)
            assert queue.count == 0
            assert _subjects(server.inbox) == ["By the worker"]
            assert db.session.scalar(select(OutboxMessage.status)) == "sent"
            db.session.remove()
            db.engine.dispose()
    finally:
        server.stop()


def test_the_scheduler_carries_the_recurring_jobs(app, redis_queue, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    cron = jobs.scheduler(app)
    registered = {(job.args[0], job.interval, job.cron) for job in cron.get_jobs()}
    assert registered == {("grants.mail.sweep", 300, None), ("grants.daily.run_daily_jobs", None, "0 6 * * *")}
    for path, _schedule in jobs.RECURRING:
        assert callable(jobs._function(path))


def test_only_the_services_own_functions_are_jobs(app):
    with pytest.raises(ValueError, match="is not a job of this service"):
        jobs.enqueue("os.system", "echo hello")


def test_without_redis_a_worker_or_scheduler_says_what_is_missing(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    with pytest.raises(RuntimeError, match="Set REDIS_URL"):
        jobs.work(app, burst=True)
    with pytest.raises(RuntimeError, match="Set REDIS_URL"):
        jobs.scheduler(app)
