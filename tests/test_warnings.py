"""A load never silently wrong: every column accounted for, doubtful files warned about, findings stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pytest
from openpyxl import Workbook

from etl.flags import unknown_word_warnings
from etl.headers import Header
from etl.load import load_files
from etl.normalise import cell_issues
from firedash.config import load_config
from firedash.glossary import NO_DATE_COLUMN
from firedash.store import SCHEMA_VERSION, connect
from tests.ledgers import COMBINED_HEADER, write_xlsx
from tests.test_load import WEEK1

REAL = Path("/work/shared/real-ledgers")
INSPECTION_HEADER = COMBINED_HEADER[:11]


def rows_of(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def codes(outcome) -> list[str]:
    return [w.code for w in outcome.warnings]


def test_a_clean_ledger_is_loaded_and_every_column_is_stored(tmp_path, db_file, config):
    ledger = write_xlsx(tmp_path / "东河村.xlsx", WEEK1, report_line="填报日期：2023-12-10")
    (outcome,) = load_files([ledger], db=db_file, config=config)
    assert (outcome.outcome, outcome.warnings, outcome.report_date_source) == ("loaded", [], "title")
    stored = rows_of(db_file, "SELECT column_index, header, field FROM import_columns ORDER BY column_index")
    assert stored[:4] == [(0, "序号", "seq"), (1, "隐患编号", "hazard_no"), (2, "排查日期", "found_date"),
                          (3, "村（社区）", "village")]  # fmt: skip
    assert len(stored) == len(COMBINED_HEADER) and all(field for _, _, field in stored)
    assert rows_of(db_file, "SELECT outcome, report_date_source FROM import_outcomes") == [
        ("loaded", "title")
    ]


def test_unused_columns_that_look_like_a_status_or_a_date_warn(tmp_path, db_file, config):
    # 督办结果 and 处理状态 are no header the vocabulary knows, yet their words say status; 附注 holds dates.
    header = (*INSPECTION_HEADER, "督办结果", "处理状态", "复查人", "附注")
    rows = [(*row[:11], "已整改", "关闭", "王五", "2023-12-09") for row in WEEK1]
    ledger = write_xlsx(tmp_path / "东河村.xlsx", rows, header=header, report_line="填报日期：2023-12-10")
    (outcome,) = load_files([ledger], db=db_file, config=config)
    assert outcome.outcome == "loaded_with_warnings"
    unused = {w.column: w.message for w in outcome.warnings if w.code == "unused_column"}
    # 附注 is judged by its cells (all dates).
    assert set(unused) == {"督办结果", "处理状态", "附注"}
    assert "看内容" in unused["附注"] and "看列名" in unused["督办结果"]
    assert "no_status" in codes(outcome)  # the status words are in columns the loader did not use
    stored = rows_of(
        db_file,
        "SELECT header, field, looks_like FROM import_columns WHERE field IS NULL ORDER BY column_index",
    )
    assert stored == [("督办结果", None, "status"), ("处理状态", None, "status"), ("附注", None, "date")]
    assert rows_of(db_file, "SELECT field FROM import_columns WHERE header = '复查人'") == [("reviewer",)]
    warned = rows_of(db_file, 'SELECT code, "column" FROM import_warnings ORDER BY position')
    assert ("unused_column", "督办结果") in warned and ("no_status", None) in warned


def test_most_rows_kept_aside_warns(tmp_path, db_file, config):
    rows = [(*row[:3], "不存在村", *row[4:]) for row in WEEK1[:2]] + [WEEK1[2]]
    ledger = write_xlsx(tmp_path / "东河村.xlsx", rows, report_line="填报日期：2023-12-10")
    (outcome,) = load_files([ledger], db=db_file, config=config)
    assert outcome.rows_rejected == 2 and "most_rows_kept_aside" in codes(outcome)
    one_aside = write_xlsx(
        tmp_path / "西岭村.xlsx", [rows[0], *WEEK1[1:]], report_line="填报日期：2023-12-10"
    )
    (half,) = load_files([one_aside], db=db_file, config=config)
    assert half.rows_rejected == 1 and half.outcome == "loaded"  # 1 of 3: not most


def test_rectified_without_any_date_warns_only_without_a_stated_report_date(tmp_path, db_file, config):
    rows = [(*WEEK1[1][:12], None)]  # 已整改, no 整改完成时间
    ledger = write_xlsx(tmp_path / "东河村.xlsx", rows, report_line=None)
    (outcome,) = load_files([ledger], db=db_file, config=config, today=dt.date(2023, 12, 20))
    # Not stated: the latest date the ledger writes stands in, and the load says so.
    assert outcome.report_date_source == "latest_in_ledger"
    assert codes(outcome) == ["rectified_without_date"]
    again = write_xlsx(tmp_path / "西岭村.xlsx", rows, report_line=None, title="东河村台账")
    (stated,) = load_files([again], db=db_file, config=config, report_date=dt.date(2023, 12, 10))
    assert (stated.report_date_source, stated.outcome) == ("cli", "loaded")


def test_unknown_words_are_named_with_their_count():
    (warning,) = unknown_word_warnings("Sheet1", {"status": {"关闭": 38}})
    assert (warning.code, warning.count, warning.sheet) == ("unknown_word", 38, "Sheet1")
    assert "关闭" in warning.message and "38" in warning.message


def test_cell_issues_name_the_excel_row_and_header_of_loaded_rows_only():
    header = Header(1, 1, {"found_date": 0, "severity": 2}, ("排查日期", "村", "隐患等级"))
    loaded = np.array([True, False, True])
    row_numbers = np.array([3, 4, 5])
    issues = [
        (0, "severity", "3级", "无法识别"),
        (1, "severity", "x", "无法识别"),
        (2, "severity", "5级", "无法识别"),
    ]
    found = cell_issues(issues, loaded, header, row_numbers, "Sheet1")
    assert [(i.row_number, i.column, i.field, i.value) for i in found] == [
        (3, "隐患等级", "severity", "3级"),
        (5, "隐患等级", "severity", "5级"),
    ]


def two_sheet_workbook(path: Path, first: list, second: list, report_line: str) -> Path:
    book = Workbook()
    for index, (name, rows) in enumerate((("2024", first), ("2025", second))):
        ws = book.active if index == 0 else book.create_sheet()
        ws.title = name
        ws.append([report_line])
        ws.append(list(COMBINED_HEADER))
        for row in rows:
            ws.append(list(row))
    book.save(path)
    return path


def test_a_later_sheet_repeating_hazards_updates_them(tmp_path, db_file, config):
    unnumbered = [(row[0], None, *row[2:]) for row in WEEK1]  # known by their natural key
    newer = [unnumbered[2][:11] + ("已整改", "2023-12-09"), unnumbered[1][:11] + (None, None)]
    ledger = two_sheet_workbook(tmp_path / "东河村.xlsx", unnumbered, newer, "填报日期：2023-12-10")
    (outcome,) = load_files([ledger], db=db_file, config=config)
    assert (outcome.rows_new, outcome.rows_rejected, outcome.rows_repeated) == (3, 0, 2)
    states = dict(
        rows_of(
            db_file, "SELECT description, status || ' ' || coalesce(rectified_date::VARCHAR, '') FROM tickets"
        )
    )
    # 私拉乱接电线 was 整改中 in 2024 and 已整改 in 2025; 疏散通道堆放杂物 has no status in 2025: it stays
    # rectified on 12-07, as when a weekly ledger leaves the status blank.
    assert states == {
        "私拉乱接电线": "rectified 2023-12-09",
        "燃气软管老化": "open ",
        "疏散通道堆放杂物": "rectified 2023-12-07",
    }
    assert rows_of(db_file, "SELECT rows_repeated FROM import_outcomes") == [(2,)]


def test_rows_without_description_are_never_merged_and_never_counted_twice(tmp_path, db_file, config):
    blank = [(n, None, "2023-12-06", "东河村", "东河饭店", "餐饮企业", "燃气管道/用气", None, "一般", "2023-12-20",
              "应急办", "未整改", None) for n in (1, 2, 3)]  # fmt: skip
    week1 = write_xlsx(tmp_path / "东河村台账_20231210.xlsx", blank, report_line="填报日期：2023-12-10")
    (first,) = load_files([week1], db=db_file, config=config)
    assert (first.rows_new, first.rows_rejected) == (3, 0)
    resent = [*blank[:2], blank[2][:11] + ("已整改", "2023-12-15")]
    week2 = write_xlsx(tmp_path / "东河村台账_20231217.xlsx", resent, report_line="填报日期：2023-12-17")
    (second,) = load_files([week2], db=db_file, config=config)
    assert (second.rows_new, second.rows_updated, second.rows_unchanged) == (0, 1, 2)
    assert rows_of(db_file, "SELECT status, count(*) FROM tickets GROUP BY 1 ORDER BY 1") == [
        ("open", 2),
        ("rectified", 1),
    ]


def test_a_ledger_without_a_date_column_is_refused_saying_so(tmp_path, db_file, config):
    ledger = tmp_path / "企业隐患.csv"
    ledger.write_text(
        "企业名称,属地,详细地址,负责人,隐患描述\n东河饭店,东河村,东河路1号,张三,燃气软管老化\n",
        encoding="utf-8-sig",
    )
    (outcome,) = load_files([ledger], db=db_file, config=config)
    assert (outcome.outcome, outcome.reason) == ("refused", NO_DATE_COLUMN)


@pytest.mark.skipif(not (REAL / "hazards_multi_enterprise.csv").exists(), reason="real ledgers absent")
def test_the_real_multi_enterprise_ledger_is_refused_for_its_missing_date_column(tmp_path, db_file, config):
    (outcome,) = load_files([REAL / "hazards_multi_enterprise.csv"], db=db_file, config=config)
    assert (outcome.outcome, outcome.reason) == ("refused", NO_DATE_COLUMN)
    assert rows_of(db_file, "SELECT count(*) FROM tickets") == [(0,)]


REAL_EXPORT = REAL / "20200527附件1：软件导出：隐患排查治理汇总清单.xlsx"


@pytest.mark.skipif(not REAL_EXPORT.exists(), reason="real ledgers absent")
def test_the_real_system_export_uses_every_column_that_says_a_state(tmp_path):
    config = town(tmp_path, "汇总清单", "2020-04-01", "2020-05-31")
    (outcome,) = load_files([REAL_EXPORT], db=tmp_path / "s.duckdb", config=config)
    # 隐患状态 (关闭 for all 57), 复查结果 and 处置措施 (当场纠正) are read, so nothing is left to warn about.
    (uses,) = outcome.columns.values()
    fields = {use.header: use.field for use in uses}
    assert (fields["隐患状态"], fields["复查结果"], fields["处置措施"]) == (
        "hazard_state",
        "review_result",
        "measures",
    )
    assert all(use.field for use in uses)
    assert (outcome.outcome, outcome.warnings) == ("loaded", [])


def town(tmp_path: Path, village: str, start: str, end: str, extra: str = "") -> object:
    file = tmp_path / "town.toml"
    file.write_text(
        f'town = "检验"\nvillages = ["{village}"]\n{extra}[campaign]\nname = "检验"\nstart = {start}\nend = {end}\n'
        f'[[campaign.phases]]\nname = "全程"\nstart = {start}\nend = {end}\n',
        encoding="utf-8",
    )
    return load_config(file)


def test_a_version_2_store_migrates_to_the_findings_tables(tmp_path):
    path = tmp_path / "old.duckdb"
    connect(path).close()
    with duckdb.connect(str(path)) as con:
        for name in ("import_columns", "import_warnings", "data_issues", "import_outcomes"):
            con.execute(f"DROP TABLE {name}")
        con.execute("UPDATE store_meta SET value = '2' WHERE key = 'schema_version'")
    connect(path).close()
    tables = {r[0] for r in rows_of(path, "SELECT table_name FROM information_schema.tables")}
    assert {"import_columns", "import_warnings", "data_issues", "import_outcomes"} <= tables
    assert rows_of(path, "SELECT value FROM store_meta WHERE key = 'schema_version'") == [
        (str(SCHEMA_VERSION),)
    ]
