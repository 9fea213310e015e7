"""Load many files at the speed of one: each is read on its own, then they are written together.

Loading files one by one costs a few dozen DuckDB statements a file. Here the files read so far (a chunk) are
staged at once, each row with its file's import id; their rows are sorted out file by file as one file's are
(etl.load.sort_out); and the chunk is written in rounds: consecutive files none of which touches a ticket another
touches (its rows' tickets, and every ticket its 整改 rows could point at). Within a round each ticket sees one
file only, so the set-based statements of etl.merge do for all its files at once exactly what they do for each
in turn, and the counts, outcomes and warnings of every file are the one-by-one load's.

A chunk ends when the load is due to publish (publish_every_seconds, so the dashboard sees a long load's
progress) or holds CHUNK_ROWS rows. Each round is one transaction, and the store is published only between
chunks (etl.publish): a kill leaves it before or after whole files. A round that fails to write is rolled
back and its files are written one by one, so a file the store refuses is refused alone, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd

from etl import archive, load, merge, records, sorting
from etl.normalise import Rejected
from etl.publish import Session
from firedash.glossary import REFUSED_UNOPENABLE, STEP_DONE, STEP_WRITE, UNCHANGED_SAME_FILE

CHUNK_ROWS = 50_000  # rows read before they are written: bounds what a long batch holds in memory
BATCH_STAGE = "batch_stage"
Reader = Callable[[Path, str], "load.FileOutcome | load.ReadFile"]  # etl.load.read_file, settings bound


@dataclass
class Pending:
    """A file read, waiting in the chunk to be written."""

    index: int  # its place in the files given
    path: Path  # as given
    source: Path  # the copy read (the archived one)
    wrote: bool  # this load wrote the archived copy
    read: load.ReadFile
    import_id: int = 0
    sorted_out: sorting.SortedOut | None = None

    @property
    def has_rectifications(self) -> bool:
        assert self.sorted_out is not None
        return self.sorted_out.rectifications


def load_batch(
    session: Session,
    paths: list[Path],
    *,
    read: Reader,
    progress: load.Progress | None,
    stated: dt.date | None,
    today: dt.date,
) -> list[load.FileOutcome]:
    """Every file's outcome, in the order given; `session` is the etl.publish.Session written to."""
    outcomes: dict[int, load.FileOutcome] = {}
    chunk: list[Pending] = []
    rows = 0
    known = records.imported_digests(session.con)  # looked up once a chunk, not once a file
    for index, path in enumerate(paths):
        source, wrote = session.keep(path)
        digest = _digest(source)
        if digest is not None and any(p.read.digest == digest for p in chunk):
            # the same bytes twice in a chunk: the first must be written before the second is looked up
            outcomes |= _write_chunk(session, chunk, progress, stated, today)
            chunk, rows, known = [], 0, records.imported_digests(session.con)
        result = _read(source, digest, known, read)
        if isinstance(result, load.FileOutcome):
            outcomes[index] = _finish(session, replace(result, path=path), source, wrote, progress)
            continue
        chunk.append(Pending(index, path, source, wrote, result))
        rows += len(result.parsed.frame)
        if rows >= CHUNK_ROWS or session.publish_due():  # a long load shows its progress as it goes
            outcomes |= _write_chunk(session, chunk, progress, stated, today)
            chunk, rows, known = [], 0, records.imported_digests(session.con)
    if chunk:
        outcomes |= _write_chunk(session, chunk, progress, stated, today)
    return [outcomes[i] for i in range(len(paths))]


def _read(
    source: Path, digest: str | None, known: set[str], read: Reader
) -> load.FileOutcome | load.ReadFile:
    """The file read, unless it cannot be opened or these bytes were imported already."""
    if digest is None:
        return load.FileOutcome(source, "refused", REFUSED_UNOPENABLE)
    if digest in known:
        return load.FileOutcome(source, "unchanged", UNCHANGED_SAME_FILE)
    return read(source, digest)


def _digest(path: Path) -> str | None:
    try:
        return archive.sha256(path)
    except OSError:
        return None


def _finish(
    session: Session, outcome: load.FileOutcome, source: Path, wrote: bool, progress: load.Progress | None
) -> load.FileOutcome:
    """A file done: its kept copy dropped if it was not loaded; the progress told."""
    if outcome.outcome in ("unchanged", "refused") and wrote:
        archive.discard(source)
    if progress:
        progress(outcome.path, STEP_DONE)
    return outcome


def _write_chunk(
    session: Session,
    chunk: list[Pending],
    progress: load.Progress | None,
    stated: dt.date | None,
    today: dt.date,
) -> dict[int, load.FileOutcome]:
    """Stage the chunk's files, sort out their rows, write them round by round; then maybe publish."""
    con = session.con
    first = session.next_import_id()
    for n, pending in enumerate(chunk):
        pending.import_id = first + n
    _stage(con, chunk)
    rounds = _rounds(chunk, merge.touched(con, BATCH_STAGE)) if len(chunk) > 1 else [chunk]
    outcomes: dict[int, load.FileOutcome] = {}
    for round_ in rounds:
        written = _write_round(con, round_, progress, stated, today, whole=len(rounds) == 1)
        if written is None:
            written = _one_by_one(con, round_, chunk, progress, stated, today)
        for pending, outcome in zip(round_, written, strict=True):
            if outcome.outcome not in ("unchanged", "refused"):
                session.loaded()
            outcome = replace(outcome, path=pending.path)
            outcomes[pending.index] = _finish(session, outcome, pending.source, pending.wrote, progress)
    con.execute(f"DROP TABLE IF EXISTS {BATCH_STAGE}")
    session.maybe_publish()
    return outcomes


