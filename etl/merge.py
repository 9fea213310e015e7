"""Merge staged rows into the store, set-based in DuckDB, inside the caller's transaction.

The stage holds one file's rows, or several files' whose tickets are disjoint (etl.batch): each row carries its
import_id and file_name, so one statement does for them all what it does for one file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa

from etl.ticket_key import ROW_KEYS_SQL, TICKET_ID_SQL, hazard_key_sql

# Columns an inspection (排查) row describes; a rectification (整改) row never overwrites them.
DESCRIPTIVE = (
    "hazard_no", "village", "unit", "address", "sector", "sector_raw", "category", "category_raw",
    "description", "severity", "county_supervised", "measures", "found_date", "deadline", "deadline_raw",
    "office", "responsible", "phone", "method", "note", "match_key",
)  # fmt: skip
STATE = ("status", "rectified_date", "closed_date", "reviewer", "funds")

# Stage column -> SQL type: the frame's object columns are cast explicitly, never guessed.
STAGE_TYPES = {
    "rid": "BIGINT", "import_id": "BIGINT", "file_name": "VARCHAR", "sheet": "VARCHAR", "row_number": "INTEGER", "row_kind": "VARCHAR",
    "report_date": "DATE", "report_date_stated": "BOOLEAN", "hazard_no": "VARCHAR", "village": "VARCHAR", "unit": "VARCHAR",
    "address": "VARCHAR", "sector": "VARCHAR", "sector_raw": "VARCHAR", "category": "VARCHAR",
    "category_raw": "VARCHAR", "description": "VARCHAR", "severity": "VARCHAR", "county_supervised": "BOOLEAN",
    "measures": "VARCHAR", "found_date": "DATE", "deadline": "DATE", "deadline_raw": "VARCHAR",
    "office": "VARCHAR", "responsible": "VARCHAR", "phone": "VARCHAR", "method": "VARCHAR", "note": "VARCHAR",
    "has_status": "BOOLEAN", "status": "VARCHAR", "rectified_date": "DATE", "rectified_date_explicit": "BOOLEAN",
    "closed": "BOOLEAN", "closed_date": "DATE", "reviewer": "VARCHAR", "funds": "DOUBLE", "key_extra": "VARCHAR",
}  # fmt: skip
# A row without 隐患编号 and description carries key_extra (etl.load.incomplete_keys): its ticket_id then
# digests it too, so such rows are never merged with a different hazard of the same village, unit and day.
_TICKET_ID = """CASE WHEN key_extra IS NOT NULL AND no_key = '' THEN 'nk:' || md5(match_key || '|'
        || coalesce(strftime(found_date, '%Y-%m-%d'), '') || '|' || key_extra) ELSE ticket_id END"""
# A staged row's state columns, as folded between sheets of one workbook (fold_state).
ROW_STATE = (
    "has_status", "status", "rectified_date", "rectified_date_explicit", "closed", "closed_date", "reviewer", "funds",
)  # fmt: skip

# The state a row leaves its ticket in (s: the row, t: the stored ticket, NULL when new).
# A rectified row without a date of its own keeps the earlier rectified date: a cumulative ledger says
# 已整改 again every week, and the ticket was rectified when it was first reported so.
_NEW_STATE = """
    CASE WHEN s.has_status THEN s.status ELSE coalesce(t.status, 'open') END AS status,
    CASE WHEN NOT s.has_status THEN t.rectified_date
         WHEN s.status <> 'rectified' THEN NULL
         WHEN s.rectified_date_explicit OR t.rectified_date IS NULL THEN s.rectified_date
         ELSE t.rectified_date END AS rectified_date,
    CASE WHEN NOT s.has_status THEN t.closed_date
         WHEN s.status <> 'rectified' THEN NULL
         WHEN s.closed THEN least(s.closed_date, coalesce(t.closed_date, s.closed_date))
         ELSE t.closed_date END AS closed_date,
    coalesce(s.reviewer, t.reviewer) AS reviewer,
    coalesce(s.funds, t.funds) AS funds"""


def stage(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, table: str = "stage") -> pd.DataFrame:
    """Copy rows (with import_id and file_name) into a temp table with explicit types and keys, each with its
    row id (rid: its place in the frame); return rid, ticket_id, no_key in the frame's order."""
    source = frame.reset_index(drop=True).assign(rid=lambda f: range(len(f)))
    if "key_extra" not in source:
        source = source.assign(key_extra=None)
    source = source[list(STAGE_TYPES)]
    con.register("stage_frame", _as_arrow(source))
    columns = ", ".join(f'CAST("{name}" AS {kind}) AS "{name}"' for name, kind in STAGE_TYPES.items())
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table} AS
        WITH typed AS (SELECT {columns} FROM stage_frame), keyed AS (SELECT *, {ROW_KEYS_SQL} FROM typed),
             ided AS (SELECT *, {TICKET_ID_SQL} FROM keyed)
        SELECT * REPLACE ({_TICKET_ID} AS ticket_id) FROM ided"""  # noqa: S608 -- constant names
    )
    con.unregister("stage_frame")
    return con.execute(f"SELECT rid, ticket_id, no_key FROM {table} ORDER BY rid").df()  # noqa: S608


def restage(
    con: duckdb.DuckDBPyConnection, source: str, import_ids: list[int], *, whole: bool = False
) -> None:
    """The stage: the rows of these imports, taken from a stage of many files (etl.batch); whole: they are all
    of its imports, and the stage of many becomes the stage (no copy of its rows)."""
    if whole:
        con.execute("DROP TABLE IF EXISTS stage")
        con.execute(f"ALTER TABLE {source} RENAME TO stage")
        return
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM {source} WHERE list_contains(?, import_id)",  # noqa: S608
        [import_ids],
    )


def _as_arrow(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """Arrow converts object columns of dates and texts in C++; DuckDB then scans it without Python."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a column of mixed types: let DuckDB cast row by row
        return frame


