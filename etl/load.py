"""Load ledger files into the store: read → normalise → identify → merge, one transaction per file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from etl import archive, batch, merge, publish, records
from etl.errors import LedgerError
from etl.findings import CellIssue, LoadWarning
from etl.flags import ColumnUse, columns_by_name, file_warnings, unknown_word_warnings, unused_column_warnings
from etl.headers import Header, find_header
from etl.normalise import RawRows, Rejected, SheetResult, cut_cell_issues, normalise_under
from etl.profiles import Profile, choose, load_profiles, profiles_dir, with_status_words
from etl.readers import RawSheet, read_ledger
from etl.report_date import decide_report_date
from etl.sorting import SortedOut, check_matches, sort_out
from etl.source import source_key
from etl.values import town_words
from firedash.config import TownConfig
from firedash.glossary import (
    NO_DATE_COLUMN,
    NO_HEADER,
    REFUSED_UNOPENABLE,
    REFUSED_UNPARSEABLE,
    REFUSED_WRITE,
    STEP_READ,
    STEP_WRITE,
    UNCHANGED_SAME_FILE,
)

Progress = Callable[[Path, str], None]  # (file, step): STEP_READ, STEP_WRITE, STEP_DONE
Recorder = Callable[
    [duckdb.DuckDBPyConnection, int], None
]  # (connection, import id), in the file's transaction


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
    report_date_source: str | None = None  # cli | title | workbook_saved | latest_in_ledger | load_day
    rows_repeated: int = 0  # rows of a later sheet that repeat (and update) a hazard of an earlier sheet
    columns: dict[str, list[ColumnUse]] = field(default_factory=dict)  # sheet → every header cell's use
    warnings: list[LoadWarning] = field(default_factory=list)
    issues: list[CellIssue] = field(default_factory=list)
    profile: str | None = None  # the mapping profile the file was read with
    # The first rows as read (etl.sorting.SAMPLE_COLUMNS), for the upload page's preview; not part of --json.
    sample: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected)

    def as_dict(self) -> dict[str, object]:
        """The stable `--json` object of the file."""
        return {
            "file": str(self.path),
            "outcome": self.outcome,
            "reason": self.reason,
            "report_date": self.report_date.isoformat() if self.report_date else None,
            "report_date_source": self.report_date_source,
            "rows_read": self.rows_read,
            "rows_new": self.rows_new,
            "rows_updated": self.rows_updated,
            "rows_unchanged": self.rows_unchanged,
            "rows_kept_aside": self.rows_rejected,
            "rows_stale": self.rows_stale,
            "rows_repeated": self.rows_repeated,
            "profile": self.profile,
            "columns": {sheet: columns_by_name(uses) for sheet, uses in self.columns.items()},
            "warnings": [w.as_dict() for w in self.warnings],
            "data_issues": len(self.issues),
        }


@dataclass
class ParsedFile:
    """A file read and normalised, not yet written."""

    report_date: dt.date
    frame: pd.DataFrame
    rejected: list[Rejected]
    results: list[SheetResult]
    raw_rows: dict[str, RawRows]  # sheet name → its rows as written, for rows set aside while merging
    sheet_names: list[str] = field(default_factory=list)  # in the order of `results`
    report_date_source: str = "load_day"
    stated: bool = False  # the report date is stated (not the day of loading)
    profile: str | None = None


def load_files(
    paths: Iterable[str | Path],
    *,
    db: str | Path,
    config: TownConfig,
    report_date: dt.date | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    profile: Profile | None = None,
) -> list[FileOutcome]:
    """Load the files in order, as loading each in its own transaction would; a refused file leaves the
    store as it was.

    The files load into a private copy of the store that replaces it when they are written (etl.publish):
    the dashboard reads on meanwhile, a second load waits its turn; dry_run reports the same and writes
    nothing. They are read one by one and written together (etl.batch). profile forces a mapping profile on
    every file; otherwise each file takes the first that matches.
    """
    profiles = load_profiles(profiles_dir(config))
    day = today or dt.date.today()
    reader = partial(
        read_file, config=config, report_date=report_date, today=day, progress=progress, profiles=profiles,
        profile=profile,
    )  # fmt: skip
    with publish.session(Path(db), settings=config.intake, dry_run=dry_run) as session:
        return batch.load_batch(
            session, [Path(p) for p in paths], read=reader, progress=progress, stated=report_date, today=day
        )


@dataclass
class ReadFile:
    """A file read and normalised, with its sha256."""

    digest: str
    parsed: ParsedFile


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    config: TownConfig,
    report_date: dt.date | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    profiles: Sequence[Profile] = (),
    profile: Profile | None = None,
    record: Recorder | None = None,
) -> FileOutcome:
    """Read, normalise and write one file in its own transaction; record(con, import_id), when given,
    writes how it was loaded inside that transaction."""
    try:
        digest = archive.sha256(path)
    except OSError:
        return FileOutcome(path, "refused", REFUSED_UNOPENABLE)
    seen, import_id = _look_up(con, digest)
    if seen:
        return FileOutcome(path, "unchanged", UNCHANGED_SAME_FILE)
    read = read_file(
        path, digest, config=config, report_date=report_date, today=today, progress=progress,
        profiles=profiles, profile=profile,
    )  # fmt: skip
    if isinstance(read, FileOutcome):
        return read
    if progress:
        progress(path, STEP_WRITE)
    return write_file(con, import_id, path, read.digest, read.parsed, record=record)


def read_file(
    path: Path,
    digest: str,
    *,
    config: TownConfig,
    report_date: dt.date | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    profiles: Sequence[Profile] = (),
    profile: Profile | None = None,
) -> FileOutcome | ReadFile:
    """The file (of this sha256, not imported yet) read and normalised, or refused."""
    try:
        if progress:
            progress(path, STEP_READ)
        parsed = _parse(
            path, config=config, report_date=report_date, today=today or dt.date.today(),
            profiles=profiles, profile=profile,
        )  # fmt: skip
    except LedgerError as exc:
        return FileOutcome(path, "refused", str(exc))
    except Exception as exc:  # an unforeseen shape must still get an answer, not a traceback
        return FileOutcome(
            path, "refused", REFUSED_UNPARSEABLE.format(error_type=type(exc).__name__, error=exc)
        )
    return ReadFile(digest, parsed)


def write_file(
    con: duckdb.DuckDBPyConnection,
    import_id: int,
    path: Path,
    digest: str,
    parsed: ParsedFile,
    *,
    record: Recorder | None = None,
) -> FileOutcome:
    """One file's rows into the store as import `import_id`, in a transaction of its own."""
    con.begin()
    try:
        outcome = _write(con, import_id, path, digest, parsed)
        if record:
            record(con, import_id)
        con.commit()
    except Exception as exc:
        con.rollback()
        return FileOutcome(path, "refused", REFUSED_WRITE.format(error=exc))
    return outcome


