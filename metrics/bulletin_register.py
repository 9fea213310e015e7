"""The record of bulletins made (第N期): a small JSON file beside the store, read and written under flock.

Kept outside the DuckDB store on purpose: a load replaces the store file (copy-and-swap), which would
lose a table written into it between loads.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Issue:
    """One bulletin made: its number, week, as-of date, file written and when (ISO text)."""

    issue_no: int
    week: int
    as_of: str
    file: str
    made_at: str


def register_path(store: Path) -> Path:
    """bulletin/<store name>.issued.json beside the store (data/bulletin/campaign.issued.json by default)."""
    return store.parent / "bulletin" / f"{store.stem}.issued.json"


def read_issues(path: Path) -> list[Issue]:
    """Every bulletin recorded, oldest first ([] when none was made yet)."""
    if not path.is_file():
        return []
    return [Issue(**item) for item in json.loads(path.read_text(encoding="utf-8"))]


def number_for(issues: list[Issue], week: int) -> int:
    """The number a bulletin of `week` takes: the week's last number when it was made before (a re-make
    is the same 第N期), else one past the highest number given."""
    same_week = [i.issue_no for i in issues if i.week == week]
    if same_week:
        return same_week[-1]
    return max((i.issue_no for i in issues), default=0) + 1


@contextmanager
def locked(path: Path) -> Iterator[list[Issue]]:
    """The recorded issues under an exclusive lock; what the caller appends is written back atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        issues = read_issues(path)
        before = len(issues)
        yield issues
        if len(issues) != before:
            _write(path, issues)


def _write(path: Path, issues: list[Issue]) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    payload = json.dumps([asdict(i) for i in issues], ensure_ascii=False, indent=1)
    temporary.write_text(payload + "\n", encoding="utf-8")
    os.replace(temporary, path)


def made_now() -> str:
    """The time a bulletin is recorded as made, to the second, in local time."""
    return dt.datetime.now().replace(microsecond=0).isoformat()
