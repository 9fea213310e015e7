"""Dump every table of a store to CSV, rows ordered by all columns, timestamp columns left out: two stores
built from the same files by two versions of the loader are table-equal when their dumps are equal.

Usage: python bench/store_snapshot.py STORE.duckdb OUT_DIR   (then `diff -r OUT_A OUT_B`)
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

# Columns that record when something happened, not what: they differ between any two runs.
SKIPPED_TYPES = ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE")


def dump(store: Path, out: Path) -> list[str]:
    """Write one CSV per table of the store into out; return the table names."""
    out.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(store), read_only=True) as con:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        for table in tables:
            columns = [
                name
                for name, kind in con.execute(
                    "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                    [table],
                ).fetchall()
                if kind not in SKIPPED_TYPES
            ]
            names = ", ".join(f'"{c}"' for c in columns)
            frame = con.execute(f'SELECT {names} FROM "{table}" ORDER BY ALL').df()  # noqa: S608 -- catalog names
            frame.to_csv(out / f"{table}.csv", index=False)
    return tables


if __name__ == "__main__":
    print("\n".join(dump(Path(sys.argv[1]), Path(sys.argv[2]))))
