"""The loader's command line: exit codes, Chinese output, folders, --report-date."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.ledgers import write_xlsx
from tests.test_load import WEEK1

ROOT = Path(__file__).resolve().parent.parent


def run_load(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIREDASH_")}
    return subprocess.run([sys.executable, "-m", "etl", "load", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_load_prints_counts_and_exits_zero(tmp_path):
    ledger = write_xlsx(tmp_path / "东河村.xlsx", WEEK1, report_line=None)
    db = tmp_path / "s.duckdb"
    result = run_load("--db", str(db), "--report-date", "2023-12-10", str(ledger))
    assert result.returncode == 0, result.stderr
    assert "读取 3 行，新增隐患 3 处" in result.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT report_date::VARCHAR FROM imports").fetchall() == [("2023-12-10",)]


def test_a_refused_file_exits_one_and_the_others_still_load(tmp_path):
    bad = tmp_path / "a_bad.xlsx"
    bad.write_text("not a workbook")
    folder = tmp_path / "week"
    folder.mkdir()
    write_xlsx(folder / "东河村.xlsx", WEEK1, report_line="填报日期：2023-12-10")
    db = tmp_path / "s.duckdb"
    result = run_load("--db", str(db), str(bad), str(folder))
    assert result.returncode == 1
    assert "a_bad.xlsx：未导入" in result.stdout and "Traceback" not in result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM tickets").fetchall() == [(3,)]


def test_bad_config_and_bad_date_exit_two_without_traceback(tmp_path):
    config = tmp_path / "town.toml"
    config.write_text('town = "x"\n')
    result = run_load("--config", str(config), "--db", str(tmp_path / "s.duckdb"), "x.xlsx")
    assert result.returncode == 2 and "campaign" in result.stderr and "Traceback" not in result.stderr
    result = run_load("--report-date", "2023-13-01", "x.xlsx")
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr


def test_a_store_that_cannot_be_opened_exits_two_without_traceback(tmp_path):
    ledger = write_xlsx(tmp_path / "东河村.xlsx", WEEK1, report_line="填报日期：2023-12-10")
    not_a_store = tmp_path / "notes.duckdb"
    not_a_store.write_text("this is not a database")
    result = run_load("--db", str(not_a_store), str(ledger))
    assert result.returncode == 2
    assert "无法打开数据库" in result.stderr and "Traceback" not in result.stderr


# --dry-run, imports, undo, restore (issue 7): kept at the end of the file.


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_dry_run_reports_what_the_load_would_and_writes_nothing(tmp_path):
    from tests.test_load import WEEK2

    store_dir = tmp_path / "store"
    store_dir.mkdir()
    db = store_dir / "s.duckdb"
    week1 = write_xlsx(tmp_path / "东河村台账_2023-12-10.xlsx", WEEK1, report_line="填报日期：2023-12-10")
    week2 = write_xlsx(tmp_path / "东河村台账_2023-12-17.xlsx", WEEK2, report_line="填报日期：2023-12-17")
    assert run_load("--db", str(db), str(week1)).returncode == 0
    before, beside = _sha256(db), sorted(p.name for p in store_dir.rglob("*"))
    dry = run_load("--db", str(db), "--dry-run", str(week2), str(week1))
    assert dry.returncode == 0, dry.stderr
    assert "新增隐患 1 处，更新 1 处" in dry.stdout and "与已导入的文件内容相同" in dry.stdout
    assert (
        _sha256(db) == before and sorted(p.name for p in store_dir.rglob("*")) == beside
    )  # no backup, no copy
    real = run_load("--db", str(db), str(week2), str(week1))
    assert dry.stdout.splitlines()[1:] == real.stdout.splitlines()  # the same report, after its heading
    assert _sha256(db) != before


def test_dry_run_on_a_store_not_yet_made_creates_nothing(tmp_path):
    week1 = write_xlsx(tmp_path / "东河村.xlsx", WEEK1, report_line="填报日期：2023-12-10")
    db = tmp_path / "new" / "s.duckdb"
    result = run_load("--db", str(db), "--dry-run", str(week1))
    assert result.returncode == 0 and "新增隐患 3 处" in result.stdout
    assert not db.exists() and not (tmp_path / "new" / "archive").exists()


def test_imports_on_a_missing_store_and_restore_without_backups(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIREDASH_")}
    db = str(tmp_path / "none.duckdb")
    result = subprocess.run([sys.executable, "-m", "etl", "imports", "--db", db], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 2 and "数据库不存在" in result.stderr and "Traceback" not in result.stderr
    result = subprocess.run([sys.executable, "-m", "etl", "restore", "--db", db, "--json"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0 and result.stdout.strip() == "[]"
