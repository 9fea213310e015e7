"""Normalising whole sheets: headers under titles, two-level headers, kinds, villages, skipped and kept rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl.aliases import field_for
from etl.columns import PYTHON_BELOW
from etl.normalise import (
    BOOL_COLUMNS,
    CANONICAL_COLUMNS,
    SheetResult,
    _frame,
    normalise_sheet,
    title_report_date,
)
from etl.readers import RawSheet, read_ledger
from firedash.config import TownConfig
from tests.ledger_files import write_csv, write_xls, write_xlsx

D = dt.date
REPORT = D(2024, 1, 7)
TITLE = "《大同镇东河村今冬明春火灾隐患排查整改台账》"
REPORT_LINE = "填报单位：东河村村委会    填报日期：2024年1月7日"
TWO_LEVEL = [
    [TITLE],
    [REPORT_LINE],
    [
        "序号",
        "隐患编号",
        "排查\n日期",
        "单位名称",
        "隐患描述",
        "隐患等级",
        "整改时限",
        "整改情况",
        None,
        "备注",
    ],
    [None, None, None, None, None, None, None, "是否整改", "整改完成时间", None],
    [1, "DH-1", D(2023, 12, 6), "东河饭店", "燃气软管老化", "一般", "12月底前", "是", D(2023, 12, 10), None],
    [2, "DH-2", 45267, "东河超市", "疏散通道堵塞", "重大", "立即整改", "否", None, None],
    [None] * 10,
    [3, "DH-3", "2023.12.8", "东河小学", "灭火器过期", None, "7日内", None, None, "已约谈"],
    [
        "序号",
        "隐患编号",
        "排查日期",
        "单位名称",
        "隐患描述",
        "隐患等级",
        "整改时限",
        "整改情况",
        None,
        "备注",
    ],
    [None, None, None, None, None, None, None, "是否整改", "整改完成时间", None],
    [4, "DH-4", "12月9日", "东河木材厂", "电线老化", "较大", "长期", "整改中", None, None],
    ["合计", "4处"],
    ["填表人：", "张三", "审核人：", "李四"],
    ["注：1.隐患等级按GB 35181判定；2.整改时限写具体日期"],
]
TWO_LEVEL_MERGES = [(0, 0, 0, 9), (1, 0, 1, 9), (2, 7, 2, 8), (8, 7, 8, 8), (13, 0, 13, 9)] + [
    (2, c, 3, c) for c in (0, 1, 2, 3, 4, 5, 6, 9)
]
EXPECTED = [  # (row_number, hazard_no, found_date, severity, deadline, status, rectified_date)
    (5, "DH-1", D(2023, 12, 6), "general", D(2023, 12, 31), "rectified", D(2023, 12, 10)),
    (6, "DH-2", D(2023, 12, 7), "major", D(2023, 12, 7), "open", None),
    (8, "DH-3", D(2023, 12, 8), "general", D(2023, 12, 15), None, None),
    (11, "DH-4", D(2023, 12, 9), "serious", None, "in_progress", None),
]
FIELDS = ["row_number", "hazard_no", "found_date", "severity", "deadline", "status", "rectified_date"]


def normalise(path: Path, config: TownConfig, report_date: dt.date = REPORT) -> list[SheetResult]:
    return [
        normalise_sheet(s, config=config, report_date=report_date, file_name=path.name)
        for s in read_ledger(path)
    ]


def rows_of(result: SheetResult, fields: list[str] = FIELDS) -> list[tuple]:
    return list(result.frame[fields].itertuples(index=False, name=None))


def write(
    tmp_path: Path, fmt: str, rows: list, merges: list, sheet: str = "Sheet1", name: str = "台账"
) -> Path:
    if fmt == "xlsx":
        return write_xlsx(tmp_path / f"{name}.xlsx", {sheet: (rows, merges)})
    if fmt == "xls":
        return write_xls(tmp_path / f"{name}.xls", {sheet: (rows, merges)})
    return write_csv(tmp_path / f"{name}.csv", rows, encoding="gb18030")


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "csv"])
def test_two_level_header_under_titles_with_every_kind_of_noise(
    tmp_path: Path, config: TownConfig, fmt: str
) -> None:
    (result,) = normalise(write(tmp_path, fmt, TWO_LEVEL, TWO_LEVEL_MERGES), config)
    assert result.kind == "combined"
    assert rows_of(result) == EXPECTED
    assert result.rejected == []
    assert result.rows_read == 4  # blank, repeated header (both levels), 合计, notes: skipped silently
    assert result.villages == {"东河村"}  # from the title: the sheet has no village column
    assert set(result.frame["village"]) == {"东河村"}
    assert result.frame["note"].tolist() == [None, None, "已约谈", None]
    assert result.title_report_date == REPORT


def test_frame_has_exactly_the_canonical_columns_and_types(tmp_path: Path, config: TownConfig) -> None:
    (result,) = normalise(write(tmp_path, "xlsx", TWO_LEVEL, TWO_LEVEL_MERGES), config)
    frame = result.frame
    assert tuple(frame.columns) == CANONICAL_COLUMNS
    assert str(frame["row_number"].dtype) == "int64"
    assert {
        str(frame[c].dtype) for c in ("county_supervised", "has_status", "rectified_date_explicit", "closed")
    } == {"bool"}
    others = set(CANONICAL_COLUMNS) - {
        "row_number",
        "county_supervised",
        "has_status",
        "rectified_date_explicit",
        "closed",
    }
    assert {str(frame[c].dtype) for c in others} == {"object"}  # the fields' Python values: no str inference
    assert frame.index.equals(pd.RangeIndex(4))
    assert all(isinstance(d, dt.date) for d in frame["found_date"])
    assert frame["deadline"].tolist()[2:] == [D(2023, 12, 15), None]  # None, not NaT
    assert frame["sheet"].tolist() == ["Sheet1"] * 4 and set(frame["row_kind"]) == {"combined"}


def test_child_headers_that_need_their_parent(tmp_path: Path, config: TownConfig) -> None:
    rows = [
        ["村（社区）", "排查日期", "隐患描述", "整改", None, "复查", None],
        [None, None, None, "情况", "完成时间", "复查人", "时间"],
        ["西岭村", "2023-12-06", "线路老化", "已整改", "2023-12-09", "王五", "2023-12-11"],
    ]
    merges = [(0, 3, 0, 4), (0, 5, 0, 6), (0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2)]
    (result,) = normalise(write(tmp_path, "xlsx", rows, merges), config)
    fields = ["village", "status", "rectified_date", "reviewer", "closed", "closed_date"]
    assert rows_of(result, fields) == [("西岭村", "rectified", D(2023, 12, 9), "王五", False, None)]


@pytest.mark.parametrize(
    "header, field",
    [
        ("村（社区）", "village"), ("村(社区)", "village"), ("村 名", "village"), ("所属村（社区）", "village"),
        ("村社区", "village"), ("检查日期", "found_date"), ("发现\n时间", "found_date"), ("排查时间", "found_date"),
        ("序号", "seq"), ("隐患序号", "seq"), ("隐患编号", "hazard_no"), ("编号", "hazard_no"),
        ("存在的问题", "description"), ("隐患内容", "description"), ("问题隐患", "description"), ("被检查单位", "unit"), ("行业领域", "sector"),
        ("整改期限", "deadline"), ("整改时间要求", "deadline"), ("是否整改", "status"), ("整改进度", "status"),
        ("完成整改时间", "rectified_date"), ("销号时间", "closed_date"), ("是否销号", "closed_flag"),
        ("整改资金（元）", "funds"), ("投入资金", "funds"), ("责任部门", "office"), ("*隐患等级", "severity"),
        ("检查方式：", "method"), ("排查日期(格式:2023-12-06)", "found_date"), ("照片", None), ("", None),
    ],
)  # fmt: skip
def test_header_spellings(header: str, field: str | None) -> None:
    assert field_for(header) == field


def sheet_of(rows: list[list[object]], name: str = "Sheet1") -> RawSheet:
    return RawSheet.from_rows(name, rows)


INSPECTION = ["村（社区）", "排查日期", "单位名称", "隐患描述"]


@pytest.mark.parametrize(
    "header, kind",
    [
        (INSPECTION, "inspection"),
        ([*INSPECTION, "整改情况"], "combined"),
        ([*INSPECTION, "整改完成时间"], "combined"),
        (["隐患编号", "整改完成时间", "复查人", "是否销号"], "rectification"),
        (["村（社区）", "单位名称", "隐患描述", "整改情况"], "rectification"),
        (["村（社区）", "单位名称", "整改情况"], None),  # cannot point at a ticket
        (["甲", "乙", "丙"], None),
        (["单位名称", "地址", "联系电话"], None),  # no key field beyond the unit… and no state or date
    ],
)
def test_sheet_kind(config: TownConfig, header: list[str], kind: str | None) -> None:
    result = normalise_sheet(
        sheet_of([header, ["x"] * len(header)]), config=config, report_date=REPORT, file_name="a"
    )
    assert result.kind == kind
    if kind is None:
        assert (len(result.frame), result.rejected, result.rows_read) == (0, [], 0)
        assert tuple(result.frame.columns) == CANONICAL_COLUMNS


def test_rectification_rows_point_by_number_without_village_or_found_date(config: TownConfig) -> None:
    rows = [
        ["序号", "隐患编号", "整改完成时间", "复查人", "复查时间", "是否销号", "整改资金（元）"],
        [1, "DH-001", "2023-12-12", "王五", "2023-12-13", "是", 800],
        [2, None, "2023-12-12", "王五", None, None, None],
        ["合计", "2处", None, None, None, None, 800],
    ]
    result = normalise_sheet(sheet_of(rows), config=config, report_date=REPORT, file_name="销号台账.xlsx")
    assert result.kind == "rectification"
    fields = [
        "hazard_no",
        "village",
        "found_date",
        "status",
        "rectified_date",
        "closed",
        "closed_date",
        "funds",
    ]
    assert rows_of(result, fields) == [
        ("DH-001", None, None, "rectified", D(2023, 12, 12), True, D(2023, 12, 13), 800.0)
    ]
    assert [(r.row_number, r.reason) for r in result.rejected] == [(3, "缺少村（社区）")]
    assert result.rows_read == 2


@pytest.mark.parametrize(
    "sheet_name, title, file_name, village",
    [
        ("东河村", None, "台账.xlsx", "东河村"),
        ("西岭村委会", None, "台账.xlsx", "西岭村"),
        ("Sheet1", "大同镇南坪村今冬明春火灾隐患排查整改台账", "台账.xlsx", "南坪村"),
        ("Sheet1", "火灾隐患排查整改台账", "北山村台账_2023-12-10.xlsx", "北山村"),
        ("Sheet1", "大同镇今冬明春火灾隐患排查整改台账", "台账.xlsx", None),
    ],
)
def test_a_sheet_without_a_village_column_takes_its_village(
    config: TownConfig, sheet_name: str, title: str | None, file_name: str, village: str | None
) -> None:
    rows = ([[title]] if title else []) + [
        ["排查日期", "单位名称", "隐患描述"],
        ["2023-12-06", "饭店", "线路老化"],
    ]
    result = normalise_sheet(
        sheet_of(rows, sheet_name), config=config, report_date=REPORT, file_name=file_name
    )
    if village:
        assert result.frame["village"].tolist() == [village] and result.villages == {village}
    else:
        assert [r.reason for r in result.rejected] == ["缺少村（社区）"] and result.villages == set()


def test_a_blank_village_cell_falls_back_to_the_sheets_village(config: TownConfig) -> None:
    rows = [
        ["村（社区）", "排查日期", "隐患描述"],
        [None, "2023-12-06", "线路老化"],
        ["清水村", "2023-12-06", "x"],
    ]
    result = normalise_sheet(sheet_of(rows, "东河村"), config=config, report_date=REPORT, file_name="a.xlsx")
    assert result.frame["village"].tolist() == ["东河村"]
    assert [r.reason for r in result.rejected] == ["村（社区）不在名单中：清水村"]


def test_vertically_merged_cells_fill_every_row_they_cover(tmp_path: Path, config: TownConfig) -> None:
    rows = [
        ["村（社区）", "单位名称", "排查日期", "隐患描述"],
        ["柳湾村", "柳湾宾馆", "2023-12-06", "灭火器过期"],
        [None, None, None, "安全出口上锁"],
        [None, "柳湾超市", "2023-12-07", "通道堆放杂物"],
    ]
    merges = [(1, 0, 3, 0), (1, 1, 2, 1), (1, 2, 2, 2)]
    (result,) = normalise(write(tmp_path, "xlsx", rows, merges), config)
    assert rows_of(result, ["village", "unit", "found_date"]) == [
        ("柳湾村", "柳湾宾馆", D(2023, 12, 6)),
        ("柳湾村", "柳湾宾馆", D(2023, 12, 6)),
        ("柳湾村", "柳湾超市", D(2023, 12, 7)),
    ]


@pytest.mark.parametrize(
    "noise",
    [
        ["小计", None, None, None],
        [None, "总计：12处", None, None],
        ["填表人：张三        审核人：李四", None, None, None],
        ["填表人：", "张三", "审核人：", "李四"],
        ["填表人：王某", None, "审核人：李某", "联系电话：13800000000"],
        ["注：隐患等级按GB 35181判定", None, None, None],
        ["说明", None, None, None],
        ["村（社区）", "排查日期", "单位名称", "隐患描述"],
        [1, 2, 3, 4],
        [" ", None, "\u3000", None],
    ],
)
def test_noise_rows_are_skipped_silently(config: TownConfig, noise: list[object]) -> None:
    rows = [
        INSPECTION,
        ["东河村", "2023-12-06", "饭店", "线路老化"],
        noise,
        ["东河村", "2023-12-07", "超市", "无灭火器"],
    ]
    result = normalise_sheet(sheet_of(rows), config=config, report_date=REPORT, file_name="a.xlsx")
    assert result.frame["row_number"].tolist() == [2, 4]
    assert (result.rejected, result.rows_read) == ([], 2)


def test_a_row_with_content_but_nothing_readable_is_rejected_not_dropped(config: TownConfig) -> None:
    rows = [INSPECTION, [None, None, "东河饭店", "线路老化"], ["续表", None, None, None]]
    result = normalise_sheet(sheet_of(rows), config=config, report_date=REPORT, file_name="a.xlsx")
    assert [(r.row_number, r.reason) for r in result.rejected] == [
        (2, "缺少村（社区）；缺少排查日期"),
        (3, "村（社区）不在名单中：续表；缺少排查日期"),
    ]
    assert result.rejected[0].raw == {
        "村（社区）": "",
        "排查日期": "",
        "单位名称": "东河饭店",
        "隐患描述": "线路老化",
    }


def test_rejected_rows_of_a_known_village_count_it_as_reporting(config: TownConfig) -> None:
    rows = [INSPECTION, ["石桥村", "2023-02-30", "饭店", "线路老化"]]
    result = normalise_sheet(sheet_of(rows), config=config, report_date=REPORT, file_name="a.xlsx")
    assert result.frame.empty and result.villages == {"石桥村"}
    assert (result.rejected[0].village, result.rejected[0].reason) == ("石桥村", "排查日期不存在：2023-02-30")


@pytest.mark.parametrize(
    "lines, expected",
    [
        ([[TITLE], [REPORT_LINE]], D(2024, 1, 7)),
        ([["报送日期：2024.1.14"]], D(2024, 1, 14)),
        ([["填报单位：应急办", None, "填报日期：", D(2024, 1, 21)]], D(2024, 1, 21)),
        ([["填报日期：", 45382]], D(2024, 3, 31)),  # a zh-CN date format calamine reads as its serial
        ([["截至2024年2月4日"]], D(2024, 2, 4)),
        ([["日期: 2024-02-11"]], D(2024, 2, 11)),
        ([[TITLE]], None),
        ([], None),
    ],
)
def test_report_date_in_the_title_rows(lines: list[list[object]], expected: dt.date | None) -> None:
    rows = [
        *lines,
        ["村（社区）", "排查日期", "隐患描述"],
        ["东河村", "2023-12-06", "x"],
        ["填报日期：2099-01-01"],
    ]
    assert title_report_date(sheet_of(rows)) == expected


def test_a_sheet_without_header_reports_no_rows(config: TownConfig) -> None:
    result = normalise_sheet(
        sheet_of([["说明"], ["本表由各村填写"]]), config=config, report_date=REPORT, file_name="a"
    )
    assert (result.kind, result.rows_read, result.rejected, result.villages) == (None, 0, [], set())


def test_header_is_found_below_twenty_title_rows_only_within_the_scan(config: TownConfig) -> None:
    rows = [[f"第{i}行说明"] for i in range(25)] + [INSPECTION, ["东河村", "2023-12-06", "饭店", "线路老化"]]
    assert normalise_sheet(sheet_of(rows), config=config, report_date=REPORT, file_name="a").kind is None
    rows = rows[10:]
    result = normalise_sheet(sheet_of(rows), config=config, report_date=REPORT, file_name="a")
    assert result.frame["row_number"].tolist() == [17]


def test_merged_ranges_reaching_past_the_last_row_are_harmless(config: TownConfig) -> None:
    rows = [INSPECTION, ["东河村", "2023-12-06", "饭店", "线路老化"]]
    sheet = RawSheet.from_rows("Sheet1", rows, [(1, 0, 5, 0), (3, 1, 8, 2), (0, 9, 4, 9)])
    result = normalise_sheet(sheet, config=config, report_date=REPORT, file_name="a.xlsx")
    assert rows_of(result, ["village", "found_date"]) == [("东河村", D(2023, 12, 6))]


@pytest.mark.parametrize("size", [0, 3, PYTHON_BELOW + 5])
def test_the_frame_is_made_alike_however_many_rows_it_has(size: int) -> None:
    # A short frame is made at once, a long one column by column: both as a plain per-column build.
    values = {
        name: np.array([i % 2 == 0 for i in range(size)], dtype=bool)
        if name in BOOL_COLUMNS
        else np.array(
            [
                None if i % 3 else (dt.date(2024, 1, 1) if "date" in name else f"{name}{i}")
                for i in range(size)
            ],
            dtype=object,
        )
        for name in CANONICAL_COLUMNS[3:]
    }
    keep = np.array([i % 5 != 1 for i in range(size)], dtype=bool)
    rows = np.arange(size) + 5
    frame = _frame(values, keep, "S", "combined", rows)
    plain = pd.DataFrame(
        {
            "sheet": pd.Series(["S"] * int(keep.sum()), dtype=object),
            "row_number": pd.Series(rows[keep], dtype="int64"),
            "row_kind": pd.Series(["combined"] * int(keep.sum()), dtype=object),
            **{
                name: pd.Series(values[name][keep], dtype=bool if name in BOOL_COLUMNS else object)
                for name in CANONICAL_COLUMNS[3:]
            },
        }
    )
    assert list(frame.dtypes) == list(plain.dtypes)
    assert frame.equals(plain) and frame.index.equals(pd.RangeIndex(int(keep.sum())))
