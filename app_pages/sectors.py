"""行业领域: rates by sector (place type) and by hazard category, 一般 and 重大 hazards split."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from charts.rates import category_split_bars, ranking_bars
from firedash.glossary import SEVERITY_GROUP_LABELS, label, text
from ui import data
from ui.controls import View, current_view
from ui.layout import chart, no_data_for, page_title, table

SEVERITY_KEY = "sector_severity"
# 一般 counts general and serious (较大) together, as in the weekly bulletin's split.
SEVERITY_CHOICES = {"all": (), "general": ("general", "serious"), "major": ("major",)}
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


def narrowed(view: View, choice: str) -> View:
    """The view limited to one severity group (intersected with the sidebar's severity filter)."""
    wanted = SEVERITY_CHOICES[choice]
    if not wanted:
        return view
    chosen = view.filters.severities
    # No overlap selects nothing: a code no ticket has, bound like any other value.
    severities = tuple(s for s in wanted if not chosen or s in chosen) or ("none",)
    return replace(view, filters=replace(view.filters, severities=severities))


def sector_section(view: View) -> None:
    config = data.config()
    whole = data.summary(view.as_of, view.filters)
    if not whole["found"]:
        no_data_for(view)
        return
    ranked, unranked = data.sector_ranking(view.as_of, view.filters)
    fig = ranking_bars(
        ranked, unranked, key="sector", title=text("sector_ranking"), town_rate=whole["rate"],
        min_tickets=config.dashboard.min_tickets_to_rank, bar_height=38,
    )  # fmt: skip
    chart(fig, key="sector_bars")
    table(ranked, ("rank", *SECTOR_COLUMNS), key="sector_table")
    if not unranked.empty:
        rule = text("not_ranked", n=config.dashboard.min_tickets_to_rank)
        st.caption(text("cell", name=text("ranked_apart"), value=rule))
        table(unranked, SECTOR_COLUMNS, key="sector_table_apart")


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
    sector_section(narrowed(view, choice or "all"))
    if not data.summary(view.as_of, view.filters)["found"]:
        return
    split = data.category_severity(view.as_of, view.filters)
    chart(category_split_bars(split, title=text("category_split")), key="sector_categories")


render()
