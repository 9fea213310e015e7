"""The projector-friendly look shared by every chart: fonts, a colour-blind-safe palette, large text."""

from __future__ import annotations

import plotly.graph_objects as go

FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
BASE_FONT_SIZE = 18
MIN_FONT_SIZE = 16  # nothing on a chart is drawn smaller: a label that would need less is hidden
SLIDE_FONT_SIZE = 18  # nothing on a presentation slide is drawn smaller
TITLE_FONT_SIZE = 24

# Okabe–Ito colours: blue is on track, vermillion is behind; greys for context.
BLUE = "#0072B2"
SKY = "#56B4E9"
VERMILLION = "#D55E00"
ORANGE = "#E69F00"
GREY = "#999999"
DARK_GREY = "#4D4D4D"
LIGHT_GREY = "#E6E6E6"
INK = "#1A1A1A"
DARK_VERMILLION = "#8C3A00"

# Sequential scale for counts where more is worse (open tickets): near-white to vermillion.
OPEN_SCALE = [[0.0, "#FBF3EC"], [0.5, "#F0A06A"], [1.0, VERMILLION]]


def style(fig: go.Figure, *, title: str, height: int = 480) -> go.Figure:
    """Apply the shared look: white background, large CJK fonts, a left-aligned title."""
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": TITLE_FONT_SIZE, "color": INK}},
        font={"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": INK},
        height=height,
        margin={"l": 20, "r": 30, "t": 70, "b": 40},
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel={"font": {"family": FONT_FAMILY, "size": BASE_FONT_SIZE}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        separators=".,",
        # Plotly shrinks a bar label to fit its bar (to 7 px on a narrow screen); below 16 px it hides it.
        uniformtext={"minsize": MIN_FONT_SIZE, "mode": "hide"},
    )
    fig.update_xaxes(gridcolor=LIGHT_GREY, zerolinecolor=LIGHT_GREY, automargin=True)
    fig.update_yaxes(gridcolor=LIGHT_GREY, zerolinecolor=LIGHT_GREY, automargin=True)
    return fig


def for_slide(fig: go.Figure, *, height: int, title: bool = True, scale: float = 1.0) -> go.Figure:
    """A page's figure on a presentation slide: `height` px and no text under SLIDE_FONT_SIZE, both
    times `scale` (1.5 on a 1080p projector); without its title (`title=False`) when the slide's head
    already says it, so the plot gets the room."""

    def size(px: float) -> int:
        return round(max(px, SLIDE_FONT_SIZE) * scale)

    fig.update_layout(
        height=round(height * scale),
        font={"size": size(BASE_FONT_SIZE)},
        hoverlabel={"font": {"size": size(BASE_FONT_SIZE)}},
        uniformtext={"minsize": size(SLIDE_FONT_SIZE)},
    )
    fig.update_traces(textfont={"size": size(SLIDE_FONT_SIZE)}, selector={"type": "bar"})
    fig.for_each_xaxis(
        lambda axis: axis.update(ticklabelstandoff=round((axis.ticklabelstandoff or 0) * scale))
    )
    fig.for_each_yaxis(
        lambda axis: axis.update(title={"standoff": round(10 * scale)}) if axis.title.text else None
    )
    for note in fig.layout.annotations:
        note.font.size = size(note.font.size or BASE_FONT_SIZE)
    if not title:
        fig.update_layout(title={"text": "", "subtitle": {"text": ""}}, margin={"t": round(40 * scale)})
    else:
        fig.update_layout(
            title={
                "font": {"size": size(TITLE_FONT_SIZE)},
                "subtitle": {"font": {"size": size(SLIDE_FONT_SIZE)}},
            },
            margin={"t": round((fig.layout.margin.t or 70) * scale)},
        )
    return fig
