"""A ticket's history one click away: every table of tickets lets a row be picked, and the picked ticket's
status reports (each status, by which file and row, on which date) open in a dialog above the page.

The tables hold only the viewer's tickets (ui.controls.View applies the scope), and the history is asked
for within the same scope again, so no pick can show another village's or office's ticket.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import partial

import pandas as pd
import streamlit as st

import metrics
from firedash.glossary import text
from ui import data
from ui.controls import View
from ui.format import DASH, display_frame, fmt_date, is_missing
from ui.layout import TABLE_ROWS, table

HISTORY_COLUMNS = (
    "report_date", "status", "reported_state", "rectified_date", "closed_date", "file_name", "sheet",
    "row_number", "import_id", "imported_at",
)  # fmt: skip
_NO_PICK = {"selection": {"rows": [], "columns": [], "cells": []}}


def ticket_table(
    frame: pd.DataFrame,
    columns: Iterable[str],
    *,
    key: str,
    view: View,
    max_rows: int = TABLE_ROWS,
    total: int | None = None,
) -> None:
    """ui.layout.table for a frame of tickets (with ticket_id): a click on a row's marker opens its history."""
    rows = table(frame, columns, key=key, max_rows=max_rows, total=total, selectable=True)
    st.caption(text("history_hint"))
    ticket = picked_ticket(frame.head(max_rows), rows)
    if ticket is not None:
        dialog = st.dialog(text("history_title"), width="large", on_dismiss=partial(unpick, key))
        dialog(history_body)(view, ticket, key=key)


def picked_ticket(frame: pd.DataFrame, rows: Sequence[int]) -> dict[str, object] | None:
    """The ticket of the first picked row (positions in the frame as shown), None when none is picked."""
    if not rows or "ticket_id" not in frame.columns or not 0 <= rows[0] < len(frame):
        return None
    return frame.iloc[rows[0]].to_dict()


def unpick(key: str) -> None:
    """Clear a table's pick when its history is closed, so the next run does not open it again."""
    st.session_state[key] = _NO_PICK


def history_body(view: View, ticket: Mapping[str, object], *, key: str) -> None:
    """The ticket named in plain text (ledger text is never Markdown or HTML) and its reports, oldest first."""
    reports = data.cached(
        metrics.ticket_history,
        ticket_id=str(ticket["ticket_id"]),
        villages=view.village_scope,
        offices=view.office_scope,
    )
    if reports.empty:
        st.info(text("history_none"))
        return
    st.text(ticket_line(ticket))
    st.text(ticket_facts(ticket))
    st.dataframe(
        display_frame(reports, HISTORY_COLUMNS), key=f"{key}_history", hide_index=True, width="stretch"
    )
    st.caption(text("history_rule"))


def _shown(value: object) -> str:
    return DASH if is_missing(value) or not str(value).strip() else str(value)


def ticket_line(ticket: Mapping[str, object]) -> str:
    """东河村 · 东河饭店：燃气软管老化"""
    return text(
        "history_ticket",
        village=_shown(ticket.get("village")),
        unit=_shown(ticket.get("unit")),
        description=_shown(ticket.get("description")),
    )


def ticket_facts(ticket: Mapping[str, object]) -> str:
    """隐患编号 DH-001；排查日期 2023年12月6日；整改期限 —"""
    return text(
        "history_facts",
        hazard_no=_shown(ticket.get("hazard_no")),
        found=fmt_date(ticket.get("found_date")),
        deadline=fmt_date(ticket.get("deadline")),
    )
