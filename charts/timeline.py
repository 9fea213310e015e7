"""The campaign calendar: phases and key periods on a timeline, and cumulative found vs rectified."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from charts.theme import BLUE, DARK_GREY, DARK_VERMILLION, GREY, INK, MIN_FONT_SIZE, ORANGE, SKY, style
from firedash.config import Campaign, Period
from firedash.glossary import label, text

_PHASE_COLOURS = (SKY, BLUE, "#7FA7C9", "#B3CDE3")
_PHASE_BANDS = ("rgba(0,114,178,0.07)", "rgba(0,0,0,0)")
_KEY_BAND = "rgba(230,159,0,0.25)"
_KEY_TEXT = "#7A5200"
_SHORT_SPAN_DAYS = 12
_RIGHT_ROOM_DAYS = 26  # room right of the campaign's end for the name of a short last phase at 1024 px
# Key periods' names alternate above and below their row (in pixels), so close ones never collide.
_KEY_LABEL_SHIFTS = (-30, 30)
_LABEL_SIZE = 18
_DATE_TICKS = {"type": "date", "tickformat": text("axis_month_day"), "dtick": "M1"}


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _day_end(day: dt.date) -> dt.datetime:
    """The end of a day, so a one-day period still has width on the axis."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


def phase_timeline(campaign: Campaign, *, today: dt.date, title: str) -> go.Figure:
    """Two rows on a date axis: the phases (coloured spans) and the key periods, with today marked."""
    phase_row, key_row = label("phase"), text("key_periods")
    spans = [_span(p, row=phase_row, colour=_PHASE_COLOURS[i % 4]) for i, p in enumerate(campaign.phases)]
    spans += [_span(p, row=key_row, colour=ORANGE, named=False) for p in campaign.key_periods]
    fig = go.Figure(data=spans)
    line, note = _today_marks(today, inside=False)
    names = [
        _key_name(p, row=key_row, shift=_KEY_LABEL_SHIFTS[i % 2]) for i, p in enumerate(campaign.key_periods)
    ]
    start, end = _day_start(campaign.start), _day_end(campaign.end)
    fig.update_layout(
        shapes=[line],
        annotations=[note, *names],
        # Room on the right for the name of a short last span, written beside it.
        xaxis={
            **_DATE_TICKS,
            "range": [start - dt.timedelta(days=2), end + dt.timedelta(days=_RIGHT_ROOM_DAYS)],
        },
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": [key_row, phase_row]},
        showlegend=False,
        barmode="overlay",
        bargap=0.5,
    )
    return style(fig, title=title, height=360)


def _key_name(period: Period, *, row: str, shift: int) -> dict:
    """A key period's name above or below its span (centred on it), so neighbours never overlap."""
    middle = _day_start(period.start) + (_day_end(period.end) - _day_start(period.start)) / 2
    return {
        "x": middle, "y": row, "xref": "x", "yref": "y", "yshift": shift, "showarrow": False,
        "text": period.name, "font": {"color": _KEY_TEXT, "size": _LABEL_SIZE},
        "yanchor": "top" if shift < 0 else "bottom",
    }  # fmt: skip


def _span(period: Period, *, row: str, colour: str, named: bool = True) -> go.Bar:
    start = _day_start(period.start)
    short = (period.end - period.start).days < _SHORT_SPAN_DAYS
    return go.Bar(
        orientation="h",
        y=[row],
        x=[(_day_end(period.end) - start).total_seconds() * 1000],
        base=[start],
        marker={"color": colour, "line": {"color": "white", "width": 1}},
        text=[period.name if named else ""],
        # A span too short to hold its name gets the name beside it, level.
        textposition="outside" if short else "inside",
        insidetextanchor="middle",
        textangle=0,
        textfont={"color": INK if colour in (ORANGE, SKY) or short else "white", "size": _LABEL_SIZE},
        constraintext="none",
        cliponaxis=False,
        hovertemplate=text(
            "hover_period", name=period.name, start=period.start.isoformat(), end=period.end.isoformat()
        ),
    )