def _look_up(con: duckdb.DuckDBPyConnection, digest: str) -> tuple[bool, int]:
    """(whether these bytes were imported already, the id the import takes), in one statement."""
    seen, next_id = con.execute(
        "SELECT count(*) FILTER (sha256 = ?) > 0, coalesce(max(import_id), 0) + 1 FROM imports", [digest]
    ).fetchall()[0]
    return seen, next_id


def _parse(
    path: Path,
    *,
    config: TownConfig,
    report_date: dt.date | None,
    today: dt.date,
    profiles: Sequence[Profile] = (),
    profile: Profile | None = None,
) -> ParsedFile:
    """Read every sheet and normalise it with its report date (--report-date, 填报日期, or today)."""
    extra = town_words(config).columns
    sheets, headers, chosen = _headers(read_ledger(path), profiles, profile, extra)
    decided = decide_report_date(path, sheets, headers, config=config, cli=report_date, today=today)
    # stated: --report-date or the ledger dates itself (not its latest date, not the day of loading)
    file_date, source, stated = decided.date, decided.source, decided.stated
    results, frames, rejected = [], [], []
    for sheet, header, sheet_date in zip(sheets, headers, decided.sheets, strict=True):
        result = normalise_under(sheet, header, config=config, report_date=sheet_date, file_name=path.name)
        result.issues = cut_cell_issues(sheet, header) + result.issues  # the reader's cut cells first
        results.append(result)
        if result.kind is None:
            continue
        rejected.extend(result.rejected)
        frames.append(result.frame.assign(report_date=sheet_date, report_date_stated=stated))
    if not frames:
        raise LedgerError(_nothing_read(headers, results))
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    raw_rows = {s.name: r.raw_rows for s, r in zip(sheets, results, strict=True) if r.raw_rows}
    names = [sheet.name for sheet in sheets]
    return ParsedFile(
        file_date, frame, rejected, results, raw_rows, names, source, stated, chosen.name if chosen else None
    )


