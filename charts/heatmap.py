"""A village × sector heatmap of open tickets, with the count written in every non-empty cell."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from charts.theme import BASE_FONT_SIZE, OPEN_SCALE, style
from firedash.glossary import text


def open_heatmap(frame: pd.DataFrame, *, title: str, villages: Sequence[str] = ()) -> go.Figure:
    """Open tickets per village (rows, in configured order) and sector (columns, most open first)."""
    grid = frame.pivot_table(index="village", columns="sector", values="open", aggfunc="sum", fill_value=0)
    grid = grid.loc[:, grid.sum(axis=0) > 0]
    sector_order = grid.sum(axis=0).sort_values(ascending=False).index
    village_order = [v for v in villages if v in grid.index] + [v for v in grid.index if v not in villages]
    grid = grid.reindex(index=village_order, columns=sector_order, fill_value=0)
    labels = [[str(int(n)) if n else "" for n in row] for row in grid.to_numpy()]
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=list(grid.columns),
            y=list(grid.index),
            text=labels,
            texttemplate="%{text}",
            textfont={"size": 16},
            colorscale=OPEN_SCALE,
            xgap=2,
            ygap=2,
            colorbar={
                "title": {"text": text("unit_hazard")},
                "thickness": 14,
                "tickfont": {"size": BASE_FONT_SIZE},
            },
            hovertemplate=text("hover_cell"),
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    # Upright sector names need no more width than a line of text: at 1024 px slanted ones overlap.
    fig.update_xaxes(type="category", tickangle=-90, side="bottom")
    style(fig, title=title, height=max(420, 200 + 34 * len(grid.index)))
    return fig
