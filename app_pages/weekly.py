"""周报: one week against the last, villages ranked with their move, the 红黑榜, the week's newly overdue
items, the week's workbook and (for the 应急办) the numbered 周通报."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

import metrics
from charts.rates import ranking_bars
from firedash.access import can_export
from firedash.config import DashboardSettings, TownConfig
from firedash.glossary import label, text
from ui import data
from ui.bulletin import bulletin_section
from ui.controls import WEEK_KEY, View, chosen_week, current_view, write_week
from ui.downloads import (
    RANKING_COLUMNS,
    personal_columns,
    scope_file_prefix,
    scope_title,
    weekly_workbook,
)
from ui.format import display_frame, fmt_date, last_week_note, ranking_line_label, week_label
from ui.history import ticket_table
from ui.layout import (
    TABLE_ROWS,
    chart,
    compact_table,
    download,
    no_data_for,
    page_title,
    tiles,
)
from ui.tiles import WEEK_TILES

# The newly overdue items on screen: the figure before the long ledger text, so 超期天数 shows at 1024 px.
NEWLY_OVERDUE_SCREEN = ("village", "unit", "days_overdue", "description", "deadline", "responsible")


def pick_week(config: TownConfig, view: View) -> int:
    """The week chosen (default: the week holding the as-of date, again whenever that date changes), kept
    in the URL as ?week=N."""
    current = max(1, config.campaign.week_number(view.as_of))
    chosen_week(config, view)
    # As wide as "第17周（2.19—2.25）" needs (a third of a 1024 px page cut it), never wider than the page.
    week = st.selectbox(
        text("choose_week"),
        list(range(current, 0, -1)),
        key=WEEK_KEY,
        format_func=lambda n: week_label(n, config.campaign.week_start(n), config.campaign.week_end(n)),
        placeholder=text("choose_placeholder"),
        width=340,
    )
    write_week(week)
    return week


def week_heading(config: TownConfig, view: View, week_no: int) -> None:
    """第N周（1月8日—1月14日）, the day its figures stand on, and what 较上周 compares with."""
    campaign = config.campaign
    cut = metrics.week_cut(campaign, week_no, view.as_of)
    st.subheader(
        text("week_heading", week=week_label(week_no), start=fmt_date(campaign.week_start(week_no)),
             end=fmt_date(campaign.week_end(week_no)), as_of=fmt_date(cut)),
        anchor=False,
    )  # fmt: skip
    st.caption(last_week_note(campaign.week_end(week_no - 1)))


def lists_section(red: pd.DataFrame, black: pd.DataFrame, settings: DashboardSettings) -> None:
    """The 红榜 and 黑榜 side by side, with their thresholds and the minimum count to be ranked."""
    heads = (
        (text("red_list"), f"≥{settings.red_list_rate:.0%}", red, "weekly_red"),
        (text("black_list"), f"<{settings.black_list_rate:.0%}", black, "weekly_black"),
    )
    # Side by side where each has 34rem, else one under the other (ui.style's reflow).
    columns = st.container(key="reflow_lists").columns(2, gap="large")
    for column, (name, rule, frame, key) in zip(columns, heads, strict=True):
        with column:
            st.subheader(text("list_heading", name=name, rate=label("rate"), rule=rule), anchor=False)
            if frame.empty:
                st.caption(text("nobody_listed"))
            else:
                compact_table(display_frame(frame, RANKING_COLUMNS[:5]), key=key)
    st.caption(text("rank_rule", n=settings.min_tickets_to_rank))


def newly_overdue_section(view: View, cut: dt.date, last_week_end: dt.date, total: int) -> pd.DataFrame:
    """The week's newly overdue items within the viewer's filters (as many as the tile counts)."""
    st.subheader(text("newly_overdue_list", n=total), anchor=False)
    late = data.cached(
        metrics.newly_overdue_tickets, as_of=cut, last_week_end=last_week_end, filters=view.filters
    )
    if late.empty:
        st.caption(text("bulletin_no_newly_overdue"))
    else:
        columns = personal_columns(NEWLY_OVERDUE_SCREEN, can_export(view.viewer))
        ticket_table(late, columns, key="weekly_newly_overdue", view=view, max_rows=TABLE_ROWS)
    return late


def render() -> None:
    config, view = data.config(), current_view()
    campaign, settings = config.campaign, config.dashboard
    page_title("weekly")
    if not data.cached(metrics.summary_figures, as_of=view.as_of, filters=view.filters)["found"]:
        no_data_for(data.cached(metrics.found_in_campaign, campaign=campaign))
        return
    week_no = pick_week(config, view)
    week_heading(config, view, week_no)
    week = {"week_no": week_no, "filters": view.filters, "campaign": campaign, "as_of": view.as_of}
    comparison = data.cached(metrics.week_comparison, **week)
    this_week, last_week = metrics.this_and_last_week(comparison)
    tiles(this_week, last_week, WEEK_TILES, per_row=7)
    minimum = settings.min_tickets_to_rank
    # The ranking and the 红黑榜 (drawn from it) are the whole town's, whoever looks, as in a 通报.
    town = {**week, "filters": view.ranking("weekly", "village_ranking").filters}
    ranking = data.cached(metrics.village_week_ranking, **town, villages=config.villages, min_tickets=minimum)
    ranked, unranked = metrics.split_ranked(ranking)
    red, black = metrics.red_black_lists(
        ranked, red_rate=settings.red_list_rate, black_rate=settings.black_list_rate
    )
    town_week, _ = metrics.this_and_last_week(data.cached(metrics.week_comparison, **town))
    fig = ranking_bars(
        ranked, unranked, key="village", title=text("village_ranking"), town_rate=town_week["rate"],
        min_tickets=minimum, bar_height=34, selected=view.filters.villages,
        line_label=ranking_line_label(town["filters"]),
    )  # fmt: skip
    chart(fig, key="weekly_bars")
    columns = view.town_columns(RANKING_COLUMNS)
    compact_table(display_frame(ranking, columns), key="weekly_ranking")
    lists_section(red, black, settings)
    cut = metrics.week_cut(campaign, week_no, view.as_of)
    late = newly_overdue_section(view, cut, campaign.week_end(week_no - 1), int(this_week["newly_overdue"]))
    name = week_label(week_no)
    download(
        text("download_xlsx"),
        weekly_workbook(
            scope_title(config.town, view.filters), cut, name, comparison=comparison, ranking=ranking, red=red, black=black,
            severity=data.cached(metrics.week_by_severity, **week), newly_overdue=late,
            ranking_columns=columns, personal=can_export(view.viewer),
        ),
        file_name=scope_file_prefix(view.filters) + text("file_weekly", week=name),
        key="weekly_download",
    )  # fmt: skip
    bulletin_section(config, view, week_no, cut)


render()
