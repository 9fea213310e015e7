"""Labels that never mislead under a filter (AppTest): a rate line says 全镇 only over the whole town, a
village head's comparison line is the town's, the presentation's heads name the filtered scope, and the
exports of a filtered view carry its name, not the bare town's."""

# ruff: noqa: F811 -- the fixtures of tests.test_access_pages, imported by name
from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

import metrics
from firedash.store import connect
from metrics import Filters
from tests.test_access_pages import (  # noqa: F401 -- fixtures
    HEAD,
    VILLAGE,
    cold_cache,
    open_as,
    sample_store,
    town,
)
from tests.test_pages import summary_at
from ui import downloads as workbooks
from ui.format import fmt_rate

DAY = dt.date(2024, 1, 20)
PLACE = "黄土坡村"  # 15th of 16 at DAY, its rate (45.2%) far from the town's (73.6%)


def _figure(app, key: str) -> dict:
    for element in app.get("plotly_chart"):
        if element.proto.id.endswith(key):
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart {key}")


def _line(figure: dict) -> str:
    return figure["layout"]["annotations"][0]["text"]


def _key(figure: dict) -> str:
    return figure["layout"]["title"]["subtitle"]["text"]


def _values(series: object) -> list[float]:
    """A plotly array as JSON gives it: a list, or typed binary ({"dtype": "f8", "bdata": …})."""
    if isinstance(series, dict):
        return np.frombuffer(base64.b64decode(series["bdata"]), dtype=series["dtype"]).tolist()
    return [float("nan") if v is None else v for v in series]


def _trend(store, filters: Filters, config) -> list[float | None]:
    con = connect(store, read_only=True)
    try:
        frame = metrics.weekly_trend(con, as_of=DAY, filters=filters, campaign=config.campaign)
    finally:
        con.close()
    return [float("nan") if r != r else float(r) for r in frame["rate"]]


def test_the_sector_ranking_under_a_village_filter_is_not_called_the_towns(town, sample_store):
    place = summary_at(sample_store, DAY, Filters(villages=(PLACE,)))
    app = open_as(None, "app_pages/sectors.py", as_of=DAY.isoformat(), village=PLACE)
    figure = _figure(app, "sector_bars")
    assert _line(figure) == f"筛选范围整改率 {fmt_rate(place['rate'])}"
    assert "全镇" not in _key(figure) and "筛选范围整改率" in _key(figure)
    whole = open_as(None, "app_pages/sectors.py", as_of=DAY.isoformat())
    assert (
        _line(_figure(whole, "sector_bars"))
        == f"全镇整改率 {fmt_rate(summary_at(sample_store, DAY)['rate'])}"
    )


def test_a_village_heads_trend_compares_with_the_whole_town(town, sample_store, config):
    app = open_as(HEAD, "app_pages/villages.py", as_of=DAY.isoformat())
    figure = _figure(app, "village_trend")
    (line, own) = figure["data"]
    assert (line["name"], own["name"]) == ("全镇", VILLAGE)
    assert _values(line["y"]) == pytest.approx(_trend(sample_store, Filters(), config), nan_ok=True)
    assert _values(line["y"]) != pytest.approx(
        _values(own["y"]), nan_ok=True
    )  # the town's line, not the village's own again
    assert figure["layout"]["title"]["text"] == "整改率周趋势（与全镇对比）"


def test_a_trend_under_a_sector_filter_compares_with_the_filtered_scope(town, sample_store, config):
    app = open_as(None, "app_pages/villages.py", as_of=DAY.isoformat(), village=PLACE, sector="居民住宅")
    figure = _figure(app, "village_trend")
    line = figure["data"][0]
    assert line["name"] == "筛选范围"
    expected = _trend(sample_store, Filters(sectors=("居民住宅",)), config)
    assert _values(line["y"]) == pytest.approx(expected, nan_ok=True)
    assert figure["layout"]["title"]["text"] == "整改率周趋势（与筛选范围对比）"


