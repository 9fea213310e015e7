"""Workbooks offered for download: each gathers its metric frames, labels them and writes an .xlsx."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import replace
from functools import partial

import pandas as pd

import metrics
from firedash.config import TownConfig
from firedash.glossary import AUDIT_ACTIONS, AUDIT_COLUMN_LABELS, PAGE_TITLES, text
from metrics.filters import Filters
from ui import data
from ui.export import export_frame, xlsx_bytes, zip_bytes
from ui.format import display_frame, filter_conditions, raw_values_text

# Reader first, in every ticket list and its export: where (村, 单位), what (隐患), how late (超期天数, 整改期限),
# who acts (责任人, 联系电话, 整改措施); the rest after, 隐患编号 last (many ledgers give none).
OVERDUE_EXPORT_COLUMNS = (
    "village", "unit", "description", "days_overdue", "deadline", "responsible", "phone", "measures",
    "severity", "county_supervised", "sector", "category", "office", "found_date", "ageing_band", "hazard_no",
)  # fmt: skip
PERSONAL_COLUMNS = frozenset({"responsible", "phone"})  # only for a logged-in user (access.can_export)
DUE_SOON_EXPORT_COLUMNS = (
    "village", "unit", "description", "days_left", "deadline", "responsible", "severity", "sector", "category",
    "office", "found_date", "hazard_no",
)  # fmt: skip
REJECTED_EXPORT_COLUMNS = ("file_name", "sheet", "row_number", "village", "reason", "raw_values")
COMPARISON_COLUMNS = (
    "week", "week_start", "week_end", "found", "rectified", "rate", "rate_change_pp", "new_found",
    "new_rectified", "newly_overdue", "newly_closed",
)  # fmt: skip
SEVERITY_EXPORT_COLUMNS = (
    "severity_group", "found", "rectified", "rate", "rate_change_pp", "new_found", "new_rectified",
    "newly_overdue",
)  # fmt: skip
# The week's newly overdue items, reader first: 村, 单位, 隐患, 超期天数, 整改期限, 责任人 (on 周报 and in its workbook).
NEWLY_OVERDUE_COLUMNS = ("village", "unit", "description", "days_overdue", "deadline", "responsible")
NEWLY_OVERDUE_EXPORT_COLUMNS = (
    *NEWLY_OVERDUE_COLUMNS, "phone", "measures", "office", "hazard_no", "severity", "county_supervised",
    "found_date",
)  # fmt: skip
RANKING_COLUMNS = (
    "rank", "village", "found", "rectified", "rate", "rate_last_week", "rate_change_pp", "rank_last_week",
    "rank_move",
)  # fmt: skip


def overdue_workbook(
    town: str, as_of: dt.date, filters: Filters, *, village: str | None = None
) -> Callable[[], bytes]:
    """A deferred builder (run only on click) of the overdue and due-soon lists; `village`: one village's
    own lists, its name in the title."""
    return partial(_overdue_bytes, town, as_of, filters, village)


def scope_title(town: str, filters: Filters) -> str:
    """Whose figures a workbook holds, for its title: 大同镇, 大同镇东河村, 大同镇东河村（场所类型：商场）; a
    filtered workbook never carries the bare town's title."""
    subject = town + text("list_separator").join(filters.villages)
    conditions = filter_conditions(filters)
    return subject + text("in_brackets", value=conditions) if conditions else subject


def scope_file_prefix(filters: Filters) -> str:
    """The chosen villages in front of a file name (东河村周报数据_第12周.xlsx); "" for the whole town."""
    return text("list_separator").join(filters.villages)


def overdue_title(town: str, filters: Filters) -> str:
    """The overdue list's title: the town's, or 大同镇东河村… for one village's own list."""
    return text("title_overdue", town=scope_title(town, filters))


def overdue_file_name(as_of: dt.date, village: str | None = None) -> str:
    """超期隐患清单_20240131.xlsx, or 东河村超期隐患清单_20240131.xlsx for one village."""
    return (village or "") + text("file_overdue", stamp=as_of.strftime("%Y%m%d"))