def _stage(con: duckdb.DuckDBPyConnection, chunk: list[Pending]) -> None:
    """All the chunk's rows in one stage, then sorted out (folded rows restated, the rows set aside taken
    out), each file's as its own."""
    frame = load.staged_rows([(p.read.parsed, p.import_id, p.source) for p in chunk])
    keys = merge.stage(con, frame, table=BATCH_STAGE)
    frame = frame.assign(
        rid=keys["rid"].array, ticket_id=keys["ticket_id"].array, no_key=keys["no_key"].array
    )
    sorted_out = sorting.sort_out(frame, {p.import_id: p.read.parsed.raw_rows for p in chunk})
    restated, dropped = [], []
    for pending in chunk:
        pending.sorted_out = sorted_out[pending.import_id]
        restated += pending.sorted_out.restated
        dropped += pending.sorted_out.dropped
    merge.restate(con, restated, table=BATCH_STAGE)
    merge.unstage(con, dropped, table=BATCH_STAGE)


def _rounds(chunk: list[Pending], touched: pd.DataFrame) -> list[list[Pending]]:
    """Consecutive files that touch no ticket in common, in the order given."""
    tickets = touched.groupby("import_id")["ticket_id"].agg(set).to_dict()
    rounds: list[list[Pending]] = []
    current: list[Pending] = []
    taken: set[str] = set()
    for pending in chunk:
        mine = tickets.get(pending.import_id, set())
        if current and not mine.isdisjoint(taken):
            rounds.append(current)
            current, taken = [], set()
        current.append(pending)
        taken |= mine
    if current:
        rounds.append(current)
    return rounds


def _write_round(
    con: duckdb.DuckDBPyConnection,
    round_: list[Pending],
    progress: load.Progress | None,
    stated: dt.date | None,
    today: dt.date,
    *,
    whole: bool = False,
) -> list[load.FileOutcome] | None:
    """The round's files written in one transaction; None (rolled back) when it fails. whole: the round
    is the whole chunk (its stage is the chunk's)."""
    for pending in round_:
        if progress:
            progress(pending.source, STEP_WRITE)
    con.begin()
    try:
        merge.restage(con, BATCH_STAGE, [p.import_id for p in round_], whole=whole)
        merged = merge.merge_inspections(con)
        matched, unmatched = _rectify(con, round_, merged)
        outcomes = []
        for pending in round_:
            assert pending.sorted_out is not None
            outcomes.append(
                load.conclude(
                    pending.source,
                    pending.read.parsed,
                    pending.sorted_out,
                    matched.get(pending.import_id, set()),
                    merged.get(pending.import_id, merge.Merged()),
                    unmatched.get(pending.import_id, []),
                )  # fmt: skip
            )
        records.record_imports(con, [_written(p, o) for p, o in zip(round_, outcomes, strict=True)])
        records.record_runs(con, [(p.import_id, stated, today) for p in round_])
        con.commit()
    except Exception:
        con.rollback()
        return None
    return outcomes


def _rectify(
    con: duckdb.DuckDBPyConnection, round_: list[Pending], merged: dict[int, merge.Merged]
) -> tuple[dict[int, set[str]], dict[int, list[Rejected]]]:
    """The round's 整改 rows matched (each file's checked as one file's are) and applied; by import, the
    tickets they were matched to and the rows set aside."""
    with_rows = [p for p in round_ if p.has_rectifications]
    if not with_rows:
        return {}, {}
    matches = merge.match_rectifications(con)
    matched, unmatched = {}, {}
    for pending in with_rows:
        assert pending.sorted_out is not None
        own = matches[matches["import_id"] == pending.import_id].reset_index(drop=True)
        matched[pending.import_id], unmatched[pending.import_id] = sorting.check_matches(
            pending.sorted_out.kept, own, pending.read.parsed.raw_rows
        )
    for import_id, result in merge.merge_rectifications(con, pd.concat(matched.values())).items():
        target = merged.setdefault(import_id, merge.Merged())
        target |= result
    return {i: set(rows["matched_id"].dropna()) for i, rows in matched.items()}, unmatched


def _written(pending: Pending, outcome: load.FileOutcome) -> records.Written:
    return records.Written(
        pending.import_id, pending.source, pending.read.digest, pending.read.parsed, outcome
    )


def _one_by_one(
    con: duckdb.DuckDBPyConnection,
    round_: list[Pending],
    chunk: list[Pending],
    progress: load.Progress | None,
    stated: dt.date | None,
    today: dt.date,
) -> list[load.FileOutcome]:
    """The round's files each in its own transaction, as a load of one file writes it; a refused file's id
    goes to the next file, as it would have."""
    outcomes = []
    for pending in round_:
        outcome = load.write_file(
            con, pending.import_id, pending.source, pending.read.digest, pending.read.parsed,
            record=lambda c, i: records.record_runs(c, [(i, stated, today)]),
        )  # fmt: skip
        if outcome.outcome == "refused":
            _close_gap(con, chunk, pending.import_id)
        outcomes.append(outcome)
    return outcomes


def _close_gap(con: duckdb.DuckDBPyConnection, chunk: list[Pending], import_id: int) -> None:
    """The files after a refused one take one id less (the refused file took none)."""
    for pending in chunk:
        if pending.import_id > import_id:
            pending.import_id -= 1
    con.execute(f"UPDATE {BATCH_STAGE} SET import_id = import_id - 1 WHERE import_id > ?", [import_id])  # noqa: S608
