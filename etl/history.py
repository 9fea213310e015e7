"""The store's record of how it came to be: how each import was loaded, and the undos and restores done to it."""

from __future__ import annotations

import datetime as dt
import json

import duckdb

# Its two tables, import_runs and intake_events, come with the store (firedash/store.py, schema version 4).
HISTORY_TABLES = ("import_runs", "intake_events")
_RENUMBERED = ("import_id", "first_import_id", "last_import_id")


def has_history(con: duckdb.DuckDBPyConnection) -> bool:
    """False for a store of schema version 3 or older not yet migrated (read-only callers then see no undos)."""
    rows = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name = ?",
        ["intake_events"],
    ).fetchall()
    return rows[0][0] > 0


def newest_import_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT coalesce(max(import_id), 0) FROM imports").fetchall()[0][0]


def undone(con: duckdb.DuckDBPyConnection) -> dict[int, dict]:
    """Undone import id → its imports row as it was (with undone_at), for a store that has a history."""
    if not has_history(con):
        return {}
    rows = con.execute(
        "SELECT import_id, event_at, detail FROM intake_events WHERE action = 'undo' ORDER BY import_id"
    ).fetchall()
    return {row[0]: {**json.loads(row[2]), "undone_at": row[1]} for row in rows}


def record_run(
    con: duckdb.DuckDBPyConnection, import_id: int, stated: dt.date | None, load_day: dt.date
) -> None:
    con.execute("INSERT OR REPLACE INTO import_runs VALUES (?, ?, ?)", [import_id, stated, load_day])


def runs(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[dt.date | None, dt.date]]:
    """Import id → (stated report date, day of loading); an import loaded before this record existed
    is taken as loaded without --report-date on the day of its import."""
    rows = con.execute(
        """SELECT i.import_id, r.stated_report_date, coalesce(r.load_day, CAST(i.imported_at AS DATE))
        FROM imports i LEFT JOIN import_runs r USING (import_id)"""
    ).fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def record_event(
    con: duckdb.DuckDBPyConnection, action: str, *, import_id: int | None, backup_id: str | None, detail: dict
) -> None:
    con.execute(
        "INSERT INTO intake_events VALUES (now()::TIMESTAMP, ?, ?, ?, ?)",
        [action, import_id, backup_id, json.dumps(detail, ensure_ascii=False, default=str)],
    )


def renumber(con: duckdb.DuckDBPyConnection, old: int, new: int) -> None:
    """Give import `old` the id `new` in every table that names imports (found in the catalog, so tables
    other parts of the loader add are renumbered too); the history tables keep the ids they record."""
    if old == new:
        return
    columns = con.execute(
        """SELECT table_name, column_name FROM duckdb_columns()
        WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
          AND list_contains(?, column_name) AND NOT list_contains(?, table_name)""",
        [list(_RENUMBERED), list(HISTORY_TABLES)],
    ).fetchall()
    for table, column in columns:
        con.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE "{column}" = ?', [new, old])  # noqa: S608 -- catalog names


def next_free_id(con: duckdb.DuckDBPyConnection, fresh: int) -> int:
    """The id a new import must take: `fresh` (the loader's max + 1) unless an undone import had it."""
    taken = max(undone(con), default=0)
    return fresh if fresh > taken else taken + 1
