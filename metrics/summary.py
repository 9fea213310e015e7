"""The town's headline figures as of a date: one row of counts and rates."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from firedash.config import Campaign
from metrics._sql import (
    CLOSED_BIT,
    CORE_COUNTS,
    CURRENT_IMPORT_IDS,
    DUE_SOON,
    LATE_BIT,
    OVERDUE,
    base_where,
    coded,
    query_df,
    rate_sql,
    total,
)
from metrics.filters import NO_FILTERS, Filters

SUMMARY_COLUMNS = (
    "found", "rectified", "rate", "open", "overdue", "closed", "rectified_on_time", "rectified_late",
    "on_time_rate", "major_found", "major_rectified", "major_open", "major_rate", "general_found",
    "general_rectified", "general_rate", "serious_found", "supervised_open", "due_soon",
)  # fmt: skip


def _summary_sql(where: str) -> str:
    return f"""
    SELECT found, rectified, {rate_sql("rectified", "found")} AS rate, found - rectified AS open,
        overdue, closed, rectified_on_time, rectified_late,
        {rate_sql("rectified_on_time", "rectified + overdue")} AS on_time_rate,
        major_found, major_rectified, major_found - major_rectified AS major_open,
        {rate_sql("major_rectified", "major_found")} AS major_rate,
        found - major_found AS general_found, rectified - major_rectified AS general_rectified,
        {rate_sql("rectified - major_rectified", "found - major_found")} AS general_rate,
        serious_found, supervised_open, due_soon
    FROM (
        SELECT {CORE_COUNTS},
            {total(f"code IN (0, {CLOSED_BIT})")} AS rectified_on_time,
            {total(f"code IN ({LATE_BIT}, {CLOSED_BIT + LATE_BIT})")} AS rectified_late,
            {total("severity = 'serious'")} AS serious_found,
            {total(f"county_supervised AND code >= {OVERDUE}")} AS supervised_open,
            {total(f"code = {DUE_SOON}")} AS due_soon
        FROM {coded(where)}
    )"""  # noqa: S608 -- fragments built in this package; values are bound


def summary(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """One row: found, rectified, rate, open, overdue, closed, on-time figures, 重大/一般 split, due soon.

    general_* counts 一般 and 较大 together (the 一般/重大 split).
    """
    where, params = base_where(as_of, filters)
    frame = query_df(con, _summary_sql(where), params)
    return frame[list(SUMMARY_COLUMNS)]


def summary_figures(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, filters: Filters = NO_FILTERS
) -> dict[str, object]:
    """The summary row as a dict (what the tiles and sentences read)."""
    return summary(con, as_of=as_of, filters=filters).to_dict("records")[0]


def found_in_campaign(con: duckdb.DuckDBPyConnection, *, campaign: Campaign) -> int:
    """Tickets found by the campaign's end, unfiltered: 0 means the store has nothing to show at all."""
    return int(summary(con, as_of=campaign.end)["found"].iloc[0])


def rejected_row_count(con: duckdb.DuckDBPyConnection) -> int:
    """Rows now kept aside: the rejected rows of each source's latest import."""
    sql = f"SELECT count(*) FROM rejected_rows WHERE import_id IN ({CURRENT_IMPORT_IDS})"  # noqa: S608 -- constant SQL
    return int(con.execute(sql).fetchall()[0][0])
