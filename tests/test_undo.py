"""Undo and restore: the store after an undo equals, table by table, loading every other file in the same order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl import archive, backups
from etl.load import load_files
from etl.undo import IntakeError, plan_undo, read_state, restore, undo
from firedash.config import IntakeSettings, TownConfig
from firedash.store import connect

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
HISTORY_TABLES = {"import_runs", "intake_events"}


def sample_files(*weeks: str) -> list[Path]:
    """The bundled sample's ledgers of these weeks, in the order `python -m etl load FOLDER` takes them."""
    suffixes = {".xlsx", ".xls", ".csv"}
    return [p for week in weeks for p in sorted((SAMPLE / week).rglob("*")) if p.suffix in suffixes]


WEEK5, WEEK6 = "2023-12-03_第5周", "2023-12-10_第6周"
DAY = dt.date(2024, 3, 1)  # the day of loading, for ledgers that state no 填报日期


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every table but the history, rows sorted; import ids shown as the sha256 of their file (an undone
    import keeps its id, a fresh load numbers from 1) and imported_at left out (the time of loading)."""
    con = connect(db, read_only=True)
    try:
        sha = dict(con.execute("SELECT import_id, sha256 FROM imports").fetchall())
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'store'"
            ).fetchall()
        ]
        out = {}
        for table in sorted(set(tables) - HISTORY_TABLES):
            cursor = con.execute(f'SELECT * FROM "{table}"')  # noqa: S608 -- catalog names
            names = [d[0] for d in cursor.description]
            rows = []
            for row in cursor.fetchall():
                cells = [sha.get(v, ("gone", v)) if n.endswith("import_id") else v for n, v in zip(names, row, strict=True) if n != "imported_at"]  # fmt: skip
                rows.append(tuple(cells))
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def fresh(files: list[Path], tmp_path: Path, config: TownConfig, name: str = "reference") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    db = folder / "s.duckdb"
    load_files(files, db=db, config=config, today=DAY)
    return db


@pytest.fixture(scope="module")
def files() -> list[Path]:
    return sample_files(WEEK5, WEEK6)


@pytest.fixture
def store(tmp_path: Path, config: TownConfig, files: list[Path]) -> Path:
    db = tmp_path / "live" / "s.duckdb"
    db.parent.mkdir()
    load_files(files, db=db, config=config, today=DAY)
    return db


def ids(db: Path) -> list[int]:
    return [i.id for i in read_state(db).imports]


@pytest.mark.parametrize("position", [0, 6, -1], ids=["first", "a middle one", "last"])
def test_undo_equals_loading_every_other_file_in_order(store, files, tmp_path, config, position):
    undone = files[position]
    target = next(i for i in read_state(store).imports if i.file_name == undone.name)
    result = undo(store, target.id, config=config)
    expected = fresh([f for f in files if f != undone], tmp_path, config)
    assert dump(store) == dump(expected)
    assert result.tickets_after == len(dump(expected)["tickets"])
    # the other imports keep their ids; the undone id is not in the store any more
    assert ids(store) == [i for i in range(1, len(files) + 1) if i != target.id]


def test_the_middle_file_changes_figures_so_the_comparison_can_tell(store, files, tmp_path, config):
    # The case table above means something only if dropping the file changes the store.
    assert dump(fresh(files[:6] + files[7:], tmp_path, config)) != dump(store)


def test_an_undo_is_recorded_and_a_second_undo_of_the_same_id_says_so(store, config):
    undo(store, 3, config=config)
    state = read_state(store)
    assert list(state.undone) == [3]
    with pytest.raises(IntakeError, match="已于 .* 撤销") as caught:
        undo(store, 3, config=config)
    assert caught.value.exit_code == 0


def test_a_new_import_after_undoing_the_last_never_takes_its_id(store, files, config, tmp_path):
    last = len(files)
    undo(store, last, config=config)
    (outcome,) = load_files([files[-1]], db=store, config=config, today=DAY)  # sent again
    assert outcome.outcome == "loaded"
    assert ids(store)[-1] == last + 1
    assert dump(store) == dump(fresh(files, tmp_path, config))


def test_undo_starts_from_the_newest_backup_before_the_import(tmp_path, config):
    db = tmp_path / "s.duckdb"
    week5, week6 = sample_files(WEEK5), sample_files(WEEK6)
    load_files(week5, db=db, config=config, today=DAY)
    load_files(week6, db=db, config=config, today=DAY)  # backs up the store of week 5 first
    undone = len(week5) + 3
    plan = plan_undo(db, undone)
    assert plan.base is not None and backups.contents(plan.base.path).imports[-1][0] == len(week5)
    assert len(plan.replay) == len(week6) - 1
    undo(db, undone, config=config)
    expected = fresh(week5 + week6[:2] + week6[3:], tmp_path, config)
    assert dump(db) == dump(expected)


def test_undo_twice_then_a_base_backup_with_an_undone_import_is_not_used(store, files, tmp_path, config):
    undo(store, 2, config=config)  # its backup holds import 2: no base for a later undo of 5 any more
    undo(store, 5, config=config)
    expected = fresh([f for i, f in enumerate(files, 1) if i not in (2, 5)], tmp_path, config)
    assert dump(store) == dump(expected)
    assert sorted(read_state(store).undone) == [2, 5]


def test_undo_without_an_archived_copy_is_refused_and_changes_nothing(store, files, config):
    before = store.read_bytes()
    state = read_state(store)
    missing = state.imports[-1]
    archive.copy_path(store, missing.sha256, missing.file_name).unlink()
    with pytest.raises(IntakeError, match=missing.file_name):
        undo(store, 1, config=config)
    assert store.read_bytes() == before


def test_restore_makes_the_backup_the_store_and_backs_up_first(tmp_path, config):
    db = tmp_path / "s.duckdb"
    week5 = sample_files(WEEK5)
    load_files(week5[:3], db=db, config=config, today=DAY)
    after_three = dump(db)
    load_files(week5[3:], db=db, config=config, today=DAY)
    after_all = dump(db)
    (backup,) = backups.list_backups(db)
    before, after, taken = restore(db, backup.id, config=config)
    assert dump(db) == after_three
    assert (before, after) == (len(after_all["tickets"]), len(after_three["tickets"]))
    assert taken is not None and taken.reason == "restore"
    # the backup taken first is the store as it was: restoring it undoes the restore
    restore(db, taken.id, config=config)
    assert dump(db) == after_all
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT action, backup_id FROM intake_events").fetchall() == [
            ("restore", taken.id)
        ]


def test_backups_keep_the_last_n(tmp_path, config):
    db = tmp_path / "s.duckdb"
    kept = dataclasses.replace(config, intake=IntakeSettings(backups_keep=2))
    stages = []
    for path in sample_files(WEEK5)[:5]:
        stages.append(dump(db) if db.exists() else None)
        load_files([path], db=db, config=kept, today=DAY)
    listed = backups.list_backups(db)
    assert len(listed) == 2
    # the two newest: the stores before the 4th and 5th loads, as they were
    for backup, stage in zip(listed, stages[3:], strict=True):
        assert dump(backup.path) == stage


def run_etl(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIREDASH_")}
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_cli_imports_json_undo_and_restore(store, files):
    listed = json.loads(run_etl("imports", "--db", str(store), "--json").stdout)
    assert [e["id"] for e in listed] == list(range(1, len(files) + 1))
    first = listed[0]
    assert first["file"] == files[0].name and len(first["sha256"]) == 64 and first["undone"] is False
    assert {"loaded_at", "rows_read", "rows_new", "rows_updated", "rows_unchanged", "rows_rejected"} <= set(
        first
    )
    before = store.read_bytes()
    refused = run_etl("undo", "2", "--db", str(store))  # no terminal, no --yes: nothing done
    assert refused.returncode == 2 and "--yes" in refused.stderr and store.read_bytes() == before
    assert run_etl("undo", "99", "--db", str(store), "--yes").returncode == 2
    done = run_etl("undo", "2", "--db", str(store), "--yes")
    assert done.returncode == 0 and "已撤销导入 #2" in done.stdout, done.stderr
    again = run_etl("undo", "2", "--db", str(store), "--yes")
    assert again.returncode == 0 and "无需再次撤销" in again.stdout
    listed = json.loads(run_etl("imports", "--db", str(store), "--json").stdout)
    assert [(e["id"], e["undone"]) for e in listed][:3] == [(1, False), (2, True), (3, False)]
    backups_listed = json.loads(run_etl("restore", "--db", str(store), "--json").stdout)
    assert [b["reason"] for b in backups_listed] == ["undo"]
    assert backups_listed[0]["imports"] == len(files)
    restored = run_etl("restore", backups_listed[0]["id"], "--db", str(store), "--yes")
    assert restored.returncode == 0 and "已恢复备份" in restored.stdout, restored.stderr
    assert ids(store) == list(range(1, len(files) + 1))


def test_a_backup_from_before_an_earlier_undo_is_no_base(tmp_path, config):
    db = tmp_path / "s.duckdb"
    week5, week6 = sample_files(WEEK5), sample_files(WEEK6)
    load_files(week5, db=db, config=config, today=DAY)
    load_files(week6, db=db, config=config, today=DAY)  # its backup holds imports 1–7, import 3 among them
    undo(db, 3, config=config)
    later = len(week5) + 2
    assert plan_undo(db, later).base is None  # that backup still holds import 3
    undo(db, later, config=config)
    kept = [f for i, f in enumerate(week5 + week6, 1) if i not in (3, later)]
    assert dump(db) == dump(fresh(kept, tmp_path, config))


def test_a_replay_reuses_the_report_date_and_the_day_of_loading_each_file_had(tmp_path, config):
    from tests.ledgers import write_xlsx
    from tests.test_load import WEEK1, WEEK2

    first = write_xlsx(tmp_path / "东河村台账_1.xlsx", WEEK1, report_line="填报日期：2023-12-10")
    stated = write_xlsx(
        tmp_path / "西岭村台账.xlsx", [r[:3] + ("西岭村",) + r[4:] for r in WEEK1], report_line=None
    )
    undated = write_xlsx(tmp_path / "东河村台账_2.xlsx", WEEK2, report_line=None)
    db = tmp_path / "s.duckdb"
    load_files([first], db=db, config=config, today=DAY)
    load_files([stated], db=db, config=config, report_date=dt.date(2023, 12, 12), today=DAY)
    load_files([undated], db=db, config=config, today=dt.date(2024, 1, 5))
    dated = {r[1]: r[4] for r in dump(db)["imports"] if r[1] != first.name}
    assert dated[stated.name] == dt.date(2023, 12, 12)
    undo(db, 1, config=config)
    expected = tmp_path / "expected" / "s.duckdb"
    expected.parent.mkdir()
    load_files([stated], db=expected, config=config, report_date=dt.date(2023, 12, 12), today=DAY)
    load_files([undated], db=expected, config=config, today=dt.date(2024, 1, 5))
    assert dump(db) == dump(expected)
    assert {r[1]: r[4] for r in dump(db)["imports"]} == dated


def test_backups_taken_within_one_second_keep_the_newest(tmp_path):
    """A pruned id must never be given again: the newest backup would then sort first and be pruned next."""
    store = tmp_path / "s.duckdb"
    now = dt.datetime(2024, 1, 7, 9, 30, 0)
    taken = []
    for n in range(4):
        store.write_bytes(f"state {n}".encode())
        taken.append(backups.take(store, "load", keep=2, now=now).id)
    assert len(set(taken)) == 4
    listed = backups.list_backups(store)
    assert [b.id for b in listed] == taken[-2:]
    assert listed[-1].path.read_bytes() == b"state 3"