def _overdue_bytes(town: str, as_of: dt.date, filters: Filters, village: str | None = None) -> bytes:
    if village:
        filters = replace(filters, villages=(village,))
    overdue = data.run(metrics.overdue_tickets, as_of=as_of, filters=filters)
    due = data.run(metrics.due_soon_tickets, as_of=as_of, filters=filters, days=7)
    sheets = {
        text("sheet_overdue"): export_frame(overdue, OVERDUE_EXPORT_COLUMNS),
        text("sheet_due_soon"): export_frame(due, DUE_SOON_EXPORT_COLUMNS),
    }
    return xlsx_bytes(sheets, title=overdue_title(town, filters), as_of=as_of)


def villages_overdue_zip(
    town: str, as_of: dt.date, filters: Filters, villages: tuple[str, ...]
) -> Callable[[], bytes]:
    """A deferred builder of a ZIP holding each village's own overdue workbook, ready to send to it."""
    return partial(_villages_zip_bytes, town, as_of, filters, villages)


def _villages_zip_bytes(town: str, as_of: dt.date, filters: Filters, villages: tuple[str, ...]) -> bytes:
    return zip_bytes({overdue_file_name(as_of, v): _overdue_bytes(town, as_of, filters, v) for v in villages})


def rejected_frame(rejected: pd.DataFrame, *, raw_values: bool = True) -> pd.DataFrame:
    """Rejected rows with their raw cells spelled out, labelled for the screen and the workbook; without
    the raw cells (phone numbers among them) for a viewer who is not logged in."""
    shown = rejected.assign(raw_values=rejected["raw_values"].map(raw_values_text))
    columns = REJECTED_EXPORT_COLUMNS if raw_values else REJECTED_EXPORT_COLUMNS[:-1]
    return display_frame(shown, columns)


def rejected_workbook(town: str, as_of: dt.date, villages: tuple[str, ...] | None) -> Callable[[], bytes]:
    """A deferred builder of the rows kept aside (of `villages`; None: all), so each village can fix its ledger."""
    return partial(_rejected_bytes, town, as_of, villages)


def _rejected_bytes(town: str, as_of: dt.date, villages: tuple[str, ...] | None) -> bytes:
    rejected = data.run(metrics.rejected_rows, current_only=True, villages=villages)
    sheets = {text("sheet_rejected"): rejected_frame(rejected)}
    return xlsx_bytes(sheets, title=text("title_rejected", town=town), as_of=as_of)


def personal_columns(columns: tuple[str, ...], personal: bool) -> tuple[str, ...]:
    """The columns without 责任人/电话 unless the viewer may have them (access.can_export)."""
    return columns if personal else tuple(c for c in columns if c not in PERSONAL_COLUMNS)


