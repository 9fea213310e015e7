"""The loader's command line: exit codes, Chinese output, folders, --report-date."""

from __future__ import annotations

import hashlib
import json
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


PROFILE = """# 建设系统 ledgers: the unit that checked is the village; 销号情况 holds the status.
match = ["检查单位", "销号情况"]
village_column = "检查单位"

[columns]
"检查时间" = "found_date"
"隐患问题描述" = "description"
"销号情况" = "status"

[words.status]
"现场处置" = "rectified"
"""
SHAPE = ("检查时间", "检查单位", "隐患问题描述", "整改期限", "销号情况", "整改完成日期")
SHAPE_ROWS = [
    ("2023-12-06", "东河村", "配电箱无门", "2023-12-20", "现场处置", "2023-12-06"),
    ("2023-12-07", "西岭村", "灭火器过期", "2023-12-20", "待整改", None),
]


def town_with_profiles(tmp_path: Path) -> Path:
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "jianshe.toml").write_text(PROFILE, encoding="utf-8")
    config = (ROOT / "data" / "town.toml").read_text(encoding="utf-8")
    file = tmp_path / "town.toml"
    file.write_text(
        config.replace("[intake]\n", '[intake]\nprofiles_dir = "profiles"\n', 1), encoding="utf-8"
    )
    return file


def test_json_prints_one_object_per_file_with_outcome_columns_and_warnings(tmp_path):
    good = write_xlsx(tmp_path / "东河村.xlsx", WEEK1, report_line="填报日期：2023-12-10")
    doubtful = write_xlsx(
        tmp_path / "西岭村.xlsx", SHAPE_ROWS, header=SHAPE, report_line="填报日期：2023-12-10"
    )
    bad = tmp_path / "z_bad.xlsx"
    bad.write_text("not a workbook")
    result = run_load("--json", "--db", str(tmp_path / "s.duckdb"), str(good), str(doubtful), str(bad))
    assert result.returncode == 1, result.stderr
    first, second, third = json.loads(result.stdout)
    assert (first["outcome"], first["report_date"], first["report_date_source"]) == (
        "loaded",
        "2023-12-10",
        "title",
    )
    assert (first["rows_read"], first["rows_new"], first["rows_kept_aside"], first["warnings"]) == (
        3,
        3,
        0,
        [],
    )
    assert first["columns"]["Sheet1"]["排查日期"] == "found_date"
    assert second["outcome"] == "loaded_with_warnings"
    warned = {(w["code"], w.get("column")) for w in second["warnings"]}
    # 销号情况 holds status words (现场处置, 待整改): both rows load; the grouping unit 检查单位 is not used.
    assert warned == {("unused_column", "检查单位")}
    assert second["columns"]["Sheet1"]["检查单位"] is None
    assert (second["rows_new"], second["rows_kept_aside"]) == (2, 0)
    assert (third["outcome"], third["rows_new"]) == ("refused", 0) and third["reason"]


def test_text_output_marks_warnings_and_lists_columns(tmp_path):
    doubtful = write_xlsx(
        tmp_path / "西岭村.xlsx", SHAPE_ROWS, header=SHAPE, report_line="填报日期：2023-12-10"
    )
    result = run_load("--db", str(tmp_path / "s.duckdb"), str(doubtful))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("⚠ 西岭村.xlsx：读取")
    assert (
        "未使用的列：检查单位\n" in result.stdout
        and "    ⚠ 工作表「Sheet1」的列「检查单位」未使用" in result.stdout
    )


def test_a_matching_profile_reads_the_next_weeks_file_by_itself(tmp_path):
    config = town_with_profiles(tmp_path)
    ledger = write_xlsx(
        tmp_path / "建设_20231210.xlsx", SHAPE_ROWS, header=SHAPE, report_line="填报日期：2023-12-10"
    )
    db = tmp_path / "s.duckdb"
    result = run_load("--json", "--config", str(config), "--db", str(db), str(ledger))
    assert result.returncode == 0, result.stderr
    (outcome,) = json.loads(result.stdout)
    assert (outcome["outcome"], outcome["profile"], outcome["rows_new"]) == ("loaded", "jianshe", 2)
    assert outcome["columns"]["Sheet1"]["检查单位"] == "village"
    with duckdb.connect(str(db), read_only=True) as con:
        got = con.execute(
            "SELECT village, status, rectified_date::VARCHAR FROM tickets ORDER BY village"
        ).fetchall()
    assert got == [("东河村", "rectified", "2023-12-06"), ("西岭村", "open", None)]


def test_profile_forced_by_name_and_an_unknown_name_exits_two(tmp_path):
    config = town_with_profiles(tmp_path)
    ledger = write_xlsx(tmp_path / "建设.xlsx", SHAPE_ROWS, header=SHAPE, report_line="填报日期：2023-12-10")
    db = tmp_path / "s.duckdb"
    result = run_load("--json", "--config", str(config), "--db", str(db), "--profile", "jianshe", str(ledger))
    assert json.loads(result.stdout)[0]["profile"] == "jianshe"
    missing = run_load("--config", str(config), "--db", str(db), "--profile", "nope", str(ledger))
    assert missing.returncode == 2 and "nope" in missing.stderr and "jianshe" in missing.stderr


def saved_on(path: Path, stamp: str) -> Path:
    """The workbook with docProps/core.xml's dcterms:modified set to stamp (as Excel writes it on saving)."""
    import re
    import zipfile

    copy = path.with_name("saved_" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            target.writestr(item, data)
    return copy


def test_the_load_line_says_where_its_report_date_came_from(tmp_path):
    undated = [
        (*WEEK1[1][:12], None)
    ]  # 已整改 without 整改完成时间; the ledger writes 2023-12-07 (its found date) at the latest
    latest = write_xlsx(tmp_path / "东河村.xlsx", undated, report_line=None)
    titled = write_xlsx(tmp_path / "西岭村.xlsx", WEEK1, report_line="填报日期：2023-12-10")
    saved = saved_on(write_xlsx(tmp_path / "北山村.xlsx", WEEK1, report_line=None), "2023-12-15T17:00:00Z")
    result = run_load("--db", str(tmp_path / "s.duckdb"), str(latest), str(titled), str(saved))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    loaded = [line for line in lines if "：读取" in line]
    assert loaded[0].endswith("（填报日期 2023-12-07，取自台账中最晚的日期）")
    assert loaded[1].endswith("（填报日期 2023-12-10，取自台账标题中的填报日期）")
    assert loaded[2].endswith("（填报日期 2023-12-16，取自工作簿保存日期）")  # 01:00 on the 16th in China
    assert "没有整改日期，台账也没有填报日期：整改日期暂按台账中最晚的日期（2023-12-07）计" in result.stdout
    stated = run_load(
        "--json", "--db", str(tmp_path / "t.duckdb"), "--report-date", "2023-12-20", str(latest)
    )
    (outcome,) = json.loads(stated.stdout)
    assert (outcome["report_date"], outcome["report_date_source"], outcome["warnings"]) == (
        "2023-12-20",
        "cli",
        [],
    )
    text = run_load("--db", str(tmp_path / "u.duckdb"), "--report-date", "2023-12-20", str(latest)).stdout
    assert "（填报日期 2023-12-20，取自命令行 --report-date）" in text
