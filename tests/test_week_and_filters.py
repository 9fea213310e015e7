"""One 较上周 across pages, rankings that keep the town under a filter, the sentence that says what it
counts, the 周报's week in the URL, and the village drill-down's own overdue list and exports (AppTest)."""

# ruff: noqa: F811 -- the fixtures of tests.test_pages, imported by name
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import docx
import openpyxl
import pytest

import metrics
from firedash.store import connect
from metrics import Filters
from metrics.bulletin_docx import bulletin_bytes
from tests.test_access_pages import built_downloads  # noqa: F401 -- fixture
from tests.test_access_pages import downloads as page_downloads
from tests.test_pages import (  # noqa: F401 -- fixtures
    CLERK,
    ROOT,
    cold_cache,
    on_store,
    open_app,
    sample_store,
    summary_at,
    texts,
)
from ui import downloads

DAY = dt.date(2024, 1, 20)  # a Saturday: 第12周 still runs, last week ended on Sunday 2024-01-14


def _delta(app, name: str) -> str:
    return next(m.delta for m in app.metric if m.label == metrics_label(name))


def metrics_label(name: str) -> str:
    from firedash.glossary import label

    return label(name)


def _figure(app, key: str) -> dict:
    for element in app.get("plotly_chart"):
        if element.proto.id.endswith(key) or key in element.proto.id:
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart {key}")


def test_previous_week_end_is_the_sunday_before_the_running_week(config):
    campaign = config.campaign
    assert metrics.previous_week_end(campaign, DAY) == dt.date(2024, 1, 14)
    assert metrics.previous_week_end(campaign, dt.date(2024, 1, 21)) == dt.date(2024, 1, 14)  # a Sunday
    assert metrics.previous_week_end(campaign, dt.date(2024, 1, 22)) == dt.date(2024, 1, 21)  # a Monday


def test_overview_and_weekly_show_the_same_change_on_last_week(sample_store, on_store, config):
    db = on_store(sample_store)
    con = connect(sample_store, read_only=True)
    try:
        now, before = metrics.summary_with_last_week(con, as_of=DAY, campaign=config.campaign)
    finally:
        con.close()
    # The one rule: against Sunday 2024-01-14, not against as-of minus 7 days (2024-01-13).
    assert before == summary_at(sample_store, dt.date(2024, 1, 14))
    assert before["found"] != summary_at(sample_store, DAY - dt.timedelta(days=7))["found"]
    change = f"较上周 +{now['found'] - before['found']}处"
    overview = open_app(db, as_of=DAY.isoformat())
    weekly = open_app(db, "app_pages/weekly.py", as_of=DAY.isoformat())
    assert _delta(overview, "found") == change == _delta(weekly, "found")
    assert "较上周（截至1月14日）" in texts(overview) and "较上周（截至1月14日）" in texts(weekly)


def _bar_names(figure: dict) -> list[str]:
    return figure["data"][0]["y"]


def _line_label(figure: dict) -> str:
    return figure["layout"]["annotations"][0]["text"]


@pytest.mark.parametrize(
    ("page", "key"), [(None, "overview_village_bars"), ("app_pages/weekly.py", "weekly_bars")]
)
def test_a_village_filter_keeps_the_towns_ranking_with_the_village_outlined(
    sample_store, on_store, config, page, key
):
    app = open_app(on_store(sample_store), page, as_of=DAY.isoformat(), village="黄土坡村")
    assert not app.exception
    figure = _figure(app, key)
    names = _bar_names(figure)
    assert len(names) == len(config.villages)
    assert "15. 黄土坡村" in names and "1. 黄土坡村" not in names
    outlined = [
        n
        for n, w in zip(names, figure["data"][0]["marker"]["line"]["color"], strict=True)
        if w != "rgba(0,0,0,0)"
    ]
    assert outlined == ["15. 黄土坡村"]
    assert _line_label(figure).startswith("全镇整改率")


def test_a_village_and_office_filter_says_what_it_counts(sample_store, on_store):
    app = open_app(on_store(sample_store), as_of=DAY.isoformat(), village="东河村", office="应急办")
    part = summary_at(sample_store, DAY, Filters(villages=("东河村",), offices=("应急办",)))
    whole = summary_at(sample_store, DAY, Filters(villages=("东河村",)))
    assert 0 < part["found"] < whole["found"]
    sentence = app.subheader[0].value
    assert f"东河村（责任单位：应急办）的火灾隐患共{part['found']}处" in sentence
    assert "共排查" not in sentence
    figure = _figure(app, "overview_village_bars")
    assert _line_label(figure).startswith("筛选范围整改率")  # the office filter still holds in the ranking