def weekly_workbook(
    town: str,
    as_of: dt.date,
    week_name: str,
    *,
    comparison: pd.DataFrame,
    severity: pd.DataFrame,
    ranking: pd.DataFrame,
    red: pd.DataFrame,
    black: pd.DataFrame,
    newly_overdue: pd.DataFrame,
    ranking_columns: tuple[str, ...] = RANKING_COLUMNS,
    personal: bool = False,
) -> bytes:
    """The week's figures as one workbook: the comparison, 一般 and 重大 apart (metrics.week_by_severity),
    the village ranking, the 红榜, the 黑榜 and the newly overdue items (`ranking_columns`: the ranking
    columns this viewer may see; `personal`: with 责任人/电话)."""
    sheets = {
        text("sheet_week_summary"): export_frame(comparison, COMPARISON_COLUMNS),
        text("sheet_week_severity"): export_frame(severity, SEVERITY_EXPORT_COLUMNS),
        text("sheet_week_ranking"): export_frame(ranking, ranking_columns),
        text("red_list"): export_frame(red, ranking_columns),
        text("black_list"): export_frame(black, ranking_columns),
        text("sheet_newly_overdue"): export_frame(
            newly_overdue, personal_columns(NEWLY_OVERDUE_EXPORT_COLUMNS, personal)
        ),
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


SUMMARY_EXPORT_COLUMNS = (
    "date", "found", "rectified", "rate", "open", "overdue", "closed", "on_time_rate", "major_found",
    "major_rectified", "major_open", "supervised_open", "due_soon",
)  # fmt: skip
RATES_EXPORT_COLUMNS = ("found", "rectified", "rate", "open", "overdue", "closed", "major_found")
PHASE_EXPORT_COLUMNS = ("phase", "phase_start", "phase_end", *RATES_EXPORT_COLUMNS)
TREND_EXPORT_COLUMNS = (
    "week_no", "week_start", "week_end", "new_found", "new_rectified", "new_closed", "cum_found",
    "cum_rectified", "cum_closed", "rate", "overdue",
)  # fmt: skip


def dashboard_workbook(
    config: TownConfig,
    as_of: dt.date,
    filters: Filters,
    town: Filters,
    *,
    personal: bool,
    town_columns: tuple[str, ...] | None = None,
) -> Callable[[], bytes]:
    """A deferred builder of the whole dashboard as one workbook, a sheet a view (`town`: the filters the
    rankings run on; `personal`: with 责任人/电话, for a logged-in user; `town_columns`: the ranking
    columns a scoped viewer may see, View.town_columns)."""
    return partial(_dashboard_bytes, config, as_of, filters, town, personal, town_columns)


def _dashboard_bytes(
    config: TownConfig,
    as_of: dt.date,
    filters: Filters,
    town: Filters,
    personal: bool,
    town_columns: tuple[str, ...] | None = None,
) -> bytes:
    campaign = config.campaign
    view = {"as_of": as_of, "filters": filters}
    now, before = data.run(metrics.summary_with_last_week, **view, campaign=campaign)
    before_day = metrics.previous_week_end(campaign, as_of)
    summary = pd.DataFrame([{**now, "date": as_of}, {**before, "date": before_day}])
    ranked, unranked = data.run(
        metrics.village_ranking, as_of=as_of, filters=town, villages=config.villages,
        min_tickets=config.dashboard.min_tickets_to_rank,
    )  # fmt: skip
    week = {"week_no": max(1, campaign.week_number(as_of)), "campaign": campaign, "as_of": as_of}
    overdue_columns = [c for c in OVERDUE_EXPORT_COLUMNS if personal or c not in PERSONAL_COLUMNS]
    village_columns = ("rank", "village", *RATES_EXPORT_COLUMNS)
    if town_columns is not None:
        village_columns = tuple(c for c in village_columns if c in town_columns)
    sheets = {
        PAGE_TITLES["overview"]: export_frame(summary, SUMMARY_EXPORT_COLUMNS),
        PAGE_TITLES["villages"]: export_frame(pd.concat([ranked, unranked]), village_columns),
        PAGE_TITLES["sectors"]: export_frame(
            data.run(metrics.rates_by_sector, **view, sectors=config.sectors),
            ("sector", *RATES_EXPORT_COLUMNS),
        ),
        PAGE_TITLES["overdue"]: export_frame(data.run(metrics.overdue_tickets, **view), overdue_columns),
        PAGE_TITLES["timeline"]: export_frame(
            data.run(metrics.rates_by_phase, **view, campaign=campaign), PHASE_EXPORT_COLUMNS
        ),
        text("sheet_trend"): export_frame(
            data.run(metrics.weekly_trend, **view, campaign=campaign), TREND_EXPORT_COLUMNS
        ),
        PAGE_TITLES["weekly"]: export_frame(
            data.run(metrics.week_comparison, **week, filters=filters), COMPARISON_COLUMNS
        ),
        text("sheet_week_ranking"): export_frame(
            data.run(
                metrics.village_week_ranking,
                **week,
                filters=town,
                villages=config.villages,
                min_tickets=config.dashboard.min_tickets_to_rank,
            ),
            RANKING_COLUMNS
            if town_columns is None
            else tuple(c for c in RANKING_COLUMNS if c in town_columns),
        ),  # fmt: skip
    }
    return xlsx_bytes(
        sheets, title=text("title_dashboard", town=scope_title(config.town, filters)), as_of=as_of
    )
