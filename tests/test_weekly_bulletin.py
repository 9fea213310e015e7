"""周报's 周通报 button (AppTest: the 应急办 makes the numbered bulletin, others cannot), the week's newly
overdue list, and the week's workbook checked cell by cell (一般/重大 split, newly overdue sheet)."""

# ruff: noqa: F811 -- the fixtures of tests.test_access_pages, imported by name
from __future__ import annotations

import datetime as dt
import io
import shutil
import struct
import subprocess
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

import metrics
from firedash import audit
from firedash.config import load_config
from firedash.glossary import AUDIT_ACTIONS, label
from firedash.store import connect
from metrics.bulletin_register import read_issues, register_path
from tests.test_access_pages import (  # noqa: F401 -- fixtures
    CLERK,
    HEAD,
    LEADER,
    PASSWORD,
    VILLAGE,
    built_downloads,
    cold_cache,
    downloads,
    open_as,
    serve_town,
)
from tests.test_bulletin import _rate, _summary
from tests.test_pages import ROOT, sample_store_path
from ui import downloads as workbooks

LAST_WEEK, LAST_DAY, LAST_SUNDAY = 22, dt.date(2024, 3, 31), dt.date(2024, 3, 24)
WEEK = {"as_of": LAST_DAY.isoformat(), "week": str(LAST_WEEK)}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_store_path(tmp_path_factory)


@pytest.fixture
def office(tmp_path, monkeypatch, sample, config) -> Path:
    """The sample store seen from a folder of its own (its bulletin register starts empty), one user of
    each role, a fresh audit trail."""
    folder = tmp_path / "store"
    folder.mkdir()
    store = folder / "campaign.duckdb"
    store.symlink_to(sample)
    serve_town(monkeypatch, tmp_path, store, config)
    return store


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _keys(app) -> set[str]:
    return {button.proto.id.rsplit("-", 1)[-1] for button in app.get("download_button")}


def test_the_office_makes_the_numbered_bulletin_of_the_chosen_week(office, sample, built_downloads):
    app = open_as(CLERK, "app_pages/weekly.py", **WEEK)
    assert "weekly_bulletin_docx" not in _keys(app)  # nothing is built before the click
    assert read_issues(register_path(office)) == []
    assert "周通报（第1期）" in [s.value for s in app.subheader]
    app.button(key="weekly_bulletin_make").click().run()
    assert not app.exception
    made = downloads(app, built_downloads)
    body = _text(made["weekly_bulletin_docx"])
    p = _summary(sample, LAST_DAY)  # python -m metrics summary --as-of 2024-03-31 --json
    assert "第1期" in body and "数据截至2024年3月31日" in body
    assert f"全镇累计排查火灾隐患{p['found']}处，已整改{p['rectified']}处，整改率{_rate(p['rate'])}" in body
    assert f"其中一般隐患{p['general_found']}处，已整改{p['general_rectified']}处" in body
    assert (
        f"重大火灾隐患{p['major_found']}处，已整改{p['major_rectified']}处，整改率{_rate(p['major_rate'])}"
        in body
    )
    assert "weekly_bulletin_pdf" in _keys(app)  # soffice is installed here
    issues = read_issues(register_path(office))
    assert [(i.issue_no, i.week, i.as_of) for i in issues] == [(1, LAST_WEEK, "2024-03-31")]
    assert Path(issues[0].file).read_bytes() == made["weekly_bulletin_docx"]  # the kept copy
    # Reruns offer the same bytes and take no number; making the same week again keeps 第1期.
    app.run()
    assert len(read_issues(register_path(office))) == 1 and "weekly_bulletin_docx" in _keys(app)
    app.button(key="weekly_bulletin_make").click().run()
    assert [i.issue_no for i in read_issues(register_path(office))] == [1, 1]
    # The week before is the next number, as the command line would number it.
    app.selectbox(key="week_no").set_value(LAST_WEEK - 1).run()
    assert "weekly_bulletin_docx" not in _keys(app)  # the download is of the week it was made for
    assert "周通报（第2期）" in [s.value for s in app.subheader]
    app.button(key="weekly_bulletin_make").click().run()
    body = _text(downloads(app, built_downloads)["weekly_bulletin_docx"])
    assert "第2期" in body and "数据截至2024年3月24日" in body
    trail = audit.read(action="bulletin")
    assert list(trail["who"]) == [CLERK] * 3
    assert list(trail["detail"])[-1] == "生成第2期周通报（第21周，数据截至2024年3月24日）"
    assert AUDIT_ACTIONS["bulletin"] == "生成周通报"