def test_the_weekly_week_is_in_the_url_and_the_header_follows_it(sample_store, on_store, config):
    app = open_app(on_store(sample_store), "app_pages/weekly.py", as_of=DAY.isoformat(), week="9")
    assert app.selectbox(key="week_no").value == 9
    assert app.query_params["week"] == "9"
    shown = texts(app)
    assert "第9周（2023年12月25日—2023年12月31日），数据截至2023年12月31日" in shown
    assert "数据截至2023年12月31日" in app.markdown[0].value and "2024年1月20日" not in app.markdown[0].value
    app.selectbox(key="week_no").set_value(11).run()
    assert app.query_params["week"] == "11"
    assert "数据截至2024年1月14日" in app.markdown[0].value
    # The running week stands at the as-of date.
    app.selectbox(key="week_no").set_value(12).run()
    assert "数据截至2024年1月20日" in app.markdown[0].value


def test_drill_down_shows_responsible_and_phone_and_no_none(sample_store, on_store):
    app = open_app(
        on_store(sample_store), "app_pages/villages.py", user=CLERK, as_of=DAY.isoformat(), village="马鞍村"
    )
    assert not app.exception
    overdue = app.dataframe[0].value
    assert {"责任人", "联系电话", "整改措施"} <= set(overdue.columns)
    # 马鞍村's ledger gives no 隐患编号: the cell reads "—", never "None".
    assert (overdue["隐患编号"] == "—").all() and not overdue.isin(["None"]).any().any()
    assert overdue["联系电话"].ne("—").all()
    public = open_app(
        on_store(sample_store), "app_pages/villages.py", as_of=DAY.isoformat(), village="马鞍村"
    )
    assert "联系电话" not in public.dataframe[0].value.columns


def test_one_villages_overdue_workbook_and_the_zip_of_every_village(sample_store, on_store, config):
    on_store(sample_store)
    data = downloads._overdue_bytes(config.town, DAY, Filters(), "马鞍村")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["超期未整改"]
    assert sheet["A1"].value == f"{config.town}马鞍村超期未整改火灾隐患清单"
    headers = [c.value for c in sheet[4]]
    assert {"责任人", "联系电话", "整改措施"} <= set(headers)
    villages = {sheet.cell(row, headers.index("村（社区）") + 1).value for row in range(5, sheet.max_row + 1)}
    assert villages == {"马鞍村"}
    found = sheet.cell(5, headers.index("排查日期") + 1)
    assert isinstance(found.value, dt.datetime) and found.number_format == 'yyyy"年"m"月"d"日"'
    assert isinstance(sheet.cell(5, headers.index("超期天数") + 1).value, int)
    assert downloads.overdue_file_name(DAY, "马鞍村") == "马鞍村超期隐患清单_20240120.xlsx"
    archive = zipfile.ZipFile(
        io.BytesIO(downloads._villages_zip_bytes(config.town, DAY, Filters(), config.villages))
    )
    assert archive.namelist() == [f"{v}超期隐患清单_20240120.xlsx" for v in config.villages]
    assert archive.read("马鞍村超期隐患清单_20240120.xlsx")[:2] == b"PK"


def test_the_dashboard_workbook_has_a_sheet_a_view_with_typed_cells(sample_store, on_store, config):
    on_store(sample_store)
    data = downloads._dashboard_bytes(config, DAY, Filters(), Filters(), False)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "总览",
        "村（社区）",
        "行业领域",
        "超期隐患",
        "时间轴",
        "周趋势",
        "周报",
        "各村排名",
    ]
    overview = book["总览"]
    now = summary_at(sample_store, DAY)
    assert overview["B5"].value == now["found"] and overview["D5"].number_format == "0.0%"
    assert overview["D5"].value == pytest.approx(now["rate"])
    assert overview["A6"].value == dt.datetime(2024, 1, 14)
    assert "联系电话" not in [c.value for c in book["超期隐患"][4]]  # not logged in: no phone numbers


# Reader first: every ticket list and overdue export opens with 村, 单位, 隐患, 超期天数, 整改期限; 隐患编号 last.

WHERE_WHAT = ["村（社区）", "单位名称", "隐患描述"]
WHERE = ["村（社区）", "单位名称"]
ACT = ["责任人", "联系电话", "整改措施"]


def _tables(app) -> dict[str, list[str]]:
    """Each ticket table's columns by its key (a ticket table is a widget: its id ends with its key)."""
    return {t.proto.id.rsplit("-", 1)[-1]: list(t.value.columns) for t in app.dataframe if t.proto.id}


