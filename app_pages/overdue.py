"""超期隐患: every overdue ticket by days overdue with ageing bands, the tickets due within 7 days, Excel."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import metrics
from charts.rates import ageing_bars
from firedash.access import can_export
from firedash.config import TownConfig
from firedash.glossary import AGEING_BAND_LABELS, label, text
from ui import data
from ui.controls import View, current_view
from ui.downloads import overdue_file_name, overdue_workbook, villages_overdue_zip
from ui.format import band_total
from ui.history import ticket_table
from ui.layout import TABLE_ROWS, ZIP_MIME, as_of_stamp, chart, download, no_data_for, page_title

BAND_KEY = "overdue_bands"
# On screen the reader's columns come first, the figure before the long ledger text (so 超期天数 is on
# a 1024 px screen); the workbooks keep their own order (ui.downloads).
OVERDUE_COLUMNS = (
    "village", "unit", "days_overdue", "description", "deadline", "severity", "county_supervised", "office",
    "sector", "category", "ageing_band",
)  # fmt: skip
DUE_COLUMNS = (
    "village",
    "unit",
    "days_left",
    "description",
    "deadline",
    "severity",
    "office",
    "sector",
    "category",
)


def overdue_section(view: View) -> None:
    bands = data.cached(metrics.overdue_by_band, as_of=view.as_of, filters=view.filters)
    if not band_total(bands, ()):
        st.success(text("no_overdue"))
        return
    # The ageing chart beside the list on a wide screen, above it where a third would be too narrow.
    left, right = st.container(key="reflow_third_overdue").columns([1, 2], gap="large")
    with left:
        chart(ageing_bars(bands, title=text("ageing")), key="overdue_ageing")
    with right:
        chosen = st.pills(
            label("ageing_band"), metrics.AGEING_BAND_CODES, key=BAND_KEY, selection_mode="multi",
            format_func=AGEING_BAND_LABELS.get,
        )  # fmt: skip
        total = band_total(bands, chosen)
        st.subheader(text("overdue_list", n=total), anchor=False)
        overdue = data.cached(
            metrics.overdue_tickets,
            as_of=view.as_of,
            filters=view.filters,
            limit=TABLE_ROWS,
            bands=tuple(chosen),
        )
        ticket_table(overdue, OVERDUE_COLUMNS, key="overdue_table", view=view, total=total)


def downloads(config: TownConfig, view: View) -> None:
    """The list as Excel (one village's own when one is chosen), and a ZIP of every village's list."""
    left, right = st.columns(2)
    with left:
        download(
            text("download_xlsx"),
            overdue_workbook(config.town, view.as_of, view.filters, village=view.village),
            file_name=overdue_file_name(view.as_of, view.village),
            key="overdue_download",
        )
    villages = view.village_scope or config.villages
    with right:
        download(
            text("download_villages_zip"),
            villages_overdue_zip(config.town, view.as_of, replace(view.filters, villages=()), villages),
            file_name=text("file_villages_zip", stamp=as_of_stamp(view.as_of)),
            key="overdue_zip_download",
            mime=ZIP_MIME,
        )


def render() -> None:
    config, view = data.config(), current_view()
    page_title("overdue")
    now = data.cached(metrics.summary_figures, as_of=view.as_of, filters=view.filters)
    if not now["found"]:
        no_data_for(data.cached(metrics.found_in_campaign, campaign=config.campaign))
        return
    if can_export(view.viewer):
        downloads(config, view)
    else:
        st.caption(text("export_needs_login"))
    overdue_section(view)
    due_soon = int(now["due_soon"])
    st.subheader(text("due_soon_list", n=due_soon), anchor=False)
    if not due_soon:
        st.info(text("no_due_soon"))
    else:
        due = data.cached(metrics.due_soon_tickets, as_of=view.as_of, filters=view.filters, limit=TABLE_ROWS)
        ticket_table(due, DUE_COLUMNS, key="due_soon_table", view=view, total=due_soon)


render()
