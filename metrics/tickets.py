"""Ticket lists as of a date: overdue, due soon, and any state (states and bands as codes); one ticket's history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from firedash.glossary import text
from metrics._sql import (
    DUE_SOON_DAYS,
    RECTIFIED_ON,
    base_where,
    closed_by,
    due_within,
    overdue_at,
    query_df,
    rectified_by,
)
from metrics.filters import NO_FILTERS, Filters, Params

# A ticket's state as of D (ticket_list's `state`), in the order that decides it: closed beats
# rectified beats overdue … Their labels are firedash.glossary.STATE_LABELS.
STATES = ("closed", "rectified", "overdue", "in_progress", "open")
# ticket_list(state=...) -> which tickets: "open" holds every not-rectified one, "rectified" the closed too.
LIST_STATES = ("all", "open", "overdue", "rectified", "closed")
# (most days overdue, band code): the codes are the SQL values; labels in glossary.AGEING_BAND_LABELS.
AGEING_BANDS = ((7, "1_7d"), (30, "8_30d"), (None, "over_30d"))
AGEING_BAND_CODES = tuple(code for _, code in AGEING_BANDS)

_TICKET_COLUMNS = (
    "ticket_id, hazard_no, village, unit, sector, category, description, severity, county_supervised, "
    "office, responsible, phone, measures, found_date, deadline"
)


def _ageing_case(days: str) -> str:
    whens = " ".join(f"WHEN {days} <= {limit} THEN '{band}'" for limit, band in AGEING_BANDS if limit)
    return f"CASE {whens} ELSE '{AGEING_BANDS[-1][1]}' END"


def _picked(condition: str, order: str, limit: int | None, params: Params) -> str:
    """WHERE condition for `condition`, cut to the first `limit` tickets by `order` when a limit is set.

    With a limit, the rows are chosen by rowid first and only they are read whole: sorting all
    columns of a few hundred thousand matches would cost far more.
    """
    if limit is None:
        return condition
    return (
        f"rowid IN (SELECT rowid FROM tickets WHERE {condition} ORDER BY {order} LIMIT {params(int(limit))})"  # noqa: S608
    )


def overdue_tickets(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: dt.date,
    filters: Filters = NO_FILTERS,
    limit: int | None = None,
    bands: Sequence[str] = (),
) -> pd.DataFrame:
    """Tickets overdue at D, most days overdue first, with days_overdue = D − deadline and ageing_band.

    `bands` keeps only the tickets of those ageing bands (all when empty).
    """
    where, params = base_where(as_of, filters)
    condition = f"{where} AND {overdue_at('$1')}"
    if bands:
        condition += f" AND {_ageing_case('(CAST($1 AS DATE) - deadline)')} IN ({params.many(bands)})"
    order = "deadline, found_date, ticket_id"  # earliest deadline = most days overdue
    sql = f"""
    SELECT {_TICKET_COLUMNS}, days_overdue, {_ageing_case("days_overdue")} AS ageing_band
    FROM (SELECT *, CAST($1 AS DATE) - deadline AS days_overdue FROM tickets
          WHERE {_picked(condition, order, limit, params)})
    ORDER BY {order}"""  # noqa: S608 -- fragments built here; values are bound
    return query_df(con, sql, params)


def newly_overdue_tickets(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: dt.date,
    last_week_end: dt.date,
    filters: Filters = NO_FILTERS,
    limit: int | None = None,
) -> pd.DataFrame:
    """Tickets overdue at as_of that were not overdue at last_week_end: the week's newly overdue items
    (week_comparison's newly_overdue counts them). Overdue means deadline < D, so a ticket due on last
    week's Sunday is overdue from Monday and is this week's; one due the Saturday before is last week's.

    Columns as overdue_tickets (most days overdue first).
    """
    where, params = base_where(as_of, filters)
    before = params(last_week_end)
    condition = f"{where} AND {overdue_at('$1')} AND NOT {overdue_at(f'CAST({before} AS DATE)')}"
    order = "deadline, found_date, ticket_id"
    sql = f"""
    SELECT {_TICKET_COLUMNS}, days_overdue, {_ageing_case("days_overdue")} AS ageing_band
    FROM (SELECT *, CAST($1 AS DATE) - deadline AS days_overdue FROM tickets
          WHERE {_picked(condition, order, limit, params)})
    ORDER BY {order}"""  # noqa: S608 -- fragments built here; values are bound
    return query_df(con, sql, params)


def overdue_by_band(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, filters: Filters = NO_FILTERS
) -> pd.DataFrame:
    """ageing_band, overdue: how many tickets are overdue at D in each band, every band listed, in order."""
    where, params = base_where(as_of, filters)
    sql = f"""
    SELECT {_ageing_case("CAST($1 AS DATE) - deadline")} AS ageing_band, count(*) AS overdue
    FROM tickets WHERE {where} AND {overdue_at("$1")} GROUP BY ALL"""  # noqa: S608 -- values are bound
    counts = dict(query_df(con, sql, params).itertuples(index=False, name=None))
    return pd.DataFrame(
        {"ageing_band": [band for _, band in AGEING_BANDS],
         "overdue": [int(counts.get(band, 0)) for _, band in AGEING_BANDS]}
    )  # fmt: skip


def due_soon_tickets(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: dt.date,
    filters: Filters = NO_FILTERS,
    days: int = DUE_SOON_DAYS,
    limit: int | None = None,
) -> pd.DataFrame:
    """Tickets not rectified by D whose deadline falls from D to D + days; days_left = deadline − D."""
    where, params = base_where(as_of, filters)
    order = "deadline, found_date, ticket_id"
    condition = f"{where} AND NOT {rectified_by('$1')} AND {due_within('$1', days)}"
    sql = f"""
    SELECT {_TICKET_COLUMNS}, deadline - CAST($1 AS DATE) AS days_left
    FROM tickets WHERE {_picked(condition, order, limit, params)}
    ORDER BY {order}"""  # noqa: S608 -- fragments built here; values are bound
    return query_df(con, sql, params)


def _state_sql(reported: str, day: str = "$1") -> str:
    """The state code of a ticket as of `day` ($1: D); `reported` is its last reported status up to then."""
    return f"""CASE WHEN {closed_by(day)} THEN 'closed'
        WHEN {rectified_by(day)} THEN 'rectified'
        WHEN {overdue_at(day)} THEN 'overdue'
        WHEN {reported} = 'in_progress' THEN 'in_progress'
        ELSE 'open' END"""


_STATE_CONDITIONS = {
    "all": "TRUE",
    "open": f"NOT {rectified_by('$1')}",
    "overdue": overdue_at("$1"),
    "rectified": rectified_by("$1"),
    "closed": closed_by("$1"),
}


def _state_condition(state: str) -> str:
    if state not in _STATE_CONDITIONS:
        raise ValueError(text("unknown_state", state=state, choices=text("list_separator").join(LIST_STATES)))
    return _STATE_CONDITIONS[state]


def ticket_list(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: dt.date,
    filters: Filters = NO_FILTERS,
    state: str = "all",
    limit: int | None = None,
) -> pd.DataFrame:
    """Tickets found by D in one state (all|open|overdue|rectified|closed), newest found first.

    `state` is each ticket's state as of D, one of STATES (labels: glossary.STATE_LABELS); in_progress
    comes from the last status reported up to D. Dates after D are blanked, so a past D shows the
    ticket as it stood then.
    """
    where, params = base_where(as_of, filters)
    order = "found_date DESC, ticket_id"
    sql = f"""
    WITH page AS (
        SELECT * FROM tickets WHERE {_picked(f"{where} AND {_state_condition(state)}", order, limit, params)}
    ),
    reported AS (
        SELECT ticket_id, arg_max(status, report_date) AS status FROM status_reports
        WHERE report_date <= $1 AND ticket_id IN (SELECT ticket_id FROM page) GROUP BY ticket_id
    )
    SELECT page.ticket_id, hazard_no, village, unit, address, sector, category, description, severity,
        county_supervised, measures, found_date, deadline, office, responsible, phone, method,
        CASE WHEN {RECTIFIED_ON} <= $1 THEN {RECTIFIED_ON} END AS rectified_date,
        CASE WHEN closed_date <= $1 THEN closed_date END AS closed_date,
        CASE WHEN {overdue_at("$1")} THEN CAST($1 AS DATE) - deadline END AS days_overdue,
        {_state_sql("coalesce(reported.status, page.status)")} AS state
    FROM page LEFT JOIN reported USING (ticket_id)
    ORDER BY {order}"""  # noqa: S608 -- fragments built here; values are bound
    return query_df(con, sql, params)


def open_major_tickets(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, filters: Filters = NO_FILTERS
) -> pd.DataFrame:
    """Tickets not rectified by D that are 重大火灾隐患 or 县政府挂牌督办: the items leadership names first.

    挂牌督办 first, then the longest overdue, then the earliest deadline; as many as summary's major_open
    and supervised_open count (a ticket both major and supervised is one row).
    """
    where, params = base_where(as_of, filters)
    sql = f"""
    SELECT {_TICKET_COLUMNS},
        CASE WHEN {overdue_at("$1")} THEN CAST($1 AS DATE) - deadline END AS days_overdue
    FROM tickets
    WHERE {where} AND NOT {rectified_by("$1")} AND (severity = 'major' OR coalesce(county_supervised, false))
    ORDER BY coalesce(county_supervised, false) DESC, days_overdue DESC NULLS LAST, deadline NULLS LAST,
        village, ticket_id"""  # noqa: S608 -- fragments built here; values are bound
    return query_df(con, sql, params)


def ticket_history(
    con: duckdb.DuckDBPyConnection,
    *,
    ticket_id: str,
    villages: Sequence[str] | None = None,
    offices: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every status report of one ticket, oldest first: report_date, status (the ledger's status as the
    loader read it: open | in_progress | rectified), reported_state (what the report meant on its day,
    one of STATES: the ticket's deadline against the report's dates), rectified_date, closed_date,
    file_name, sheet, row_number, import_id, imported_at.

    A report is kept when a ledger first names the ticket or reports it in another state (etl.merge), so
    a ledger that repeats last week's state adds none. `villages` / `offices` scope it (None: any; an
    empty tuple: none): a ticket outside them has no history for this caller.
    """
    params = Params(ticket_id)
    scope = [_scope_sql("t.village", villages, params), _scope_sql("t.office", offices, params)]
    sql = f"""
    SELECT report_date, status, {_state_sql("status", "report_date")} AS reported_state, rectified_date, closed_date,
        file_name, sheet, row_number, import_id, imported_at
    FROM (SELECT s.report_date, s.status, s.rectified_date, s.closed_date, t.found_date, t.deadline,
                 s.source_file AS file_name, s.sheet, s.row_number, s.import_id, i.imported_at
          FROM status_reports s JOIN tickets t USING (ticket_id) LEFT JOIN imports i USING (import_id)
          WHERE s.ticket_id = $1 AND {" AND ".join(scope)})
    ORDER BY report_date, import_id, sheet, row_number"""  # noqa: S608 -- fragments built here; values are bound
    return query_df(con, sql, params)


def _scope_sql(column: str, allowed: Sequence[str] | None, params: Params) -> str:
    """`column` among the allowed values (None: no limit; empty: nothing matches), values bound."""
    if allowed is None:
        return "TRUE"
    if not allowed:
        return "FALSE"
    return f"{column} IN ({params.many(allowed)})"
