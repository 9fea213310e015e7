"""Workbooks offered for download: each gathers its metric frames, labels them and writes an .xlsx."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import partial

import pandas as pd

import metrics
from firedash.glossary import AUDIT_ACTIONS, AUDIT_COLUMN_LABELS, PAGE_TITLES, text
from metrics.filters import Filters
from ui import data
from ui.export import xlsx_bytes
from ui.format import display_frame, raw_values_text

OVERDUE_EXPORT_COLUMNS = (
    "hazard_no", "village", "unit", "sector", "category", "description", "severity", "county_supervised",
    "office", "responsible", "found_date", "deadline", "days_overdue", "ageing_band",
)  # fmt: skip
DUE_SOON_EXPORT_COLUMNS = (
    "hazard_no", "village", "unit", "sector", "category", "description", "severity", "office", "responsible",
    "found_date", "deadline", "days_left",
)  # fmt: skip
REJECTED_EXPORT_COLUMNS = ("file_name", "sheet", "row_number", "village", "reason", "raw_values")
COMPARISON_COLUMNS = (
    "week", "week_start", "week_end", "found", "rectified", "rate", "rate_change_pp", "new_found",
    "new_rectified", "newly_overdue", "newly_closed",
)  # fmt: skip
RANKING_COLUMNS = (
    "rank", "village", "found", "rectified", "rate", "rate_last_week", "rate_change_pp", "rank_last_week",
    "rank_move",
)  # fmt: skip


def overdue_workbook(town: str, as_of: dt.date, filters: Filters) -> Callable[[], bytes]:
    """A deferred builder (run only on click) of the overdue and due-soon lists."""
    return partial(_overdue_bytes, town, as_of, filters)


def _overdue_bytes(town: str, as_of: dt.date, filters: Filters) -> bytes:
    overdue = data.run(metrics.overdue_tickets, as_of=as_of, filters=filters)
    due = data.run(metrics.due_soon_tickets, as_of=as_of, filters=filters, days=7)
    sheets = {
        text("sheet_overdue"): display_frame(overdue, OVERDUE_EXPORT_COLUMNS),
        text("sheet_due_soon"): display_frame(due, DUE_SOON_EXPORT_COLUMNS),
    }
    return xlsx_bytes(sheets, title=text("title_overdue", town=town), as_of=as_of)


def rejected_frame(rejected: pd.DataFrame, *, raw_values: bool = True) -> pd.DataFrame:
    """Rejected rows with their raw cells spelled out, labelled for the screen and the workbook; without
    the raw cells (phone numbers among them) for a viewer who is not logged in."""
    shown = rejected.assign(raw_values=rejected["raw_values"].map(raw_values_text))
    columns = REJECTED_EXPORT_COLUMNS if raw_values else REJECTED_EXPORT_COLUMNS[:-1]
    return display_frame(shown, columns)


def rejected_workbook(town: str, as_of: dt.date, villages: tuple[str, ...]) -> Callable[[], bytes]:
    """A deferred builder of the rows kept aside, so each village can fix its ledger."""
    return partial(_rejected_bytes, town, as_of, villages)


def _rejected_bytes(town: str, as_of: dt.date, villages: tuple[str, ...]) -> bytes:
    rejected = data.run(metrics.rejected_rows, current_only=True, villages=villages)
    sheets = {text("sheet_rejected"): rejected_frame(rejected)}
    return xlsx_bytes(sheets, title=text("title_rejected", town=town), as_of=as_of)


def weekly_workbook(
    town: str,
    as_of: dt.date,
    week_name: str,
    *,
    comparison: pd.DataFrame,
    ranking: pd.DataFrame,
    red: pd.DataFrame,
    black: pd.DataFrame,
    ranking_columns: tuple[str, ...] = RANKING_COLUMNS,
) -> bytes:
    """The week's figures as one workbook: the comparison, the village ranking, the 红榜 and the 黑榜
    (`ranking_columns`: the columns of the ranking sheets this viewer may see)."""
    sheets = {
        text("sheet_week_summary"): display_frame(comparison, COMPARISON_COLUMNS),
        text("sheet_week_ranking"): display_frame(ranking, ranking_columns),
        text("red_list"): display_frame(red, ranking_columns),
        text("black_list"): display_frame(black, ranking_columns),
    }
    return xlsx_bytes(sheets, title=text("title_weekly", town=town, week=week_name), as_of=as_of)


def audit_people(trail: pd.DataFrame) -> list[str]:
    """Everyone the audit trail names, in name order (the user filter's choices)."""
    return sorted(set(trail["who"]))


def audit_frame(trail: pd.DataFrame) -> pd.DataFrame:
    """The audit trail for the screen and the workbook: action labels, times to the second, data as JSON."""
    shown = trail.assign(
        at=trail["at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        action=trail["action"].map(lambda code: AUDIT_ACTIONS.get(code, code)),
        data=trail["data"].map(lambda value: json.dumps(value, ensure_ascii=False) if value else ""),
    )
    return shown[list(AUDIT_COLUMN_LABELS)].rename(columns=AUDIT_COLUMN_LABELS)


def audit_workbook(town: str, as_of: dt.date, trail: pd.DataFrame) -> Callable[[], bytes]:
    """A deferred builder of the audit trail as shown (cells that look like formulas stay text)."""
    return partial(_audit_bytes, town, as_of, trail)


def _audit_bytes(town: str, as_of: dt.date, trail: pd.DataFrame) -> bytes:
    sheets = {PAGE_TITLES["audit"]: audit_frame(trail)}
    return xlsx_bytes(sheets, title=text("title_audit", town=town), as_of=as_of)
