"""The loader on real files: weekly updates, idempotent reloads, rows kept aside, files refused whole."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from etl import records
from etl.__main__ import describe
from etl.load import load_files
from firedash import store
from tests.ledgers import write_csv, write_xlsx

D = dt.date
WEEK1 = [
    (1, "DH-001", "2023-12-06", "东河村", "东河饭店", "餐饮企业", "燃气管道/用气", "燃气软管老化", "一般", "2023-12-20", "应急办", "未整改", None),
    (2, "DH-002", "2023.12.7", "东河村村委会", "东河超市", "商场", "疏散通道/安全出口", "疏散通道堆放杂物", "一般", "立即整改", "平安办", "已整改", "2023-12-07"),
    (3, "DH-003", "2023年12月8日", "东河村", "东河木材厂", "厂房", "电气线路", "私拉乱接电线", "重大", "长期", "应急办", "整改中", None),
]  # fmt: skip
WEEK2 = [
    WEEK1[0][:11] + ("已整改", "2023-12-15"),
    WEEK1[1],
    WEEK1[2],
    (4, "DH-004", "2023-12-14", "东河村", "东河小学", "教育培训机构", "消防设施器材", "灭火器压力不足", "一般", "12月底前", "应急办", "待整改", None),
]  # fmt: skip


def table(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every table's full contents, to prove a refused file changed nothing."""
    names = ("tickets", "status_reports", "imports", "import_villages", "rejected_rows")
    return {name: table(db, f"SELECT * FROM {name} ORDER BY ALL") for name in names}  # noqa: S608


@pytest.fixture
def week1(tmp_path: Path) -> Path:
    return write_xlsx(
        tmp_path / "东河村台账_2023-12-10.xlsx",
        WEEK1,
        report_line="填报单位：东河村  填报日期：2023年12月10日",
    )


@pytest.fixture
def week2(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "东河村台账_2023-12-17.xlsx", WEEK2, report_line="填报日期：2023-12-17")


def test_first_load_counts_and_fields(db_file, config, week1):
    (outcome,) = load_files([week1], db=db_file, config=config)
    assert (outcome.outcome, outcome.rows_read, outcome.rows_new, outcome.rows_rejected) == (
        "loaded",
        3,
        3,
        0,
    )
    assert outcome.report_date == D(2023, 12, 10)
    rows = table(
        db_file,
        "SELECT hazard_no, village, found_date, deadline, severity, status, rectified_date FROM tickets ORDER BY 1",
    )
    assert rows == [
        ("DH-001", "东河村", D(2023, 12, 6), D(2023, 12, 20), "general", "open", None),
        ("DH-002", "东河村", D(2023, 12, 7), D(2023, 12, 7), "general", "rectified", D(2023, 12, 7)),
        ("DH-003", "东河村", D(2023, 12, 8), None, "major", "in_progress", None),
    ]


def test_next_weeks_ledger_updates_and_never_doubles(db_file, config, week1, week2):
    first, second = load_files([week1, week2], db=db_file, config=config)
    assert (second.rows_new, second.rows_updated, second.rows_unchanged) == (1, 1, 2)
    assert table(db_file, "SELECT count(*) FROM tickets") == [(4,)]
    assert table(db_file, "SELECT status, rectified_date FROM tickets WHERE hazard_no = 'DH-001'") == [
        ("rectified", D(2023, 12, 15))
    ]
    history = table(db_file, "SELECT s.report_date, s.status FROM status_reports s JOIN tickets t USING (ticket_id) "
                             "WHERE hazard_no = 'DH-001' ORDER BY report_date")  # fmt: skip
    assert history == [(D(2023, 12, 10), "open"), (D(2023, 12, 17), "rectified")]


def test_same_file_twice_changes_nothing(db_file, config, week1):
    load_files([week1], db=db_file, config=config)
    before = snapshot(db_file)
    (again,) = load_files([week1], db=db_file, config=config)
    assert again.outcome == "unchanged"
    assert snapshot(db_file) == before


