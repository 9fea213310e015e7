"""Load ledger files into the store: read → normalise → identify → merge, one transaction per file."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd

from etl import batch, merge, publish, records
from etl.errors import LedgerError
from etl.findings import CellIssue, LoadWarning
from etl.flags import ColumnUse, columns_by_name, file_warnings, unknown_word_warnings, unused_column_warnings
from etl.headers import Header, find_header
from etl.normalise import RawRows, Rejected, SheetResult, cut_cell_issues, normalise_under
from etl.profiles import Profile, choose, load_profiles, profiles_dir, with_status_words
from etl.readers import RawSheet, read_ledger
from etl.report_date import decide_report_date
from etl.source import source_key
from etl.values import town_words
from firedash.config import TownConfig
from firedash.glossary import (
    NO_DATE_COLUMN,
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
    STEP_READ,
    STEP_WRITE,
    UNCHANGED_SAME_FILE,
)

Progress = Callable[[Path, str], None]  # (file, step): STEP_READ, STEP_WRITE, STEP_DONE
Recorder = Callable[
    [duckdb.DuckDBPyConnection, int], None
]  # (connection, import id), in the file's transaction
SAMPLE_COLUMNS = (
    "sheet",
    "row_number",
    "village",
    "unit",
    "found_date",
    "deadline",
    "status",
    "rectified_date",
)
SAMPLE_ROWS = 5


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
    # The first rows as read (SAMPLE_COLUMNS), for the upload page's preview; not part of --json.
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
    """A file read and normalised, with its sha256 and the import id it would take now."""

    digest: str
    parsed: ParsedFile
    import_id: int


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
    read = read_file(
        con, path, config=config, report_date=report_date, today=today, progress=progress, profiles=profiles,
        profile=profile,
    )  # fmt: skip
    if isinstance(read, FileOutcome):
        return read
    if progress:
        progress(path, STEP_WRITE)
    return write_file(con, read.import_id, path, read.digest, read.parsed, record=record)


def read_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    config: TownConfig,
    report_date: dt.date | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    profiles: Sequence[Profile] = (),
    profile: Profile | None = None,
) -> FileOutcome | ReadFile:
    """The file read and normalised, or its outcome when that is all there is (unchanged, refused)."""
    try:
        digest = _sha256(path)
    except OSError:
        return FileOutcome(path, "refused", REFUSED_UNOPENABLE)
    seen, import_id = _look_up(con, digest)
    if seen:
        return FileOutcome(path, "unchanged", UNCHANGED_SAME_FILE)
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
    return ReadFile(digest, parsed, import_id)


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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
    frame = _stage(con, staged_frame(parsed, import_id, path))
    sorted_out = sort_out(frame, parsed.raw_rows)
    merge.restate(con, sorted_out.restated)
    merge.unstage(con, sorted_out.dropped)
    merged = merge.merge_inspections(con).get(import_id, merge.Merged())
    matched, unmatched = sorted_out.kept.iloc[:0].assign(matched_id=sorted_out.kept["ticket_id"].iloc[:0]), []
    if (sorted_out.kept["row_kind"] == "rectification").any():
        matched, unmatched = check_matches(sorted_out.kept, merge.match_rectifications(con), parsed.raw_rows)
        merged |= merge.merge_rectifications(con, matched).get(import_id, merge.Merged())
    outcome = conclude(path, parsed, sorted_out, matched, merged, unmatched)
    records.record_imports(con, [records.Written(import_id, path, digest, parsed, outcome)])
    return outcome


def staged_frame(parsed: ParsedFile, import_id: int, path: Path) -> pd.DataFrame:
    """The file's rows as the stage takes them: with the import, the file name and the incomplete keys."""
    return parsed.frame.assign(
        key_extra=incomplete_keys(parsed.frame, source_key(path.name)),
        import_id=import_id,
        file_name=path.name,
    )


@dataclass
class SortedOut:
    """A file's staged rows sorted out before merging (sort_out)."""

    kept: pd.DataFrame
    aside: list[Rejected]
    repeated: int  # rows of a later sheet folded into an earlier sheet's row of the same ticket
    restated: list[tuple[int, dict[str, object]]]  # rid → the state folded into it
    dropped: list[int]  # rids to take out of the stage


def conclude(
    path: Path,
    parsed: ParsedFile,
    sorted_out: SortedOut,
    matched: pd.DataFrame,
    merged: merge.Merged,
    unmatched: list[Rejected],
) -> FileOutcome:
    """The file's outcome once merged: counts, rows set aside, columns, warnings and data issues."""
    rejected = parsed.rejected + sorted_out.aside + unmatched
    outcome = _count(path, parsed, sorted_out.kept, matched, merged, rejected)
    outcome.rows_repeated = sorted_out.repeated
    _report(outcome, parsed, sorted_out.kept)
    return outcome


