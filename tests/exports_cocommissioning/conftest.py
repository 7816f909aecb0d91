"""Co-commissioning workbooks are built from the pure model: no app, no database.

``db`` replaces the suite's autouse fixture of the same name (tests/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import formulas
import pytest


@pytest.fixture
def db():
    yield None


@pytest.fixture
def recalculate(tmp_path):
    """``recalculate(xlsx_bytes)``: save the file and evaluate every formula with ``formulas``; returns
    ``value(sheet, "B2")`` and the saved path."""

    def _recalculate(content: bytes, name: str = "cocommissioning.xlsx"):
        path = Path(tmp_path) / name
        path.write_bytes(content)
        solution = formulas.ExcelModel().loads(str(path)).finish().calculate()

        def value(sheet: str, coordinate: str):
            result = solution[f"'[{path.name}]{sheet.upper()}'!{coordinate}"]
            return result.value[0][0] if hasattr(result, "value") else result[0][0]

        return value, path

    return _recalculate
