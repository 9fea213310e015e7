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
    """Grouped bars per week (第N周): new found in grey, new rectified in blue."""
    weeks = _week_names(weekly)
    fig = go.Figure()
    for column, colour in (("new_found", GREY), ("new_rectified", BLUE)):
        fig.add_trace(
            go.Bar(
                x=weeks,
                y=weekly[column],
                name=label(column).replace(text("this_week_prefix"), ""),
                marker={"color": colour},
                text=[str(int(v)) if v else "" for v in weekly[column]],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=text("hover_week_count"),
            )
        )
    fig.update_xaxes(type="category")
    fig.update_yaxes(rangemode="tozero", title={"text": text("unit_hazard")})
    style(fig, title=title, height=460)
    fig.update_layout(barmode="group", bargap=0.2)
    return fig


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