def fold_state(earlier: dict[str, object], later: dict[str, object]) -> dict[str, object]:
    """The state a later row leaves a ticket in after an earlier one, by _NEW_STATE's rules."""
    if not later["has_status"]:
        state = dict(earlier)
    else:
        state = dict(later)
        keeps_date = later["status"] == "rectified" and not later["rectified_date_explicit"]
        if keeps_date and earlier["status"] == "rectified" and _known(earlier["rectified_date"]):
            state["rectified_date"] = earlier["rectified_date"]
            state["rectified_date_explicit"] = earlier["rectified_date_explicit"]
        if later["status"] == "rectified" and not later["closed"] and earlier["closed"]:
            state["closed"], state["closed_date"] = True, earlier["closed_date"]
    state["reviewer"] = later["reviewer"] if _known(later["reviewer"]) else earlier["reviewer"]
    state["funds"] = later["funds"] if _known(later["funds"]) else earlier["funds"]
    return state


def _known(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and value != value) and value is not pd.NaT


def restate(
    con: duckdb.DuckDBPyConnection, rows: list[tuple[int, dict[str, object]]], table: str = "stage"
) -> None:
    """Give staged rows (by rid) the state folded from the rows they repeat, in one statement."""
    if not rows:
        return
    values = [[_plain(state[name]) for name in ROW_STATE] + [rid] for rid, state in rows]
    states = pd.DataFrame(values, columns=[*ROW_STATE, "rid"], dtype=object)
    con.register("restated", states)
    assignments = ", ".join(f"{name} = CAST(r.{name} AS {STAGE_TYPES[name]})" for name in ROW_STATE)
    con.execute(
        f"UPDATE {table} SET {assignments} FROM restated r WHERE {table}.rid = r.rid"  # noqa: S608 -- constant names
    )
    con.unregister("restated")


def _plain(value: object) -> object:
    """pandas' missing values as None, numpy scalars as Python ones, for DuckDB."""
    if not _known(value):
        return None
    return value.item() if hasattr(value, "item") else value


def unstage(con: duckdb.DuckDBPyConnection, rids: list[int], table: str = "stage") -> None:
    """Take rows kept aside after staging (duplicates, 整改 rows that point nowhere) out of the stage."""
    if rids:
        con.execute(f"DELETE FROM {table} WHERE rid IN (SELECT unnest(?::BIGINT[]))", [rids])  # noqa: S608


@dataclass
class Merged:
    """What a file's rows did to the store: ids of tickets new, changed, and left alone because the store
    already holds a newer report of them (stale: the row's report date is older than the ticket's latest)."""

    new: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    stale: set[str] = field(default_factory=set)

    def __ior__(self, other: Merged) -> Merged:
        self.new |= other.new
        self.changed |= other.changed
        self.stale |= other.stale
        return self


# An inspection or combined row older than the ticket's latest report (a late or re-sent cumulative
# ledger) changes nothing. Only dates a ledger states count (填报日期, --report-date): a ledger without one
# is placed by the order of loading. A 整改/销号 row reports an event (rectified, struck off on a date) and
# applies whatever its date: a newer ledger that does not mention 销号 does not contradict it.
_STALE = "coalesce(s.report_date_stated AND s.report_date < t.last_report_date, false) AS stale"


