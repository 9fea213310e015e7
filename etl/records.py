"""What a load writes about each import beside its tickets: the import, its villages, the rows set aside, its
columns, warnings, data issues and outcome, and how it was loaded; one statement a table for any number of
imports (one file, or a batch of them: etl.batch)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from etl.source import source_key

if TYPE_CHECKING:
    from etl.load import FileOutcome, ParsedFile

_ID, _INT, _TEXT, _DATE = pa.int64(), pa.int32(), pa.string(), pa.date32()
IMPORTS = (
    ("import_id", _ID), ("file_name", _TEXT), ("source_key", _TEXT), ("sha256", _TEXT), ("report_date", _DATE),
    ("ledger_kinds", _TEXT), ("sheets", _INT), ("rows_read", _INT), ("rows_new", _INT), ("rows_updated", _INT),
    ("rows_unchanged", _INT), ("rows_rejected", _INT),
)  # fmt: skip
VILLAGES = (("import_id", _ID), ("village", _TEXT))
REJECTED = (
    ("import_id", _ID), ("file_name", _TEXT), ("sheet", _TEXT), ("row_number", _INT), ("village", _TEXT),
    ("reason", _TEXT), ("raw_values", _TEXT),
)  # fmt: skip
OUTCOMES = (
    ("import_id", _ID), ("outcome", _TEXT), ("report_date_source", _TEXT), ("profile", _TEXT),
    ("rows_repeated", _INT),
)  # fmt: skip
COLUMNS = (
    ("import_id", _ID), ("sheet", _TEXT), ("column_index", _INT), ("header", _TEXT), ("field", _TEXT),
    ("looks_like", _TEXT),
)  # fmt: skip
WARNINGS = (
    ("import_id", _ID), ("position", _INT), ("code", _TEXT), ("message", _TEXT), ("sheet", _TEXT),
    ("column", _TEXT), ("row_number", _INT), ("count", _INT),
)  # fmt: skip
ISSUES = (
    ("import_id", _ID), ("sheet", _TEXT), ("row_number", _INT), ("column", _TEXT), ("field", _TEXT),
    ("value", _TEXT), ("problem", _TEXT),
)  # fmt: skip
RUNS = (("import_id", _ID), ("stated_report_date", _DATE), ("load_day", _DATE))


@dataclass
class Written:
    """One file written as import `import_id`."""

    import_id: int
    path: Path
    digest: str
    parsed: ParsedFile
    outcome: FileOutcome


def record_imports(con: duckdb.DuckDBPyConnection, written: Sequence[Written]) -> None:
    """The imports rows and all that is recorded about them, inside the caller's transaction."""
    imports, villages, rejected, outcomes, columns, warnings, issues = [], [], [], [], [], [], []
    for w in written:
        imports.append(_import_row(w))
        villages += [(w.import_id, v) for v in sorted(set().union(*(r.villages for r in w.parsed.results)))]
        name = w.path.name
        rejected += [
            (
                w.import_id,
                name,
                r.sheet,
                r.row_number,
                r.village,
                r.reason,
                json.dumps(r.raw, ensure_ascii=False),
            )
            for r in w.outcome.rejected
        ]
        o = w.outcome
        outcomes.append((w.import_id, o.outcome, o.report_date_source, o.profile, o.rows_repeated))
        columns += [
            (w.import_id, sheet, use.index, use.header, use.field, use.looks_like)
            for sheet, uses in o.columns.items()
            for use in uses
        ]
        warnings += [
            (w.import_id, i, x.code, x.message, x.sheet, x.column, x.row_number, x.count)
            for i, x in enumerate(o.warnings)
        ]
        issues += [(w.import_id, *_issue(issue.as_dict())) for issue in o.issues]
    insert(con, "imports", IMPORTS, imports, extra="now()::TIMESTAMP AS imported_at")
    insert(con, "import_villages", VILLAGES, villages)
    insert(con, "rejected_rows", REJECTED, rejected)
    insert(con, "import_outcomes", OUTCOMES, outcomes)
    insert(con, "import_columns", COLUMNS, columns)
    insert(con, "import_warnings", WARNINGS, warnings)
    insert(con, "data_issues", ISSUES, issues)


def imported_digests(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The sha256 of every file imported (a file of these bytes loads unchanged)."""
    return {row[0] for row in con.execute("SELECT DISTINCT sha256 FROM imports").fetchall()}


def record_runs(con: duckdb.DuckDBPyConnection, runs: Sequence[tuple[int, dt.date | None, dt.date]]) -> None:
    """How each import was loaded (etl.history.record_run for many): (id, stated report date, load day)."""
    insert(con, "import_runs", RUNS, list(runs), replace=True)


def _import_row(w: Written) -> tuple[object, ...]:
    parsed, outcome = w.parsed, w.outcome
    kinds = sorted({r.kind for r in parsed.results if r.kind})
    sheets = sum(1 for r in parsed.results if r.kind)
    return (
        w.import_id, w.path.name, source_key(w.path.name), w.digest, parsed.report_date, ",".join(kinds), sheets,
        outcome.rows_read, outcome.rows_new, outcome.rows_updated, outcome.rows_unchanged, outcome.rows_rejected,
    )  # fmt: skip


def _issue(issue: dict[str, object]) -> tuple[object, ...]:
    return tuple(issue[name] for name, _ in ISSUES[1:])


def insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[tuple[str, pa.DataType]],
    rows: list[tuple[object, ...]],
    *,
    extra: str = "",
    replace: bool = False,
) -> None:
    """Rows into a table by column name, as one typed Arrow table (no statement when there are none)."""
    if not rows:
        return
    data = pa.table(
        {name: pa.array([row[i] for row in rows], kind) for i, (name, kind) in enumerate(columns)}
    )
    con.register("record_rows", data)
    try:
        select = "*" + (f", {extra}" if extra else "")
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        con.execute(f'{verb} INTO "{table}" BY NAME SELECT {select} FROM record_rows')  # noqa: S608 -- constants
    finally:
        con.unregister("record_rows")