def test_same_content_under_a_new_name_changes_no_ticket(db_file, config, week1, tmp_path):
    load_files([week1], db=db_file, config=config)
    tickets = table(db_file, "SELECT * FROM tickets ORDER BY ALL")
    copy = write_xlsx(
        tmp_path / "东河村台账-再次报送.xlsx",
        WEEK1,
        report_line="填报日期：2023年12月10日",
        title="东河村台账",
    )
    (outcome,) = load_files([copy], db=db_file, config=config)
    assert (outcome.rows_new, outcome.rows_updated, outcome.rows_unchanged) == (0, 0, 3)
    assert table(db_file, "SELECT * FROM tickets ORDER BY ALL") == tickets


def test_natural_key_without_hazard_numbers(db_file, config, tmp_path):
    header = ("序号", "检查日期", "所属村", "场所名称", "存在问题", "整改时限", "整改状态")
    w1 = write_xlsx(tmp_path / "a_1.xlsx", [(1, "2023-12-06", "西岭村", "西岭 卫生室", "电热毯 违规使用", "12月20日前", "未整改")],
                    header=header, report_line="填报日期：2023-12-10")  # fmt: skip
    w2 = write_xlsx(tmp_path / "a_2.xlsx", [(1, "2023/12/6", "西岭村民委员会", "西岭卫生室", "电热毯违规使用", "12月20日前", "已整改")],
                    header=header, report_line="填报日期：2023-12-17")  # fmt: skip
    load_files([w1, w2], db=db_file, config=config)
    assert table(db_file, "SELECT village, status, rectified_date, deadline FROM tickets") == [
        ("西岭村", "rectified", D(2023, 12, 17), D(2023, 12, 20))
    ]


def test_rectified_without_a_date_keeps_the_first_reported_date(db_file, config, tmp_path):
    header = ("隐患编号", "排查日期", "村（社区）", "单位名称", "隐患描述", "整改情况")
    files = [
        write_xlsx(
            tmp_path / f"n_{day}.xlsx",
            [("NP-1", "2023-12-06", "南坪村", "南坪商店", "线路老化", status)],
            header=header,
            report_line=f"填报日期：2023-12-{day}",
        )  # fmt: skip
        for day, status in ((10, "整改中"), (17, "已整改"), (24, "已整改"))
    ]
    load_files(files, db=db_file, config=config)
    assert table(db_file, "SELECT rectified_date FROM tickets") == [(D(2023, 12, 17),)]
    assert table(db_file, "SELECT count(*) FROM status_reports") == [(2,)]


def test_rectification_ledger_points_by_number_and_closes(db_file, config, week1, tmp_path):
    header = ("序号", "隐患编号", "整改完成时间", "复查人", "复查时间", "是否销号", "整改资金（元）")
    rect = write_xlsx(tmp_path / "销号台账.xlsx", [(1, "DH-001", "2023-12-12", "王五", "2023-12-13", "是", 800),
                                                 (2, "DH-999", "2023-12-12", "王五", "2023-12-13", "是", 0)],
                      header=header, title="整改销号台账", report_line="填报日期：2023-12-14")  # fmt: skip
    _, outcome = load_files([week1, rect], db=db_file, config=config)
    assert table(
        db_file,
        "SELECT status, rectified_date, closed_date, reviewer, funds FROM tickets WHERE hazard_no='DH-001'",
    ) == [("rectified", D(2023, 12, 12), D(2023, 12, 13), "王五", 800.0)]
    assert [r.reason for r in outcome.rejected] == ["找不到对应的隐患（隐患编号 DH-999）"]
    assert outcome.rows_updated == 1
    # Set aside while merging, the row still shows every cell as the ledger wrote it, under its own header.
    (raw,) = table(db_file, "SELECT raw_values FROM rejected_rows WHERE row_number = 5")[0]
    assert json.loads(raw) == {
        "序号": "2", "隐患编号": "DH-999", "整改完成时间": "2023-12-12", "复查人": "王五",
        "复查时间": "2023-12-13", "是否销号": "是", "整改资金（元）": "0",
    }  # fmt: skip


