"""总览: the one screen for leadership meetings — a sentence, who and what lags by name, the tiles, the ranking."""

from __future__ import annotations

import streamlit as st

import metrics
from charts.rates import ranking_bars
from firedash.access import can_export
from firedash.config import TownConfig
from firedash.glossary import label, text
from ui import data
from ui.attention import attention, major_history
from ui.controls import View, current_view
from ui.downloads import RANKING_COLUMNS, dashboard_workbook, scope_file_prefix
from ui.format import last_week_note, overview_sentence, ranking_line_label, scope_name, selects_part
from ui.history import ticket_table
from ui.layout import as_of_stamp, chart, download, no_data_for, page_title, sentence, tiles
from ui.ranking import town_ranking
from ui.tiles import OVERVIEW_TILES

LONGEST_OVERDUE_COLUMNS = ("village", "unit", "days_overdue", "description")


def ranking_section(config: TownConfig, view: View) -> None:
    """The whole town's ranking (or the filtered tickets' across every village), chosen villages outlined."""
    town = view.ranking("overview", "village_ranking")
    ranked, unranked, town_rate = town_ranking(config, town)
    fig = ranking_bars(
        ranked, unranked, key="village", title=text("village_ranking"), town_rate=town_rate,
        min_tickets=config.dashboard.min_tickets_to_rank, bar_height=30, selected=view.filters.villages,
        line_label=ranking_line_label(town.filters),
    )  # fmt: skip
    chart(fig, key="overview_village_bars")


def render() -> None:
    config, view = data.config(), current_view()
    page_title("overview")
    now, before = data.cached(
        metrics.summary_with_last_week, as_of=view.as_of, campaign=config.campaign, filters=view.filters
    )
    if not now["found"]:
        no_data_for(data.cached(metrics.found_in_campaign, campaign=config.campaign))
        return
    scope = scope_name(config.town, view.filters)
    sentence(overview_sentence(scope, view.as_of, now, before, part=selects_part(view.filters)))
    attention(config, view)
    major_history(view)
    tiles(now, before, OVERVIEW_TILES)
    st.caption(last_week_note(metrics.previous_week_end(config.campaign, view.as_of)))
    # Side by side on a wide screen; ui.style stacks the two when they would be too narrow to read.
    left, right = st.container(key="reflow_overview").columns([3, 2], gap="large")
    with left:
        ranking_section(config, view)
    with right:
        overdue = data.cached(metrics.overdue_tickets, as_of=view.as_of, filters=view.filters, limit=5)
        st.subheader(text("longest_overdue", n=len(overdue)), anchor=False)
        if overdue.empty:
            st.success(text("no_overdue"))
        else:
            ticket_table(overdue, LONGEST_OVERDUE_COLUMNS, key="overview_overdue", view=view)
            st.caption(text("cell", name=label("overdue"), value=int(now["overdue"])))
    download(
        text("download_dashboard"),
        dashboard_workbook(
            config,
            view.as_of,
            view.filters,
            view.ranking("overview", "village_ranking").filters,
            personal=can_export(view.viewer),
            town_columns=view.town_columns(RANKING_COLUMNS) if view.scoped else None,
        ),
        file_name=scope_file_prefix(view.filters) + text("file_dashboard", stamp=as_of_stamp(view.as_of)),
        key="dashboard_download",
    )


render()