def _headers(
    sheets: list[RawSheet], profiles: Sequence[Profile], forced: Profile | None, extra: dict[str, str]
) -> tuple[list[RawSheet], list[Header | None], Profile | None]:
    """Each sheet's header, found once (with the town's extra header words); a mapping profile (forced,
    else the first that matches) settles the columns and status words it names."""
    headers = [find_header(sheet, extra=extra) for sheet in sheets]
    profile = forced or choose(profiles, list(zip(sheets, headers, strict=True)))
    if profile is None:
        return sheets, headers, None
    headers = [profile.header(h, s) for s, h in zip(sheets, headers, strict=True)]
    sheets = [with_status_words(profile, s, h) for s, h in zip(sheets, headers, strict=True)]
    return sheets, headers, profile


def _nothing_read(headers: list[Header | None], results: list[SheetResult]) -> str:
    """Why no sheet gave rows: a header without any date column says so; else no header at all."""
    for header, result in zip(headers, results, strict=True):
        if header is None or "found_date" in header.columns:
            continue
        if not any(use.looks_like == "date" for use in result.columns):
            return NO_DATE_COLUMN
    return NO_HEADER


def _write(
    con: duckdb.DuckDBPyConnection, import_id: int, path: Path, digest: str, parsed: ParsedFile
) -> FileOutcome:
    """The file's rows into the store, step by step, inside the caller's transaction."""
    frame = _stage(con, staged_rows([(parsed, import_id, path)]))
    sorted_out = sort_out(frame, {import_id: parsed.raw_rows})[import_id]
    merge.restate(con, sorted_out.restated)
    merge.unstage(con, sorted_out.dropped)
    merged = merge.merge_inspections(con).get(import_id, merge.Merged())
    matched_ids, unmatched = set(), []
    if sorted_out.rectifications:
        matched, unmatched = check_matches(sorted_out.kept, merge.match_rectifications(con), parsed.raw_rows)
        merged |= merge.merge_rectifications(con, matched).get(import_id, merge.Merged())
        matched_ids = set(matched["matched_id"].dropna())
    outcome = conclude(path, parsed, sorted_out, matched_ids, merged, unmatched)
    records.record_imports(con, [records.Written(import_id, path, digest, parsed, outcome)])
    return outcome


def staged_rows(files: Sequence[tuple[ParsedFile, int, Path]]) -> pd.DataFrame:
    """The files' rows as the stage takes them, in order: each with its import id, file name and incomplete
    key; (parsed file, import id, path) each."""
    frames = [parsed.frame for parsed, _, _ in files]
    sizes = [len(frame) for frame in frames]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    names = [path.name for _, _, path in files]
    import_ids = np.repeat(np.array([import_id for _, import_id, _ in files], dtype=np.int64), sizes)
    sources = np.repeat(np.array([source_key(name) for name in names], dtype=object), sizes)
    return frame.assign(
        key_extra=incomplete_keys(frame, import_ids, sources),
        import_id=import_ids,
        file_name=np.repeat(np.array(names, dtype=object), sizes),
    )


