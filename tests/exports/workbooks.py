"""Exported workbooks read back as a reader that does not recalculate sees them (the values stored
in the file), and as a spreadsheet that recalculates does (the ``formulas`` package)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import formulas
import pytest
from openpyxl import load_workbook


def formula_cells(content: bytes):
    """(sheet, coordinate, formula, stored value, stored type) of every formula cell in the file."""
    with_formulas = load_workbook(BytesIO(content))
    stored = load_workbook(BytesIO(content), data_only=True)
    for sheet in with_formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    value = stored[sheet.title][cell.coordinate]
                    yield sheet.title, cell.coordinate, cell.value, value.value, value.data_type


def recalculated(content: bytes, path: Path):
    """``value(sheet, coordinate)`` of the file recalculated (saved at ``path`` first)."""
    path.write_bytes(content)
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()

    def value(sheet: str, coordinate: str):
        result = solution[f"'[{path.name}]{sheet.upper()}'!{coordinate}"]
        return result.value[0][0] if hasattr(result, "value") else result[0][0]

    return value


def stored_values_agree(content: bytes, value, where: str = "") -> int:
    """Each numeric formula cell of ``content`` recalculated (``value(sheet, coordinate)``) agrees with
    the value stored beside it (to a millionth of its size), and each text one is the same text (an
    empty text result reads back as None); returns how many were compared."""
    compared = 0
    for sheet, coordinate, formula, stored, _kind in formula_cells(content):
        got = value(sheet, coordinate)
        cell = f"{where} {sheet}!{coordinate} {formula}"
        if isinstance(stored, int | float) and not isinstance(stored, bool):
            assert float(got) == pytest.approx(stored, rel=1e-6, abs=1e-6), f"{cell}: {got} against {stored}"
        else:
            assert (got or "") == (stored or ""), cell
        compared += 1
    return compared
