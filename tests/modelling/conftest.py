"""The fast tier for the pure models in grants/modelling: no app, no database.

``db`` replaces the suite's autouse fixture of the same name (tests/conftest.py).
"""

from __future__ import annotations

import pytest

from tests.mutation_examples import cap_examples


@pytest.fixture
def db():
    yield None


def pytest_runtest_setup(item):
    cap_examples(item)  # only under `make mutation` (MUTATION_MAX_EXAMPLES)
