"""The demo's three scenarios, compared on the page and exported: the workbook's formulas give the
same contributions and savings as the page."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import formulas
from openpyxl import load_workbook

from grants.demo import seed_demo
from grants.demo.cocommissioning import seed_cocommissioning
from grants.interfaces.cocommissioning.scenarios import latest_scenarios, to_model
from grants.modelling.cocommissioning_analysis import compare
from tests.helpers import page


def test_the_demo_scenarios_are_compared_and_exported(db, as_role, tmp_path):
    seed_demo()
    seed_cocommissioning()
    db.session.commit()
    rows = latest_scenarios()
    assert len(rows) == 3
    query = "&".join(f"ids={row.id}" for row in rows)
    client = as_role("commissioner")

    shown = page(client.get(f"/co-commissioning/compare?{query}"))
    text = shown.get_text(" ", strip=True)
    assert all(row.name in text for row in rows)

    expected = compare([to_model(row) for row in rows])
    download = client.get(f"/co-commissioning/compare/comparison.xlsx?{query}")
    assert download.status_code == 200
    book = load_workbook(BytesIO(download.data))
    assert book.sheetnames[0] == "Comparison" and len(book.sheetnames) == 2 + 3 * len(rows)

    path = Path(tmp_path) / "comparison.xlsx"
    path.write_bytes(download.data)
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()

    def pence(coordinate: str) -> int:
        cell = solution[f"'[{path.name}]COMPARISON'!{coordinate}"]
        value = cell.value[0][0] if hasattr(cell, "value") else cell[0][0]
        return round(float(value) * 100)

    for number, result in enumerate(expected.results, start=2):
        assert pence(f"B{number}") == result.total_pence
        assert pence(f"D{number}") == result.saving_pence
    # the preferred option saves every PCC money; "each PCC alone" saves nothing
    assert expected.results[0].saving_pence > 0 and expected.results[2].saving_pence == 0
