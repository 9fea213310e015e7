"""Weekly charts: new found and new rectified per week, and a village's rate against the town's."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import BLUE, DARK_GREY, GREY, style
from firedash.glossary import label, text
from metrics.formatting import week_label


def _week_names(frame: pd.DataFrame) -> list[str]:
    return [week_label(int(n)) for n in frame["week_no"]]


def weekly_new_bars(weekly: pd.DataFrame, *, title: str) -> go.Figure:
    """Grouped bars per week (第N周): new found in grey, new rectified in blue; the last week's two numbers
    written over its bars (every week's would collide: at 1024 px a bar is 13 px wide)."""
    weeks = _week_names(weekly)
    fig = go.Figure()
    for column, colour in (("new_found", GREY), ("new_rectified", BLUE)):
        fig.add_trace(
            go.Bar(
                x=weeks,
                y=weekly[column],
                name=label(column).replace(text("this_week_prefix"), ""),
                marker={"color": colour},
                hovertemplate=text("hover_week_count"),
            )
        )
    # Upright week names never overlap (slanted ones' boxes do, from 17 weeks on a 1024 px screen).
    fig.update_xaxes(type="category", tickangle=-90)
    fig.update_yaxes(rangemode="tozero", title={"text": text("unit_hazard")})
    style(fig, title=title, height=480)
    fig.update_layout(barmode="group", bargap=0.2, annotations=_last_week_numbers(weekly, weeks))
    return fig


def _last_week_numbers(weekly: pd.DataFrame, weeks: list[str]) -> list[dict]:
    """The last week's found (left of the week's middle) and rectified (right of it) over their bars."""
    if weekly.empty:
        return []
    last = weekly.iloc[-1]
    return [
        {
            "x": weeks[-1],
            "y": float(last[column]),
            "xref": "x",
            "yref": "y",
            "showarrow": False,
            "text": str(int(last[column])),
            "xanchor": side,
            "yanchor": "bottom",
            "font": {"color": colour},
        }  # fmt: skip
        for column, side, colour in (("new_found", "right", DARK_GREY), ("new_rectified", "left", BLUE))
    ]


def rate_trend(
    place: pd.DataFrame, town: pd.DataFrame, *, name: str, title: str, town_name: str | None = None
) -> go.Figure:
    """The weekly cumulative rate of one place (blue) against the town's (grey dashed), the line named
    `town_name` (default 全镇; 筛选范围 when other filters narrow it)."""
    fig = go.Figure()
    for frame, trace_name, colour, dash in (
        (town, town_name or label("town"), DARK_GREY, "dash"),
        (place, name, BLUE, "solid"),
    ):
        fig.add_trace(
            go.Scatter(
                x=_week_names(frame),
                y=frame["rate"],
                name=trace_name,
                mode="lines+markers",
                line={"color": colour, "width": 4, "dash": dash},
                marker={"size": 9},
                connectgaps=False,
                hovertemplate=text("hover_week_rate"),
            )
        )
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%")
    style(fig, title=title, height=440)
    return fig
