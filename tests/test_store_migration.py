"""Schema version 4: the intake history tables come with the store; a version-3 store migrates in place."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.load import load_files
from etl.undo import read_state, undo
from firedash import store
from tests.test_undo import DAY, WEEK5, sample_files

HISTORY = ["import_runs", "intake_events"]


def tables(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE table_name IN ? ORDER BY 1", [HISTORY]
        )
        return [name for (name,) in rows.fetchall()]


def version(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchall()[0][0]


def version_3_by_hand(db: Path) -> None:
    """A store as version 3 created it before any load: its tables and migrations 2 and 3, no history."""
    with duckdb.connect(str(db)) as con:
        for statement in store.SCHEMA:
            con.execute(statement)
        con.execute("INSERT INTO store_meta VALUES ('schema_version', '1')")
        for step in (2, 3):
            for statement in store.MIGRATIONS[step]:
                con.execute(statement)
        con.execute("UPDATE store_meta SET value = '3' WHERE key = 'schema_version'")


def test_a_new_store_has_the_history_tables_before_any_load(tmp_path):
    store.connect(tmp_path / "s.duckdb").close()
    assert (version(tmp_path / "s.duckdb"), tables(tmp_path / "s.duckdb")) == ("4", HISTORY)


def test_a_version_3_store_without_history_migrates_on_connect(tmp_path):
    db = tmp_path / "s.duckdb"
    version_3_by_hand(db)
    assert tables(db) == []
    store.connect(db).close()
    assert (version(db), tables(db)) == ("4", HISTORY)


def test_a_version_3_store_a_load_gave_its_history_keeps_it(tmp_path, config):
    # What version 3 left: the history tables made by its loads, with an undo recorded, and version 3.
    db = tmp_path / "s.duckdb"
    files = sample_files(WEEK5)[:3]
    load_files(files[:2], db=db, config=config, today=DAY)
    undo(db, 2, config=config)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE store_meta SET value = '3' WHERE key = 'schema_version'")
    assert list(read_state(db).undone) == [2]  # read as it is, before migrating
    load_files(files[2:], db=db, config=config, today=DAY)
    assert version(db) == "4"
    state = read_state(db)  # the undo kept, and its id never given again
    assert ([i.id for i in state.imports], list(state.undone)) == ([1, 3], [2])
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT import_id, load_day FROM import_runs ORDER BY 1").fetchall() == [
            (1, DAY),
            (3, DAY),
        ]