def merge_inspections(con: duckdb.DuckDBPyConnection) -> dict[int, Merged]:
    """Update changed tickets and insert new ones; what that did, by import."""
    descriptive_old = ", ".join(f"t.{c} AS old_{c}" for c in DESCRIPTIVE + STATE)
    # Only rows of known tickets are compared; a first load (all new) skips straight to the insert.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE merged AS
        WITH m AS (
            SELECT s.import_id, s.file_name, s.ticket_id, s.sheet, s.row_number, s.report_date, s.report_date_stated,
                   {", ".join(f"s.{c}" for c in DESCRIPTIVE)}, {_NEW_STATE}, {descriptive_old}, {_STALE}
            FROM stage s JOIN tickets t USING (ticket_id)
            WHERE s.row_kind IN ('inspection', 'combined'))
        SELECT *,
               NOT stale AND ({" OR ".join(f"{c} IS DISTINCT FROM old_{c}" for c in DESCRIPTIVE)}) AS described_anew,
               NOT stale AND ({" OR ".join(f"{c} IS DISTINCT FROM old_{c}" for c in STATE)}) AS state_changed
        FROM m"""  # noqa: S608
    )
    result = _apply_merged(con, DESCRIPTIVE + STATE, "described_anew OR state_changed")
    for ticket_id, import_id in _insert_new_tickets(con):
        result.setdefault(import_id, Merged()).new.add(ticket_id)
    return result


def _apply_merged(con: duckdb.DuckDBPyConnection, columns: tuple[str, ...], when: str) -> dict[int, Merged]:
    """The merged table's rows applied to the tickets; a statement that would touch no row is not run
    (a weekly ledger mostly repeats what the store holds, and each statement costs milliseconds)."""
    updates, changes, stated, listed = con.execute(
        f"""SELECT count(*) FILTER ({when}), count(*) FILTER (state_changed), count(*) FILTER (report_date_stated),
                   count(*) FILTER (stale OR described_anew OR state_changed) FROM merged"""  # noqa: S608 -- constant conditions
    ).fetchall()[0]
    if updates:
        _update_tickets(con, columns, when)
    if changes:
        _record_status_reports(con)
    return _merged(con, update_dates=stated > 0, listed=listed > 0)


def _merged(
    con: duckdb.DuckDBPyConnection, *, update_dates: bool = True, listed: bool = True
) -> dict[int, Merged]:
    """The changed and stale tickets of the merged table, by import; every ticket named keeps its latest
    stated report date."""
    if update_dates:
        con.execute(
            """UPDATE tickets SET last_report_date = m.report_date FROM merged m
        WHERE tickets.ticket_id = m.ticket_id AND m.report_date_stated
          AND m.report_date > coalesce(tickets.last_report_date, DATE '0001-01-01')"""
        )
    result: dict[int, Merged] = {}
    if not listed:
        return result
    rows = con.execute(
        "SELECT import_id, ticket_id, stale FROM merged WHERE stale OR described_anew OR state_changed"
    ).fetchall()
    for import_id, ticket_id, stale in rows:
        merged = result.setdefault(import_id, Merged())
        (merged.stale if stale else merged.changed).add(ticket_id)
    return result


def _insert_new_tickets(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Tickets first named by the staged files, with the state their row reports (t: no stored ticket yet);
    returns (ticket_id, import_id) of each."""
    columns = ", ".join(DESCRIPTIVE + STATE)
    new = con.execute(
        f"""INSERT INTO tickets (ticket_id, {columns}, first_import_id, last_import_id, last_report_date)
        WITH t AS (SELECT NULL::VARCHAR AS status, NULL::DATE AS rectified_date, NULL::DATE AS closed_date,
                          NULL::VARCHAR AS reviewer, NULL::DOUBLE AS funds)
        SELECT s.ticket_id, {", ".join(f"s.{c}" for c in DESCRIPTIVE)}, {_NEW_STATE}, s.import_id, s.import_id,
               CASE WHEN s.report_date_stated THEN s.report_date END
        FROM stage s CROSS JOIN t
        WHERE s.row_kind IN ('inspection', 'combined')
          AND NOT EXISTS (SELECT 1 FROM tickets k WHERE k.ticket_id = s.ticket_id)
        RETURNING ticket_id, first_import_id"""  # noqa: S608
    ).fetchall()
    if new:
        con.execute(
            """INSERT INTO status_reports
            SELECT t.ticket_id, s.import_id, s.report_date, t.status, t.rectified_date, t.closed_date, s.file_name,
                   s.sheet, s.row_number
            FROM tickets t JOIN stage s USING (ticket_id)
            WHERE t.first_import_id = s.import_id AND s.row_kind IN ('inspection', 'combined')"""
        )
    return new