def incomplete_keys(frame: pd.DataFrame, source: str) -> pd.Series:
    """A key beside the natural one for hazards without 隐患编号 and description (None for the others).

    Without a description, village + unit + found date may name several hazards: each such row is told
    apart by the file's source (its weekly sends share it) and its place among the file's rows of the same
    incomplete key, so a re-send of the same ledger updates them and never counts them twice.
    """
    blank = frame["description"].isna() | (frame["description"].astype(str).str.strip() == "")
    unnumbered = frame["hazard_no"].isna() | (frame["hazard_no"].astype(str).str.strip() == "")
    incomplete = blank & unnumbered & (frame["row_kind"] != "rectification")
    keys = pd.Series(None, index=frame.index, dtype=object)
    if incomplete.any():
        rows = frame[incomplete]
        ordinal = rows.groupby(["village", "unit", "found_date"], dropna=False, sort=False).cumcount()
        keys[incomplete] = [f"{source}#{n}" for n in ordinal]
    return keys


def _report(outcome: FileOutcome, parsed: ParsedFile, frame: pd.DataFrame) -> None:
    """Columns, warnings and data issues of the file; any warning makes it loaded_with_warnings."""
    outcome.report_date_source = parsed.report_date_source
    outcome.profile = parsed.profile
    outcome.sample = frame.loc[:, list(SAMPLE_COLUMNS)].head(SAMPLE_ROWS).reset_index(drop=True)
    warnings: list[LoadWarning] = []
    for name, result in zip(parsed.sheet_names, parsed.results, strict=True):
        if result.columns:
            outcome.columns[name] = result.columns
        warnings += unused_column_warnings(name, result.columns) + unknown_word_warnings(
            name, result.unknown_words
        )
        outcome.issues += result.issues
    described = frame[frame["row_kind"] != "rectification"]
    warnings += file_warnings(
        tickets=described["ticket_id"].nunique(),
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


def sort_out(frame: pd.DataFrame, raw_rows: dict[str, RawRows]) -> SortedOut:
    """A ticket named twice in one sheet and 整改 rows that point nowhere go aside, and out of the stage;
    a later sheet's row of a ticket an earlier sheet names updates it (the stage is changed by the caller)."""
    kept, duplicates = _drop_duplicates(frame, ["sheet", "ticket_id"], "inspection", "combined")
    kept, repeated, restated = _fold_repeated_sheets(kept)
    kept, unpointed = _drop_unpointed(kept)
    dropped = sorted(set(frame["rid"]) - set(kept["rid"]))
    aside = _set_aside(duplicates, raw_rows) + _set_aside(unpointed, raw_rows)
    return SortedOut(kept, aside, repeated, restated, dropped)


def _fold_repeated_sheets(
    frame: pd.DataFrame,
) -> tuple[pd.DataFrame, int, list[tuple[int, dict[str, object]]]]:
    """One row per ticket named in several sheets: the newest (latest report date, then later sheet), with
    the state folded in sheet order as between weekly ledgers (a row without status keeps the earlier one)."""
    scope = frame["row_kind"].isin(("inspection", "combined"))
    repeated = scope & frame["ticket_id"].duplicated(keep=False)
    if not repeated.any():
        return frame, 0, []
    rows = frame[repeated].sort_values("report_date", kind="stable")
    winners = []
    for _, group in rows.groupby("ticket_id", sort=False):
        state = group.iloc[0][list(merge.ROW_STATE)].to_dict()
        for _, row in group.iloc[1:].iterrows():
            state = merge.fold_state(state, row[list(merge.ROW_STATE)].to_dict())
        winners.append((int(group.iloc[-1]["rid"]), state))
    state_of = dict(winners)
    drop = set(rows["rid"]) - set(state_of)
    kept = frame[~frame["rid"].isin(drop)].copy()
    for rid, state in state_of.items():
        for name, value in state.items():
            kept.loc[kept["rid"] == rid, name] = value
    return kept, len(drop), winners


def check_matches(
    frame: pd.DataFrame, matches: pd.DataFrame, raw_rows: dict[str, RawRows]
) -> tuple[pd.DataFrame, list[Rejected]]:
    """The file's 整改 rows that point at exactly one known ticket, once (matched); the others go aside."""
    matched, unmatched = _check_matches(frame, matches)
    return matched, _set_aside(unmatched, raw_rows)


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


def _drop_duplicates(frame: pd.DataFrame, key: list[str], *kinds: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the first row of a ticket named twice in one sheet; the others go aside (with a reason)."""
    scope = frame["row_kind"].isin(kinds)
    duplicated = scope & frame[key].duplicated(keep=False)
    if not duplicated.any():
        return frame, frame.iloc[:0].assign(reason=[])
    first = frame[duplicated].drop_duplicates(key).set_index(key, drop=False)
    is_later = duplicated & frame.duplicated(key, keep="first")
    later = frame[is_later]
    reasons = [
        REASON_DUPLICATE.format(sheet=first.at[k, "sheet"], row=first.at[k, "row_number"])
        for k in later[key].itertuples(index=False, name=None)
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