def test_a_number_without_a_village_that_two_villages_use_asks_for_the_village(db_file, config, tmp_path):
    header = ("隐患编号", "排查日期", "村（社区）", "单位名称", "隐患描述", "整改情况")
    found = write_xlsx(tmp_path / "汇总.xlsx", [("A-1", "2023-12-06", "东河村", "东河饭店", "线路老化", "未整改"),
                                               ("A-1", "2023-12-07", "西岭村", "西岭商店", "通道堵塞", "未整改")],
                       header=header, report_line="填报日期：2023-12-10")  # fmt: skip
    rect = write_xlsx(tmp_path / "销号.xlsx", [("A-1", "已整改", "2023-12-12")],
                      header=("隐患编号", "整改情况", "整改完成时间"), report_line="填报日期：2023-12-14")  # fmt: skip
    _, outcome = load_files([found, rect], db=db_file, config=config)
    assert [r.reason for r in outcome.rejected] == ["隐患编号 A-1 在多个村（社区）都有，请填写村（社区）"]
    assert table(db_file, "SELECT count(*) FROM tickets WHERE status = 'rectified'") == [(0,)]


def test_rows_kept_aside_with_file_sheet_row_and_reason(db_file, config, tmp_path):
    rows = [
        (1, "QS-1", "2023-12-06", "清水村", "清水饭店", "餐饮企业", "其他", "无", "一般", "长期", "应急办", "未整改", None),
        (2, "DH-7", None, "东河村", "东河饭店", "餐饮企业", "其他", "无", "一般", "长期", "应急办", "未整改", None),
        (3, "DH-8", "2024-02-30", "东河村", "东河饭店", "餐饮企业", "其他", "无", "一般", "长期", "应急办", "未整改", None),
        (4, "DH-9", "2023-12-06", "东河村", "东河饭店", "餐饮企业", "其他", "无", "一般", "长期", "应急办", "未整改", None),
        (5, "DH-9", "2023-12-07", "东河村", "东河饭店", "餐饮企业", "其他", "无", "一般", "长期", "应急办", "未整改", None),
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "bad.xlsx", rows, report_line="填报日期：2023-12-10", sheet="东河村")
    (outcome,) = load_files([path], db=db_file, config=config)
    assert outcome.rows_new == 1
    kept = table(
        db_file,
        "SELECT file_name, sheet, row_number, reason, raw_values FROM rejected_rows ORDER BY row_number",
    )
    assert [(k[0], k[1], k[2]) for k in kept] == [("bad.xlsx", "东河村", r) for r in (4, 5, 6, 8)]
    reasons = [k[3] for k in kept]
    assert "清水村" in reasons[0] and "名单" in reasons[0]
    assert "排查日期" in reasons[1]
    assert "2024-02-30" in reasons[2] or "2024-2-30" in reasons[2]
    assert "重复" in reasons[3]
    assert "清水饭店" in json.loads(kept[0][4]).values()
    duplicate = json.loads(kept[3][4])  # set aside while merging: the cells as written all the same
    assert (
        duplicate["排查日期"] == "2023-12-07"
        and duplicate["整改情况"] == "未整改"
        and duplicate["序号"] == "5"
    )


