"""村（社区）: rate by village, open tickets by village × sector, and the drill-down into one village."""

from __future__ import annotations

import streamlit as st

import metrics
from charts.heatmap import open_heatmap
from charts.rates import category_split_bars, ranking_bars
from charts.trend import rate_trend
from firedash.access import can_export
from firedash.config import Campaign, TownConfig
from firedash.glossary import label, text
from ui import data
from ui.controls import View, choose_village, current_view
from ui.downloads import PERSONAL_COLUMNS, overdue_file_name, overdue_workbook
from ui.format import display_frame, last_week_note, ranking_line_label, scope_word
from ui.history import ticket_table
from ui.layout import chart, compact_table, download, no_data, no_data_for, page_title, tiles
from ui.ranking import town_ranking
from ui.tiles import VILLAGE_TILES

BARS_KEY = "village_bars"
PICK_KEY = "drill_village"
SECTOR_COLUMNS = ("sector", "found", "rectified", "rate", "open", "overdue", "major_found")
# One village's lists: its name is the heading, so they start with 单位, then the figure (超期天数 or 整改期限)
# before the long ledger text (隐患描述), so it stays on a 1024 px screen; the workbooks keep their order.
TICKET_COLUMNS = ("unit", "deadline", "description", "severity", "sector", "category", "office", "hazard_no")
OVERDUE_COLUMNS = (
    "unit", "days_overdue", "description", "deadline", "responsible", "phone", "measures", "office", "sector",
    "ageing_band", "hazard_no",
)  # fmt: skip


def _on_bar_click() -> None:
    """A click on a village's bar narrows every page to that village."""
    state = st.session_state.get(BARS_KEY)
    points = state["selection"]["points"] if state else []
    if points:
        village = points[0].get("customdata")
        choose_village(village[0] if isinstance(village, list | tuple) else village)


def _on_pick() -> None:
    choose_village(st.session_state.get(PICK_KEY))


def ranking_section(config: TownConfig, view: View, town: View) -> None:
    """Every village's rate (a click on a bar drills down into it); the whole town's, whoever looks."""
    town = town.ranking("villages", "village_ranking")
    ranked, unranked, town_rate = town_ranking(config, town)
    fig = ranking_bars(
        ranked, unranked, key="village", title=text("village_ranking"), town_rate=town_rate,
        min_tickets=config.dashboard.min_tickets_to_rank, selected=view.filters.villages,
        line_label=ranking_line_label(town.filters),
    )  # fmt: skip
    chart(fig, key=BARS_KEY, on_select=_on_bar_click)


def heatmap_section(config: TownConfig, town: View) -> None:
    """Where the open tickets are: village × sector."""
    open_cells = data.cached(metrics.open_by_village_sector, as_of=town.as_of, filters=town.filters)
    if open_cells["open"].sum() > 0:
        chart(
            open_heatmap(open_cells, title=text("open_heatmap"), villages=config.villages),
            key="village_heatmap",
        )


def village_picker(config: TownConfig, view: View) -> None:
    st.session_state[PICK_KEY] = view.village
    own = view.village_scope
    st.selectbox(
        text("choose_village"),
        [None, *config.villages] if own is None else list(own),
        key=PICK_KEY,
        format_func=lambda v: label("town") if v is None else v,
        on_change=_on_pick,
        placeholder=text("choose_placeholder"),
    )


def drill_down(config: TownConfig, view: View) -> None:
    village, campaign = view.village, config.campaign
    st.subheader(village, anchor=False)
    now = data.cached(metrics.summary_figures, as_of=view.as_of, filters=view.filters)
    if not now["found"]:
        no_data(text("village_no_data", village=village))
        return
    _, before = data.cached(
        metrics.summary_with_last_week, as_of=view.as_of, campaign=campaign, filters=view.filters
    )
    tiles(now, before, VILLAGE_TILES)
    st.caption(last_week_note(metrics.previous_week_end(campaign, view.as_of)))
    trend_section(view, village, campaign)
    overdue_tab, open_tab, sector_tab, category_tab = st.tabs(
        [label("overdue"), text("open_tickets"), text("by_sector"), text("by_category")]
    )
    with overdue_tab:
        overdue_tab_body(config, view, village)
    with open_tab:
        open_tickets = data.cached(metrics.ticket_list, as_of=view.as_of, filters=view.filters, state="open")
        ticket_table(open_tickets, TICKET_COLUMNS, key="village_open", view=view)
    with sector_tab:
        ranked, unranked = data.cached(
            metrics.sector_ranking, as_of=view.as_of, filters=view.filters, sectors=config.sectors,
            min_tickets=config.dashboard.min_tickets_to_rank,
        )  # fmt: skip
        compact_table(display_frame(ranked, ("rank", *SECTOR_COLUMNS)), key="village_sectors")
        if not unranked.empty:
            st.caption(text("ranked_apart"))
            compact_table(display_frame(unranked, SECTOR_COLUMNS), key="village_sectors_apart")
    with category_tab:
        split = data.cached(metrics.rates_by_category_severity, as_of=view.as_of, filters=view.filters)
        chart(category_split_bars(split, title=text("category_split")), key="village_categories")


def trend_section(view: View, village: str, campaign: Campaign) -> None:
    """The village's weekly rate against the town's (a village head's too), or against the filtered
    tickets of every village, the line named for what it is: 全镇 or 筛选范围."""
    compare = view.ranking("villages", "town_trend")
    trend = data.cached(metrics.weekly_trend, as_of=view.as_of, filters=view.filters, campaign=campaign)
    town_trend = data.cached(
        metrics.weekly_trend, as_of=compare.as_of, filters=compare.filters, campaign=campaign
    )
    scope = scope_word(compare.filters)
    fig = rate_trend(
        trend, town_trend, name=village, title=text("trend_vs_scope", scope=scope), town_name=scope
    )
    chart(fig, key="village_trend")


def overdue_tab_body(config: TownConfig, view: View, village: str) -> None:
    """The village's overdue list, with 责任人/电话 and its own Excel for a logged-in user."""
    overdue = data.cached(metrics.overdue_tickets, as_of=view.as_of, filters=view.filters)
    personal = can_export(view.viewer)
    if personal:
        download(
            text("download_village_overdue", village=village),
            overdue_workbook(config.town, view.as_of, view.filters, village=village),
            file_name=overdue_file_name(view.as_of, village),
            key="village_overdue_download",
        )
    if overdue.empty:
        st.success(text("no_overdue"))
        return
    columns = [c for c in OVERDUE_COLUMNS if personal or c not in PERSONAL_COLUMNS]
    ticket_table(overdue, columns, key="village_overdue", view=view)


def render() -> None:
    config, view = data.config(), current_view()
    page_title("villages")
    town = view.for_village(None)
    if not data.cached(metrics.summary_figures, as_of=town.as_of, filters=town.filters)["found"]:
        no_data_for(data.cached(metrics.found_in_campaign, campaign=config.campaign))
        return
    # A chosen village's drill-down comes first: a village head opens the page for it.
    village_picker(config, view)
    if view.village:
        drill_down(config, view)
    ranking_section(config, view, town)
    heatmap_section(config, town)


render()
