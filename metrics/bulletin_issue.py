"""Making a numbered 周通报 for the CLI and the 周报 page alike: number it, build it, write it, and record it
in the issue register and the audit trail, so both count on from the same last issue."""

from __future__ import annotations

import datetime as dt
import errno
from dataclasses import dataclass
from pathlib import Path

import duckdb

from firedash import audit
from firedash.config import TownConfig
from firedash.glossary import text
from metrics.bulletin import BulletinWeek
from metrics.bulletin_docx import bulletin_bytes
from metrics.bulletin_register import Issue, locked, made_now, number_for, read_issues, register_path
from metrics.bulletin_settings import BulletinSettings, bulletin_settings
from metrics.formatting import fmt_date, week_label

# Why a file cannot be written, in words (the OS's own message is English).
_WRITE_REASONS = {
    errno.EACCES: "write_no_permission",
    errno.EPERM: "write_no_permission",
    errno.ENOENT: "write_no_folder",
    errno.ENOTDIR: "write_file_in_path",
    errno.EEXIST: "write_file_in_path",  # mkdir of a folder where a file of that name stands
    errno.EISDIR: "write_is_folder",
    errno.EROFS: "write_read_only",
    errno.ENOSPC: "write_disk_full",
}


class OutputError(OSError):
    """The bulletin was built but its file cannot be written there: nothing is written or recorded."""

    def __init__(self, path: Path, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror)
        self.path, self.cause = path, cause

    def __str__(self) -> str:
        key = _WRITE_REASONS.get(self.cause.errno)
        reason = text(key) if key else (self.cause.strerror or str(self.cause))
        return text("bulletin_cannot_write", path=self.path, reason=reason)


@dataclass(frozen=True)
class Maker:
    """Who makes the bulletin, for the audit trail: a user name (or the OS account) and the address."""

    who: str
    address: str


def next_number(store: Path, week_no: int) -> int:
    """The number a bulletin of the week would take now (read without the lock: for showing only)."""
    return number_for(read_issues(register_path(store)), week_no)


def issued_file(store: Path, issue_no: int, week_no: int) -> Path:
    """Where the page keeps a copy of each bulletin it made: bulletin/issued/ beside the register."""
    return register_path(store).parent / "issued" / file_name(issue_no, week_no)


def file_name(issue_no: int, week_no: int) -> str:
    """周通报第3期_第22周.docx"""
    return text("file_bulletin", n=issue_no, week=week_label(week_no))


def issue_bulletin(
    con: duckdb.DuckDBPyConnection,
    config: TownConfig,
    *,
    store: Path,
    week: BulletinWeek,
    out: Path | None,
    maker: Maker,
    issue_no: int | None = None,
    settings: BulletinSettings | None = None,
) -> tuple[Issue, bytes]:
    """The bulletin of `week` as .docx bytes, numbered `issue_no` or by the register (the week's number when
    it was made before, else one past the last); written to `out` (default: issued_file) and recorded.

    Numbering, writing and recording happen under the register's lock: two bulletins made at once never
    share a number. Raises OutputError when `out` cannot be written, OSError/ValueError when the template
    cannot be filled (nothing is recorded either way).
    """
    settings = settings or bulletin_settings(config)
    with locked(register_path(store)) as issues:
        number = issue_no or number_for(issues, week.week_no)
        data = bulletin_bytes(con, config, as_of=week.as_of, issue_no=number, settings=settings)
        target = out or issued_file(store, number, week.week_no)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as exc:
            raise OutputError(target, exc) from exc
        issue = Issue(number, week.week_no, week.as_of.isoformat(), str(target.resolve()), made_now())
        issues.append(issue)
    _audit(issue, maker, store)
    return issue, data


def _audit(issue: Issue, maker: Maker, store: Path) -> None:
    detail = text(
        "bulletin_audit_detail",
        n=issue.issue_no,
        week=week_label(issue.week),
        date=fmt_date(dt.date.fromisoformat(issue.as_of)),
    )
    data = {"issue_no": issue.issue_no, "week": issue.week, "as_of": issue.as_of, "file": issue.file}
    audit.record(
        "bulletin", detail, who=maker.who, address=maker.address, data=data, path=audit.audit_path(db=store)
    )
