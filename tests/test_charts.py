"""Chart builders as pure functions: the figure's data, order, colours and projector-sized text."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from charts.heatmap import open_heatmap
from charts.rates import AGEING_BANDS, ageing_bars, category_split_bars, ranking_bars
from charts.theme import BLUE, GREY, VERMILLION
from charts.timeline import cumulative_chart, phase_timeline
from charts.trend import rate_trend, weekly_new_bars
from metrics import SEVERITY_GROUPS

GENERAL, MAJOR = SEVERITY_GROUPS  # what metrics.rates_by_category_severity puts in severity_group


def _rates(rows: list[tuple[str, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["village", "found", "rectified"])
    frame["rate"] = frame["rectified"] / frame["found"].where(frame["found"] > 0)
    return frame


@pytest.fixture
def ranking() -> tuple[pd.DataFrame, pd.DataFrame]:
    ranked = _rates([("东河村", 10, 9), ("西岭村", 20, 12), ("南坪村", 5, 5)])
    ranked = ranked.sort_values("rate", ascending=False).reset_index(drop=True)
    ranked["rank"] = [1, 2, 3]
    unranked = _rates([("北山村", 2, 2), ("石桥村", 0, 0)])
    return ranked, unranked


def test_ranking_bars_order_colours_and_labels(ranking):
    ranked, unranked = ranking
    fig = ranking_bars(ranked, unranked, key="village", title="排名", town_rate=0.8, min_tickets=3)
    bar = fig.data[0]
    assert list(bar.y) == ["1. 南坪村", "2. 东河村", "3. 西岭村", "北山村", "石桥村"]
    assert [row[0] for row in bar.customdata] == ["南坪村", "东河村", "西岭村", "北山村", "石桥村"]
    # 60% is behind the town's 80%: vermillion; too few tickets: grey whatever the rate.
    assert list(bar.marker.color) == [BLUE, BLUE, VERMILLION, GREY, GREY]
    assert bar.text[1] == "90.0%（9/10处）"
    assert bar.text[3].startswith("100.0%（2处，不足3处")
    assert bar.text[4].startswith("—")
    assert list(bar.x)[4] == 0.0
    assert fig.layout.shapes[0].x0 == pytest.approx(0.8)


def test_ranking_bars_outline_the_selected_village(ranking):
    ranked, unranked = ranking
    fig = ranking_bars(
        ranked, unranked, key="village", title="排名", town_rate=None, min_tickets=3, selected=("东河村",)
    )
    outline = list(fig.data[0].marker.line.color)
    assert outline[1] != "rgba(0,0,0,0)"
    assert outline.count("rgba(0,0,0,0)") == 4
    assert len(fig.layout.shapes) == 0


def test_category_split_bars_split_general_and_major():
    frame = pd.DataFrame(
        {
            "category": ["电气线路", "电气线路", "消防设施器材"],
            "severity_group": [GENERAL, MAJOR, GENERAL],
            "found": [10, 2, 30],
            "rectified": [5, 1, 30],
            "rate": [0.5, 0.5, 1.0],
            "open": [5, 1, 0],
        }
    )
    fig = category_split_bars(frame, title="类别")
    general, major = fig.data
    assert (general.name, major.name) == ("一般隐患", "重大隐患")
    assert list(general.y) == ["消防设施器材", "电气线路"]  # most found first
    assert list(general.x) == [1.0, 0.5]
    assert list(major.y) == ["电气线路"]
    assert major.text[0] == "50.0%（1/2处）"


def test_ageing_bars_count_each_band_in_order():
    bands = pd.DataFrame({"ageing_band": ["over_30d", "1_7d", "8_30d"], "overdue": [3, 1, 1]})
    fig = ageing_bars(bands, title="超期")
    assert list(fig.data[0].x) == list(AGEING_BANDS) == ["1–7天", "8–30天", "30天以上"]
    assert list(fig.data[0].y) == [1, 1, 3]


def test_open_heatmap_rows_in_config_order_and_empty_sectors_dropped():
    frame = pd.DataFrame(
        {
            "village": ["西岭村", "东河村", "东河村", "西岭村"],
            "sector": ["商场", "商场", "宾馆", "库房"],
            "open": [3, 1, 5, 0],
        }
    )
    fig = open_heatmap(frame, title="分布", villages=("东河村", "西岭村"))
    heat = fig.data[0]
    assert list(heat.y) == ["东河村", "西岭村"]
    assert list(heat.x) == ["宾馆", "商场"]  # 库房 has nothing open: dropped; most open first
    assert [list(row) for row in heat.z] == [[5, 1], [0, 3]]
    assert heat.text[1][0] == ""  # a zero cell stays blank


def test_phase_timeline_draws_phases_key_periods_and_today(config):
    campaign = config.campaign
    fig = phase_timeline(campaign, today=dt.date(2024, 1, 15), title="阶段")
    assert [trace.text[0] for trace in fig.data if trace.text[0]] == [p.name for p in campaign.phases]
    keys = [p.name for p in campaign.key_periods]
    assert len(fig.data) == len(campaign.phases) + len(keys)
    # Key periods are named by annotations above or below their spans, alternating, so neighbours never collide.
    named = [a for a in fig.layout.annotations if a.text in keys]
    assert [a.text for a in named] == keys
    assert [a.yshift > 0 for a in named] == [i % 2 == 1 for i in range(len(keys))]
    spring = fig.data[len(campaign.phases) + 1]
    assert spring.base[0] == dt.datetime(2024, 2, 10)
    assert spring.x[0] == pytest.approx(8 * 86_400_000)  # 02-10 to 02-17, both ends included
    assert any("1月15日" in a.text for a in fig.layout.annotations)


def test_cumulative_chart_lines_and_bands(config):
    days = pd.date_range("2023-11-01", "2024-01-31")
    daily = pd.DataFrame({"date": days, "cum_found": range(len(days)), "cum_rectified": range(len(days))})
    fig = cumulative_chart(daily, config.campaign, as_of=dt.date(2024, 1, 31), title="累计")
    assert [t.name for t in fig.data] == ["累计排查（处）", "累计整改（处）"]
    assert fig.data[0].y[-1] == len(days) - 1
    band_labels = {a.text for a in fig.layout.annotations}
    assert {"部署发动", "组织实施", "春节", "全国两会"} <= band_labels
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(rects) == len(config.campaign.phases) + len(config.campaign.key_periods)


def test_weekly_new_bars_label_weeks():
    weekly = pd.DataFrame({"week_no": [1, 2, 3], "new_found": [5, 0, 7], "new_rectified": [1, 2, 3]})
    fig = weekly_new_bars(weekly, title="每周")
    found, rectified = fig.data
    assert list(found.x) == ["第1周", "第2周", "第3周"]
    assert list(found.y) == [5, 0, 7] and list(rectified.y) == [1, 2, 3]
    # Only the last week's two numbers are written, found left of its middle, rectified right of it.
    notes = [(a.x, a.y, a.text, a.xanchor) for a in fig.layout.annotations]
    assert notes == [("第3周", 7.0, "7", "right"), ("第3周", 3.0, "3", "left")]
    assert found.text is None and rectified.text is None


def test_rate_trend_puts_the_place_against_the_town():
    town = pd.DataFrame({"week_no": [1, 2], "rate": [0.5, 0.6]})
    place = pd.DataFrame({"week_no": [1, 2], "rate": [None, 0.9]})
    fig = rate_trend(place, town, name="东河村", title="趋势")
    assert [t.name for t in fig.data] == ["全镇", "东河村"]
    assert fig.data[1].y[1] == 0.9 and fig.data[0].line.dash == "dash"


@pytest.mark.parametrize(
    "build",
    [
        lambda c: phase_timeline(c.campaign, today=dt.date(2024, 1, 1), title="t"),
        lambda c: ageing_bars(pd.DataFrame({"ageing_band": ["1_7d"], "overdue": [1]}), title="t"),
        lambda c: weekly_new_bars(
            pd.DataFrame({"week_no": [1], "new_found": [1], "new_rectified": [0]}), title="t"
        ),
    ],
)
def test_every_chart_is_projector_sized_with_a_cjk_font_first(config, build):
    fig = build(config)
    assert fig.layout.font.family.startswith("Noto Sans CJK SC")
    assert fig.layout.font.size >= 18
    assert fig.layout.title.font.size >= 22
