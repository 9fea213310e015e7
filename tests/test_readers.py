"""Reading ledger files: .xlsx (fastexcel + the sheet XML), .xls, CSV in three encodings, files refused whole."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
import xlsxwriter

from etl.errors import LedgerError
from etl.headers import SCAN_ROWS
from etl.readers import HEAD_ROWS, RawSheet, read_ledger
from tests.ledger_files import write_csv, write_xls, write_xlsx

D = dt.date
ROOT = Path(__file__).resolve().parent.parent
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


def test_xlsx_cells_are_read_as_the_text_a_person_sees(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "东河村.xlsx", {"东河村": (ROWS, MERGES)})
    sheet = only(read_ledger(path))
    assert sheet.name == "东河村"
    assert sheet.rows[0][0] == TITLE and sheet.rows[0][1:] == [None, None, None]
    assert sheet.rows[3] == ["1", "2023-12-06", "是", "2023-12-10"]  # a date cell without its 00:00:00
    assert sheet.rows[4][1] == "45267"  # a serial number as its digits, for the normaliser to read
    assert sheet.rows[5] == [None, None, None, None]
    assert sheet.rows[6] == ["3", "2023.12.8", None, None]
    assert sorted(sheet.merged) == sorted(MERGES)


def test_xlsx_keeps_row_and_column_indices_when_the_sheet_starts_lower(tmp_path: Path) -> None:
    rows = [[None, None, None], [None, None, None], [None, None, "序号"], [None, "x", 1]]
    sheet = only(read_ledger(write_xlsx(tmp_path / "a.xlsx", {"S": (rows, [(2, 2, 2, 2)])})))
    # calamine starts at the first used cell (B3 here); the reader moves the cells back under A1.
    assert sheet.rows == [[None] * 3, [None] * 3, [None, None, "序号"], [None, "x", "1"]]
    assert sheet.merged == [(2, 2, 2, 2)]


def test_xlsx_cells_with_only_a_style_or_an_uncached_formula_do_not_shift_the_sheet(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("S")
    border = book.add_format({"border": 1})
    ws.write_blank(0, 0, None, border)  # A1: a border, no value
    ws.write_formula(1, 0, "=ROW()", None, "")  # A2: a formula whose value was never computed
    ws.write(2, 2, "村（社区）")
    ws.write(3, 1, "东河村")
    book.close()
    sheet = only(read_ledger(path))
    assert sheet.rows[2] == [None, None, "村（社区）"] and sheet.rows[3] == [None, "东河村", None]


def test_xlsx_numbers_times_and_booleans_as_text(tmp_path: Path) -> None:
    rows = [
        ["排查日期", "资金", "是否销号", "检查时间"],
        [dt.datetime(2023, 12, 6, 9, 30), 1.5, True, dt.time(8, 30)],
        [None, 13800138000, False, None],
    ]
    sheet = only(read_ledger(write_xlsx(tmp_path / "a.xlsx", {"S": (rows, [])})))
    assert sheet.rows[1:] == [
        ["2023-12-06 09:30:00", "1.5", "true", "08:30:00"],  # a time of day without calamine's 1899-12-31
        [None, "13800138000", "false", None],
    ]


def test_every_sheet_is_read_in_order(tmp_path: Path) -> None:
    sheets = {"东河村": ([["a"]], []), "空表": ([], []), "西岭村": ([["b"]], [])}
    read = read_ledger(write_xlsx(tmp_path / "book.xlsx", sheets))
    assert [(s.name, s.rows) for s in read] == [("东河村", [["a"]]), ("空表", []), ("西岭村", [["b"]])]


def test_legacy_xls_reads_like_xlsx(tmp_path: Path) -> None:
    xls = only(read_ledger(write_xls(tmp_path / "东河村.xls", {"台账": (ROWS, MERGES)})))
    xlsx = only(read_ledger(write_xlsx(tmp_path / "东河村.xlsx", {"台账": (ROWS, MERGES)})))
    assert xls.name == "台账"
    assert xls.rows == xlsx.rows
    assert sorted(xls.merged) == sorted(MERGES)


def test_a_workbook_whose_xml_the_fast_path_does_not_follow_is_read_cell_by_cell(tmp_path: Path) -> None:
    rows = [["序号", "排查日期", "村（社区）"], [1, D(2023, 12, 6), "东河村"], [2, "12月7日", "西岭村"]]
    path = write_xlsx(tmp_path / "a.xlsx", {"S": (rows, [])})
    rewritten = tmp_path / "b.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<c r="[A-Z]+\d+"', b"<c", data)  # cells without references are allowed
            target.writestr(item, data)
    assert b'<c r="' not in zipfile.ZipFile(rewritten).read("xl/worksheets/sheet1.xml")
    sheet = only(read_ledger(rewritten))
    assert sheet.rows == [
        ["序号", "排查日期", "村（社区）"],
        ["1", "2023-12-06", "东河村"],
        ["2", "12月7日", "西岭村"],
    ]


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


def test_a_workbook_without_its_workbook_part_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", {"S": (ROWS, [])})
    damaged = tmp_path / "台账.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            if item.filename != "xl/workbook.xml":
                target.writestr(item, source.read(item))
    with pytest.raises(LedgerError, match="没有工作表|损坏"):
        read_ledger(damaged)


def test_a_zip_that_is_no_workbook_is_refused_as_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    with pytest.raises(LedgerError) as caught:
        read_ledger(path)
    assert (
        str(caught.value) == "这是 zip 压缩包，不是 Excel 表格：请解压后导入其中的 .xlsx、.xls 或 .csv 文件"
    )


def test_a_workbook_whose_sheets_are_all_empty_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "空.xlsx", {"Sheet1": ([], []), "Sheet2": ([[None, None]], [])})
    with pytest.raises(LedgerError, match="没有任何数据"):
        read_ledger(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="不存在"):
        read_ledger(tmp_path / "nowhere.xlsx")


def test_a_used_cell_left_of_the_first_one_far_down_the_sheet_sets_the_first_column(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = book.add_worksheet("S")
    for row in range(20_000):  # about 2 MB of sheet XML: the cell in column A comes chunks after the first
        ws.write_string(row, 2, f"东河村第{row}号")
    ws.write_string(20_000, 0, "填表人：张三")
    book.close()
    sheet = only(read_ledger(path))
    assert sheet.width == 3 and sheet.height == 20_001
    assert sheet.rows_at(np.array([0, 20_000])) == [[None, None, "东河村第0号"], ["填表人：张三", None, None]]


def test_workbook_relationships_with_relative_targets(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", {"S": (ROWS, MERGES)})
    rewritten = tmp_path / "b.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b'Target="/xl/', b'Target="')  # openpyxl writes them absolute
            target.writestr(item, data)
    assert b'Target="worksheets/' in zipfile.ZipFile(rewritten).read("xl/_rels/workbook.xml.rels")
    sheet = only(read_ledger(rewritten))
    assert sheet.rows == only(read_ledger(path)).rows and sorted(sheet.merged) == sorted(MERGES)


def test_the_reader_keeps_every_row_the_header_search_looks_at() -> None:
    # find_header tries each of the first SCAN_ROWS rows with the row below it: all must be in sheet.head.
    assert SCAN_ROWS + 1 <= HEAD_ROWS


def test_when_fastexcel_fails_on_a_workbook_python_calamine_reads_it(tmp_path: Path, monkeypatch) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", {"S": (ROWS, MERGES)})
    expected = only(read_ledger(path))

    def failing(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("calamine error: unexpected cell type")  # as fastexcel raises on a shape it lacks

    monkeypatch.setattr("etl.readers.fastexcel.read_excel", failing)
    sheet = only(read_ledger(path))
    assert sheet.rows == expected.rows and sorted(sheet.merged) == sorted(MERGES)


PREFIXED_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
    b'<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>\xe4\xb8\x9c\xe6\xb2\xb3\xe6\x9d\x91</x:t></x:is></x:c>'
    b'<x:c r="C2"><x:v>5</x:v></x:c></x:row><x:row r="3"><x:c r="B3"><x:v>7</x:v></x:c></x:row></x:sheetData>'
    b'<x:mergeCells count="1"><x:mergeCell ref="B4:C5"/></x:mergeCells></x:worksheet>'
)


def test_sheet_xml_with_a_namespace_prefix_as_the_dotnet_sdk_writes_it(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", {"S": ([["x"]], [])})
    rewritten = tmp_path / "b.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, PREFIXED_SHEET if item.filename == "xl/worksheets/sheet1.xml" else data)
    sheet = only(read_ledger(rewritten))
    assert sheet.rows == [[None, None, None], [None, "东河村", "5"], [None, "7", None]]
    assert sheet.merged == [(3, 1, 4, 2)]


# --- the content decides the reader, and the reason told is true ---------------------------------------------

# ../shared/real-ledgers beside the checkout (or beside the folder of worktrees): read there, never copied.
REAL_LEDGERS = next(
    (up / "shared" / "real-ledgers" for up in ROOT.parents if (up / "shared" / "real-ledgers").is_dir()),
    ROOT.parent / "shared" / "real-ledgers",
)
DOCTYPE_PAGE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\r\n'
    '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head>'
    "<body><table><tr><td>村（社区）</td><td>排查日期</td></tr><tr><td>东河村</td><td>2023-12-06</td></tr>"
    "</table></body></html>"
)
SPREADSHEET_2003 = (
    '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Sheet1"><Table>'
    '<Row><Cell><Data ss:Type="String">村（社区）</Data></Cell></Row></Table></Worksheet></Workbook>'
)
PAGE_REASON = "这是网页（HTML）文件，不是 Excel 表格（扩展名为 {}）：请用 Excel 打开后“另存为” .xlsx 再导入"

MARKUP = {
    "doctype.xls": (DOCTYPE_PAGE.encode("utf-8"), PAGE_REASON.format(".xls")),
    "bom.xls": (b"\xef\xbb\xbf\r\n\r\n" + DOCTYPE_PAGE.encode("utf-8"), PAGE_REASON.format(".xls")),
    "unicode.xls": (DOCTYPE_PAGE.encode("utf-16"), PAGE_REASON.format(".xls")),  # "Unicode" exports
    "commented.xls": (b"<!-- export -->\n" + DOCTYPE_PAGE.encode("gb18030"), PAGE_REASON.format(".xls")),
    "page.csv": (DOCTYPE_PAGE.encode("utf-8"), PAGE_REASON.format(".csv")),
    "xml2003.xls": (
        SPREADSHEET_2003.encode("utf-8"),
        "这是 Excel 2003 XML 表格，不是 .xlsx 或 .xls 文件：请用 Excel 打开后“另存为” .xlsx 再导入",
    ),
}


@pytest.mark.parametrize("name", sorted(MARKUP))
def test_a_web_page_or_xml_saved_as_a_spreadsheet_is_told_as_such(tmp_path: Path, name: str) -> None:
    content, reason = MARKUP[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LedgerError) as caught:
        read_ledger(path)
    assert str(caught.value) == reason


def test_an_xlsx_named_xls_is_read_as_the_xlsx_it_is(tmp_path: Path) -> None:
    xlsx = write_xlsx(tmp_path / "东河村.xlsx", {"台账": (ROWS, MERGES)})
    misnamed = tmp_path / "东河村.xls"
    misnamed.write_bytes(xlsx.read_bytes())
    sheet = only(read_ledger(misnamed))
    assert sheet.name == "台账" and sheet.rows == only(read_ledger(xlsx)).rows
    assert sorted(sheet.merged) == sorted(MERGES)


def test_an_xls_named_xlsx_is_read_as_the_xls_it_is(tmp_path: Path) -> None:
    xls = write_xls(tmp_path / "东河村.xls", {"台账": (ROWS, MERGES)})
    misnamed = tmp_path / "东河村.xlsx"
    misnamed.write_bytes(xls.read_bytes())
    assert only(read_ledger(misnamed)).rows == only(read_ledger(xls)).rows


def test_the_real_xlsx_under_an_xls_name_is_read() -> None:
    path = REAL_LEDGERS / "隐患排查标准导入模板.xls"
    if not path.exists():
        pytest.skip("../shared/real-ledgers is not beside this checkout")
    assert path.read_bytes()[:4] == b"PK\x03\x04"
    sheet = only(read_ledger(path))
    assert sheet.name == "锅炉" and sheet.merged == [(0, 0, 0, 8)]
    assert sheet.rows[0][0].startswith("注：标准项目至少有一级") and sheet.rows[0][1:] == [None] * 8
    assert sheet.rows[1] == [
        "序号",
        "一级项目",
        "二级项目",
        "三级项目",
        "四级项目",
        "五级项目",
        "隐患描述",
        "隐患整改要求",
        "规范条文",
    ]
    assert sheet.height == 2 and sheet.issues == []


def test_a_word_document_named_xlsx_is_told_as_such(tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(LedgerError) as caught:
        read_ledger(path)
    assert str(caught.value) == "这是 Word 文档，不是 Excel 表格，请提供 .xlsx、.xls 或 .csv 文件"
