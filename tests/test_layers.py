"""Layering: metrics/ and charts/ (used by the CLI and the bulletin) never import the Streamlit layer ui/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", ["metrics", "charts"])
def test_no_module_imports_ui(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in _imports(path) if n == "ui" or n.startswith("ui."))
        for path in sorted((ROOT / package).glob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_ui_format_reuses_the_metrics_formatters():
    from metrics import formatting
    from ui import format as ui_format

    for name in ("fmt_rate", "fmt_date", "fmt_change", "is_missing", "week_label", "fmt_count", "DASH"):
        assert getattr(ui_format, name) is getattr(formatting, name)
