"""Figures broken down by village, sector, category, office, severity or phase; each adds up to the total."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from firedash.config import Campaign
from firedash.glossary import text
from metrics._sql import CORE_COUNTS, RECTIFIED_CODE, base_where, coded, query_df, rate_sql, total
from metrics.filters import NO_FILTERS, Filters, Params

# Dimension -> SQL expression over tickets: the whitelist of identifiers a breakdown may use.
# A ticket without an office is grouped under a label of its own so the breakdown still adds up.
NO_OFFICE = text("no_office")
DIMENSIONS = {
    "village": "village",
    "sector": "sector",
    "category": "category",
    "office": f"coalesce(office, '{NO_OFFICE}')",
    "severity": "severity",
}
RATE_COLUMNS = ("found", "rectified", "rate", "open", "overdue", "closed", "major_found", "major_rectified")
COUNT_COLUMNS = tuple(c for c in RATE_COLUMNS if c != "rate")
# Other count columns complete_keys fills with 0 (the weekly review counts at several days).
_COUNT_PREFIXES = ("found_", "rectified_", "closed_")
SEVERITY_GROUPS = (
    "general",
    "major",
)  # general = general + serious (较大), major = 重大; labels in the glossary


def _grouped_sql(key_sql: str, where: str) -> str:
    return f"""
    SELECT key, found, rectified, {rate_sql("rectified", "found")} AS rate, found - rectified AS open,
        overdue, closed, major_found, major_rectified
    FROM (SELECT key, {CORE_COUNTS} FROM {coded(where, f"{key_sql} AS key")} GROUP BY 1)
    ORDER BY key"""  # noqa: S608 -- key_sql from DIMENSIONS or built with bound values


def _rates_grouped(con: duckdb.DuckDBPyConnection, key_sql: str, where: str, params: Params) -> pd.DataFrame:
    return query_df(con, _grouped_sql(key_sql, where), params)


def complete_keys(frame: pd.DataFrame, column: str, keys: Sequence[str] | None) -> pd.DataFrame:
    """One row per key in order (zero counts, rate NaN where nothing was found), then any other rows."""
    if keys is None:
        return frame.reset_index(drop=True)
    keys = list(dict.fromkeys(keys))
    listed = pd.DataFrame({column: pd.Series(keys, dtype=frame[column].dtype)})
    listed = listed.merge(frame, on=column, how="left")
    extra = frame[~frame[column].isin(keys)]
    out = pd.concat([listed, extra], ignore_index=True)
    counts = [c for c in out.columns if c in COUNT_COLUMNS or c.startswith(_COUNT_PREFIXES)]
    out[counts] = out[counts].fillna(0).astype("int64")
    return out


def rates_by(
    con: duckdb.DuckDBPyConnection,
    dimension: str,
    *,
    as_of: dt.date,
    filters: Filters = NO_FILTERS,
    keys: Sequence[str] | None = None,
) -> pd.DataFrame:
    """[dimension, found, rectified, rate, open, overdue, closed, major_found, major_rectified].

    With `keys`, exactly one row per key in that order, then rows for values not among the keys.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(
            text("unknown_dimension", dimension=dimension, choices=text("list_separator").join(DIMENSIONS))
        )
    where, params = base_where(as_of, filters)
    frame = _rates_grouped(con, DIMENSIONS[dimension], where, params).rename(columns={"key": dimension})
    return complete_keys(frame, dimension, keys)


def rates_by_village(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: dt.date,
    filters: Filters = NO_FILTERS,
    villages: Sequence[str] | None = None,
) -> pd.DataFrame:
    """rates_by('village'), one row for every configured village in config order."""
    return rates_by(con, "village", as_of=as_of, filters=filters, keys=villages)


def rates_by_sector(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: dt.date,
    filters: Filters = NO_FILTERS,
    sectors: Sequence[str] | None = None,
) -> pd.DataFrame:
    """rates_by('sector'), one row for every configured sector in config order."""
    return rates_by(con, "sector", as_of=as_of, filters=filters, keys=sectors)


def _phase_case(campaign: Campaign, params: Params) -> str:
    """CASE giving the phase of found_date: before the first → first, in a gap or after the last → the one before."""
    phases = sorted(campaign.phases, key=lambda p: p.start)
    whens = " ".join(
        f"WHEN found_date < {params(later.start)} THEN {params(phase.name)}"
        for phase, later in zip(phases, phases[1:], strict=False)
    )
    return f"CASE {whens} ELSE {params(phases[-1].name)} END"


def rates_by_phase(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, filters: Filters = NO_FILTERS, campaign: Campaign
) -> pd.DataFrame:
    """One row per campaign phase in order (by found date): phase, phase_start, phase_end and the rates."""
    where, params = base_where(as_of, filters)
    frame = _rates_grouped(con, _phase_case(campaign, params), where, params).rename(columns={"key": "phase"})
    phases = sorted(campaign.phases, key=lambda p: p.start)
    out = complete_keys(frame, "phase", [p.name for p in phases])
    out.insert(1, "phase_start", pd.to_datetime([p.start for p in phases]).astype("datetime64[us]"))
    out.insert(2, "phase_end", pd.to_datetime([p.end for p in phases]).astype("datetime64[us]"))
    return out


def rates_by_category_severity(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, filters: Filters = NO_FILTERS
) -> pd.DataFrame:
    """category, severity_group ('general' = general + serious, 'major'; labels in glossary.SEVERITY_GROUP_LABELS), found, rectified, rate, open."""
    where, params = base_where(as_of, filters)
    group = f"CASE WHEN severity = 'major' THEN {params(SEVERITY_GROUPS[1])} ELSE {params(SEVERITY_GROUPS[0])} END"
    sql = f"""
    SELECT category, severity_group, found, rectified, {rate_sql("rectified", "found")} AS rate,
        found - rectified AS open
    FROM (
        SELECT category, {group} AS severity_group, {total()} AS found, {total(RECTIFIED_CODE)} AS rectified
        FROM {coded(where, "category")} GROUP BY 1, 2
    )
    ORDER BY category, severity_group"""  # noqa: S608 -- fragments built here; values are bound
    return query_df(con, sql, params)


def open_by_village_sector(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, filters: Filters = NO_FILTERS
) -> pd.DataFrame:
    """village, sector, open in long form (for a heatmap): every pair with a ticket found by D."""
    where, params = base_where(as_of, filters)
    sql = f"""
    SELECT village, sector, {total(f"NOT {RECTIFIED_CODE}")} AS open
    FROM {coded(where, "village, sector")} GROUP BY 1, 2 ORDER BY 1, 2"""  # noqa: S608 -- fragments built here
    return query_df(con, sql, params)
