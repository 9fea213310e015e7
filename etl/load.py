"""Load ledger files into the store: read → normalise → identify → merge, one transaction per file."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd

from etl import merge, publish
from etl.errors import LedgerError
from etl.identity import source_key
from etl.normalise import RawRows, Rejected, SheetResult, normalise_sheet, title_report_date
from etl.readers import read_ledger
from firedash.config import TownConfig

NO_HEADER = "未找到可识别的表头（需要包含 村（社区）、排查日期、隐患描述 或 隐患编号、整改情况 等列）"
Progress = Callable[[Path, str], None]  # (file, step): 读取, 写入, 完成


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


def load_files(
    paths: Iterable[str | Path],
    *,
    db: str | Path,
    config: TownConfig,
    report_date: dt.date | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> list[FileOutcome]:
    """Load each file in its own transaction; a refused file leaves the store as it was.

    The files load into a private copy of the store that replaces it as they commit (etl.publish): the
    dashboard reads on meanwhile, a second load waits its turn; dry_run reports the same and writes nothing.
    """
    outcomes = []
    day = today or dt.date.today()
    loader = partial(load_file, config=config, report_date=report_date, today=day, progress=progress)
    with publish.session(Path(db), settings=config.intake, dry_run=dry_run) as session:
        for item in paths:
            path = Path(item)
            outcomes.append(session.load(path, loader, stated=report_date, today=day))
            if progress:
                progress(path, "完成")
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
        return FileOutcome(path, "refused", "文件不存在或无法打开")
    if _already_imported(con, digest):
        return FileOutcome(path, "unchanged", "与已导入的文件内容相同，未作改动")
    try:
        step("读取")
        parsed = _parse(path, config=config, report_date=report_date, today=today or dt.date.today())
    except LedgerError as exc:
        return FileOutcome(path, "refused", str(exc))
    except Exception as exc:  # an unforeseen shape must still get an answer, not a traceback
        return FileOutcome(path, "refused", f"无法解析该文件（{type(exc).__name__}: {exc}）")
    step("写入")
    con.begin()
    try:
        outcome = _write(con, path, digest, parsed)
        con.commit()
    except Exception as exc:
        con.rollback()
        return FileOutcome(path, "refused", f"写入数据库失败，数据库未作改动（{exc}）")
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
    title_dates = [title_report_date(sheet) for sheet in sheets]
    stated_date = report_date or max((d for d in title_dates if d), default=None)
    file_date = stated_date or today
    stated = stated_date is not None  # the ledger (or --report-date) gives it: not the day of loading
    results, frames, rejected = [], [], []
    for sheet, title_date in zip(sheets, title_dates, strict=True):
        sheet_date = report_date or title_date or file_date
        result = normalise_sheet(sheet, config=config, report_date=sheet_date, file_name=path.name)
        results.append(result)
        if result.kind is None:
            continue
        rejected.extend(result.rejected)
        frames.append(result.frame.assign(report_date=sheet_date, report_date_stated=stated))
    if not frames:
        raise LedgerError(NO_HEADER)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    raw_rows = {s.name: r.raw_rows for s, r in zip(sheets, results, strict=True) if r.raw_rows}
    return ParsedFile(file_date, frame, rejected, results, raw_rows)


def _write(con: duckdb.DuckDBPyConnection, path: Path, digest: str, parsed: ParsedFile) -> FileOutcome:
    import_id = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()[0][0]
    keys = merge.stage(con, parsed.frame)
    frame = parsed.frame.reset_index(drop=True).assign(rid=keys["rid"].array, ticket_id=keys["ticket_id"].array,
                                                       no_key=keys["no_key"].array)  # fmt: skip
    frame, duplicates = _drop_duplicates(frame, "ticket_id", "inspection", "combined")
    frame, unpointed = _drop_unpointed(frame)
    rejected = (
        parsed.rejected + _set_aside(duplicates, parsed.raw_rows) + _set_aside(unpointed, parsed.raw_rows)
    )
    merge.unstage(con, sorted(set(keys["rid"]) - set(frame["rid"])))
    merged = merge.merge_inspections(con, import_id, path.name)
    matched = frame.iloc[:0].assign(matched_id=frame["ticket_id"].iloc[:0])
    if (frame["row_kind"] == "rectification").any():
        matched, unmatched = _check_matches(frame, merge.match_rectifications(con))
        rejected += _set_aside(unmatched, parsed.raw_rows)
        merged |= merge.merge_rectifications(con, import_id, path.name, matched)
    updated = merged.changed - merged.new
    described = frame.loc[frame["row_kind"] != "rectification", "ticket_id"]
    mentioned = pd.concat([described, matched["matched_id"]], ignore_index=True).nunique()
    outcome = FileOutcome(
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
    _record_import(con, import_id, path, digest, parsed, outcome)
    _record_rejected(con, import_id, path.name, rejected)
    return outcome


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
        f"与工作表 {first.at[k, 'sheet']} 第 {first.at[k, 'row_number']} 行是同一隐患（重复）"
        for k in later[key]
    ]
    return frame[~is_later], later.assign(reason=reasons)


def _drop_unpointed(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A 整改 row with neither 隐患编号 nor 村（社区） cannot point at a ticket."""
    bad = (frame["row_kind"] == "rectification") & (frame["no_key"] == "") & frame["village"].isna()
    return frame[~bad], frame[bad].assign(reason="整改记录既无隐患编号也无村（社区），无法对应到隐患")


def _check_matches(frame: pd.DataFrame, matches: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep 整改 rows that point at exactly one known ticket, once; the others go aside (with a reason)."""
    rows = frame.set_index("rid")
    reasons: dict[int, str] = {}
    for rid in matches.loc[matches["n_matches"] == 0, "rid"]:
        no = rows.at[rid, "hazard_no"]
        reasons[rid] = (
            f"找不到对应的隐患（隐患编号 {no}）" if no else "找不到对应的隐患（按村、单位、隐患描述查找）"
        )
    for rid in matches.loc[matches["n_matches"] > 1, "rid"]:
        no = rows.at[rid, "hazard_no"]
        reasons[rid] = (
            f"隐患编号 {no} 在多个村（社区）都有，请填写村（社区）"
            if no
            else "对应到多条隐患，请填写隐患编号或排查日期"
        )
    single = matches[matches["n_matches"] == 1]
    for rid in single.loc[single["matched_id"].duplicated(keep="first"), "rid"]:
        reasons[rid] = "与本文件中另一条整改记录指向同一隐患（重复）"
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
