"""What the loads left behind: the import log, rows kept aside, and villages that sent no ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from firedash.config import Campaign
from metrics._sql import CURRENT_IMPORT_IDS, query_df
from metrics.filters import Params


def imports_of(villages: Sequence[str] | None, params: Params, column: str = "import_id") -> str:
    """A condition on `column`: the import is one whose every village is among `villages` (None: any
    import; an empty list: none). A ledger naming another village too (a joint 社区 sheet) stays the
    town's: its file name, warnings and cells are not one village's to see."""
    if villages is None:
        return "TRUE"
    if not villages:
        return "FALSE"
    return f"""{column} IN (SELECT import_id FROM import_villages GROUP BY import_id
        HAVING bool_and(village IN ({params.many(villages)})))"""  # noqa: S608 -- values are bound


def imports_log(con: duckdb.DuckDBPyConnection, *, villages: Sequence[str] | None = None) -> pd.DataFrame:
    """Every import (of `villages` only: imports_of), newest first; `superseded` marks one a later import
    of the same source replaced."""
    params = Params()
    sql = f"""
    SELECT import_id, imported_at, file_name, source_key, report_date, ledger_kinds, sheets, rows_read,
        rows_new, rows_updated, rows_unchanged, rows_rejected,
        import_id NOT IN ({CURRENT_IMPORT_IDS}) AS superseded
    FROM imports WHERE {imports_of(villages, params)}
    ORDER BY imported_at DESC, import_id DESC"""  # noqa: S608 -- fragments built here; values are bound
    return query_df(con, sql, params)


def rejected_rows(
    con: duckdb.DuckDBPyConnection, *, current_only: bool = True, villages: Sequence[str] | None = None
) -> pd.DataFrame:
    """Rows kept aside: file_name, sheet, row_number, village, reason, raw_values, imported_at.

    current_only keeps the rows of each source's latest import (older ones were superseded);
    villages (None = all, empty = none) keeps the rows whose best-guess village is among them.
    """
    params = Params()
    conditions = [f"r.import_id IN ({CURRENT_IMPORT_IDS})" if current_only else "TRUE"]
    if villages is not None:
        conditions.append(f"r.village IN ({params.many(villages)})" if villages else "FALSE")
    sql = f"""
    SELECT r.file_name, r.sheet, r.row_number, r.village, r.reason, r.raw_values, i.imported_at, r.import_id
    FROM rejected_rows r JOIN imports i USING (import_id)
    WHERE {" AND ".join(conditions)}
    ORDER BY i.imported_at DESC, r.import_id DESC, r.file_name, r.sheet, r.row_number"""  # noqa: S608
    return query_df(con, sql, params)


def latest_report_week(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, campaign: Campaign
) -> tuple[dt.date, dt.date] | None:
    """(Monday, Sunday) of the week of the newest report_date on or before as_of; None before any."""
    rows = con.execute("SELECT max(report_date) FROM imports WHERE report_date <= ?", [as_of]).fetchall()
    newest = rows[0][0]
    if newest is None:
        return None
    week_no = campaign.week_number(newest)
    return campaign.week_start(week_no), campaign.week_end(week_no)


def villages_without_ledger(
    con: duckdb.DuckDBPyConnection, *, villages: Sequence[str], as_of: dt.date, campaign: Campaign
) -> pd.DataFrame:
    """Villages (config order) with no ledger among the imports of the latest reported week up to as_of.

    Columns: village, last_report_date (its newest report on or before as_of; empty if never),
    week_start, week_end (the week looked at; empty when nothing was reported by as_of).
    """
    week = latest_report_week(con, as_of=as_of, campaign=campaign)
    params = Params(as_of)
    week_start, week_end = (params(week[0]), params(week[1])) if week else ("NULL", "NULL")
    keys = params(list(villages))
    sql = f"""
    WITH listed AS (SELECT unnest(CAST({keys} AS VARCHAR[])) AS village,
                           generate_subscripts(CAST({keys} AS VARCHAR[]), 1) AS position),
    reported AS (
        SELECT v.village, max(i.report_date) AS last_report_date,
            bool_or(i.report_date BETWEEN {week_start} AND {week_end}) AS in_week
        FROM import_villages v JOIN imports i USING (import_id)
        WHERE i.report_date <= $1 GROUP BY v.village
    )
    SELECT listed.village, reported.last_report_date,
        CAST({week_start} AS DATE) AS week_start, CAST({week_end} AS DATE) AS week_end
    FROM listed LEFT JOIN reported USING (village)
    WHERE NOT coalesce(reported.in_week, false)
    ORDER BY position"""  # noqa: S608 -- fragments built here; values are bound
    return query_df(con, sql, params)


def latest_import(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The newest import (0 or 1 row): import_id, imported_at, file_name, report_date."""
    sql = """
    SELECT import_id, imported_at, file_name, report_date FROM imports
    ORDER BY imported_at DESC, import_id DESC LIMIT 1"""
    return query_df(con, sql, [])


def import_warnings(con: duckdb.DuckDBPyConnection, *, villages: Sequence[str] | None = None) -> pd.DataFrame:
    """Warnings of each source's latest import (of `villages` only: imports_of): file_name, code, message,
    sheet, column, count, imported_at."""
    params = Params()
    sql = f"""
    SELECT i.file_name, w.code, w.message, w.sheet, w."column", w.count, i.imported_at, w.import_id
    FROM import_warnings w JOIN imports i USING (import_id)
    WHERE w.import_id IN ({CURRENT_IMPORT_IDS}) AND {imports_of(villages, params, "w.import_id")}
    ORDER BY i.imported_at DESC, w.import_id DESC, w.position"""  # noqa: S608 -- fragments built here
    return query_df(con, sql, params)


def data_issues(con: duckdb.DuckDBPyConnection, *, villages: Sequence[str] | None = None) -> pd.DataFrame:
    """Cells read as unknown in the latest import of each source (of `villages` only: imports_of):
    file_name, sheet, row_number, column, field, value, problem."""
    params = Params()
    sql = f"""
    SELECT i.file_name, d.sheet, d.row_number, d."column", d.field, d.value, d.problem, d.import_id
    FROM data_issues d JOIN imports i USING (import_id)
    WHERE d.import_id IN ({CURRENT_IMPORT_IDS}) AND {imports_of(villages, params, "d.import_id")}
    ORDER BY i.imported_at DESC, d.import_id DESC, d.sheet, d.row_number, d."column\""""  # noqa: S608
    return query_df(con, sql, params)
