"""总览: the one screen for leadership meetings — a sentence, who and what lags by name, the tiles, the ranking."""

from __future__ import annotations

import streamlit as st

import metrics
from charts.rates import ranking_bars
from firedash.glossary import label, text
from ui import data
from ui.attention import attention
from ui.controls import current_view
from ui.format import overview_sentence, scope_name
from ui.layout import chart, no_data_for, page_title, sentence, table, tiles
from ui.tiles import OVERVIEW_TILES

LONGEST_OVERDUE_COLUMNS = ("village", "unit", "days_overdue", "description")


def render() -> None:
    config, view = data.config(), current_view()
    page_title("overview")
    now = data.cached(metrics.summary_figures, as_of=view.as_of, filters=view.filters)
    if not now["found"]:
        no_data_for(data.cached(metrics.found_in_campaign, campaign=config.campaign))
        return
    before = data.cached(metrics.summary_figures, as_of=view.week_before, filters=view.filters)
    scope = scope_name(config.town, view.filters.villages, not view.filters.is_empty)
    sentence(overview_sentence(scope, view.as_of, now, before))
    attention(config, view)
    tiles(now, before, OVERVIEW_TILES)
    # Side by side on a wide screen; ui.style stacks the two when they would be too narrow to read.
    left, right = st.container(key="reflow_overview").columns([3, 2], gap="large")
    with left:
        town = view.ranking("overview", "village_ranking")
        ranked, unranked = data.cached(
            metrics.village_ranking, as_of=town.as_of, filters=town.filters, villages=config.villages,
            min_tickets=config.dashboard.min_tickets_to_rank,
        )  # fmt: skip
        whole = data.cached(metrics.summary_figures, as_of=town.as_of, filters=town.filters)
        fig = ranking_bars(
            ranked, unranked, key="village", title=text("village_ranking"), town_rate=whole["rate"],
            min_tickets=config.dashboard.min_tickets_to_rank, bar_height=30,
        )  # fmt: skip
        chart(fig, key="overview_village_bars")
    with right:
        st.subheader(text("longest_overdue"), anchor=False)
        overdue = data.cached(metrics.overdue_tickets, as_of=view.as_of, filters=view.filters, limit=5)
        if overdue.empty:
            st.success(text("no_overdue"))
        else:
            table(overdue, LONGEST_OVERDUE_COLUMNS, key="overview_overdue")
            st.caption(text("cell", name=label("overdue"), value=int(now["overdue"])))


render()
