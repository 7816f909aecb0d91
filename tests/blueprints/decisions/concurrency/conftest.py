"""Real commits on PostgreSQL from several threads: the concurrency tests' ``db`` fixture (rows
committed, deleted afterwards; a decision notice goes with its decision)."""

from tests.concurrency.conftest import db  # noqa: F401 - the fixture, used by name
