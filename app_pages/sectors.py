"""行业领域: rates by sector (place type) and by hazard category, 一般 and 重大 hazards split."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import metrics
from charts.rates import category_split_bars, ranking_bars
from firedash.glossary import SEVERITY_GROUP_LABELS, label, text
from ui import data
from ui.controls import View, current_view
from ui.format import display_frame, rate_line_label
from ui.layout import chart, compact_table, no_data_for, page_title

SEVERITY_KEY = "sector_severity"
SEVERITY_CHOICES = ("all", *metrics.SEVERITY_GROUP_CODES)
SECTOR_COLUMNS = (
    "sector",
    "found",
    "rectified",
    "rate",
    "open",
    "overdue",
    "closed",
    "major_found",
    "major_rectified",
)


def _choice_label(choice: str) -> str:
    return text("all") if choice == "all" else SEVERITY_GROUP_LABELS[choice]


def sector_section(view: View) -> None:
    config = data.config()
    whole = data.cached(metrics.summary_figures, as_of=view.as_of, filters=view.filters)
    if not whole["found"]:
        no_data_for(data.cached(metrics.found_in_campaign, campaign=config.campaign))
        return
    ranked, unranked = data.cached(
        metrics.sector_ranking, as_of=view.as_of, filters=view.filters, sectors=config.sectors,
        min_tickets=config.dashboard.min_tickets_to_rank,
    )  # fmt: skip
    fig = ranking_bars(
        ranked, unranked, key="sector", title=text("sector_ranking"), town_rate=whole["rate"],
        min_tickets=config.dashboard.min_tickets_to_rank, bar_height=38, line_label=rate_line_label(view.filters),
    )  # fmt: skip
    chart(fig, key="sector_bars")
    compact_table(display_frame(ranked, ("rank", *SECTOR_COLUMNS)), key="sector_table")
    if not unranked.empty:
        rule = text("not_ranked", n=config.dashboard.min_tickets_to_rank)
        st.caption(text("cell", name=text("ranked_apart"), value=rule))
        compact_table(display_frame(unranked, SECTOR_COLUMNS), key="sector_table_apart")


def render() -> None:
    view = current_view()
    page_title("sectors")
    choice = st.segmented_control(
        label("severity_group"),
        list(SEVERITY_CHOICES),
        key=SEVERITY_KEY,
        format_func=_choice_label,
        default="all",
    )
    sector_section(replace(view, filters=metrics.within_severity_group(view.filters, choice)))
    if not data.cached(metrics.summary_figures, as_of=view.as_of, filters=view.filters)["found"]:
        return
    split = data.cached(metrics.rates_by_category_severity, as_of=view.as_of, filters=view.filters)
    chart(category_split_bars(split, title=text("category_split")), key="sector_categories")


render()
