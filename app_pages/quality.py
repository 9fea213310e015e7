"""数据质量: the imports, the rows kept aside with reasons and raw values, villages that sent no ledger,
the loads' warnings and the cells they could not read; each of the viewer's villages only (View.ledger_villages)."""

from __future__ import annotations

import streamlit as st

import metrics
from firedash.access import can_see_raw_rows
from firedash.config import TownConfig
from firedash.glossary import text
from ui import data
from ui.controls import View, current_view
from ui.downloads import rejected_frame, rejected_workbook
from ui.format import fmt_date, is_missing
from ui.layout import as_of_stamp, download, page_title, plain_table, table

IMPORT_COLUMNS = (
    "imported_at", "file_name", "report_date", "ledger_kinds", "rows_read", "rows_new", "rows_updated",
    "rows_unchanged", "rows_rejected", "superseded",
)  # fmt: skip


def town_only(view: View) -> bool:
    """A 科室 user's view: the ledgers come from villages, none of them its own; says so."""
    if view.ledger_villages == ():
        st.caption(text("town_only"))
        return True
    return False


def imports_section(view: View) -> None:
    st.subheader(text("imports"), anchor=False)
    if town_only(view):
        return
    imports = data.cached(metrics.imports_log, villages=view.ledger_villages)
    if imports.empty:
        st.info(text("no_data"))
    else:
        table(imports, IMPORT_COLUMNS, key="quality_imports")


def rejected_section(town: str, view: View) -> None:
    st.subheader(text("rejected"), anchor=False)
    if town_only(view):  # rows kept aside carry a village, no office
        return
    rejected = data.cached(metrics.rejected_rows, current_only=True, villages=view.ledger_villages)
    if rejected.empty:
        st.success(text("no_rejected"))
        return
    raw = can_see_raw_rows(view.viewer)
    if raw:
        download(
            text("download_xlsx"),
            rejected_workbook(town, view.as_of, view.ledger_villages),
            file_name=text("file_rejected", stamp=as_of_stamp(view.as_of)),
            key="rejected_download",
        )
    else:
        st.caption(text("raw_needs_login"))
    plain_table(rejected_frame(rejected, raw_values=raw), key="quality_rejected")


def missing_section(config: TownConfig, view: View) -> None:
    st.subheader(text("no_ledger"), anchor=False)
    own = view.own_villages
    if own == ():
        st.caption(text("town_only"))
        return
    missing = data.cached(
        metrics.villages_without_ledger, villages=config.villages if own is None else own,
        as_of=view.as_of, campaign=config.campaign,
    )  # fmt: skip
    if missing.empty:
        st.success(text("all_sent"))
        return
    week = missing.iloc[0]
    if not is_missing(week["week_start"]):
        st.caption(text("week_span", start=fmt_date(week["week_start"]), end=fmt_date(week["week_end"])))
    table(missing, ("village", "last_report_date"), key="quality_missing")


def warnings_section(view: View) -> None:
    st.subheader(text("import_warnings"), anchor=False)
    if town_only(view):
        return
    warnings = data.cached(metrics.import_warnings, villages=view.ledger_villages)
    if warnings.empty:
        st.success(text("no_import_warnings"))
        return
    table(warnings, ("file_name", "message", "count"), key="quality_warnings")


def issues_section(view: View) -> None:
    st.subheader(text("data_issues"), anchor=False)
    if town_only(view):
        return
    issues = data.cached(metrics.data_issues, villages=view.ledger_villages)
    if issues.empty:
        st.success(text("no_data_issues"))
        return
    table(issues, ("file_name", "sheet", "row_number", "column", "value", "problem"), key="quality_issues")


def render() -> None:
    config, view = data.config(), current_view()
    page_title("quality")
    imports_section(view)
    rejected_section(config.town, view)
    missing_section(config, view)
    warnings_section(view)
    issues_section(view)


render()
