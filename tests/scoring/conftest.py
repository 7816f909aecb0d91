"""The fast tier for the pure scoring engine: no app, no database.

``db`` replaces the suite's autouse fixture of the same name (tests/conftest.py), which would
build the app and open a transaction for every test; nothing here touches either.
"""

from __future__ import annotations

import pytest

from scoring.rubrics import Rubric
from tests.mutation_examples import cap_examples
from tests.scoring.builders import make_criterion


@pytest.fixture
def db():
    yield None


@pytest.fixture
def two_criteria() -> Rubric:
    """Strategic fit 60%, reach 40%, both scored 0 to 4."""
    return Rubric("Two criteria", 1, (make_criterion("strategic_fit", 60), make_criterion("reach", 40)))


def pytest_runtest_setup(item):
    cap_examples(item)  # only under `make mutation` (MUTATION_MAX_EXAMPLES)