def _update_tickets(con: duckdb.DuckDBPyConnection, columns: tuple[str, ...], when: str) -> None:
    assignments = ", ".join(f"{c} = m.{c}" for c in columns)
    con.execute(
        f"""UPDATE tickets SET {assignments}, last_import_id = m.import_id
        FROM merged m WHERE tickets.ticket_id = m.ticket_id AND ({when})"""  # noqa: S608
    )


def _record_status_reports(con: duckdb.DuckDBPyConnection) -> None:
    """Keep each state a ticket was reported in, and when: a new ticket or a changed state."""
    con.execute(
        """INSERT INTO status_reports
        SELECT ticket_id, import_id, report_date, status, rectified_date, closed_date, file_name, sheet, row_number
        FROM merged WHERE state_changed"""
    )


# The tickets each staged 整改 row may point at: r the rows, t the tickets (ticket_id, match_key, no_key).
_CANDIDATES = """
        SELECT r.rid, r.import_id, t.ticket_id FROM r JOIN t ON t.ticket_id = r.ticket_id
            WHERE r.no_key <> '' AND r.village IS NOT NULL
        UNION ALL
        SELECT r.rid, r.import_id, t.ticket_id FROM r JOIN t ON t.no_key = r.no_key
            WHERE r.no_key <> '' AND r.village IS NULL
        UNION ALL
        SELECT r.rid, r.import_id, t.ticket_id FROM r JOIN t ON t.ticket_id = r.ticket_id
            WHERE r.no_key = '' AND r.village IS NOT NULL AND r.found_date IS NOT NULL
        UNION ALL
        SELECT r.rid, r.import_id, t.ticket_id FROM r JOIN t ON t.match_key = r.match_key
            WHERE r.no_key = '' AND r.village IS NOT NULL AND r.found_date IS NULL"""
_STORED_KEYS = f"SELECT ticket_id, match_key, {hazard_key_sql('hazard_no')} AS no_key FROM tickets"  # noqa: S608 -- a constant


def match_rectifications(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Find the ticket each 整改 row points at; return rid, import_id, n_matches and the matched ticket_id."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE rect_candidates AS
        WITH r AS (SELECT * FROM stage WHERE row_kind = 'rectification'), t AS ({_STORED_KEYS})
        {_CANDIDATES}"""  # noqa: S608 -- a constant
    )
    return con.execute(
        """SELECT s.rid, s.import_id, count(c.ticket_id) AS n_matches, min(c.ticket_id) AS matched_id
        FROM stage s LEFT JOIN rect_candidates c USING (rid)
        WHERE s.row_kind = 'rectification' GROUP BY s.rid, s.import_id ORDER BY s.rid"""
    ).df()


def touched(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """(ticket_id, import_id) of every ticket a staged file may touch: its inspection rows' tickets, and any
    ticket its 整改 rows could point at, as stored now or as any staged inspection row would leave it."""
    return con.execute(
        f"""WITH i AS (SELECT ticket_id, match_key, no_key, import_id FROM {table}
                       WHERE row_kind IN ('inspection', 'combined')),
             r AS (SELECT * FROM {table} WHERE row_kind = 'rectification'),
             t AS ({_STORED_KEYS} UNION ALL SELECT ticket_id, match_key, no_key FROM i),
             c AS ({_CANDIDATES})
        SELECT DISTINCT ticket_id, import_id FROM (SELECT ticket_id, import_id FROM c
                                                   UNION ALL SELECT ticket_id, import_id FROM i)"""  # noqa: S608
    ).df()


def merge_rectifications(con: duckdb.DuckDBPyConnection, matches: pd.DataFrame) -> dict[int, Merged]:
    """Apply the state of matched 整改 rows; what that did, by import."""
    con.register("rect_matches", matches[["rid", "matched_id"]])
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE merged AS
        WITH m AS (
            SELECT s.import_id, s.file_name, t.ticket_id, s.sheet, s.row_number, s.report_date, s.report_date_stated,
                   coalesce(s.measures, t.measures) AS measures, {_NEW_STATE},
                   {", ".join(f"t.{c} AS old_{c}" for c in STATE)}, false AS stale
            FROM stage s JOIN rect_matches k USING (rid) JOIN tickets t ON t.ticket_id = k.matched_id)
        SELECT *, false AS described_anew,
               NOT stale AND ({" OR ".join(f"{c} IS DISTINCT FROM old_{c}" for c in STATE)}) AS state_changed
        FROM m"""  # noqa: S608
    )
    con.unregister("rect_matches")
    return _apply_merged(con, ("measures", *STATE), "state_changed")
