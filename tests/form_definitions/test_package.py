"""grants/form_definitions is a pure engine: plain values in, plain values out, no web framework or
database, and every module short enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "grants" / "form_definitions"
FORBIDDEN = {"flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug", "flask_login", "flask_wtf", "wtforms"}


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
            if node.module.split(".")[0] == "grants" and not node.module.startswith("grants.form_definitions"):
                roots.add("grants (outside form_definitions)")
    return roots


def test_no_module_imports_the_web_framework_or_the_database():
    modules = list(ENGINE.glob("*.py"))
    assert len(modules) >= 7
    for module in modules:
        imported = _imported_roots(module)
        assert not imported & FORBIDDEN, f"{module.name} imports {imported & FORBIDDEN}"
        assert "grants (outside form_definitions)" not in imported, f"{module.name} imports the app"


def test_every_module_stays_readable():
    for module in ENGINE.glob("*.py"):
        assert len(module.read_text().splitlines()) <= 400, module.name
