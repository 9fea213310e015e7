"""Load ledger files into the store: read → normalise → identify → merge, one transaction per file."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl import merge
from etl.errors import LedgerError
from etl.headers import find_header
from etl.normalise import RawRows, Rejected, SheetResult, normalise_under
from etl.readers import read_ledger
from etl.report_date import decide_report_date
from etl.source import source_key
from etl.values import town_words
from firedash.config import TownConfig
from firedash.glossary import (
    NO_HEADER,
    REASON_DUPLICATE,
    REASON_MANY_TICKETS,
    REASON_NO_TICKET,
    REASON_NO_TICKET_NUMBERED,
    REASON_NUMBER_IN_VILLAGES,
    REASON_SAME_TICKET_TWICE,
    REASON_UNPOINTED,
    REFUSED_UNOPENABLE,
    REFUSED_UNPARSEABLE,
    REFUSED_WRITE,
    STEP_DONE,
    STEP_READ,
    STEP_WRITE,
    UNCHANGED_SAME_FILE,
)
from firedash.store import connect

Progress = Callable[[Path, str], None]  # (file, step): STEP_READ, STEP_WRITE, STEP_DONE


@dataclass
class FileOutcome:
    """What became of one file: loaded, unchanged (already imported) or refused whole."""

    path: Path
    outcome: str
    reason: str = ""
    report_date: dt.date | None = None
    rows_read: int = 0
    rows_new: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_stale: int = 0  # of the unchanged: tickets the store holds a newer report of (an older ledger)
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected)


@dataclass
class ParsedFile:
    """A file read and normalised, not yet written."""

    report_date: dt.date
    frame: pd.DataFrame
    rejected: list[Rejected]
    results: list[SheetResult]
    raw_rows: dict[str, RawRows]  # sheet name → its rows as written, for rows set aside while merging
    report_date_source: str = "load_day"  # etl.report_date.REPORT_DATE_SOURCES


def load_files(
    paths: Iterable[str | Path],
    *,
    db: str | Path,
    config: TownConfig,
    report_date: dt.date | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> list[FileOutcome]:
    """Load each file in its own transaction; a refused file leaves the store as it was."""
    con = connect(db)
    outcomes = []
    try:
        for item in paths:
            path = Path(item)
            outcomes.append(
                load_file(con, path, config=config, report_date=report_date, today=today, progress=progress)
            )
            if progress:
                progress(path, STEP_DONE)
    finally:
        con.close()
    return outcomes


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    config: TownConfig,
    report_date: dt.date | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> FileOutcome:
    def step(name: str) -> None:
        if progress:
            progress(path, name)

    try:
        digest = _sha256(path)
    except OSError:
        return FileOutcome(path, "refused", REFUSED_UNOPENABLE)
    if _already_imported(con, digest):
        return FileOutcome(path, "unchanged", UNCHANGED_SAME_FILE)
    try:
        step(STEP_READ)
        parsed = _parse(path, config=config, report_date=report_date, today=today or dt.date.today())
    except LedgerError as exc:
        return FileOutcome(path, "refused", str(exc))
    except Exception as exc:  # an unforeseen shape must still get an answer, not a traceback
        return FileOutcome(
            path, "refused", REFUSED_UNPARSEABLE.format(error_type=type(exc).__name__, error=exc)
        )
    step(STEP_WRITE)
    con.begin()
    try:
        outcome = _write(con, path, digest, parsed)
        con.commit()
    except Exception as exc:
        con.rollback()
        return FileOutcome(path, "refused", REFUSED_WRITE.format(error=exc))
    return outcome


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _already_imported(con: duckdb.DuckDBPyConnection, digest: str) -> bool:
    return con.execute("SELECT count(*) FROM imports WHERE sha256 = ?", [digest]).fetchall()[0][0] > 0


def _parse(path: Path, *, config: TownConfig, report_date: dt.date | None, today: dt.date) -> ParsedFile:
    """Read every sheet and normalise it with its report date (--report-date, 填报日期, or today)."""
    sheets = read_ledger(path)
    extra = town_words(config).columns
    headers = [find_header(sheet, extra=extra) for sheet in sheets]
    decided = decide_report_date(path, sheets, headers, config=config, cli=report_date, today=today)
    file_date, stated = decided.date, decided.stated  # stated: the ledger dates itself, not the load
    results, frames, rejected = [], [], []
    for sheet, header, sheet_date in zip(sheets, headers, decided.sheets, strict=True):
        result = normalise_under(sheet, header, config=config, report_date=sheet_date, file_name=path.name)
        results.append(result)
        if result.kind is None:
            continue
        rejected.extend(result.rejected)
        frames.append(result.frame.assign(report_date=sheet_date, report_date_stated=stated))
    if not frames:
        raise LedgerError(NO_HEADER)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    raw_rows = {s.name: r.raw_rows for s, r in zip(sheets, results, strict=True) if r.raw_rows}
    return ParsedFile(file_date, frame, rejected, results, raw_rows, decided.source)


def _write(con: duckdb.DuckDBPyConnection, path: Path, digest: str, parsed: ParsedFile) -> FileOutcome:
    """The file's rows into the store, step by step, inside the caller's transaction."""
    import_id = _next_import_id(con)
    frame = _stage(con, parsed.frame)
    frame, aside = _set_aside_unusable(con, frame, parsed.raw_rows)
    merged = merge.merge_inspections(con, import_id, path.name)
    matched, unmatched, rectified = _apply_rectifications(con, import_id, path.name, frame, parsed.raw_rows)
    merged |= rectified
    rejected = parsed.rejected + aside + unmatched
    outcome = _count(path, parsed, frame, matched, merged, rejected)
    _record_import(con, import_id, path, digest, parsed, outcome)
    _record_rejected(con, import_id, path.name, rejected)
    return outcome


def _next_import_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()[0][0]


def _stage(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows staged in DuckDB, each with its row id (rid), ticket_id and 隐患编号 key (no_key)."""
    keys = merge.stage(con, frame)
    return frame.reset_index(drop=True).assign(
        rid=keys["rid"].array, ticket_id=keys["ticket_id"].array, no_key=keys["no_key"].array
    )


