"""Excel exports: Chinese headers, the as-of date in the file, formula-looking text neutralised."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from ui.downloads import rejected_frame
from ui.export import xlsx_bytes
from ui.format import display_frame

AS_OF = dt.date(2024, 1, 31)


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture
def overdue_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "village": ["东河村", "西岭村"],
            "unit": ['=HYPERLINK("http://x","点我")', "@SUM(A1)"],
            "description": ["+86 电线老化", "-消防通道堵塞"],
            "severity": ["major", "general"],
            "county_supervised": [True, False],
            "deadline": pd.to_datetime(["2024-01-10", "2024-01-25"]),
            "days_overdue": [21, 6],
            "rate": [0.9066, None],
        }
    )


def test_workbook_has_title_as_of_and_chinese_headers(overdue_frame, tmp_path):
    shown = display_frame(overdue_frame, overdue_frame.columns)
    path = tmp_path / "overdue.xlsx"
    path.write_bytes(xlsx_bytes({"超期未整改": shown}, title="大同镇超期隐患清单", as_of=AS_OF))
    sheet = _open(path.read_bytes())["超期未整改"]
    assert sheet["A1"].value == "大同镇超期隐患清单"
    assert sheet["A2"].value == "数据截至：2024年1月31日"
    headers = [c.value for c in sheet[4]]
    assert headers == [
        "村（社区）",
        "单位名称",
        "隐患描述",
        "隐患等级",
        "挂牌督办",
        "整改期限",
        "超期天数",
        "整改率",
    ]
    row = [c.value for c in sheet[5]]
    assert row[3] == "重大火灾隐患" and row[4] == "是" and row[5] == "2024-01-10"
    assert row[6] == 21 and row[7] == "90.7%"
    assert [c.value for c in sheet[6]][7] == "—"


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("B5", '=HYPERLINK("http://x","点我")'),
        ("B6", "@SUM(A1)"),
        ("C5", "+86 电线老化"),
        ("C6", "-消防通道堵塞"),
    ],
)
def test_formula_looking_cells_are_text_with_a_quote_prefix(overdue_frame, cell, text):
    data = xlsx_bytes({"清单": overdue_frame[["village", "unit", "description"]]}, title="t", as_of=AS_OF)
    target = _open(data)["清单"][cell]
    assert target.value == text
    assert target.data_type == "s"  # a string, never a formula ("f")
    assert target.quotePrefix is True


def test_plain_text_keeps_no_quote_prefix(overdue_frame):
    data = xlsx_bytes({"清单": overdue_frame[["village"]]}, title="t", as_of=AS_OF)
    target = _open(data)["清单"]["A5"]
    assert target.value == "东河村" and not target.quotePrefix


def test_sheet_names_are_made_valid_and_empty_frames_still_carry_headers():
    frame = pd.DataFrame({"村（社区）": pd.Series([], dtype="str")})
    book = _open(xlsx_bytes({"红/黑榜[第3周]": frame}, title="周报", as_of=AS_OF))
    assert book.sheetnames == ["红_黑榜_第3周_"]
    assert book.active["A4"].value == "村（社区）" and book.active["A5"].value is None


def test_rejected_rows_spell_out_their_raw_cells():
    rejected = pd.DataFrame(
        {
            "file_name": ["东河村.xlsx"],
            "sheet": ["Sheet1"],
            "row_number": [7],
            "village": [None],
            "reason": ["缺少排查日期"],
            "raw_values": ['{"村（社区）": "东河村", "隐患描述": "=1+1", "备注": ""}'],
        }
    )
    shown = rejected_frame(rejected)
    assert list(shown.columns) == ["文件", "工作表", "行号", "村（社区）", "原因", "原始内容"]
    assert shown.iloc[0]["原始内容"] == "村（社区）：东河村；隐患描述：=1+1"
    sheet = _open(xlsx_bytes({"搁置的行": shown}, title="t", as_of=AS_OF))["搁置的行"]
    assert sheet["F5"].value == "村（社区）：东河村；隐患描述：=1+1" and sheet["F5"].data_type == "s"


def _insert_ticket(
    con, ticket_id: str, unit: str, found: str, deadline: str | None, rectified: str | None
) -> None:
    con.execute(
        """INSERT INTO tickets (ticket_id, hazard_no, village, unit, sector, category, description, severity,
               county_supervised, found_date, deadline, status, rectified_date, match_key,
               first_import_id, last_import_id)
           VALUES (?, ?, '东河村', ?, '商场', '电气线路', '电线老化', 'general', false, ?, ?, 'open', ?, ?, 1, 1)""",
        [ticket_id, ticket_id.upper(), unit, found, deadline, rectified, ticket_id],
    )


def test_overdue_workbook_from_a_real_store(db_file, monkeypatch):
    """The deferred download reads the store itself: only overdue tickets, longest first, neutralised."""
    from firedash.store import connect
    from metrics import NO_FILTERS
    from ui import data
    from ui.downloads import overdue_workbook

    con = connect(db_file)
    _insert_ticket(con, "a", "=cmd|' /C calc'!A0", "2024-01-02", "2024-01-10", None)  # 21 days overdue
    _insert_ticket(con, "b", "东河小卖部", "2024-01-05", "2024-01-25", None)  # 6 days overdue
    _insert_ticket(con, "c", "已整改的店", "2024-01-05", "2024-01-08", "2024-01-07")  # rectified: not listed
    _insert_ticket(con, "d", "刚到期的店", "2024-01-20", "2024-02-03", None)  # due in 3 days
    con.close()
    monkeypatch.setenv("FIREDASH_DB", str(db_file))
    data.clear()
    build = overdue_workbook("大同镇", AS_OF, NO_FILTERS)
    book = _open(build())
    overdue, due = book["超期未整改"], book["7日内到期"]
    assert overdue["A1"].value == "大同镇超期未整改火灾隐患清单"
    assert overdue["A2"].value == "数据截至：2024年1月31日"
    headers = [c.value for c in overdue[4]]
    rows = [[c.value for c in row] for row in overdue.iter_rows(min_row=5)]
    assert [r[headers.index("隐患编号")] for r in rows] == ["A", "B"]
    assert [r[headers.index("超期天数")] for r in rows] == [21, 6]
    unit = overdue.cell(row=5, column=headers.index("单位名称") + 1)
    assert unit.value == "=cmd|' /C calc'!A0" and unit.data_type == "s" and unit.quotePrefix
    due_rows = [[c.value for c in row] for row in due.iter_rows(min_row=5)]
    due_headers = [c.value for c in due[4]]
    assert len(due_rows) == 1 and due_rows[0][due_headers.index("隐患编号")] == "D"


# Typed exports: numbers, dates, percentages, print setup, truncation, CSV and ZIP.

from ui.export import EXCEL_CELL_MAX, csv_bytes, export_frame, zip_bytes  # noqa: E402


@pytest.fixture
def ranking_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rank": pd.array([1, None], dtype="Int64"),
            "village": ["东河村", "=cmd|' /C calc'!A0"],
            "found": [98, 0],
            "rate": [0.8541, None],
            "rate_change_pp": [1.6, -0.4],
            "rank_move": pd.array([2, None], dtype="Int64"),
            "week_end": pd.to_datetime(["2024-01-14", "2024-01-21"]),
            "description": ["x" * (EXCEL_CELL_MAX + 10), "+86 电线"],
        }
    )


def _typed_sheet(frame: pd.DataFrame):
    data = xlsx_bytes({"各村排名": export_frame(frame, frame.columns)}, title="大同镇周报数据", as_of=AS_OF)
    return _open(data)["各村排名"]


def test_export_cells_keep_their_types_and_formats(ranking_frame):
    sheet = _typed_sheet(ranking_frame)
    rank, village, found, rate, change, move, week_end, _ = sheet[5]
    assert rank.value == 1 and isinstance(rank.value, int)
    assert found.value == 98 and isinstance(found.value, int)
    assert rate.value == pytest.approx(0.8541) and rate.number_format == "0.0%"
    assert change.value == pytest.approx(1.6) and change.number_format == "+0.0;-0.0;0.0"
    assert move.value == 2 and move.number_format == '"↑"0;"↓"0;"持平"'
    assert week_end.value == dt.datetime(2024, 1, 14) and week_end.number_format == 'yyyy"年"m"月"d"日"'
    assert village.value == "东河村"
    second = sheet[6]
    assert second[0].value is None  # unranked: blank, not "None"
    assert second[3].value == "—"  # nothing found: the rate is undefined, never 0%
    assert second[4].value == pytest.approx(-0.4)


def test_export_formula_text_stays_text_and_long_text_is_cut_with_a_mark(ranking_frame):
    sheet = _typed_sheet(ranking_frame)
    village = sheet["B6"]
    assert village.data_type == "s" and village.value == "=cmd|' /C calc'!A0" and village.quotePrefix
    assert sheet["H6"].quotePrefix and sheet["H6"].value == "+86 电线"
    cut = sheet["H5"].value
    assert len(cut) == EXCEL_CELL_MAX and cut.endswith("…（已截断）") and cut.startswith("xxx")


def test_export_print_setup(ranking_frame):
    sheet = _typed_sheet(ranking_frame)
    assert sheet.page_setup.orientation == "landscape"
    # fitToWidth left out means Excel's default, 1 page wide; fitToHeight 0: as many pages as it takes.
    assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.oddHeader.left.text == "大同镇周报数据"
    assert sheet.oddHeader.right.text == "数据截至：2024年1月31日"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text


def test_csv_starts_with_the_bom_and_neutralises_formula_cells():
    frame = pd.DataFrame(
        {"单位名称": ['=HYPERLINK("http://x","点我")', "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "东河村"],
         "变化": ["-0.4", "+1.6", "0", "-1", "1"]}
    )  # fmt: skip
    raw = csv_bytes(frame)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(__import__("csv").reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["单位名称", "变化"]
    assert [r[0] for r in rows[1:]] == [
        "'=HYPERLINK(\"http://x\",\"点我\")", "'@SUM(A1)", "'+cmd|' /C calc'!A0", "'-2+3", "东河村",
    ]  # fmt: skip
    assert [r[1] for r in rows[1:]] == ["-0.4", "+1.6", "0", "-1", "1"]  # plain numbers stay numbers


def test_csv_cuts_text_over_excels_cell_limit_with_a_mark():
    long_text = "电线老化" * 9000  # 36,000 characters: Excel would cut it at 32,767 without a word
    frame = pd.DataFrame({"隐患描述": [long_text, "x" * EXCEL_CELL_MAX, "=" + "a" * EXCEL_CELL_MAX]})
    rows = list(__import__("csv").reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"))))
    cut, full, formula = (r[0] for r in rows[1:])
    assert len(cut) == EXCEL_CELL_MAX and cut.endswith("…（已截断）")
    assert cut.startswith("电线老化电线老化")
    assert full == "x" * EXCEL_CELL_MAX  # exactly at the limit: kept whole
    assert formula.startswith("'=") and len(formula) == EXCEL_CELL_MAX  # neutralised, then cut


def test_zip_holds_each_file_under_its_chinese_name():
    import zipfile

    data = zip_bytes({"东河村超期隐患清单_20240131.xlsx": b"a", "西岭村超期隐患清单_20240131.xlsx": b"bb"})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["东河村超期隐患清单_20240131.xlsx", "西岭村超期隐患清单_20240131.xlsx"]
        assert archive.read("西岭村超期隐患清单_20240131.xlsx") == b"bb"
