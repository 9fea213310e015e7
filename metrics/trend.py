"""Week-by-week and day-by-day figures of the campaign, aggregated by date inside DuckDB.

Each ticket contributes a few dated events (found, rectified, closed, overdue start/end); counting
events per bucket and summing them with a window gives every cumulative figure without crossing
tickets with weeks, so a million tickets stay fast.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from firedash.config import Campaign
from metrics._sql import RECTIFIED_ON, query_df, rate_sql
from metrics.filters import NO_FILTERS, Filters, Params, filter_sql

# per-bucket change -> cumulative column
_RUNNING = (
    ("new_found", "cum_found"),
    ("new_rectified", "cum_rectified"),
    ("new_closed", "cum_closed"),
    ("overdue_change", "overdue"),
)


def _not_before_found(column: str) -> str:
    """The later of found_date and a nullable date (DuckDB's greatest() would skip the NULL)."""
    return f"CASE WHEN {column} IS NOT NULL THEN greatest(found_date, {column}) END"


def _events_sql(where: str, bucket: str) -> str:
    """CTEs t, events, per_bucket: the changes per bucket (the SQL expression `bucket` of column day).

    Only events on or before $1 count. A ticket is rectified (closed) on the later of its found and
    rectified (closed) dates, and overdue from the later of its found date and deadline + 1 until it
    is rectified.
    """
    parts = {
        "found": "SELECT f AS day, 1 AS n FROM t",
        "rectified": "SELECT r AS day, 1 AS n FROM t WHERE r <= $1",
        "closed": "SELECT c AS day, 1 AS n FROM t WHERE c <= $1",
        "overdue_start": "SELECT o AS day, 1 AS n FROM t WHERE o <= $1 AND (r IS NULL OR r > o)",
        "overdue_end": "SELECT r AS day, -1 AS n FROM t WHERE r <= $1 AND r > o",
    }
    unions = " UNION ALL ".join(
        f"SELECT {bucket} AS bucket, '{kind.split('_')[0]}' AS kind, sum(n) AS n FROM ({sql}) GROUP BY 1"  # noqa: S608
        for kind, sql in parts.items()
    )
    return f"""
    t AS (SELECT found_date AS f, {_not_before_found(RECTIFIED_ON)} AS r, {_not_before_found("closed_date")} AS c,
                 {_not_before_found("deadline + 1")} AS o
          FROM tickets WHERE found_date <= $1 AND {where}),
    events AS ({unions}),
    per_bucket AS (
        SELECT bucket,
            coalesce(sum(n) FILTER (WHERE kind = 'found'), 0) AS new_found,
            coalesce(sum(n) FILTER (WHERE kind = 'rectified'), 0) AS new_rectified,
            coalesce(sum(n) FILTER (WHERE kind = 'closed'), 0) AS new_closed,
            coalesce(sum(n) FILTER (WHERE kind = 'overdue'), 0) AS overdue_change
        FROM events GROUP BY bucket
    )"""  # noqa: S608 -- fragments built here; values are bound


def _running_sql(where: str, bucket: str, buckets: str) -> str:
    """CTEs up to `running`: one row per bucket i in 0 … buckets − 1 with its changes and running totals."""
    changes = ", ".join(f"CAST(coalesce({c}, 0) AS BIGINT) AS {c}" for c, _ in _RUNNING)
    totals = ", ".join(f"CAST(sum({c}) OVER (ORDER BY i) AS BIGINT) AS {total}" for c, total in _RUNNING)
    return f"""
    WITH {_events_sql(where, bucket)},
    filled AS (
        SELECT i, {changes} FROM (SELECT range AS i FROM range(0, {buckets}))
        LEFT JOIN per_bucket ON bucket = i
    ),
    running AS (SELECT *, {totals} FROM filled)"""  # noqa: S608 -- fragments built here; values are bound


def weekly_trend(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, filters: Filters = NO_FILTERS, campaign: Campaign
) -> pd.DataFrame:
    """One row per week, 第1周 to the week holding as_of, figures as of min(week_end, as_of).

    week_no, week_start, week_end, new_found, new_rectified, new_closed, cum_found, cum_rectified,
    cum_closed, rate, overdue. Tickets found before 第1周 count in 第1周, so new_found adds up to cum_found.
    """
    params = Params(as_of)
    where, _ = filter_sql(filters, params)
    weeks = max(campaign.week_number(as_of), 0)
    n = params(weeks)
    week_index = f"{campaign.week_number_sql('day', params(campaign.week_start()))} - 1"
    bucket = f"least(greatest({week_index}, 0), {n} - 1)"
    sql = f"""{_running_sql(where, bucket, n)}
    SELECT CAST(i + 1 AS BIGINT) AS week_no, new_found, new_rectified, new_closed, cum_found, cum_rectified,
        cum_closed, {rate_sql("cum_rectified", "cum_found")} AS rate, overdue
    FROM running ORDER BY i"""  # noqa: S608 -- fragments built here; values are bound
    frame = query_df(con, sql, params)
    frame.insert(1, "week_start", _days([campaign.week_start(n) for n in range(1, weeks + 1)]))
    frame.insert(2, "week_end", _days([campaign.week_end(n) for n in range(1, weeks + 1)]))
    return frame


def _days(days: list[dt.date]) -> pd.Series:
    return pd.Series(pd.to_datetime(days), dtype="datetime64[us]")


def daily_cumulative(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, filters: Filters = NO_FILTERS, campaign: Campaign
) -> pd.DataFrame:
    """date, cum_found, cum_rectified, cum_closed, overdue: one row per day from campaign.start to as_of.

    Tickets found before the campaign's start count on its first day.
    """
    params = Params(as_of)
    where, _ = filter_sql(filters, params)
    start, n = params(campaign.start), params(max((as_of - campaign.start).days + 1, 0))
    bucket = f"least(greatest(day - CAST({start} AS DATE), 0), {n} - 1)"
    sql = f"""{_running_sql(where, bucket, n)}
    SELECT CAST({start} AS DATE) + CAST(i AS INTEGER) AS date, cum_found, cum_rectified, cum_closed, overdue
    FROM running ORDER BY i"""  # noqa: S608 -- fragments built here; values are bound
    return query_df(con, sql, params)