def _slide_heads(app) -> list[str]:
    return [e.proto.body for e in app.get("html") if "fd-slide-head" in e.proto.body]


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_the_presentation_under_a_village_filter_names_the_village_not_the_town(town, sample_store, config):
    app = open_as(None, present="1", as_of=DAY.isoformat(), village=PLACE)
    heads = []
    for slide in range(6):
        heads.append(_plain(_slide_heads(app)[0]))
        if slide == 1:
            # On a wide screen (AppTest's default) the ranking is two halves side by side.
            ranking = _figure(app, "present_ranking_0")
            names = ranking["data"][0]["y"] + _figure(app, "present_ranking_1")["data"][0]["y"]
            assert len(names) == len(config.villages) and "15. 黄土坡村" in names
            assert _line(ranking) == f"全镇整改率 {fmt_rate(summary_at(sample_store, DAY)['rate'])}"
        if slide == 2:
            shown = "\n".join(e.proto.body for e in app.get("html"))
            n = len(re.findall(r"已超期\d+天", shown.split("超期最久的")[1]))
            assert f"超期最久的{n}处隐患" in shown and n == 5
        if slide == 3:
            assert _line(_figure(app, "present_sectors_0")).startswith("筛选范围整改率 45.2%")
        app.button(key="present_next").click().run()
    assert heads[0].split()[0] == "黄土坡村总体情况"
    for head in heads:
        assert "筛选：黄土坡村" in head
        assert config.town not in head and "全镇" not in head
    assert "较上周（截至1月14日）" in heads[0] and "较上周（截至1月14日）" in heads[5]
    whole = open_as(None, present="1", as_of=DAY.isoformat())
    head = _plain(_slide_heads(whole)[0])
    assert head.split()[0] == "全镇总体情况" and config.town in head and "筛选" not in head


@pytest.fixture
def file_names(monkeypatch) -> list[str]:
    """The file name of every download registered, deferred or not (what the browser saves it as)."""
    names: list[str] = []
    deferred, static = MediaFileManager.add_deferred, MediaFileManager.add

    def spy(original):
        def registered(self, *args, **kwargs):
            names.append(kwargs.get("file_name", args[3] if len(args) > 3 else None))
            return original(self, *args, **kwargs)

        return registered

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy(deferred))
    monkeypatch.setattr(MediaFileManager, "add", spy(static))
    return names


def test_a_filtered_views_workbooks_carry_its_name(town, sample_store, config, file_names):
    place = Filters(villages=(PLACE,))
    book = openpyxl.load_workbook(
        io.BytesIO(workbooks._dashboard_bytes(config, DAY, place, Filters(), False))
    )
    assert book["总览"]["A1"].value == "大同镇黄土坡村火灾防控工作看板数据"
    assert book["总览"]["B5"].value == summary_at(sample_store, DAY, place)["found"]
    sector = Filters(sectors=("宾馆",))
    book = openpyxl.load_workbook(io.BytesIO(workbooks._overdue_bytes(config.town, DAY, sector, None)))
    assert book["超期未整改"]["A1"].value == "大同镇（场所类型：宾馆）超期未整改火灾隐患清单"
    open_as(None, "app_pages/weekly.py", as_of=DAY.isoformat(), village=PLACE)
    open_as(None, as_of=DAY.isoformat(), village=PLACE)
    open_as(None, as_of=DAY.isoformat())
    assert {
        "黄土坡村周报数据_第12周.xlsx",
        "黄土坡村看板数据_20240120.xlsx",
        "看板数据_20240120.xlsx",
    } <= set(file_names)
    assert "周报数据_第12周.xlsx" not in file_names  # a filtered week never leaves under the town's name
    scope = workbooks.scope_title(config.town, place)
    weekly = workbooks.weekly_workbook(
        scope, DAY, "第12周", comparison=pd.DataFrame(), severity=pd.DataFrame(), ranking=pd.DataFrame(),
        red=pd.DataFrame(), black=pd.DataFrame(), newly_overdue=pd.DataFrame(),
    )  # fmt: skip
    assert (
        openpyxl.load_workbook(io.BytesIO(weekly))["总体情况"]["A1"].value
        == "大同镇黄土坡村火灾防控工作周报数据（第12周）"
    )