def _today_marks(today: dt.date, *, inside: bool) -> tuple[dict, dict]:
    """A vermillion line on the as-of day, and its label above the plot (or inside, left of the line)."""
    at = dt.datetime.combine(today, dt.time(12))
    line = {
        "type": "line", "xref": "x", "yref": "paper", "x0": at, "x1": at, "y0": 0, "y1": 1,
        "line": {"color": DARK_VERMILLION, "width": 3},
    }  # fmt: skip
    note = {
        "x": at, "xref": "x", "yref": "paper", "showarrow": False, "bgcolor": "rgba(255,255,255,0.85)",
        "text": f"{text('as_of')} {text('month_day', month=today.month, day=today.day)}",
        "font": {"color": DARK_VERMILLION},
        **({"y": 0.5, "yanchor": "middle", "xanchor": "right"} if inside else {"y": 1.0, "yanchor": "bottom"}),
    }  # fmt: skip
    return line, note


def _band(
    period: Period, *, fill: str, label_at: str, colour: str, level: int = 0, at_end: bool = False
) -> tuple[dict, dict]:
    """A shaded band over a period, and its name at the top or bottom inside the band.

    `level` lifts the name by a line (close key periods alternate, so their names never overlap);
    `at_end` writes it right-aligned to the band's end (the last phase, at the plot's right edge).
    """
    start = _day_start(period.start)
    band = {
        "type": "rect", "xref": "x", "yref": "paper", "x0": start, "x1": _day_end(period.end), "y0": 0, "y1": 1,
        "fillcolor": fill, "line": {"width": 0}, "layer": "below",
    }  # fmt: skip
    top = label_at == "top"
    note = {
        "x": _day_end(period.end) if at_end else start, "xref": "x", "xanchor": "right" if at_end else "left",
        "yref": "paper", "y": 1.0 if top else 0.0, "yshift": -level * 26 if top else level * 26,
        "yanchor": "top" if top else "bottom", "showarrow": False, "text": period.name,
        "font": {"color": colour, "size": MIN_FONT_SIZE}, "bgcolor": "rgba(255,255,255,0.7)",
    }  # fmt: skip
    return band, note


def cumulative_chart(daily: pd.DataFrame, campaign: Campaign, *, as_of: dt.date, title: str) -> go.Figure:
    """Cumulative found and rectified per day, phases as background bands, key periods annotated."""
    last = len(campaign.phases) - 1
    marks = [
        _band(p, fill=_PHASE_BANDS[i % 2], label_at="top", colour=DARK_GREY, at_end=i == last and i > 0)
        for i, p in enumerate(campaign.phases)
    ]
    marks += [
        _band(p, fill=_KEY_BAND, label_at="bottom", colour=_KEY_TEXT, level=i % 2)
        for i, p in enumerate(campaign.key_periods)
    ]
    marks.append(_today_marks(as_of, inside=True))
    lines = [
        go.Scatter(
            x=daily["date"], y=daily[column], name=label(column), mode="lines",
            line={"color": colour, "width": 4},
            hovertemplate=text("hover_day_count"),
        )
        for column, colour in (("cum_found", GREY), ("cum_rectified", BLUE))
    ]  # fmt: skip
    fig = go.Figure(data=lines)
    fig.update_layout(
        shapes=[shape for shape, _ in marks],
        annotations=[note for _, note in marks],
        # The dates stand off the axis so the first (11月1日) clears the count axis's 0 in the corner.
        xaxis={
            **_DATE_TICKS,
            "range": [_day_start(campaign.start), _day_end(campaign.end)],
            "ticklabelstandoff": 16,
        },
        yaxis={"rangemode": "tozero", "title": {"text": text("unit_hazard")}},
    )
    style(fig, title=title, height=540)
    fig.update_layout(margin={"t": 120}, legend={"x": 0.0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"})
    return fig
