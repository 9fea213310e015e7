"""Changes to the store go through a private copy that replaces it atomically, one change at a time.

DuckDB lets one process write a file or several read it. So a load never opens the store for writing: it
copies it to a temporary file beside it, commits each file there, and publishes with CHECKPOINT, close and
os.replace over the store. Readers (the dashboard's short read-only connections, `python -m metrics`) keep
reading the file they opened and see the new one on their next connection; they never wait. A kill -9 at any
moment leaves the store as it was last published: before a file or after it. Loads queue on a lock file
(fcntl.flock); the replaced file becomes the backup taken before the change (etl.backups).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import glob
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, Literal

import duckdb

from etl import archive, backups, history
from firedash.config import IntakeSettings
from firedash.glossary import WAITING_FOR_LOAD
from firedash.store import connect

NOT_LOADED = ("unchanged", "refused")  # every other outcome wrote an import
# (connection, file, record=…) -> FileOutcome; the loader calls record(con, import_id) inside its transaction
Loader = Callable[..., Any]
Base = Path | Literal["store", "empty"]


def lock_path(store: Path) -> Path:
    return store.with_name(f".{store.name}.lock")


def _work_path(store: Path, tag: str) -> Path:
    return store.with_name(f".{store.name}.{tag}-{os.getpid()}")


def _say_waiting() -> None:
    print(WAITING_FOR_LOAD, file=sys.stderr, flush=True)


@contextmanager
def load_lock(store: Path, on_wait: Callable[[], None] = _say_waiting) -> Iterator[None]:
    """Hold the store's load lock, waiting (after saying so) while another load holds it.

    flock is released by the kernel when its holder dies, so a killed load never blocks the next one.
    """
    store.parent.mkdir(parents=True, exist_ok=True)
    with lock_path(store).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def clean_stale(store: Path) -> None:
    """Working files a killed load left beside the store (only ever called under the load lock)."""
    prefix = glob.escape(f".{store.name}.")
    for pattern in ("loading-*", "publish-*"):
        for stale in store.parent.glob(prefix + pattern):
            stale.unlink(missing_ok=True)
    archive.clean_incoming(store)


class Session:
    """One change to the store: a connection on the private copy, and when to publish it."""

    def __init__(self, store: Path, work: Path, settings: IntakeSettings, *, reason: str, dry_run: bool,
                 progressive: bool) -> None:  # fmt: skip
        self.store, self.work, self.settings = store, work, settings
        self.reason, self.dry_run, self.progressive = reason, dry_run, progressive
        self.con: duckdb.DuckDBPyConnection = _open_work(work)
        self.changed = False  # committed work not yet published
        self.backup: backups.Backup | None = None
        self._published = False
        self._last_publish = time.monotonic()
        self._undone_max: int | None = None
        self._kept: list[Path] = []  # the copies kept in the archive since the last flush

    def load(
        self,
        path: Path,
        loader: Loader,
        *,
        stated: dt.date | None,
        today: dt.date,
        import_id: int | None = None,
        imported_at: dt.datetime | None = None,
    ) -> Any:
        """Load one file with `loader` (its own transaction); record how, keep its bytes, maybe publish.

        A replay (undo) gives the import's own id and time; a new import takes the next id never used.
        """
        source, wrote = self.keep(path, archived=import_id is not None)
        record = partial(
            self._record, stated=stated, today=today, import_id=import_id, imported_at=imported_at
        )
        outcome = loader(self.con, source, record=record)
        if source != path:
            outcome = replace(outcome, path=path)
        if outcome.outcome in NOT_LOADED:
            if wrote:
                archive.discard(source)
        else:
            self.changed = True
        self.maybe_publish()
        return outcome

    def keep(self, path: Path, *, archived: bool = False) -> tuple[Path, bool]:
        """(the copy to read, whether this call wrote it): the archived copy of a file a load will read."""
        if self.dry_run or archived:
            return path, False
        try:
            kept = archive.keep(self.store, path)
        except OSError:  # missing or unreadable: the loader says so in its own words
            return path, False
        self._kept.append(kept[0])
        return kept

    def _record(
        self,
        con: duckdb.DuckDBPyConnection,
        fresh: int,
        *,
        stated: dt.date | None,
        today: dt.date,
        import_id: int | None,
        imported_at: dt.datetime | None,
    ) -> None:
        """How import `fresh` was loaded, inside the loader's transaction (a kill never parts the two);
        a replay gives it its own id and time back, a new import the next id never used."""
        target = import_id if import_id is not None else self._next_free_id(fresh)
        history.renumber(con, fresh, target)
        if imported_at is not None:
            con.execute("UPDATE imports SET imported_at = ? WHERE import_id = ?", [imported_at, target])
        history.record_run(con, target, stated, today)

    def next_import_id(self) -> int:
        """The id the next new import takes (never one an undone import had)."""
        return self._next_free_id(history.newest_import_id(self.con) + 1)

    def loaded(self) -> None:
        """Work was committed (by a caller writing on self.con): publish it."""
        self.changed = True

    def _next_free_id(self, fresh: int) -> int:
        """history.next_free_id, with the undone imports read once: a load session records no undo."""
        if self._undone_max is None:
            self._undone_max = max(history.undone(self.con), default=0)
        return fresh if fresh > self._undone_max else self._undone_max + 1

    def publish_due(self) -> bool:
        """The configured seconds have passed since the last publish (a load that publishes as it goes)."""
        due = time.monotonic() - self._last_publish >= self.settings.publish_every_seconds
        return self.progressive and due and not self.dry_run

    def maybe_publish(self) -> None:
        """After a file: publish when the configured seconds have passed, so a long load shows progress."""
        if self.changed and self.publish_due():
            self.publish(final=False)

    def publish(self, *, final: bool) -> None:
        """Make the committed work the store: checkpoint, close, back up the store, replace it."""
        self.con.execute("CHECKPOINT")
        self.con.close()
        if self.work.with_name(self.work.name + ".wal").exists():
            raise RuntimeError(f"{self.work}: WAL left after CHECKPOINT and close")
        staged = self.work if final else _work_path(self.store, "publish")
        if not final:
            shutil.copyfile(self.work, staged)
        if self._kept:  # the archived copies the store names are on disk before it is
            archive.flush(self._kept)
            self._kept = []
        archive.fsync_file(staged)
        if not self._published:
            self.backup = backups.take(self.store, self.reason, self.settings.backups_keep)
        # A WAL beside the store belongs to the file being replaced (the backup took it if one was kept).
        self.store.with_name(self.store.name + ".wal").unlink(missing_ok=True)
        os.replace(staged, self.store)
        archive.fsync_dir(self.store.parent)
        self._published, self.changed = True, False
        self._last_publish = time.monotonic()
        if not final:
            self.con = _open_work(self.work)

    def close(self) -> None:
        """Publish what is left (a change) or drop the private copy (a dry run, nothing loaded)."""
        if self.changed and not self.dry_run:
            self.publish(final=True)
        else:
            self.discard()

    def discard(self) -> None:
        try:
            self.con.close()
        finally:
            self.work.unlink(missing_ok=True)
            self.work.with_name(self.work.name + ".wal").unlink(missing_ok=True)


@contextmanager
def session(
    store: str | os.PathLike[str],
    *,
    settings: IntakeSettings,
    dry_run: bool = False,
    reason: str = "load",
    base: Base = "store",
    hold_lock: bool = True,
    on_wait: Callable[[], None] = _say_waiting,
) -> Iterator[Session]:
    """A change to the store, published when the block ends without an exception.

    base: what the private copy starts from (the store, a backup file, or nothing). A dry run works on a copy
    in the system's temp folder, takes no lock and publishes nothing. hold_lock=False: the caller holds it.
    A load publishes as it goes (publish_every_seconds); an undo or a restore only at its end.
    """
    store = Path(store)
    if dry_run:
        with tempfile.TemporaryDirectory(prefix="firedash-dry-run-") as folder:
            work = Path(folder) / store.name
            yield from _run(store, work, settings, base, reason=reason, dry_run=True)
        return
    with load_lock(store, on_wait) if hold_lock else _held():
        clean_stale(store)
        yield from _run(store, _work_path(store, "loading"), settings, base, reason=reason, dry_run=False)


def _run(store: Path, work: Path, settings: IntakeSettings, base: Base, *, reason: str, dry_run: bool) -> Iterator[Session]:  # fmt: skip
    if base == "store" and store.is_file():
        backups.copy_to(store, work)
    elif isinstance(base, Path):
        backups.copy_to(base, work)
    try:
        active = Session(store, work, settings, reason=reason, dry_run=dry_run, progressive=base == "store")
    except BaseException:
        work.unlink(missing_ok=True)
        work.with_name(work.name + ".wal").unlink(missing_ok=True)
        raise
    try:
        yield active
        active.close()
    except BaseException:
        active.discard()  # work already published stays published; the rest is dropped
        raise


@contextmanager
def _held() -> Iterator[None]:
    yield


def _open_work(work: Path) -> duckdb.DuckDBPyConnection:
    return connect(work)  # migrates the private copy (schema version 4 brings the history tables)