BAD_FILES = {
    "text.xlsx": b"this is not a spreadsheet at all",
    "empty.csv": b"",
    "noheader.csv": "甲,乙,丙\n1,2,3\n".encode(),
    "garbage.xls": bytes(range(256)) * 4,
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_unreadable_file_is_refused_and_the_store_unchanged(db_file, config, week1, tmp_path, name):
    load_files([week1], db=db_file, config=config)
    before = snapshot(db_file)
    bad = tmp_path / name
    bad.write_bytes(BAD_FILES[name])
    (outcome,) = load_files([bad], db=db_file, config=config)
    assert outcome.outcome == "refused" and outcome.reason
    assert "Traceback" not in outcome.reason
    assert snapshot(db_file) == before


def test_failure_mid_write_rolls_back_the_whole_file(db_file, config, week1, week2, monkeypatch):
    load_files([week1], db=db_file, config=config)
    before = snapshot(db_file)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(
        records, "record_imports", broken
    )  # the last write of a file (batch, then one by one)
    (outcome,) = load_files([week2], db=db_file, config=config)
    assert outcome.outcome == "refused" and "disk full" in outcome.reason
    assert snapshot(db_file) == before


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings_load_the_same_tickets(db_file, config, tmp_path, encoding):
    header = ("村（社区）", "发现时间", "单位名称", "隐患描述", "整改期限")
    path = write_csv(tmp_path / "应急办联查.csv", [("北山村", "2023/12/9", "北山加油站", "消防器材过期", "2023年12月31日")],
                     header=header, encoding=encoding)  # fmt: skip
    (outcome,) = load_files([path], db=db_file, config=config, report_date=D(2023, 12, 10))
    assert outcome.rows_new == 1
    assert table(db_file, "SELECT village, unit, found_date, deadline FROM tickets") == [
        ("北山村", "北山加油站", D(2023, 12, 9), D(2023, 12, 31))
    ]
    assert table(db_file, "SELECT village FROM import_villages") == [("北山村",)]


def test_a_hazard_number_excel_turned_from_001_into_1_is_the_same_ticket(db_file, config, tmp_path):
    header = ("隐患编号", "排查日期", "村（社区）", "单位名称", "隐患描述", "整改情况", "整改完成时间")
    week1 = write_xlsx(tmp_path / "西岭_1.xlsx", [("001", "2023-12-06", "西岭村", "西岭商店", "线路老化", "整改中", None)],
                       header=header, report_line="填报日期：2023-12-10")  # fmt: skip
    week2 = write_xlsx(tmp_path / "西岭_2.xlsx", [(1, "2023-12-06", "西岭村", "西岭商店", "线路老化", "已整改", "2023-12-12")],
                       header=header, report_line="填报日期：2023-12-17")  # fmt: skip
    _, second = load_files([week1, week2], db=db_file, config=config)
    assert (second.rows_new, second.rows_updated) == (0, 1)
    assert table(db_file, "SELECT ticket_id, status, rectified_date FROM tickets") == [
        ("西岭村#1", "rectified", D(2023, 12, 12))
    ]


def test_an_older_ledger_loaded_later_does_not_undo_a_newer_one(db_file, config, week1, week2, capsys):
    load_files([week2], db=db_file, config=config)
    before = snapshot(db_file)["tickets"]
    (late,) = load_files([week1], db=db_file, config=config)  # 填报日期 12-10, after the 12-17 ledger
    assert (late.rows_new, late.rows_updated, late.rows_unchanged, late.rows_stale) == (0, 0, 3, 3)
    assert snapshot(db_file)["tickets"] == before  # DH-001 stays rectified on 12-15
    assert table(db_file, "SELECT status FROM tickets WHERE hazard_no = 'DH-001'") == [("rectified",)]
    assert table(db_file, "SELECT count(*) FROM status_reports WHERE source_file LIKE '%12-10%'") == [(0,)]
    assert "3 处隐患库中已有填报日期更晚的报告" in describe(late)


def test_an_older_strike_off_ledger_than_the_village_ledger_still_strikes_off(
    db_file, config, week2, tmp_path
):
    header = ("隐患编号", "村（社区）", "整改情况", "整改完成时间", "是否销号", "复查时间")
    rect = write_xlsx(tmp_path / "销号.xlsx", [("DH-002", "东河村", "已整改", "2023-12-07", "是", "2023-12-13")],
                      header=header, report_line="填报日期：2023-12-14")  # fmt: skip
    _, outcome = load_files([week2, rect], db=db_file, config=config)  # the village's 12-17 ledger came first
    assert (outcome.rows_updated, outcome.rows_stale) == (1, 0)
    assert table(db_file, "SELECT closed_date, last_report_date FROM tickets WHERE hazard_no = 'DH-002'") == [
        (D(2023, 12, 13), D(2023, 12, 17))  # struck off; the latest report is still the village's
    ]


def test_a_ledger_without_a_date_is_placed_by_the_order_of_loading(db_file, config, week1, week2, tmp_path):
    header = ("隐患编号", "村（社区）", "整改情况", "整改完成时间")
    undated = write_xlsx(tmp_path / "销号.xlsx", [("DH-003", "东河村", "已整改", "2023-12-09")], header=header,
                         title=None)  # fmt: skip
    outcomes = load_files([week1, undated, week2], db=db_file, config=config, today=D(2024, 3, 1))
    # No 填报日期 and a save date outside the campaign (openpyxl writes today's): the latest date it writes.
    assert outcomes[1].report_date == D(2023, 12, 9)
    # week 2 (填报日期 12-17) still applies after it: DH-001 rectified, DH-003 back to 整改中 as week 2 says.
    assert (outcomes[2].rows_updated, outcomes[2].rows_stale) == (2, 0)
    assert table(
        db_file, "SELECT hazard_no, status FROM tickets WHERE hazard_no IN ('DH-001', 'DH-003') ORDER BY 1"
    ) == [
        ("DH-001", "rectified"),
        ("DH-003", "in_progress"),
    ]


def test_a_ledger_of_the_same_date_loaded_again_corrected_still_applies(db_file, config, week1, tmp_path):
    corrected = write_xlsx(tmp_path / "东河村台账_更正.xlsx", [WEEK1[0][:11] + ("已整改", "2023-12-09")] + WEEK1[1:],
                           report_line="填报日期：2023年12月10日")  # fmt: skip
    _, again = load_files([week1, corrected], db=db_file, config=config)
    assert (again.rows_updated, again.rows_stale) == (1, 0)
    assert table(db_file, "SELECT status FROM tickets WHERE hazard_no = 'DH-001'") == [("rectified",)]


def test_a_version_1_store_is_migrated_in_place(tmp_path, config):
    path = tmp_path / "v1.duckdb"
    with duckdb.connect(str(path)) as con:  # a store as the first release left it
        for statement in store.SCHEMA:
            con.execute(statement)
        con.execute("INSERT INTO store_meta VALUES ('schema_version', '1')")
        con.execute(
            """INSERT INTO imports VALUES (1, 'a.xlsx', 'a', 'f00d', TIMESTAMP '2023-12-11 09:00', DATE '2023-12-10',
                   'combined', 1, 2, 2, 0, 0, 0)"""
        )
        con.execute(
            """INSERT INTO tickets (ticket_id, hazard_no, village, unit, sector, category, description, severity,
                   county_supervised, found_date, status, match_key, first_import_id, last_import_id)
            VALUES ('西岭村#001', '001', '西岭村', '西岭商店', '其他', '其他', '线路老化', 'general', false,
                    DATE '2023-12-06', 'in_progress', '西岭村|西岭商店|线路老化', 1, 1),
                   ('东河村#DH-1', 'DH-1', '东河村', '东河饭店', '其他', '其他', '灭火器过期', 'general', false,
                    DATE '2023-12-06', 'open', '东河村|东河饭店|灭火器过期', 1, 1)"""
        )
        con.execute(
            """INSERT INTO status_reports VALUES
            ('西岭村#001', 1, DATE '2023-12-10', 'in_progress', NULL, NULL, 'a.xlsx', 'S', 4),
            ('东河村#DH-1', 1, DATE '2023-12-10', 'open', NULL, NULL, 'a.xlsx', 'S', 5)"""
        )
    store.connect(path).close()
    assert table(path, "SELECT value FROM store_meta WHERE key = 'schema_version'") == [
        (str(store.SCHEMA_VERSION),)
    ]
    assert table(path, "SELECT ticket_id, last_report_date FROM tickets ORDER BY 1") == [
        ("东河村#DH-1", D(2023, 12, 10)),
        ("西岭村#1", D(2023, 12, 10)),
    ]
    assert table(path, "SELECT DISTINCT ticket_id FROM status_reports ORDER BY 1") == [
        ("东河村#DH-1",),
        ("西岭村#1",),
    ]
    header = ("隐患编号", "排查日期", "村（社区）", "单位名称", "隐患描述", "整改情况")
    ledger = write_xlsx(tmp_path / "西岭.xlsx", [(1, "2023-12-06", "西岭村", "西岭商店", "线路老化", "已整改")],
                        header=header, report_line="填报日期：2023-12-17")  # fmt: skip
    (outcome,) = load_files([ledger], db=path, config=config)
    assert (outcome.rows_new, outcome.rows_updated) == (0, 1)
