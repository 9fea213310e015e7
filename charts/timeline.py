"""The campaign calendar: phases and key periods on a timeline, and cumulative found vs rectified."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from charts.theme import BLUE, DARK_GREY, DARK_VERMILLION, GREY, INK, LIGHT_GREY, ORANGE, SKY, style
from firedash.config import Campaign
from ui.labels import label, text

_PHASE_COLOURS = (SKY, BLUE, "#7FA7C9", "#B3CDE3")
_PHASE_BANDS = ("rgba(0,114,178,0.06)", "rgba(0,0,0,0.0)")
_KEY_BAND = "rgba(230,159,0,0.22)"
_SHORT_SPAN_DAYS = 12


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _day_end(day: dt.date) -> dt.datetime:
    """The end of a day, so a one-day period still has width on the axis."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


def phase_timeline(campaign: Campaign, *, today: dt.date, title: str) -> go.Figure:
    """Two rows on a date axis: the phases (coloured spans) and the key periods, with today marked."""
    fig = go.Figure()
    phase_row, key_row = label("phase"), "重点时段"
    for i, phase in enumerate(campaign.phases):
        _span(fig, phase.start, phase.end, row=phase_row, name=phase.name, colour=_PHASE_COLOURS[i % 4])
    for period in campaign.key_periods:
        _span(fig, period.start, period.end, row=key_row, name=period.name, colour=ORANGE)
    _today_line(fig, today)
    fig.update_xaxes(
        type="date",
        range=[campaign.start - dt.timedelta(days=2), _day_end(campaign.end) + dt.timedelta(days=2)],
        tickformat="%-m月%-d日",
        dtick="M1",
    )
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=[key_row, phase_row])
    style(fig, title=title, height=300)
    fig.update_layout(showlegend=False, barmode="overlay", bargap=0.35)
    return fig


def _span(fig: go.Figure, start: dt.date, end: dt.date, *, row: str, name: str, colour: str) -> None:
    start_at = dt.datetime.combine(start, dt.time())
    width_ms = (_day_end(end) - start_at).total_seconds() * 1000
    fig.add_trace(
        go.Bar(
            orientation="h",
            y=[row],
            x=[width_ms],
            base=[start_at],
            marker={"color": colour, "line": {"color": "white", "width": 1}},
            text=[name],
            # A span too short to hold its name gets the name beside it, level.
            textposition="inside" if (end - start).days >= _SHORT_SPAN_DAYS else "outside",
            insidetextanchor="middle",
            textangle=0,
            textfont={"color": "white" if colour not in (ORANGE, SKY) else INK, "size": 18},
            constraintext="none",
            cliponaxis=False,
            hovertemplate=f"{name}：{start.isoformat()} — {end.isoformat()}<extra></extra>",
        )
    )


def _today_line(fig: go.Figure, today: dt.date, *, inside: bool = False) -> None:
    """A vermillion line on the as-of day, labelled above the plot (or inside its top, beside the line)."""
    at = dt.datetime.combine(today, dt.time(12))
    fig.add_vline(x=at, line={"color": DARK_VERMILLION, "width": 3})
    fig.add_annotation(
        x=at, y=1.0 if not inside else 0.5, yref="paper", yanchor="bottom" if not inside else "middle",
        xanchor="center" if not inside else "right", showarrow=False, bgcolor="rgba(255,255,255,0.85)",
        text=f"{text('as_of')} {today.month}月{today.day}日", font={"color": DARK_VERMILLION},
    )  # fmt: skip


def cumulative_chart(daily: pd.DataFrame, campaign: Campaign, *, as_of: dt.date, title: str) -> go.Figure:
    """Cumulative found and rectified per day, phases as background bands, key periods annotated."""
    fig = go.Figure()
    for i, phase in enumerate(campaign.phases):
        fig.add_vrect(
            x0=_day_start(phase.start), x1=_day_end(phase.end), fillcolor=_PHASE_BANDS[i % 2], line_width=0, layer="below",
            annotation={"text": phase.name, "font": {"color": DARK_GREY, "size": 16}},
            annotation_position="top left",
        )  # fmt: skip
    for period in campaign.key_periods:
        fig.add_vrect(
            x0=_day_start(period.start), x1=_day_end(period.end), fillcolor=_KEY_BAND, line_width=0, layer="below",
            annotation={"text": period.name, "font": {"color": "#7A5200", "size": 16}, "textangle": 0},
            annotation_position="bottom left",
        )  # fmt: skip
    for column, colour, dash in (("cum_found", GREY, "solid"), ("cum_rectified", BLUE, "solid")):
        fig.add_trace(
            go.Scatter(
                x=daily["date"], y=daily[column], name=label(column), mode="lines",
                line={"color": colour, "width": 4, "dash": dash},
                hovertemplate="%{x|%Y-%m-%d}：%{y}处<extra>%{fullData.name}</extra>",
            )
        )  # fmt: skip
    _today_line(fig, as_of)
    fig.update_xaxes(
        type="date",
        range=[_day_start(campaign.start), _day_end(campaign.end)],
        tickformat="%-m月%-d日",
        dtick="M1",
    )
    fig.update_yaxes(rangemode="tozero", title={"text": "处"}, gridcolor=LIGHT_GREY)
    style(fig, title=title, height=540)
    fig.update_layout(margin={"t": 120}, legend={"x": 0.0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"})
    return fig