def _set_aside_unusable(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, raw_rows: dict[str, RawRows]
) -> tuple[pd.DataFrame, list[Rejected]]:
    """A ticket named twice in the file and 整改 rows that point nowhere go aside, and out of the stage."""
    kept, duplicates = _drop_duplicates(frame, "ticket_id", "inspection", "combined")
    kept, unpointed = _drop_unpointed(kept)
    merge.unstage(con, sorted(set(frame["rid"]) - set(kept["rid"])))
    return kept, _set_aside(duplicates, raw_rows) + _set_aside(unpointed, raw_rows)


def _apply_rectifications(
    con: duckdb.DuckDBPyConnection,
    import_id: int,
    file_name: str,
    frame: pd.DataFrame,
    raw_rows: dict[str, RawRows],
) -> tuple[pd.DataFrame, list[Rejected], merge.Merged]:
    """Each 整改 row applied to the one ticket it points at (matched); the others go aside."""
    matched = frame.iloc[:0].assign(matched_id=frame["ticket_id"].iloc[:0])
    if not (frame["row_kind"] == "rectification").any():
        return matched, [], merge.Merged()
    matched, unmatched = _check_matches(frame, merge.match_rectifications(con))
    applied = merge.merge_rectifications(con, import_id, file_name, matched)
    return matched, _set_aside(unmatched, raw_rows), applied


def _count(
    path: Path,
    parsed: ParsedFile,
    frame: pd.DataFrame,
    matched: pd.DataFrame,
    merged: merge.Merged,
    rejected: list[Rejected],
) -> FileOutcome:
    """Tickets the file names: new, updated, unchanged (of those, stale: a newer report already held)."""
    updated = merged.changed - merged.new
    described = frame.loc[frame["row_kind"] != "rectification", "ticket_id"]
    mentioned = pd.concat([described, matched["matched_id"]], ignore_index=True).nunique()
    return FileOutcome(
        path,
        "loaded",
        report_date=parsed.report_date,
        rows_read=sum(r.rows_read for r in parsed.results),
        rows_new=len(merged.new),
        rows_updated=len(updated),
        rows_unchanged=max(mentioned - len(merged.new) - len(updated), 0),
        rows_stale=len(merged.stale - merged.changed),
        rejected=rejected,
    )


