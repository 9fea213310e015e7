"""The DuckDB store: connecting, creating the schema and recording its version."""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb

from etl.ticket_key import hazard_key_sql
from firedash.glossary import STORE_TOO_NEW

SCHEMA_VERSION = 4


# Version 1's tables, one statement each; every later release appends a migration instead of editing these.
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS imports (
        import_id BIGINT PRIMARY KEY,
        file_name VARCHAR NOT NULL,      -- base name of the file as loaded
        source_key VARCHAR NOT NULL,     -- file name without dates/week numbers: a re-sent ledger shares it
        sha256 VARCHAR NOT NULL,
        imported_at TIMESTAMP NOT NULL,
        report_date DATE NOT NULL,       -- --report-date, else the report date of the title rows, else the day of loading
        ledger_kinds VARCHAR NOT NULL,   -- comma-separated: inspection, rectification, combined
        sheets INTEGER NOT NULL,
        rows_read INTEGER NOT NULL,
        rows_new INTEGER NOT NULL,
        rows_updated INTEGER NOT NULL,
        rows_unchanged INTEGER NOT NULL,
        rows_rejected INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS import_villages (
        import_id BIGINT NOT NULL,
        village VARCHAR NOT NULL,
        PRIMARY KEY (import_id, village)
    )""",
    """CREATE TABLE IF NOT EXISTS tickets (
        ticket_id VARCHAR PRIMARY KEY,   -- village#hazard number, else nk:<md5 of village|unit|description|found_date>
        hazard_no VARCHAR,
        village VARCHAR NOT NULL,
        unit VARCHAR,
        address VARCHAR,
        sector VARCHAR NOT NULL,         -- a configured sector, else the catch-all 'other'
        sector_raw VARCHAR,
        category VARCHAR NOT NULL,       -- a configured hazard category, else the catch-all 'other'
        category_raw VARCHAR,
        description VARCHAR,
        severity VARCHAR NOT NULL,       -- general | serious | major
        county_supervised BOOLEAN NOT NULL,
        measures VARCHAR,
        found_date DATE NOT NULL,
        deadline DATE,                   -- NULL: no deadline (long-term or blank), never overdue
        deadline_raw VARCHAR,
        office VARCHAR,
        responsible VARCHAR,
        phone VARCHAR,
        method VARCHAR,
        note VARCHAR,
        status VARCHAR NOT NULL,         -- open | in_progress | rectified, as last reported
        rectified_date DATE,
        closed_date DATE,                -- strike-off date; NULL while not struck off
        reviewer VARCHAR,
        funds DOUBLE,
        match_key VARCHAR NOT NULL,      -- village|unit|description without spaces: finds a ticket for a rectification row
        first_import_id BIGINT NOT NULL,
        last_import_id BIGINT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS status_reports (
        ticket_id VARCHAR NOT NULL,
        import_id BIGINT NOT NULL,
        report_date DATE NOT NULL,
        status VARCHAR NOT NULL,
        rectified_date DATE,
        closed_date DATE,
        source_file VARCHAR NOT NULL,
        sheet VARCHAR NOT NULL,
        row_number INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS rejected_rows (
        import_id BIGINT NOT NULL,
        file_name VARCHAR NOT NULL,
        sheet VARCHAR NOT NULL,
        row_number INTEGER NOT NULL,
        village VARCHAR,                 -- best guess, so a village can be shown its own rows
        reason VARCHAR NOT NULL,
        raw_values VARCHAR NOT NULL      -- JSON object: column header -> cell text
    )""",
)

# Migrations: version → statements that bring a store of the version before up to it.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    2: (
        # The latest report date a ledger stated (填报日期, --report-date) for any row that named the ticket:
        # an older ledger loaded later (a late or re-sent file) no longer overwrites what a newer one said.
        # Version 1 did not record whether a date was stated; a report date equal to the day of the import
        # is taken for the fallback (the day of loading) and left out.
        "ALTER TABLE tickets ADD COLUMN last_report_date DATE",
        """UPDATE tickets SET last_report_date = r.latest
        FROM (SELECT s.ticket_id, max(s.report_date) AS latest FROM status_reports s
              JOIN imports i USING (import_id) WHERE s.report_date <> CAST(i.imported_at AS DATE)
              GROUP BY s.ticket_id) r
        WHERE tickets.ticket_id = r.ticket_id""",
        # 隐患编号 keys drop a number's leading zeros (001 and 1 are one ticket); re-key stored tickets
        # unless the new key is taken (then both stay as they were).
        f"""CREATE OR REPLACE TEMP TABLE rekeyed AS
        WITH k AS (SELECT ticket_id AS old_id, village || '#' || {hazard_key_sql("hazard_no")} AS new_id
                   FROM tickets WHERE NOT starts_with(ticket_id, 'nk:'))
        SELECT * FROM k WHERE new_id <> old_id
          AND new_id NOT IN (SELECT ticket_id FROM tickets)
          AND new_id IN (SELECT new_id FROM k GROUP BY new_id HAVING count(*) = 1)""",  # noqa: S608 -- constants
        """UPDATE status_reports SET ticket_id = r.new_id FROM rekeyed r WHERE status_reports.ticket_id = r.old_id""",
        """UPDATE tickets SET ticket_id = r.new_id FROM rekeyed r WHERE tickets.ticket_id = r.old_id""",
        "DROP TABLE rekeyed",
    ),
    # What each load found besides its rows (slice H9), for the 数据质量 page: how every header cell was
    # read, the warnings, the cells read as unknown, and the outcome with the source of its report date.
    3: (
        """CREATE TABLE IF NOT EXISTS import_columns (
            import_id BIGINT NOT NULL,
            sheet VARCHAR NOT NULL,
            column_index INTEGER NOT NULL,   -- 0-based: A is 0
            header VARCHAR NOT NULL,         -- as written ('' for a column without a header)
            field VARCHAR,                   -- the canonical field it became; NULL: not used
            looks_like VARCHAR,              -- an unused column that looks needed: date | status | severity | unit
            PRIMARY KEY (import_id, sheet, column_index)
        )""",
        """CREATE TABLE IF NOT EXISTS import_warnings (
            import_id BIGINT NOT NULL,
            position INTEGER NOT NULL,       -- the order the load reported them in
            code VARCHAR NOT NULL,           -- stable: unused_column, no_status, unknown_word, …
            message VARCHAR NOT NULL,        -- the Chinese sentence shown
            sheet VARCHAR,
            "column" VARCHAR,
            row_number INTEGER,
            count INTEGER
        )""",
        """CREATE TABLE IF NOT EXISTS data_issues (
            import_id BIGINT NOT NULL,
            sheet VARCHAR NOT NULL,
            row_number INTEGER NOT NULL,     -- the Excel row number
            "column" VARCHAR NOT NULL,       -- the header as written
            field VARCHAR,
            value VARCHAR NOT NULL,          -- the cell as written
            problem VARCHAR NOT NULL         -- the Chinese problem (etl.findings.CellIssue.problem)
        )""",
        """CREATE TABLE IF NOT EXISTS import_outcomes (
            import_id BIGINT PRIMARY KEY,
            outcome VARCHAR NOT NULL,        -- loaded | loaded_with_warnings
            report_date_source VARCHAR,      -- cli | title | workbook_saved | latest_in_ledger | load_day
            profile VARCHAR,                 -- the mapping profile (data/profiles) the file was read with
            rows_repeated INTEGER NOT NULL   -- rows of a later sheet that updated a hazard of an earlier one
        )""",
    ),
    # The store's record of how it came to be (etl.history), created by each load before this version:
    # IF NOT EXISTS keeps a version-3 store that a load already gave them as it is.
    4: (
        """CREATE TABLE IF NOT EXISTS import_runs (
            import_id BIGINT PRIMARY KEY,
            stated_report_date DATE,         -- the --report-date the file was loaded with (NULL: none)
            load_day DATE NOT NULL           -- the day of loading, the report date of last resort: a replay reuses it
        )""",
        """CREATE TABLE IF NOT EXISTS intake_events (
            event_at TIMESTAMP NOT NULL,
            action VARCHAR NOT NULL,         -- undo | restore
            import_id BIGINT,                -- undo: the import undone (import ids are never given again)
            backup_id VARCHAR,               -- undo: the backup taken before; restore: the backup restored
            detail VARCHAR NOT NULL          -- JSON: undo: the undone import's row of imports
        )""",
    ),
}

_LOCK_WAIT_SECONDS = 15.0


def connect(path: str | os.PathLike[str], *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store; a writable connection creates the file and its schema.

    DuckDB lets one process write or several read; a dashboard's short read or a concurrent load
    holds the lock briefly, so we wait for it instead of failing at once.
    """
    file = Path(path)
    if not read_only:
        file.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + _LOCK_WAIT_SECONDS
    while True:
        try:
            con = _open_read_only(file) if read_only else duckdb.connect(str(file))
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    if not read_only:
        ensure_schema(con)
    return con


def _open_read_only(file: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the file now at this path, attached to a fresh in-memory database.

    A load replaces the store with a new file (etl.publish); duckdb.connect would hand a second
    connection in this process the database instance of the replaced file while a first is still open.
    """
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS store (READ_ONLY)", [str(file)])
        con.execute("USE store")
    except BaseException:
        con.close()
        raise
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables (version 1) and migrate the store to SCHEMA_VERSION, one transaction a step."""
    for statement in SCHEMA:
        con.execute(statement)
    current = schema_version(con)
    if current is None:
        con.execute("INSERT INTO store_meta VALUES ('schema_version', '1')")
        current = 1
    if current > SCHEMA_VERSION:
        raise RuntimeError(STORE_TOO_NEW.format(current=current, supported=SCHEMA_VERSION))
    for version in range(current + 1, SCHEMA_VERSION + 1):
        _migrate(con, version)


def _migrate(con: duckdb.DuckDBPyConnection, version: int) -> None:
    con.begin()
    try:
        for statement in MIGRATIONS[version]:
            con.execute(statement)
        con.execute("UPDATE store_meta SET value = ? WHERE key = 'schema_version'", [str(version)])
        con.commit()
    except Exception:
        con.rollback()
        raise


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    # DuckDB 2 keeps a result open until fetched to the end: fetchall, never a lone fetchone.
    rows = con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchall()
    return int(rows[0][0]) if rows else None


def store_signature(path: str | os.PathLike[str]) -> tuple[int, int, int]:
    """A cheap token that changes whenever a load writes the store: (inode, mtime_ns, size) of file and WAL.

    A load publishes by replacing the file (etl.publish), so the inode changes even if mtime and size match.
    """
    file = Path(path)
    stamps = [os.stat(p) for p in (file, file.with_name(file.name + ".wal")) if p.exists()]
    inode = stamps[0].st_ino if stamps else 0
    return (inode, max((s.st_mtime_ns for s in stamps), default=0), sum(s.st_size for s in stamps))