def test_the_command_line_counts_on_from_the_page(office, tmp_path):
    open_as(CLERK, "app_pages/weekly.py", **WEEK).button(key="weekly_bulletin_make").click().run()
    from metrics.__main__ import main

    out = tmp_path / "next.docx"
    assert main(["bulletin", "--db", str(office), "--week", "20", "--out", str(out)]) == 0
    assert [i.issue_no for i in read_issues(register_path(office))] == [1, 2]
    assert "第2期" in _text(out.read_bytes())
    assert list(audit.read(action="bulletin")["detail"])[-1].startswith("生成第2期周通报（第20周")


@pytest.mark.parametrize("who", [LEADER, HEAD, None], ids=["leader", "village_head", "anonymous"])
def test_only_the_office_may_make_the_bulletin(office, who):
    app = open_as(who, "app_pages/weekly.py", **WEEK)
    assert not [b for b in app.button if b.key == "weekly_bulletin_make"]
    assert "周通报由应急办生成（请以应急办账号登录）。" in [c.value for c in app.caption]
    assert not {"weekly_bulletin_docx", "weekly_bulletin_pdf"} & _keys(app)


def test_without_libreoffice_the_page_says_so(office, monkeypatch):
    monkeypatch.setattr("ui.bulletin.soffice", lambda: None)
    app = open_as(CLERK, "app_pages/weekly.py", **WEEK)
    app.button(key="weekly_bulletin_make").click().run()
    assert "weekly_bulletin_pdf" not in _keys(app) and "weekly_bulletin_docx" in _keys(app)
    assert any("未安装 LibreOffice" in c.value for c in app.caption)


def _late(store: Path, week: int, filters: metrics.Filters = metrics.NO_FILTERS) -> pd.DataFrame:
    campaign = load_config(ROOT / "data" / "town.toml").campaign
    con = connect(store, read_only=True)
    try:
        cut, before = min(campaign.week_end(week), LAST_DAY), campaign.week_end(week - 1)
        late = metrics.newly_overdue_tickets(con, as_of=cut, last_week_end=before, filters=filters)
        counted = metrics.week_comparison(con, week_no=week, campaign=campaign, filters=filters)
    finally:
        con.close()
    assert len(late) == counted["newly_overdue"].iloc[0]
    return late


def _newly_table(app) -> pd.DataFrame:
    # The page's one table with 超期天数 (the ranking and the 红黑榜 have none).
    return next(t.value for t in app.dataframe if label("days_overdue") in t.value.columns)


def test_the_week_lists_its_newly_overdue_items_reader_first(office, sample):
    late = _late(sample, LAST_WEEK)
    assert len(late) > 0 and (late["deadline"].dt.date >= LAST_SUNDAY).any()  # one due that Sunday itself
    app = open_as(CLERK, "app_pages/weekly.py", **WEEK)
    shown = _newly_table(app)
    # On screen the figure before the long ledger text (the workbook: 隐患 before 超期天数, checked below).
    assert list(shown.columns) == ["村（社区）", "单位名称", "超期天数", "隐患描述", "整改期限", "责任人"]
    assert list(shown[label("unit")]) == list(late["unit"].fillna("—"))
    assert list(shown[label("days_overdue")]) == [(LAST_DAY - d.date()).days for d in late["deadline"]]
    assert f"本周新增超期未整改隐患（{len(late)}处）" in [s.value for s in app.subheader]


def test_the_newly_overdue_list_keeps_to_a_village_heads_own_village(office, sample):
    own = _late(sample, LAST_WEEK, metrics.Filters(villages=(VILLAGE,)))
    shown = _newly_table(open_as(HEAD, "app_pages/weekly.py", **WEEK)) if len(own) else None
    if shown is not None:
        assert set(shown[label("village")]) == {VILLAGE} and len(shown) == len(own)
    anonymous = _newly_table(open_as(None, "app_pages/weekly.py", **WEEK))
    assert label("responsible") not in anonymous.columns  # names only for a logged-in user


