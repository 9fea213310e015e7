"""Backups of the store, one taken before every change (load, undo, restore), the last N kept.

A load never writes the store in place (etl.publish replaces it), so the file it replaces is the backup: it is
hard-linked into <store folder>/backups/<store stem>/<id>.<reason>.duckdb, the id being the time taken.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from firedash.store import connect

BACKUPS_DIR = "backups"
REASONS = ("load", "undo", "restore")


@dataclass(frozen=True)
class Backup:
    id: str
    reason: str
    path: Path

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.strptime(self.id[:15], "%Y%m%d-%H%M%S")


@dataclass(frozen=True)
class BackupContents:
    """What a backup holds: its imports in order as (id, sha256, file name), and its ticket count."""

    imports: tuple[tuple[int, str, str], ...]
    tickets: int


def backups_dir(store: Path) -> Path:
    return store.parent / BACKUPS_DIR / store.stem


def list_backups(store: Path) -> list[Backup]:
    """The store's backups, oldest first."""
    folder = backups_dir(store)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.duckdb"):
        id_, _, reason = path.stem.partition(".")
        if reason in REASONS and _is_id(id_):
            found.append(Backup(id_, reason, path))
    return sorted(found, key=_order)


def find(store: Path, backup_id: str) -> Backup | None:
    return next((b for b in list_backups(store) if b.id == backup_id), None)


def take(store: Path, reason: str, keep: int, now: dt.datetime | None = None) -> Backup | None:
    """Keep the store file as it is now (a hard link: it is never written again once replaced), then prune."""
    if not store.is_file() or keep <= 0:
        return None
    folder = backups_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    backup = Backup(_new_id(folder, now or dt.datetime.now()), reason, Path())
    backup = Backup(backup.id, reason, folder / f"{backup.id}.{reason}.duckdb")
    _link_or_copy(store, backup.path)
    wal = store.with_name(store.name + ".wal")
    if wal.is_file():  # committed work a killed writer of an older version left: it belongs to this state
        os.replace(wal, backup.path.with_name(backup.path.name + ".wal"))
    prune(store, keep)
    return backup


def prune(store: Path, keep: int) -> None:
    """Delete all but the newest `keep` backups."""
    backups = list_backups(store)
    for old in backups[: max(len(backups) - keep, 0)]:
        old.path.unlink(missing_ok=True)
        old.path.with_name(old.path.name + ".wal").unlink(missing_ok=True)


def contents(backup: Path) -> BackupContents:
    """Open a backup read-only and say what it holds (raises duckdb.Error for a damaged file)."""
    con = connect(backup, read_only=True)
    try:
        imports = con.execute(
            "SELECT import_id, sha256, file_name FROM imports ORDER BY import_id"
        ).fetchall()
        tickets = con.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
    finally:
        con.close()
    return BackupContents(tuple(imports), tickets)


def copy_to(backup: Path, target: Path) -> None:
    """Copy a backup (and the WAL it may carry) to a working file."""
    shutil.copyfile(backup, target)
    wal = backup.with_name(backup.name + ".wal")
    if wal.is_file():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))


def _new_id(folder: Path, now: dt.datetime) -> str:
    base = now.strftime("%Y%m%d-%H%M%S")
    # Past the highest of this second, not the first free one: a pruned id must never come back, or the
    # newest backup would sort as the oldest and be pruned next.
    taken = [p.stem.partition(".")[0] for p in folder.glob("*.duckdb")]
    same = [_order(Backup(id_, "", Path()))[1] for id_ in taken if _is_id(id_) and id_[:15] == base]
    return f"{base}-{max(same) + 1}" if same else base


def _order(backup: Backup) -> tuple[str, int]:
    _, _, n = backup.id[15:].partition("-")
    return backup.id[:15], int(n or 1)


def _is_id(text: str) -> bool:
    try:
        dt.datetime.strptime(text[:15], "%Y%m%d-%H%M%S")
    except ValueError:
        return False
    return len(text) == 15 or (text[15] == "-" and text[16:].isdigit())


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links: a copy (the store is not written meanwhile)
        shutil.copyfile(source, target)