def conclude(
    path: Path,
    parsed: ParsedFile,
    sorted_out: SortedOut,
    matched_ids: set[str],
    merged: merge.Merged,
    unmatched: list[Rejected],
) -> FileOutcome:
    """The file's outcome once merged (matched_ids: the tickets its 整改 rows were matched to): counts, rows
    set aside, columns, warnings and data issues."""
    rejected = parsed.rejected + sorted_out.aside + unmatched
    outcome = _count(path, parsed, sorted_out.described | matched_ids, merged, rejected)
    outcome.rows_repeated = sorted_out.repeated
    _report(outcome, parsed, sorted_out)
    return outcome


def incomplete_keys(frame: pd.DataFrame, import_ids: np.ndarray, sources: np.ndarray) -> pd.Series:
    """A key beside the natural one for hazards without 隐患编号 and description (None for the others); each
    row's import id and its file's source (etl.source) given in the frame's order.

    Without a description, village + unit + found date may name several hazards: each such row is told
    apart by the file's source (its weekly sends share it) and its place among the file's rows of the same
    incomplete key, so a re-send of the same ledger updates them and never counts them twice.
    """
    blank = frame["description"].isna() | (frame["description"].astype(str).str.strip() == "")
    unnumbered = frame["hazard_no"].isna() | (frame["hazard_no"].astype(str).str.strip() == "")
    incomplete = (blank & unnumbered & (frame["row_kind"] != "rectification")).to_numpy()
    keys = pd.Series(None, index=frame.index, dtype=object)
    if incomplete.any():
        rows = frame.loc[incomplete, ["village", "unit", "found_date"]].assign(
            import_id=import_ids[incomplete]
        )
        ordinal = rows.groupby(
            ["import_id", "village", "unit", "found_date"], dropna=False, sort=False
        ).cumcount()
        keys[incomplete] = [f"{source}#{n}" for source, n in zip(sources[incomplete], ordinal, strict=True)]
    return keys


def _report(outcome: FileOutcome, parsed: ParsedFile, sorted_out: SortedOut) -> None:
    """Columns, warnings and data issues of the file; any warning makes it loaded_with_warnings."""
    outcome.report_date_source = parsed.report_date_source
    outcome.profile = parsed.profile
    outcome.sample = sorted_out.sample
    warnings: list[LoadWarning] = []
    for name, result in zip(parsed.sheet_names, parsed.results, strict=True):
        if result.columns:
            outcome.columns[name] = result.columns
        warnings += unused_column_warnings(name, result.columns) + unknown_word_warnings(
            name, result.unknown_words
        )
        outcome.issues += result.issues
    warnings += file_warnings(
        tickets=len(sorted_out.described),
        with_status=sum(r.with_status for r in parsed.results),
        rows_read=outcome.rows_read,
        rows_aside=outcome.rows_rejected,
        rectified_undated=sum(r.rectified_undated for r in parsed.results),
        stated=parsed.stated,
        report_date=parsed.report_date,
        source=parsed.report_date_source,
    )
    outcome.warnings = warnings
    if warnings:
        outcome.outcome = "loaded_with_warnings"


def _stage(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows staged in DuckDB, each with its row id (rid), ticket_id and 隐患编号 key (no_key)."""
    keys = merge.stage(con, frame)
    return frame.reset_index(drop=True).assign(
        rid=keys["rid"].array, ticket_id=keys["ticket_id"].array, no_key=keys["no_key"].array
    )


def _count(
    path: Path,
    parsed: ParsedFile,
    mentioned: set[str],
    merged: merge.Merged,
    rejected: list[Rejected],
) -> FileOutcome:
    """Tickets the file names (mentioned): new, updated, unchanged (of those, stale: a newer report already
    held)."""
    updated = merged.changed - merged.new
    return FileOutcome(
        path,
        "loaded",
        report_date=parsed.report_date,
        rows_read=sum(r.rows_read for r in parsed.results),
        rows_new=len(merged.new),
        rows_updated=len(updated),
        rows_unchanged=max(len(mentioned) - len(merged.new) - len(updated), 0),
        rows_stale=len(merged.stale - merged.changed),
        rejected=rejected,
    )