def test_the_weeks_workbook_splits_general_and_major_and_lists_the_newly_overdue(
    office, sample, built_downloads
):
    p, before = _summary(sample, LAST_DAY), _summary(sample, LAST_SUNDAY)
    app = open_as(CLERK, "app_pages/weekly.py", **WEEK)
    book = openpyxl.load_workbook(io.BytesIO(downloads(app, built_downloads)["weekly_download"]))
    assert book.sheetnames == ["总体情况", "一般与重大", "各村排名", "红榜", "黑榜", "本周新增超期"]
    split = book["一般与重大"]
    assert [c.value for c in split[4]][:5] == [
        "隐患分级",
        "排查隐患（处）",
        "已整改（处）",
        "整改率",
        "整改率变化（百分点）",
    ]
    rows = {row[0].value: row for row in split.iter_rows(min_row=5, max_row=7)}
    assert list(rows) == ["合计", "一般隐患", "重大火灾隐患"]
    for name, key in (("合计", ""), ("一般隐患", "general_"), ("重大火灾隐患", "major_")):
        found, rectified, rate, change = rows[name][1:5]
        assert (found.value, rectified.value) == (p[f"{key}found"], p[f"{key}rectified"])
        assert isinstance(found.value, int) and isinstance(rectified.value, int)
        assert rate.value == pytest.approx(p[f"{key}rate"]) and rate.number_format == "0.0%"
        assert change.value == pytest.approx((p[f"{key}rate"] - before[f"{key}rate"]) * 100)
        assert change.number_format == "+0.0;-0.0;0.0"
    assert rows["一般隐患"][1].value + rows["重大火灾隐患"][1].value == rows["合计"][1].value
    late_sheet, late = book["本周新增超期"], _late(sample, LAST_WEEK)
    header = [c.value for c in late_sheet[4]]
    assert header[:6] == ["村（社区）", "单位名称", "隐患描述", "超期天数", "整改期限", "责任人"]
    assert "联系电话" in header and "整改措施" in header
    first = late_sheet[5]
    assert first[3].value == (LAST_DAY - late["deadline"].iloc[0].date()).days and first[3].data_type == "n"
    assert first[4].value == late["deadline"].iloc[0].to_pydatetime()
    assert first[4].number_format == 'yyyy"年"m"月"d"日"'
    assert late_sheet.max_row == 4 + len(late)
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$4:$4"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (
            sheet.oddHeader.left.text.endswith("（第22周）")
            and sheet.oddHeader.right.text == "数据截至：2024年3月31日"
        )


def test_the_weeks_workbook_neutralises_formula_text_and_keeps_personal_columns_to_logged_in_users():
    late = pd.DataFrame(
        {
            "village": ["东河村", "西岭村"], "unit": ["=HYPERLINK(\"http://x\",\"点我\")", "@SUM(A1)"],
            "description": ["+cmd|' /C calc'!A0", "-2+3"], "days_overdue": [7, 1],
            "deadline": pd.to_datetime(["2024-03-24", "2024-03-30"]), "responsible": ["张三", "李四"],
            "phone": ["13800000000", "13900000000"],
        }
    )  # fmt: skip
    empty = pd.DataFrame()
    for personal in (True, False):
        data = workbooks.weekly_workbook(
            "大同镇", LAST_DAY, "第22周", comparison=empty, severity=empty, ranking=empty, red=empty,
            black=empty, newly_overdue=late, personal=personal,
        )  # fmt: skip
        sheet = openpyxl.load_workbook(io.BytesIO(data))["本周新增超期"]
        header = [c.value for c in sheet[4]]
        assert ("责任人" in header, "联系电话" in header) == (personal, personal)
        for cell in (sheet["B5"], sheet["B6"], sheet["C5"], sheet["C6"]):
            assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
        assert sheet["C5"].value == "+cmd|' /C calc'!A0"


@pytest.mark.skipif(
    not all(shutil.which(c) for c in ("soffice", "pdftoppm", "pdftotext")),
    reason="LibreOffice or poppler-utils not installed",
)
def test_the_pdf_button_gives_a_real_pdf_of_the_same_bulletin(office, sample, built_downloads, tmp_path):
    app = open_as(CLERK, "app_pages/weekly.py", **WEEK)
    app.button(key="weekly_bulletin_make").click().run()
    pdf = downloads(app, built_downloads)["weekly_bulletin_pdf"]  # converted as the click would
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]
    path = tmp_path / "周通报.pdf"
    path.write_bytes(pdf)
    words = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(words.split())
    p = _summary(sample, LAST_DAY)
    assert "第1期" in flat and f"累计排查火灾隐患{p['found']}处，已整改{p['rectified']}处" in flat
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(path), str(tmp_path / "page1")],
        check=True,
    )  # fmt: skip
    png = (tmp_path / "page1.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == pytest.approx((496, 702), abs=3)  # A4 portrait at 60 dpi
