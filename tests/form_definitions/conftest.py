"""The fast tier for the form definition engine (grants/form_definitions): no app, no database.

``db`` replaces the suite's autouse fixture of the same name (tests/conftest.py), which would build
the app and open a transaction for every test; nothing here touches either.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def db():
    yield None