def _drop_duplicates(frame: pd.DataFrame, key: str, *kinds: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the first row of a ticket named twice in one file; the others go aside (with a reason)."""
    scope = frame["row_kind"].isin(kinds)
    duplicated = scope & frame[key].duplicated(keep=False)
    if not duplicated.any():
        return frame, frame.iloc[:0].assign(reason=[])
    first = frame[duplicated].drop_duplicates(key).set_index(key)
    is_later = duplicated & frame.duplicated(key, keep="first")
    later = frame[is_later]
    reasons = [
        REASON_DUPLICATE.format(sheet=first.at[k, "sheet"], row=first.at[k, "row_number"]) for k in later[key]
    ]
    return frame[~is_later], later.assign(reason=reasons)


def _drop_unpointed(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A 整改 row with neither 隐患编号 nor 村（社区） cannot point at a ticket."""
    bad = (frame["row_kind"] == "rectification") & (frame["no_key"] == "") & frame["village"].isna()
    return frame[~bad], frame[bad].assign(reason=REASON_UNPOINTED)


def _check_matches(frame: pd.DataFrame, matches: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep 整改 rows that point at exactly one known ticket, once; the others go aside (with a reason)."""
    rows = frame.set_index("rid")
    reasons: dict[int, str] = {}
    for rid in matches.loc[matches["n_matches"] == 0, "rid"]:
        no = rows.at[rid, "hazard_no"]
        reasons[rid] = REASON_NO_TICKET_NUMBERED.format(number=no) if no else REASON_NO_TICKET
    for rid in matches.loc[matches["n_matches"] > 1, "rid"]:
        no = rows.at[rid, "hazard_no"]
        reasons[rid] = REASON_NUMBER_IN_VILLAGES.format(number=no) if no else REASON_MANY_TICKETS
    single = matches[matches["n_matches"] == 1]
    for rid in single.loc[single["matched_id"].duplicated(keep="first"), "rid"]:
        reasons[rid] = REASON_SAME_TICKET_TWICE
    aside = rows.loc[sorted(reasons)].reset_index().assign(reason=[reasons[rid] for rid in sorted(reasons)])
    return single[~single["rid"].isin(reasons)], aside


def _set_aside(rows: pd.DataFrame, raw_rows: dict[str, RawRows]) -> list[Rejected]:
    """Rows set aside after normalising, with what they said as written (header → cell text)."""
    rejected = []
    for sheet, group in rows.groupby("sheet", sort=False):
        raws = raw_rows[sheet].of(group["row_number"].tolist())
        for row, raw in zip(group.itertuples(index=False), raws, strict=True):
            village = row.village if isinstance(row.village, str) else None
            rejected.append(Rejected(str(sheet), int(row.row_number), village, row.reason, raw))
    return rejected


def _record_import(
    con: duckdb.DuckDBPyConnection,
    import_id: int,
    path: Path,
    digest: str,
    parsed: ParsedFile,
    outcome: FileOutcome,
) -> None:
    kinds = sorted({r.kind for r in parsed.results if r.kind})
    sheets = sum(1 for r in parsed.results if r.kind)
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            import_id, path.name, source_key(path.name), digest, parsed.report_date, ",".join(kinds), sheets,
            outcome.rows_read, outcome.rows_new, outcome.rows_updated, outcome.rows_unchanged, outcome.rows_rejected,
        ],
    )  # fmt: skip
    villages = sorted(set().union(*(r.villages for r in parsed.results)))
    if villages:
        con.executemany("INSERT INTO import_villages VALUES (?, ?)", [[import_id, v] for v in villages])


def _record_rejected(
    con: duckdb.DuckDBPyConnection, import_id: int, file_name: str, rejected: list[Rejected]
) -> None:
    if not rejected:
        return
    frame = pd.DataFrame(
        {
            "import_id": import_id,
            "file_name": file_name,
            "sheet": [r.sheet for r in rejected],
            "row_number": [r.row_number for r in rejected],
            "village": [r.village for r in rejected],
            "reason": [r.reason for r in rejected],
            "raw_values": [json.dumps(r.raw, ensure_ascii=False) for r in rejected],
        }
    )
    con.register("rejected_frame", frame)
    con.execute("INSERT INTO rejected_rows SELECT * FROM rejected_frame")
    con.unregister("rejected_frame")
