"""Reading ledger files: .xlsx and .xls via calamine, CSV in three encodings, and files refused whole."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from etl.errors import LedgerError
from etl.readers import RawSheet, read_ledger
from tests.ledger_files import write_csv, write_xls, write_xlsx

D = dt.date
TITLE = "大同镇东河村今冬明春火灾隐患排查整改台账"
ROWS = [
    [TITLE, None, None, None],
    ["序号", "排查日期", "整改情况", None],
    [None, None, "是否整改", "整改完成时间"],
    [1, D(2023, 12, 6), "是", D(2023, 12, 10)],
    [2, 45267, "否", None],
    [None, None, None, None],
    [3, "2023.12.8", None, None],
]
MERGES = [(0, 0, 0, 3), (1, 2, 1, 3), (1, 0, 2, 0), (1, 1, 2, 1)]


def only(sheets: list[RawSheet]) -> RawSheet:
    assert len(sheets) == 1
    return sheets[0]


def test_xlsx_cells_and_merged_ranges(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "东河村.xlsx", {"东河村": (ROWS, MERGES)})
    sheet = only(read_ledger(path))
    assert sheet.name == "东河村"
    assert sheet.rows[0][0] == TITLE and sheet.rows[0][1:] == [None, None, None]
    assert sheet.rows[3] == [1, D(2023, 12, 6), "是", D(2023, 12, 10)]
    assert sheet.rows[4][1] == 45267  # a serial number stays a number for the normaliser
    assert sheet.rows[5] == [None, None, None, None]
    assert sheet.rows[6] == [3, "2023.12.8", None, None]
    assert sorted(sheet.merged) == sorted(MERGES)


def test_xlsx_keeps_row_indices_when_the_sheet_starts_lower(tmp_path: Path) -> None:
    rows = [[None, None], [None, None], [None, "序号"], [None, 1]]
    sheet = only(read_ledger(write_xlsx(tmp_path / "a.xlsx", {"S": (rows, [(2, 1, 2, 1)])})))
    assert sheet.rows[2][1] == "序号" and sheet.rows[3][1] == 1  # index 3 is Excel row 4


def test_xlsx_datetime_cells_stay_datetimes(tmp_path: Path) -> None:
    rows = [["排查日期"], [dt.datetime(2023, 12, 6, 9, 30)]]
    sheet = only(read_ledger(write_xlsx(tmp_path / "a.xlsx", {"S": (rows, [])})))
    assert sheet.rows[1][0] == dt.datetime(2023, 12, 6, 9, 30)


def test_every_sheet_is_read_in_order(tmp_path: Path) -> None:
    sheets = {"东河村": ([["a"]], []), "空表": ([], []), "西岭村": ([["b"]], [])}
    read = read_ledger(write_xlsx(tmp_path / "book.xlsx", sheets))
    assert [(s.name, s.rows) for s in read] == [("东河村", [["a"]]), ("空表", []), ("西岭村", [["b"]])]


def test_legacy_xls_with_dates_and_merges(tmp_path: Path) -> None:
    path = write_xls(tmp_path / "东河村.xls", {"台账": (ROWS, MERGES)})
    sheet = only(read_ledger(path))
    assert sheet.name == "台账"
    assert sheet.rows[0][0] == TITLE
    assert sheet.rows[3][1] == D(2023, 12, 6)
    assert sheet.rows[4][:3] == [2, 45267, "否"]
    assert sorted(sheet.merged) == sorted(MERGES)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_read_alike(tmp_path: Path, encoding: str) -> None:
    rows = [
        ["村（社区）", "排查日期", "隐患描述"],
        ["东河村", "2023/12/6", "灭火器过期，压力不足"],
        ["", "", ""],
    ]
    sheet = only(read_ledger(write_csv(tmp_path / "应急办联查.csv", rows, encoding=encoding)))
    assert sheet.name == "应急办联查"
    assert sheet.rows == [
        ["村（社区）", "排查日期", "隐患描述"],
        ["东河村", "2023/12/6", "灭火器过期，压力不足"],
        [None] * 3,
    ]
    assert sheet.merged == []


def test_tab_separated_text_export(tmp_path: Path) -> None:
    rows = [["村名", "检查时间", "存在问题"], ["西岭村", "12月6日", "线路老化, 未穿管"]]
    sheet = only(read_ledger(write_csv(tmp_path / "西岭.txt", rows, encoding="utf-16", delimiter="\t")))
    assert sheet.rows == [["村名", "检查时间", "存在问题"], ["西岭村", "12月6日", "线路老化, 未穿管"]]


def test_a_csv_with_a_spreadsheet_name_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "台账.xlsx", [["村（社区）", "排查日期"], ["东河村", "2023-12-06"]])
    with pytest.raises(LedgerError, match="不是电子表格文件") as caught:
        read_ledger(path)
    assert "文本" in str(caught.value) and "\n" not in str(caught.value)


REFUSED = {
    "empty.xlsx": (b"", "文件是空的"),
    "empty.csv": (b"", "文件是空的"),
    "blank.csv": (b"\r\n  \r\n", "文件是空的"),
    "page.xls": (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "网页"),
    "text.xlsx": (b"this is not a spreadsheet at all", "不是电子表格文件"),
    "noise.xls": (bytes(range(256)) * 4, "不是电子表格文件"),
    "broken.xlsx": (b"PK\x03\x04" + b"\x00" * 200, "文件已损坏或加密"),
    "broken.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "文件已损坏或加密"),
    "notes.pdf": (b"%PDF-1.4 ...", "不支持的文件类型"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unreadable_files_raise_a_one_line_chinese_reason(tmp_path: Path, name: str) -> None:
    content, reason = REFUSED[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LedgerError, match=reason) as caught:
        read_ledger(path)
    assert "\n" not in str(caught.value)


def test_a_zip_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    with pytest.raises(LedgerError, match="损坏"):
        read_ledger(path)


def test_a_workbook_whose_sheets_are_all_empty_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "空.xlsx", {"Sheet1": ([], []), "Sheet2": ([[None, None]], [])})
    with pytest.raises(LedgerError, match="没有任何数据"):
        read_ledger(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="不存在"):
        read_ledger(tmp_path / "nowhere.xlsx")
