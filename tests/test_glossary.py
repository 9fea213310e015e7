"""Every word a user reads lives in firedash.glossary: no Chinese in code elsewhere, no label twice, none unused."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from firedash import glossary

ROOT = Path(__file__).resolve().parent.parent
# Where Chinese may be written in code: the glossary (labels and messages), the loader's vocabulary (the
# words it recognises in ledgers), the sample-town generator, tests and benchmarks.
ALLOWED_FILES = {Path("firedash/glossary.py"), Path("etl/vocabulary.py")}
ALLOWED_TREES = {"sample_town", "tests", "bench"}
SKIPPED_TREES = {".venv", ".git", "data", "docs", "node_modules"}
# Han ideographs, CJK symbols and punctuation (、。《》【】「」〔〕 and the ideographic space), full-width forms
# (（），：；！？ and full-width letters and digits).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _code_files() -> list[Path]:
    files = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in SKIPPED_TREES | ALLOWED_TREES or rel in ALLOWED_FILES:
            continue
        files.append(rel)
    return files


def _area(rel: Path) -> str:
    return rel.parts[0] if len(rel.parts) > 1 else str(rel)


AREAS = sorted({_area(rel) for rel in _code_files()})


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are docstrings (of the module, a class or a function)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def chinese_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string constant with CJK characters, docstrings left out (comments never count)."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and CJK.search(node.value)
    )


def test_the_scanner_sees_literals_and_f_strings_but_not_docstrings_or_comments():
    source = '''"""模块说明。"""
def f(x):
    """函数说明。"""
    # 注释
    a = "English only"
    b = f"{x}处"
    return "持平", b, "（"
'''
    assert chinese_literals(source) == [(6, "处"), (7, "持平"), (7, "（")]


@pytest.mark.parametrize("area", AREAS)
def test_no_chinese_text_in_code_outside_the_glossary(area):
    offending = [
        f"{rel}:{line}: {value[:40]!r}"
        for rel in _code_files()
        if _area(rel) == area
        for line, value in chinese_literals((ROOT / rel).read_text(encoding="utf-8"))
    ]
    if offending:
        pytest.fail("Chinese text written in code; move it to firedash/glossary.py:\n" + "\n".join(offending))


def _sections() -> dict[str, dict]:
    return {
        "COLUMN_LABELS": glossary.COLUMN_LABELS,
        "METRIC_LABELS": glossary.METRIC_LABELS,
        "SEVERITY_LABELS": glossary.SEVERITY_LABELS,
        "STATUS_LABELS": glossary.STATUS_LABELS,
        "LEDGER_KIND_LABELS": glossary.LEDGER_KIND_LABELS,
        "SEVERITY_GROUP_LABELS": glossary.SEVERITY_GROUP_LABELS,
        "STATE_LABELS": {
            k: v for k, v in glossary.STATE_LABELS.items() if v not in glossary.STATUS_LABELS.values()
        },
        "AGEING_BAND_LABELS": glossary.AGEING_BAND_LABELS,
        "YES_NO": glossary.YES_NO,
        "PAGE_TITLES": {k: v for k, v in glossary.PAGE_TITLES.items() if k != "villages"},
        "WORDS": glossary.WORDS,
        "MESSAGES": glossary.MESSAGES,
        "SUMMARY_REPORT": glossary.SUMMARY_REPORT,
        "COMMAND_LINE": glossary.COMMAND_LINE,
        "CONFIG_ERRORS": glossary.CONFIG_ERRORS,
        "METRIC_ERRORS": glossary.METRIC_ERRORS,
        # Logins, roles and the audit trail: 登录/退出登录 are spelled once and shared with the audit actions;
        # the 应急办 role is the office of that name.
        "LOGIN": {"login": glossary.LOGIN, "logout": glossary.LOGOUT},
        "ROLE_LABELS": {
            k: v for k, v in glossary.ROLE_LABELS.items() if v is not glossary.DEFAULT_OFFICES[0]
        },
        "VILLAGE_ROLE_WORDS": dict(enumerate(glossary.VILLAGE_ROLE_WORDS)),
        "AUDIT_ACTIONS": {
            k: v
            for k, v in glossary.AUDIT_ACTIONS.items()
            if v is not glossary.LOGIN and v is not glossary.LOGOUT
        },
        "AUDIT_COLUMN_LABELS": glossary.AUDIT_COLUMN_LABELS,
        "ACCESS": glossary.ACCESS,
        # The 周通报's words, template text, style and font names (metrics.bulletin*).
        "BULLETIN": glossary.BULLETIN,
        # The 数据导入 page.
        "UPLOAD_COLUMN_LABELS": glossary.UPLOAD_COLUMN_LABELS,
        "REPORT_DATE_SOURCE_LABELS": glossary.REPORT_DATE_SOURCE_LABELS,
        "UPLOAD": glossary.UPLOAD,
        # A ticket's history.
        "HISTORY_COLUMN_LABELS": glossary.HISTORY_COLUMN_LABELS,
        "HISTORY": glossary.HISTORY,
        # The default lists share OTHER (spelled once); every other name in them is checked too.
        "OTHER": {"other": glossary.OTHER},
        **{
            name: {i: v for i, v in enumerate(getattr(glossary, name)) if v is not glossary.OTHER}
            for name in ("DEFAULT_SECTORS", "DEFAULT_HAZARD_CATEGORIES", "DEFAULT_OFFICES")
        },
    }


def test_no_label_is_spelled_twice():
    seen: dict[str, str] = {}
    repeated = []
    for section, words in _sections().items():
        for key, value in words.items():
            where = f"{section}[{key!r}]"
            if value in seen:
                repeated.append(f"{value!r}: {seen[value]} and {where}")
            seen.setdefault(value, where)
    assert not repeated, "\n".join(repeated)
    # The villages page is titled with the column's own label, not a copy of it.
    assert glossary.PAGE_TITLES["villages"] is glossary.COLUMN_LABELS["village"]


def _code_outside_the_glossary() -> str:
    parts = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] not in SKIPPED_TREES | {"tests"} and rel != Path("firedash/glossary.py"):
            parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


def test_every_word_and_message_is_used():
    code = _code_outside_the_glossary()
    unused = [key for key in glossary.TEXT if f'"{key}"' not in code and f"'{key}'" not in code]
    assert not unused, f"glossary words no code asks for: {unused}"


def test_every_label_names_a_column_the_code_or_its_sql_uses():
    # A label is looked up by the name of a column a metric frame or the store carries, so the name
    # appears in the code as a word (a Python name, a string or a SQL alias).
    code = _code_outside_the_glossary()
    unused = [name for name in glossary.LABELS if not re.search(rf"\b{re.escape(name)}\b", code)]
    assert not unused, f"labels of columns no code has: {unused}"


def test_text_fills_placeholders_and_label_falls_back_to_the_name():
    assert glossary.text("week_label", n=3) == "第3周"
    assert glossary.text("hover_week_rate") == "%{x}：%{y:.1%}<extra>%{fullData.name}</extra>"
    assert glossary.label("week_no") == glossary.label("week") == "周次"
    assert glossary.label("no_such_column") == "no_such_column"
    # A placeholder may share the name of text()'s own first parameter.
    assert glossary.text("config_missing_key", file="town.toml", key="campaign.start") == (
        "配置文件 town.toml 缺少键 campaign.start"
    )