@pytest.mark.parametrize(
    ("page", "params", "key", "first"),
    [
        # On screen the figure comes before the long ledger text, so it stays on a 1024 px screen.
        (None, {}, "overview_overdue", [*WHERE, "超期天数", "隐患描述"]),
        ("app_pages/overdue.py", {}, "overdue_table", [*WHERE, "超期天数", "隐患描述", "整改期限"]),
        ("app_pages/overdue.py", {}, "due_soon_table", [*WHERE, "剩余天数", "隐患描述", "整改期限"]),
        ("app_pages/weekly.py", {}, "weekly_newly_overdue", [*WHERE, "超期天数", "隐患描述", "整改期限", "责任人"]),
        # One village's drill-down: its name is the heading, so its lists start with the unit.
        ("app_pages/villages.py", {"village": "马鞍村"}, "village_overdue",
         ["单位名称", "超期天数", "隐患描述", "整改期限", *ACT]),
        ("app_pages/villages.py", {"village": "马鞍村"}, "village_open", ["单位名称", "整改期限", "隐患描述"]),
    ],
)  # fmt: skip
def test_every_ticket_list_starts_with_what_a_reader_needs(sample_store, on_store, page, params, key, first):
    app = open_app(on_store(sample_store), page, user=CLERK, as_of=DAY.isoformat(), **params)
    assert not app.exception
    columns = _tables(app)[key]
    assert columns[: len(first)] == first
    assert "隐患编号" not in columns or columns[-1] == "隐患编号"


def test_the_overdue_exports_start_with_what_a_reader_needs(sample_store, on_store, config):
    on_store(sample_store)
    overdue = [*WHERE_WHAT, "超期天数", "整改期限", *ACT]
    books = {
        "village": openpyxl.load_workbook(io.BytesIO(downloads._overdue_bytes(config.town, DAY, Filters(), "马鞍村"))),
        "dashboard": openpyxl.load_workbook(
            io.BytesIO(downloads._dashboard_bytes(config, DAY, Filters(), Filters(), True))
        ),
    }  # fmt: skip
    for sheet, first in (
        (books["village"]["超期未整改"], overdue),
        (books["village"]["7日内到期"], [*WHERE_WHAT, "剩余天数", "整改期限", "责任人"]),
        (books["dashboard"]["超期隐患"], overdue),
    ):
        headers = [c.value for c in sheet[4]]
        assert headers[: len(first)] == first, sheet.title
        assert headers[-1] == "隐患编号"
        if sheet.title != "7日内到期":  # 马鞍村 and the town have overdue items at DAY
            assert sheet.max_row > 4 and isinstance(sheet.cell(5, 4).value, int)  # 超期天数: a number


# One 较上周 everywhere: against Sunday 2024-01-14. At DAY the old "as-of minus 7 days" said +60处, the
# previous-week rule +54处; every place a change is given must say +54处 and the same points.


def bulletin_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_one_change_on_last_week_in_tiles_sentence_bulletin_and_workbooks(
    sample_store, on_store, config, built_downloads
):
    db = on_store(sample_store)
    now, sunday = summary_at(sample_store, DAY), summary_at(sample_store, dt.date(2024, 1, 14))
    found = now["found"] - sunday["found"]
    assert (found, now["found"] - summary_at(sample_store, dt.date(2024, 1, 13))["found"]) == (54, 60)
    points = (now["rate"] - sunday["rate"]) * 100
    assert f"{points:.1f}" == "2.9"
    overview = open_app(db, user=CLERK, as_of=DAY.isoformat())
    weekly = open_app(db, "app_pages/weekly.py", user=CLERK, as_of=DAY.isoformat())
    slide = open_app(db, present="1", as_of=DAY.isoformat())
    for app in (overview, weekly, slide):
        assert _delta(app, "found") == "较上周 +54处"
        assert _delta(app, "rate") == "较上周 +2.9个百分点"
    assert "（较上周新增54处）" in overview.subheader[0].value
    assert "较上周提高2\\.9个百分点" in overview.subheader[0].value  # Markdown-escaped on screen
    con = connect(sample_store, read_only=True)
    try:
        bulletin = bulletin_text(bulletin_bytes(con, config, as_of=DAY, issue_no=1))
    finally:
        con.close()
    assert "本周新排查隐患54处" in bulletin and "较上周（截至1月14日）提高2.9个百分点" in bulletin
    book = openpyxl.load_workbook(
        io.BytesIO(downloads._dashboard_bytes(config, DAY, Filters(), Filters(), True))
    )
    sheet = book["总览"]
    assert (sheet["A6"].value, sheet["B5"].value - sheet["B6"].value) == (dt.datetime(2024, 1, 14), 54)
    assert (sheet["D5"].value - sheet["D6"].value) * 100 == pytest.approx(points)
    files = page_downloads(weekly, built_downloads)
    summary = openpyxl.load_workbook(io.BytesIO(files["weekly_download"]))["总体情况"]
    header = [c.value for c in summary[4]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in summary.iter_rows(min_row=5)]
    week = next(r for r in rows if r["周次"] == "本周")
    assert week["本周新排查（处）"] == 54 and week["整改率变化（百分点）"] == pytest.approx(points)
