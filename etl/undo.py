"""The imports a store holds, undoing one, and restoring a backup.

An undo rebuilds the store: from the newest backup taken before the undone import whose imports are exactly
the store's first ones (else from empty), it replays every later import but the undone one, in order, from
the archived copies (etl.archive), each with the report date and day of loading it was first loaded with.
The result is the store loading every other file in the same order gives; the import keeps its id (ids are
never given again) and the undo is recorded in intake_events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import duckdb

from etl import archive, backups, history, publish
from etl.load import load_file
from firedash import glossary as T
from firedash.config import TownConfig
from firedash.store import connect

IMPORT_COLUMNS = ("import_id", "file_name", "sha256", "imported_at", "report_date", "rows_read", "rows_new",
                  "rows_updated", "rows_unchanged", "rows_rejected")  # fmt: skip


class IntakeError(RuntimeError):
    """An undo or restore that cannot be done; the message is for users, the store is unchanged."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class StoredImport:
    """One row of the store's imports, with how it was loaded (for a replay)."""

    id: int
    file_name: str
    sha256: str
    imported_at: dt.datetime
    report_date: dt.date
    rows_read: int
    rows_new: int
    rows_updated: int
    rows_unchanged: int
    rows_rejected: int
    stated_report_date: dt.date | None
    load_day: dt.date

    def as_row(self) -> dict[str, object]:
        return {c: getattr(self, "id" if c == "import_id" else c) for c in IMPORT_COLUMNS}


@dataclass(frozen=True)
class UndoPlan:
    target: StoredImport
    base: backups.Backup | None  # None: rebuild from an empty store
    replay: tuple[StoredImport, ...]
    tickets_before: int


@dataclass(frozen=True)
class UndoResult:
    plan: UndoPlan
    tickets_after: int
    backup: backups.Backup | None  # the store as it was before the undo


@dataclass(frozen=True)
class StoreState:
    imports: tuple[StoredImport, ...]
    undone: dict[int, dict]
    tickets: int


def read_state(store: Path) -> StoreState:
    """The store's imports (in id order), its undone imports and its ticket count, read-only."""
    if not store.is_file():
        return StoreState((), {}, 0)
    con = connect(store, read_only=True)
    try:
        return _state(con)
    finally:
        con.close()


def _state(con: duckdb.DuckDBPyConnection) -> StoreState:
    runs = _runs(con)
    rows = con.execute(
        f"SELECT {', '.join(IMPORT_COLUMNS)} FROM imports ORDER BY import_id"  # noqa: S608 -- constants
    ).fetchall()
    imports = tuple(StoredImport(*row, *runs.get(row[0], (None, row[3].date()))) for row in rows)
    tickets = con.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
    return StoreState(imports, history.undone(con), tickets)


def _runs(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[dt.date | None, dt.date]]:
    return history.runs(con) if history.has_history(con) else {}


def plan_undo(store: Path, import_id: int) -> UndoPlan:
    """What undoing `import_id` takes; raises IntakeError if it is unknown, already undone or not replayable."""
    state = read_state(store)
    if import_id in state.undone:
        done = state.undone[import_id]
        raise IntakeError(T.UNDO_ALREADY.format(id=import_id, file=done["file_name"], undone_at=_minute(done["undone_at"])), 0)  # fmt: skip
    target = next((i for i in state.imports if i.id == import_id), None)
    if target is None:
        raise IntakeError(T.UNDO_UNKNOWN.format(id=import_id))
    base, base_ids = _base(store, state.imports, import_id)
    replay = tuple(i for i in state.imports if i.id not in base_ids and i.id != import_id)
    missing = [i.file_name for i in replay if not archive.copy_path(store, i.sha256, i.file_name).is_file()]
    if missing:
        raise IntakeError(T.UNDO_MISSING_COPY.format(files=T.text("list_separator").join(missing)))
    return UndoPlan(target, base, replay, state.tickets)


def _base(store: Path, imports: tuple[StoredImport, ...], import_id: int) -> tuple[backups.Backup | None, set[int]]:  # fmt: skip
    """The newest backup holding exactly the store's imports up to some point before `import_id`."""
    for backup in reversed(backups.list_backups(store)):
        try:
            held = backups.contents(backup.path).imports
        except duckdb.Error:
            continue  # a damaged backup is no base; the next older one may be
        prefix = tuple((i.id, i.sha256, i.file_name) for i in imports[: len(held)])
        if held == prefix and all(i[0] < import_id for i in held):
            return backup, {i[0] for i in held}
    return None, set()


def undo(store: Path, import_id: int, *, config: TownConfig) -> UndoResult:
    """Undo one import under the load lock (re-planned there, as another load may have run meanwhile)."""
    with publish.load_lock(store):
        plan = plan_undo(store, import_id)
        base = plan.base.path if plan.base else "empty"
        with publish.session(
            store, settings=config.intake, reason="undo", base=base, hold_lock=False
        ) as work:
            for item in plan.replay:
                _replay(work, store, item, config)
            _carry_events(work.con, store)
            history.record_event(work.con, "undo", import_id=import_id,
                                 backup_id=plan.base.id if plan.base else None, detail=plan.target.as_row())  # fmt: skip
            after = work.con.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
            work.changed = True
    return UndoResult(plan, after, work.backup)


def _replay(work: publish.Session, store: Path, item: StoredImport, config: TownConfig) -> None:
    copy = archive.copy_path(store, item.sha256, item.file_name)
    loader = partial(load_file, config=config, report_date=item.stated_report_date, today=item.load_day)
    outcome = work.load(copy, loader, stated=item.stated_report_date, today=item.load_day,
                        import_id=item.id, imported_at=item.imported_at)  # fmt: skip
    if outcome.outcome in publish.NOT_LOADED:
        raise IntakeError(T.UNDO_REPLAY_REFUSED.format(file=item.file_name, reason=outcome.reason), 1)


def _carry_events(con: duckdb.DuckDBPyConnection, store: Path) -> None:
    """The rebuilt store keeps the history of the store it replaces (a base backup predates part of it)."""
    con.execute("ATTACH ? AS replaced (READ_ONLY)", [str(store)])
    try:
        if con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'replaced' AND table_name = 'intake_events'"
        ).fetchall()[0][0]:
            con.execute("DELETE FROM intake_events")
            con.execute("INSERT INTO intake_events SELECT * FROM replaced.intake_events")
    finally:
        con.execute("DETACH replaced")


def restore(store: Path, backup_id: str, *, config: TownConfig) -> tuple[int, int, backups.Backup | None]:
    """Make a backup the store (a backup of the store is taken first); (tickets before, after, that backup)."""
    with publish.load_lock(store):
        chosen = backups.find(store, backup_id)
        if chosen is None:
            raise IntakeError(T.BACKUP_UNKNOWN.format(id=backup_id))
        before = read_state(store).tickets
        with publish.session(store, settings=config.intake, reason="restore", base=chosen.path,
                             hold_lock=False) as work:  # fmt: skip
            history.record_event(work.con, "restore", import_id=None, backup_id=backup_id, detail={})
            after = work.con.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
            work.changed = True
    return before, after, work.backup


def _minute(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else str(value)
