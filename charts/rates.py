"""Bar charts of rectification rates: a ranking by village or sector, the category split, overdue ageing."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from charts.theme import BLUE, DARK_GREY, DARK_VERMILLION, GREY, MIN_FONT_SIZE, ORANGE, SKY, VERMILLION, style
from firedash.glossary import AGEING_BAND_LABELS, SEVERITY_GROUP_LABELS, text
from metrics import AGEING_BAND_CODES, SEVERITY_GROUPS
from metrics.formatting import fmt_count, fmt_rate, is_missing

AGEING_BANDS = tuple(AGEING_BAND_LABELS[code] for code in AGEING_BAND_CODES)
_AGEING_COLOURS = (ORANGE, VERMILLION, DARK_VERMILLION)
_BAR_HEIGHT = 46
_PERCENT_TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1.0]  # the axis runs on past 100% to leave room for labels
# Room right of a 100% bar for "95.4%（62/65处）" at 16 px on a 4:3 projector with the sidebar open.
_RATE_AXIS_END = 1.6
_BAR_TEXT = {"size": MIN_FONT_SIZE}
# A label outside its bar keeps its size (never shrunk to the bar's thickness, hidden by uniformtext).
_OUTSIDE = {"textposition": "outside", "constraintext": "none", "cliponaxis": False}
_RANKING_TOP = 145  # px above the bars: title, the colour key under it, the town's rate line label
_CATEGORY_ROW = 58  # px a hazard category: two bars, each as thick as its 16 px label


def ranking_bars(
    ranked: pd.DataFrame,
    unranked: pd.DataFrame,
    *,
    key: str,
    title: str,
    town_rate: float | None,
    min_tickets: int,
    selected: Iterable[str] = (),
    bar_height: int = _BAR_HEIGHT,
    line_label: str | None = None,
) -> go.Figure:
    """Horizontal bars of the rate, best first; behind the town's rate in vermillion, unranked in grey.

    Each bar carries its key in customdata so a click can drill down into it; `selected` bars are
    outlined; `line_label` names the rate line (default 全镇整改率; 筛选范围整改率 under a filter).
    """
    rows = _ranking_rows(ranked, unranked, key=key, town_rate=town_rate, min_tickets=min_tickets)
    picked = set(selected)
    fig = go.Figure(
        go.Bar(
            orientation="h",
            y=rows["name"],
            x=rows["rate"].fillna(0.0),
            customdata=rows[[key]].to_numpy(),
            text=rows["text"],
            textfont=_BAR_TEXT,
            **_OUTSIDE,
            marker={
                "color": rows["colour"],
                "line": {
                    "color": [DARK_GREY if n in picked else "rgba(0,0,0,0)" for n in rows[key]],
                    "width": 3,
                },
            },
            hovertemplate=text("hover_bar"),
        )
    )
    line_label = line_label or text("town_rate")
    if town_rate is not None and not is_missing(town_rate):
        fig.add_vline(x=float(town_rate), line={"color": DARK_GREY, "dash": "dash", "width": 2})
        fig.add_annotation(
            x=float(town_rate), y=1.0, yref="paper", yanchor="bottom", showarrow=False,
            text=f"{line_label} {fmt_rate(town_rate)}", font={"color": DARK_GREY},
        )  # fmt: skip
    # The percentages stand off the axis: the last bar's label reaches a pixel or two below the bars.
    fig.update_xaxes(
        range=[0, _RATE_AXIS_END], tickformat=".0%", tickvals=_PERCENT_TICKS, ticklabelstandoff=6
    )
    fig.update_yaxes(autorange="reversed", type="category")
    style(fig, title=title, height=max(320, 150 + bar_height * len(rows)))
    # What the colours mean, in words: a washed-out projector or a colour-blind reader needs it.
    fig.update_layout(
        showlegend=False, clickmode="event+select", dragmode=False,
        title={"subtitle": {"text": text("ranking_colour_key", line=line_label), "font": {"size": MIN_FONT_SIZE, "color": DARK_GREY}}},
        margin={"t": _RANKING_TOP},
    )  # fmt: skip
    return fig


def _ranking_rows(
    ranked: pd.DataFrame, unranked: pd.DataFrame, *, key: str, town_rate: float | None, min_tickets: int
) -> pd.DataFrame:
    ranked = ranked.sort_values("rank", kind="stable") if "rank" in ranked else ranked
    rows = pd.concat([ranked.assign(_ranked=True), unranked.assign(_ranked=False)], ignore_index=True)
    rows["name"] = [
        f"{int(r)}. {k}" if ok and not is_missing(r) else str(k)
        for k, r, ok in zip(
            rows[key], rows.get("rank", pd.Series([None] * len(rows))), rows["_ranked"], strict=True
        )
    ]
    rule = text("not_ranked", n=min_tickets)
    rows["text"] = [
        _bar_text(rate, rect, found) if ok else text("bar_unranked", rate=fmt_rate(rate), found=int(found), rule=rule)
        for rate, rect, found, ok in zip(rows["rate"], rows["rectified"], rows["found"], rows["_ranked"], strict=True)
    ]  # fmt: skip
    rows["colour"] = [
        _rate_colour(rate, ok, town_rate) for rate, ok in zip(rows["rate"], rows["_ranked"], strict=True)
    ]
    return rows


def _bar_text(rate: object, rectified: object, found: object) -> str:
    """90.0%（9/10处）: the rate and the counts it comes from."""
    return text("bar_ranked", rate=fmt_rate(rate), rectified=int(rectified), found=int(found))


def _rate_colour(rate: object, ranked: bool, town_rate: float | None) -> str:
    if not ranked or is_missing(rate):
        return GREY
    if town_rate is not None and not is_missing(town_rate) and float(rate) < float(town_rate) - 1e-9:
        return VERMILLION
    return BLUE


def category_split_bars(frame: pd.DataFrame, *, title: str) -> go.Figure:
    """Grouped horizontal bars of the rate per hazard category, 一般 and 重大 side by side.

    Rows are matched on metrics.SEVERITY_GROUPS (the values rates_by_category_severity gives); the words
    come from the glossary.
    """
    fig = go.Figure()
    order = frame.groupby("category", sort=False)["found"].sum().sort_values(ascending=False).index.tolist()
    for group, colour in zip(SEVERITY_GROUPS, (SKY, BLUE), strict=True):
        part = frame[frame["severity_group"] == group].set_index("category").reindex(order)
        part = part.dropna(subset=["found"])
        fig.add_trace(
            go.Bar(
                orientation="h",
                name=text("severity_group_trace", group=SEVERITY_GROUP_LABELS.get(group, group)),
                y=part.index,
                x=part["rate"].fillna(0.0),
                text=[
                    _bar_text(r, c, f)
                    for r, c, f in zip(part["rate"], part["rectified"], part["found"], strict=True)
                ],
                textfont=_BAR_TEXT,
                **_OUTSIDE,
                marker={"color": colour},
                hovertemplate=text("hover_group_bar"),
            )
        )
    # Three ticks: the bars leave half a 1024 px screen to the axis, where six percentages collide.
    fig.update_xaxes(range=[0, _RATE_AXIS_END], tickformat=".0%", tickvals=[0, 0.5, 1.0])
    fig.update_yaxes(autorange="reversed", type="category", categoryorder="array", categoryarray=order)
    style(fig, title=title, height=max(360, 150 + _CATEGORY_ROW * len(order)))
    fig.update_layout(barmode="group", bargap=0.25)
    return fig


def ageing_bars(bands: pd.DataFrame, *, title: str) -> go.Figure:
    """Overdue tickets per ageing band (1–7天, 8–30天, 30天以上) from metrics.overdue_by_band, darker for older."""
    counts = bands.set_index("ageing_band")["overdue"].reindex(AGEING_BAND_CODES, fill_value=0)
    fig = go.Figure(
        go.Bar(
            x=list(AGEING_BANDS),
            y=counts.to_numpy(),
            text=[fmt_count(n) for n in counts],
            **_OUTSIDE,
            marker={"color": list(_AGEING_COLOURS)},
            hovertemplate=text("hover_band"),
        )
    )
    fig.update_yaxes(rangemode="tozero", range=[0, max(1, int(counts.max())) * 1.25])
    style(fig, title=title, height=380)
    fig.update_layout(showlegend=False)
    return fig
