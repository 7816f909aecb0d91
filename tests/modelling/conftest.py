"""The fast tier for the pure models in grants/modelling: no app, no database.

``db`` replaces the suite's autouse fixture of the same name (tests/conftest.py).
"""

from __future__ import annotations

import pytest


@pytest.fixture
def db():
    yield None
