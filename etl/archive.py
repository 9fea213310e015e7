"""Kept copies of the loaded files, by sha256, beside the store: what an undo replays.

Layout: <store folder>/archive/<sha256>/<file name as loaded>. Content-addressed, so stores sharing a folder
share it, and a file is copied once however often it is sent.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

ARCHIVE_DIR = "archive"
_BLOCK = 1 << 20


def archive_dir(store: Path) -> Path:
    return store.parent / ARCHIVE_DIR


def copy_path(store: Path, digest: str, name: str) -> Path:
    """Where the archive keeps the file of this sha256 and name."""
    return archive_dir(store) / digest / name


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def keep(store: Path, path: Path) -> tuple[Path, bool]:
    """(the archived copy of `path`, whether this call wrote it): the load then reads the copy, so the
    archive holds exactly the bytes that were loaded even if the file changes meanwhile.

    The copy is not flushed to disk here: flush() does it once for all the copies a load kept, before the
    store that names them is published. A copy a crash left short before its flush is written again.
    """
    staging = archive_dir(store) / f".incoming-{os.getpid()}-{path.name}"
    staging.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    try:
        with path.open("rb") as source, staging.open("wb") as target:
            for block in iter(lambda: source.read(_BLOCK), b""):
                digest.update(block)
                target.write(block)
        final = copy_path(store, digest.hexdigest(), path.name)
        if final.is_file() and sha256(final) == digest.hexdigest():
            return final, False
        final.parent.mkdir(exist_ok=True)
        os.replace(staging, final)
        return final, True
    finally:
        staging.unlink(missing_ok=True)


def flush(copies: Iterable[Path]) -> None:
    """Write the kept copies and their folders to disk, once, before the store that names them is published
    (not at each keep; and only these files, not every file system as os.sync would)."""
    folders = set()
    for copy in copies:
        if not copy.is_file():  # discarded: the file was not loaded, nothing names the copy
            continue
        fsync_file(copy)
        folders.add(copy.parent)
    for folder in folders:
        fsync_dir(folder)


def fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def discard(copy: Path) -> None:
    """Remove a copy this load wrote for a file it did not load (and its folder, if now empty)."""
    copy.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # another name of the same bytes is still kept there
        copy.parent.rmdir()


def clean_incoming(store: Path) -> None:
    """Staging files of a killed load (called under the load lock, when no other load is running)."""
    folder = archive_dir(store)
    if folder.is_dir():
        for stale in folder.glob(".incoming-*"):
            stale.unlink(missing_ok=True)
