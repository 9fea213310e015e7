"""SQL building blocks shared by the metric modules: the exact DOMAIN.md definitions as expressions."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pyarrow as pa

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


def rate_sql(numerator: str, denominator: str) -> str:
    """numerator / denominator as a DOUBLE, NULL when the denominator is 0."""
    return f"CASE WHEN ({denominator}) = 0 THEN NULL ELSE ({numerator}) / ({denominator}) END"


# Each ticket's state as of a day, as one small code; every count of DOMAIN.md follows from it:
# 0–3 rectified (+1 struck off, +2 rectified after its deadline), 4 overdue, 5 due within
# DUE_SOON_DAYS, 6 other open; NULL when not found by that day.
CLOSED_BIT, LATE_BIT, OVERDUE, DUE_SOON, OTHER_OPEN = 1, 2, 4, 5, 6
DUE_SOON_DAYS = 7


def state_code(day: str) -> str:
    """The state code of a ticket as of `day`; rows must carry r_on (the effective rectified date)."""
    return f"""CASE WHEN found_date > {day} THEN NULL
        WHEN r_on <= {day} THEN (CASE WHEN closed_date <= {day} THEN {CLOSED_BIT} ELSE 0 END)
            + (CASE WHEN r_on > deadline THEN {LATE_BIT} ELSE 0 END)
        WHEN deadline < {day} THEN {OVERDUE}
        WHEN deadline <= CAST({day} AS DATE) + {DUE_SOON_DAYS} THEN {DUE_SOON}
        ELSE {OTHER_OPEN} END"""


def coded(where: str, keys: str = "", days: tuple[str, ...] = ("$1",)) -> str:
    """A FROM-able subquery counting tickets that match `where` by `keys`, severity, county_supervised
    and their state code at each day (columns code, code_2 …), in column n.

    Grouping before counting keeps a million tickets fast: each row is classified once by one CASE.
    """
    codes = ", ".join(f"{state_code(d)} AS code{'' if i == 0 else f'_{i + 1}'}" for i, d in enumerate(days))
    keep = f"{keys}, " if keys else ""
    return f"""(
        SELECT {keep}severity, county_supervised, {codes}, count(*) AS n
        FROM (SELECT *, {RECTIFIED_ON} AS r_on FROM tickets WHERE {where})
        GROUP BY ALL
    )"""  # noqa: S608 -- fragments built in this package; values are bound


def total(condition: str = "TRUE") -> str:
    """Sum of n over coded() rows meeting `condition`, 0 over none, as BIGINT."""
    return f"CAST(coalesce(sum(n) FILTER (WHERE {condition}), 0) AS BIGINT)"


def rectified_code(column: str = "code") -> str:
    """The state code says rectified (NULL, not found, is not)."""
    return f"{column} <= {CLOSED_BIT + LATE_BIT}"


def closed_code(column: str = "code") -> str:
    """The state code says struck off."""
    return f"{column} IN ({CLOSED_BIT}, {CLOSED_BIT + LATE_BIT})"


RECTIFIED_CODE = rectified_code()
CLOSED_CODE = closed_code()
# Aggregates every breakdown shares, over coded() rows.
CORE_COUNTS = f"""{total()} AS found,
    {total(RECTIFIED_CODE)} AS rectified,
    {total(f"code = {OVERDUE}")} AS overdue,
    {total(CLOSED_CODE)} AS closed,
    {total("severity = 'major'")} AS major_found,
    {total(f"severity = 'major' AND {RECTIFIED_CODE}")} AS major_rectified"""


def base_where(as_of: dt.date, filters: Filters) -> tuple[str, Params]:
    """WHERE condition "found by $1 and matching the filters"; $1 is the as-of date."""
    params = Params(as_of)
    condition, _ = filter_sql(filters, params)
    return f"{found_by('$1')} AND {condition}", params


def query_df(con: duckdb.DuckDBPyConnection, sql: str, params: Params | list[object]) -> pd.DataFrame:
    """Run one query and fetch it whole into pandas.

    Through Arrow: a long ticket list converts about three times faster than with .df(). Dates come
    back as datetime64[us] and integers with gaps as nullable Int64, as .df() would give them.
    """
    values = params.values if isinstance(params, Params) else params
    table = con.sql(sql, params=values).to_arrow_table()
    frame = table.to_pandas(date_as_object=False)
    for field in table.schema:
        if pa.types.is_date(field.type) or pa.types.is_timestamp(field.type):
            frame[field.name] = frame[field.name].astype("datetime64[us]")
        elif pa.types.is_integer(field.type) and table.column(field.name).null_count:
            frame[field.name] = frame[field.name].astype("Int64")
    return frame


# The latest import of each source (imports.source_key); older imports of the same source are superseded.
CURRENT_IMPORT_IDS = "SELECT max(import_id) FROM imports GROUP BY source_key"


def due_within(day: str, days: int) -> str:
    """Deadline from D to D + days, both included (`days` is an int from code, never user text)."""
    return f"(deadline BETWEEN {day} AND CAST({day} AS DATE) + {int(days)})"
