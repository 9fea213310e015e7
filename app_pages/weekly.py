"""周报: one week against the last, villages ranked with their move, the 红黑榜 and the week's workbook."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.rates import ranking_bars
from firedash.config import DashboardSettings, TownConfig
from firedash.glossary import label, text
from metrics import week_bounds
from ui import data
from ui.controls import View, current_view
from ui.downloads import weekly_workbook
from ui.format import display_frame, week_label
from ui.layout import chart, download, no_data_for, page_title, plain_table, tiles
from ui.tiles import WEEK_TILES

WEEK_KEY = "week_no"
COMPARISON_COLUMNS = (
    "week", "week_start", "week_end", "found", "rectified", "rate", "rate_change_pp", "new_found",
    "new_rectified", "newly_overdue", "newly_closed",
)  # fmt: skip
RANKING_COLUMNS = (
    "rank", "village", "found", "rectified", "rate", "rate_last_week", "rate_change_pp", "rank_last_week",
    "rank_move",
)  # fmt: skip


def pick_week(config: TownConfig, view: View) -> int:
    """The week chosen (default: the week holding the as-of date, again whenever that date changes)."""
    current = config.campaign.week_number(view.as_of)
    if st.session_state.get("_week_for_as_of") != view.as_of:
        st.session_state[WEEK_KEY] = current
        st.session_state["_week_for_as_of"] = view.as_of
    return st.columns([1, 2])[0].selectbox(
        text("choose_week"),
        list(range(current, 0, -1)),
        key=WEEK_KEY,
        format_func=lambda n: week_label(n, *week_bounds(config.campaign, n)),
    )


def lists_section(red: pd.DataFrame, black: pd.DataFrame, settings: DashboardSettings) -> None:
    """The 红榜 and 黑榜 side by side, with their thresholds and the minimum count to be ranked."""
    heads = (
        (text("red_list"), f"≥{settings.red_list_rate:.0%}", red, "weekly_red"),
        (text("black_list"), f"<{settings.black_list_rate:.0%}", black, "weekly_black"),
    )
    for column, (name, rule, frame, key) in zip(st.columns(2, gap="large"), heads, strict=True):
        with column:
            st.subheader(text("list_heading", name=name, rate=label("rate"), rule=rule), anchor=False)
            if frame.empty:
                st.caption(text("nobody_listed"))
            else:
                plain_table(display_frame(frame, RANKING_COLUMNS[:5]), key=key)
    st.caption(text("rank_rule", n=settings.min_tickets_to_rank))


def render() -> None:
    config, view = data.config(), current_view()
    page_title("weekly")
    if not data.summary(view.as_of, view.filters)["found"]:
        no_data_for(view)
        return
    week_no = pick_week(config, view)
    this_week, last_week = data.week_comparison(week_no, view.filters, view.as_of)
    tiles(this_week, last_week, WEEK_TILES, per_row=7)
    ranking = data.village_week_ranking(week_no, view.filters, view.as_of)
    ranked, unranked = data.split_ranked(ranking)
    red, black = data.red_black(ranked)
    minimum = config.dashboard.min_tickets_to_rank
    fig = ranking_bars(
        ranked, unranked, key="village", title=text("village_ranking"), town_rate=this_week["rate"],
        min_tickets=minimum, bar_height=34,
    )  # fmt: skip
    chart(fig, key="weekly_bars")
    plain_table(display_frame(ranking, RANKING_COLUMNS), key="weekly_ranking")
    lists_section(red, black, config.dashboard)
    sheets = {
        text("sheet_week_summary"): display_frame(
            data.week_comparison_frame(week_no, view.filters, view.as_of), COMPARISON_COLUMNS
        ),
        text("sheet_week_ranking"): display_frame(ranking, RANKING_COLUMNS),
        text("red_list"): display_frame(red, RANKING_COLUMNS),
        text("black_list"): display_frame(black, RANKING_COLUMNS),
    }
    name = week_label(week_no)
    download(
        text("download_xlsx"),
        weekly_workbook(config.town, view.as_of, name, sheets),
        file_name=text("file_weekly", week=name),
        key="weekly_download",
    )


render()
