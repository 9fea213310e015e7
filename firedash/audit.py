"""The audit trail: an append-only JSON-lines file beside the store, each line chained to the one before.

The store is swapped whole by the loader and opened read-only by the dashboard, so the trail lives in its
own file (`audit.jsonl` in the store's folder, or $FIREDASH_AUDIT). Each line is written with O_APPEND under
flock and fsync, and carries `prev`, the sha256 of the previous line's bytes (64 zeros for the first), so an
edited or deleted line breaks the chain; a small head file (`audit.jsonl.head`) holds the count and the hash
of the last line, so a deleted or edited last line is found too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from firedash.config import db_path
from firedash.glossary import AUDIT_ACTIONS, text

if TYPE_CHECKING:
    import pandas as pd

AUDIT_ENV = "FIREDASH_AUDIT"
GENESIS = "0" * 64
LOCAL_ADDRESS = text("local_address")  # the address of a change made on this machine's command line

# Action code → Chinese label; record() takes only these codes.
ACTIONS: dict[str, str] = AUDIT_ACTIONS
COLUMNS = ("line", "at", "who", "address", "action", "detail", "data")

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class ChainReport:
    """verify_chain's answer: ok, the number of lines, and where the chain first breaks (1-based)."""

    ok: bool
    lines: int
    broken_at: int | None = None
    reason: str = ""


def audit_path(
    explicit: str | os.PathLike[str] | None = None, *, db: str | os.PathLike[str] | None = None
) -> Path:
    """An explicit path, else $FIREDASH_AUDIT, else audit.jsonl in the store's folder."""
    if explicit or os.environ.get(AUDIT_ENV):
        return Path(explicit or os.environ[AUDIT_ENV])
    return db_path(db).parent / "audit.jsonl"


def head_path(trail: Path) -> Path:
    return trail.with_name(f"{trail.name}.head")


def _digest(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


@contextlib.contextmanager
def _appending(trail: Path) -> Iterator[int]:
    """The trail opened for appending, under an exclusive flock (it is never replaced, so it holds the lock)."""
    trail.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(trail, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)


def _last_line(trail: Path) -> tuple[bytes | None, bool]:
    """The file's last line without its newline (None when empty), and whether the file ends in one."""
    with open(trail, "rb") as file:
        size = file.seek(0, os.SEEK_END)
        if size == 0:
            return None, True
        block, position = b"", size
        while position > 0:
            step = min(4096, position)
            position -= step
            file.seek(position)
            block = file.read(step) + block
            if block.count(b"\n") >= 2:
                break
        ends_in_newline = block.endswith(b"\n")
        return block.rstrip(b"\n").rsplit(b"\n", 1)[-1], ends_in_newline


def _write_head(trail: Path, lines: int, last: str) -> None:
    head = head_path(trail)
    temp = head.with_name(f".{head.name}.tmp")
    temp.write_text(json.dumps({"lines": lines, "sha256": last}), encoding="utf-8")
    os.replace(temp, head)


def _read_head(trail: Path) -> dict | None:
    try:
        return json.loads(head_path(trail).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def record(
    action: str,
    detail: str,
    *,
    who: str,
    address: str | None,
    data: dict | None = None,
    path: str | os.PathLike[str] | None = None,
    clock: Clock = _now,
) -> dict:
    """Append one line (who, when, action code, Chinese detail, address, optional data) and return it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; one of {sorted(ACTIONS)}")
    trail = audit_path(path)
    with _appending(trail) as fd:
        last, ends_in_newline = _last_line(trail)
        entry = {
            "at": clock().isoformat(timespec="seconds"),
            "who": who,
            "address": address or "",
            "action": action,
            "detail": detail,
            "data": data or {},
            "prev": GENESIS if last is None else _digest(last),
        }
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8")
        # A torn last line (a crash mid-write) stays on its own line, where verify_chain reports it.
        os.write(fd, (b"" if ends_in_newline else b"\n") + line + b"\n")
        os.fsync(fd)
        _write_head(trail, _count_lines(trail), _digest(line))
    return entry


def _count_lines(trail: Path) -> int:
    with open(trail, "rb") as file:
        return sum(1 for raw in file if raw.strip())


def _lines(trail: Path) -> list[bytes]:
    try:
        raw = trail.read_bytes()
    except FileNotFoundError:
        return []
    return [line for line in raw.split(b"\n") if line]


def verify_chain(path: str | os.PathLike[str] | None = None) -> ChainReport:
    """Check every line's `prev` against the line before and the head against the last line."""
    trail = audit_path(path)
    lines = _lines(trail)
    expected = GENESIS
    for number, line in enumerate(lines, start=1):
        try:
            prev = json.loads(line)["prev"]
        except (ValueError, KeyError, TypeError):
            return ChainReport(False, len(lines), number, text("chain_unreadable", n=number))
        if prev != expected:
            culprit = text("chain_first_deleted") if number == 1 else text("chain_line_changed", n=number - 1)
            return ChainReport(False, len(lines), number, text("chain_mismatch", n=number, culprit=culprit))
        expected = _digest(line)
    return _check_head(trail, lines)


def _check_head(trail: Path, lines: list[bytes]) -> ChainReport:
    head = _read_head(trail)
    if head is None:
        if lines:
            return ChainReport(False, len(lines), len(lines), text("chain_no_head"))
        return ChainReport(True, 0)
    count, last = head.get("lines", 0), head.get("sha256")
    if count > len(lines):
        return ChainReport(
            False,
            len(lines),
            len(lines) + 1,
            text("chain_tail_deleted", count=count, lines=len(lines)),
        )
    # A crash between a line's fsync and the head's update leaves the head one line behind: still fine.
    if count and _digest(lines[count - 1]) != last:
        return ChainReport(False, len(lines), count, text("chain_head_mismatch", n=count))
    return ChainReport(True, len(lines))


def _entries(trail: Path) -> Iterator[dict]:
    for number, line in enumerate(_lines(trail), start=1):
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # verify_chain reports it; the page still shows every readable line
        at = dt.datetime.fromisoformat(entry["at"])
        yield {**entry, "line": number, "at": at.replace(tzinfo=None)}  # wall-clock time where it was written


def read(
    path: str | os.PathLike[str] | None = None,
    *,
    action: str | Iterable[str] | None = None,
    user: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """The trail as a DataFrame (COLUMNS, oldest first), filtered by action code(s), user and dates (inclusive)."""
    import pandas as pd  # here, so the command line starts without it

    actions = {action} if isinstance(action, str) else set(action or ())
    rows = [
        {column: entry.get(column) for column in COLUMNS}
        for entry in _entries(audit_path(path))
        if (not actions or entry["action"] in actions)
        and (user is None or entry["who"] == user)
        and (start is None or entry["at"].date() >= start)
        and (end is None or entry["at"].date() <= end)
    ]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["at"] = pd.to_datetime(frame["at"])
    return frame
