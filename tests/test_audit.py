"""The audit trail: where it lives, what a line holds, filters, and the hash chain catching edits and deletions."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from firedash import audit

ROOT = Path(__file__).resolve().parent.parent
CST = dt.timezone(dt.timedelta(hours=8))


def _at(day: int, hour: int = 9) -> audit.Clock:
    return lambda: dt.datetime(2024, 1, day, hour, 0, 5, tzinfo=CST)


@pytest.fixture
def trail(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "audit.jsonl"
    monkeypatch.setenv("FIREDASH_AUDIT", str(path))
    return path


@pytest.fixture
def four(trail) -> Path:
    """Four lines over three days, by two users."""
    audit.record("login", "登录成功", who="王芳", address="192.168.1.20", clock=_at(8))
    audit.record(
        "import",
        "导入 东河村台账.xlsx",
        who="王芳",
        address="192.168.1.20",
        data={"rows": 12},
        clock=_at(8, 10),
    )
    audit.record("login_failed", "用户名或密码错误", who="李村长", address="192.168.1.31", clock=_at(9))
    audit.record("logout", "退出登录", who="王芳", address="192.168.1.20", clock=_at(10, 23))
    return trail


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_the_trail_lives_beside_the_store_unless_told_otherwise(tmp_path, monkeypatch):
    monkeypatch.delenv("FIREDASH_AUDIT", raising=False)
    monkeypatch.setenv("FIREDASH_DB", str(tmp_path / "store" / "campaign.duckdb"))
    assert audit.audit_path() == tmp_path / "store" / "audit.jsonl"
    assert audit.audit_path(db=tmp_path / "x" / "y.duckdb") == tmp_path / "x" / "audit.jsonl"
    monkeypatch.setenv("FIREDASH_AUDIT", str(tmp_path / "elsewhere.jsonl"))
    assert audit.audit_path() == tmp_path / "elsewhere.jsonl"
    assert audit.audit_path(tmp_path / "given.jsonl") == tmp_path / "given.jsonl"


def test_each_line_holds_who_when_what_where_and_the_previous_lines_hash(four):
    lines = _lines(four)
    first, second = json.loads(lines[0]), json.loads(lines[1])
    assert first == {
        "at": "2024-01-08T09:00:05+08:00",
        "who": "王芳",
        "address": "192.168.1.20",
        "action": "login",
        "detail": "登录成功",
        "data": {},
        "prev": "0" * 64,
    }
    assert second["data"] == {"rows": 12}
    assert second["prev"] == hashlib.sha256(lines[0].encode("utf-8")).hexdigest()
    assert audit.verify_chain() == audit.ChainReport(True, 4)


def test_read_filters_by_action_user_and_inclusive_dates(four):
    everything = audit.read()
    assert list(everything["line"]) == [1, 2, 3, 4]
    assert list(everything.columns) == list(audit.COLUMNS)
    assert everything["at"].iloc[3] == dt.datetime(2024, 1, 10, 23, 0, 5)  # wall-clock time as written
    assert list(audit.read(action="login_failed")["who"]) == ["李村长"]
    assert list(audit.read(action=("login", "logout"))["line"]) == [1, 4]
    assert list(audit.read(user="王芳")["action"]) == ["login", "import", "logout"]
    assert list(audit.read(start=dt.date(2024, 1, 9))["line"]) == [3, 4]
    assert list(audit.read(end=dt.date(2024, 1, 9))["line"]) == [1, 2, 3]
    assert list(audit.read(start=dt.date(2024, 1, 9), end=dt.date(2024, 1, 9))["line"]) == [3]
    assert audit.read(user="没有这个人").empty


def test_an_empty_or_missing_trail_reads_empty_and_verifies(trail):
    assert audit.read().empty and list(audit.read().columns) == list(audit.COLUMNS)
    assert audit.verify_chain() == audit.ChainReport(True, 0)


def test_unknown_action_codes_are_refused(trail):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record("delete_everything", "…", who="x", address=None)
    assert not trail.exists()


def _rewrite(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_an_edited_line_breaks_the_chain_at_the_next_line(four):
    lines = _lines(four)
    lines[1] = lines[1].replace("东河村", "西岭村")
    _rewrite(four, lines)
    report = audit.verify_chain()
    assert (report.ok, report.broken_at) == (False, 3)
    assert "第 2 行被改动" in report.reason


@pytest.mark.parametrize(("deleted", "broken_at"), [(0, 1), (1, 2), (2, 3)])
def test_a_deleted_line_breaks_the_chain_where_it_was(four, deleted, broken_at):
    lines = _lines(four)
    del lines[deleted]
    _rewrite(four, lines)
    report = audit.verify_chain()
    assert (report.ok, report.broken_at, report.lines) == (False, broken_at, 3)


def test_a_deleted_or_edited_last_line_is_caught_by_the_head(four):
    lines = _lines(four)
    _rewrite(four, lines[:-1])
    report = audit.verify_chain()
    assert not report.ok and "末尾的记录被删除" in report.reason
    _rewrite(four, [*lines[:-1], lines[-1].replace("退出登录", "登录成功")])
    report = audit.verify_chain()
    assert (report.ok, report.broken_at) == (False, 4) and "第 4 行" in report.reason


def test_a_torn_last_line_is_reported_and_later_lines_stay_whole(four):
    with open(four, "ab") as file:
        file.write(b'{"at": "2024-01-11T')  # a crash mid-write
    audit.record("login", "登录成功", who="王芳", address="localhost", clock=_at(11))
    report = audit.verify_chain()
    assert (report.ok, report.broken_at) == (False, 5) and "无法读取" in report.reason
    assert list(audit.read()["line"]) == [1, 2, 3, 4, 6]


def test_concurrent_writers_keep_one_unbroken_chain(trail):
    script = textwrap.dedent(
        """
        import sys
        from firedash import audit
        for i in range(25):
            audit.record("login", f"{sys.argv[1]}-{i}", who=sys.argv[1], address="localhost")
        """
    )
    env = {**os.environ, "FIREDASH_AUDIT": str(trail)}
    procs = [
        subprocess.Popen([sys.executable, "-c", script, f"w{i}"], cwd=ROOT, env=env, stderr=subprocess.PIPE)
        for i in range(4)
    ]
    assert [p.communicate(timeout=120)[1] for p in procs] == [b""] * 4
    assert audit.verify_chain() == audit.ChainReport(True, 100)
    assert audit.read()["who"].value_counts().to_dict() == {"w0": 25, "w1": 25, "w2": 25, "w3": 25}


def _cli(*args: str, trail: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "FIREDASH_AUDIT": str(trail)}
    return subprocess.run(
        [sys.executable, "-m", "firedash", "audit", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_cli_lists_filters_and_verifies(four):
    rows = [json.loads(line) for line in _cli("--json", trail=four).stdout.splitlines()]
    assert [(r["line"], r["action"], r["at"]) for r in rows[:1]] == [(1, "login", "2024-01-08T09:00:05")]
    assert len(rows) == 4
    plain = _cli("--user", "李村长", trail=four).stdout.splitlines()
    assert plain == ["2024-01-09T09:00:05\t李村长\t192.168.1.31\t登录失败\t用户名或密码错误"]
    ok = _cli("--verify", trail=four)
    assert ok.returncode == 0 and "完整：4 行" in ok.stdout
    lines = _lines(four)
    _rewrite(four, [lines[0], *lines[2:]])
    broken = _cli("--verify", trail=four)
    assert broken.returncode == 1 and "第 2 行" in broken.stderr


def test_lines_longer_than_a_read_block_chain_too(trail):
    # The previous line is found by reading backwards in 4 KiB blocks: a long line spans several.
    for i in range(3):
        audit.record("import", "导" * 3000 + str(i), who="王芳", address="localhost", data={"n": "x" * 5000})
    assert audit.verify_chain() == audit.ChainReport(True, 3)
