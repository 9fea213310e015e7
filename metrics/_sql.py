"""SQL building blocks shared by the metric modules: the exact DOMAIN.md definitions as expressions."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from metrics.filters import Filters, Params, filter_sql

# 已销号 counts as rectified: a ticket struck off without a rectified date is rectified on its 销号 date.
RECTIFIED_ON = "least(rectified_date, closed_date)"


def found_by(day: str) -> str:
    """found(D): found_date <= D. `day` is a placeholder or SQL date expression."""
    return f"(found_date <= {day})"


def rectified_by(day: str) -> str:
    """rectified(D): found by D and rectified (or struck off) by D."""
    return f"(found_date <= {day} AND coalesce({RECTIFIED_ON} <= {day}, false))"


def closed_by(day: str) -> str:
    """closed(D): found by D and struck off (销号) by D."""
    return f"(found_date <= {day} AND coalesce(closed_date <= {day}, false))"


def overdue_at(day: str) -> str:
    """overdue(D): found, not rectified by D, deadline < D; no deadline is never overdue."""
    return (
        f"(found_date <= {day} AND coalesce(deadline < {day}, false)"
        f" AND NOT coalesce({RECTIFIED_ON} <= {day}, false))"
    )


def on_time_by(day: str) -> str:
    """Rectified by D on or before its deadline (no deadline counts as on time)."""
    return f"({rectified_by(day)} AND (deadline IS NULL OR {RECTIFIED_ON} <= deadline))"


def late_by(day: str) -> str:
    """Rectified by D after its deadline."""
    return f"({rectified_by(day)} AND {RECTIFIED_ON} > deadline)"


def rate_sql(numerator: str, denominator: str) -> str:
    """numerator / denominator as a DOUBLE, NULL when the denominator is 0."""
    return f"CASE WHEN ({denominator}) = 0 THEN NULL ELSE ({numerator}) / ({denominator}) END"


def count_where(condition: str) -> str:
    """count(*) FILTER: unlike count_if it gives 0, not NULL, over no rows."""
    return f"count(*) FILTER (WHERE {condition})"


def core_counts(day: str) -> str:
    """Aggregates every breakdown shares; the rows must already be limited to tickets found by D."""
    return f"""count(*) AS found,
        {count_where(rectified_by(day))} AS rectified,
        {count_where(overdue_at(day))} AS overdue,
        {count_where(closed_by(day))} AS closed,
        {count_where("severity = 'major'")} AS major_found,
        {count_where("severity = 'major' AND " + rectified_by(day))} AS major_rectified"""


def base_where(as_of: dt.date, filters: Filters) -> tuple[str, Params]:
    """WHERE condition "found by $1 and matching the filters"; $1 is the as-of date."""
    params = Params(as_of)
    condition, _ = filter_sql(filters, params)
    return f"{found_by('$1')} AND {condition}", params


def query_df(con: duckdb.DuckDBPyConnection, sql: str, params: Params | list[object]) -> pd.DataFrame:
    """Run one query and fetch it whole (DuckDB 2 needs a result fetched before the next statement)."""
    values = params.values if isinstance(params, Params) else params
    return con.execute(sql, values).df()


# The latest import of each source (imports.source_key); older imports of the same source are superseded.
CURRENT_IMPORT_IDS = "SELECT max(import_id) FROM imports GROUP BY source_key"

DUE_SOON_DAYS = 7


def due_within(day: str, days: int) -> str:
    """Deadline from D to D + days, both included (`days` is an int from code, never user text)."""
    return f"(deadline BETWEEN {day} AND CAST({day} AS DATE) + {int(days)})"
