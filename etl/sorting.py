"""Sort out staged rows before they are merged, for any number of files at once (each file's rows as if alone).

A ticket named twice in one sheet and 整改 rows that point nowhere go aside; a later sheet's row of a ticket an
earlier sheet of the same file names updates it. Every rule groups by the row's import_id, so a stage of many
files (etl.batch) is sorted out in one pass with exactly the result of sorting out each file's rows on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from etl import merge
from etl.normalise import RawRows, Rejected
from firedash.glossary import (
    REASON_DUPLICATE,
    REASON_MANY_TICKETS,
    REASON_NO_TICKET,
    REASON_NO_TICKET_NUMBERED,
    REASON_NUMBER_IN_VILLAGES,
    REASON_SAME_TICKET_TWICE,
    REASON_UNPOINTED,
)

RawRowsByImport = Mapping[int, Mapping[str, RawRows]]  # import id → sheet name → its rows as written
FILE = "import_id"  # the staged column that tells one file's rows from another's
# The first rows kept, for the upload page's preview (FileOutcome.sample).
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
class SortedOut:
    """A file's staged rows sorted out before merging (sort_out)."""

    kept: pd.DataFrame
    aside: list[Rejected]
    repeated: int  # rows of a later sheet folded into an earlier sheet's row of the same ticket
    restated: list[tuple[int, dict[str, object]]]  # rid → the state folded into it
    dropped: list[int]  # rids to take out of the stage
    described: set[str]  # the tickets its kept inspection rows name
    rectifications: bool  # it keeps 整改 rows (to match against the tickets)
    sample: pd.DataFrame  # its first rows kept (SAMPLE_COLUMNS)


def sort_out(frame: pd.DataFrame, raw_rows: RawRowsByImport) -> dict[int, SortedOut]:
    """Each staged file's rows sorted out, by import id (the stage is changed by the caller: restated and
    dropped rows); every import of raw_rows gets one, an empty one when it staged no row."""
    kept, duplicates = _drop_duplicates(frame, [FILE, "sheet", "ticket_id"], "inspection", "combined")
    kept, repeated, restated = _fold_repeated_sheets(kept)
    kept, unpointed = _drop_unpointed(kept)
    dropped = frame.loc[~frame["rid"].isin(kept["rid"]), [FILE, "rid"]].sort_values("rid")
    dropped_of = dropped.groupby(FILE, sort=False)["rid"].agg(list).to_dict()
    aside_of = _set_aside(duplicates, raw_rows)
    for import_id, rows in _set_aside(unpointed, raw_rows).items():
        aside_of.setdefault(import_id, []).extend(rows)
    kept_of = dict(iter(kept.groupby(FILE, sort=False)))
    inspections = kept["row_kind"] != "rectification"
    described_of = _tickets_by_file(kept.loc[inspections])
    rectifying = set(kept.loc[~inspections, FILE])
    empty = kept.iloc[:0]
    samples = _samples(kept)
    return {
        import_id: SortedOut(
            kept_of.get(import_id, empty),
            aside_of.get(import_id, []),
            repeated.get(import_id, 0),
            restated.get(import_id, []),
            [int(rid) for rid in dropped_of.get(import_id, [])],
            described_of.get(import_id, set()),
            import_id in rectifying,
            samples[import_id] if import_id in samples else empty.loc[:, list(SAMPLE_COLUMNS)],
        )
        for import_id in raw_rows
    }


def _tickets_by_file(rows: pd.DataFrame) -> dict[int, set[str]]:
    """The tickets the rows name, by import id (a plain loop: a groupby calls pandas once a file)."""
    tickets: dict[int, set[str]] = {}
    for import_id, ticket in zip(rows[FILE].tolist(), rows["ticket_id"].tolist(), strict=True):
        if isinstance(ticket, str):
            tickets.setdefault(import_id, set()).add(ticket)
    return tickets


def _samples(kept: pd.DataFrame) -> dict[int, pd.DataFrame]:
    """Each file's first SAMPLE_ROWS rows kept, SAMPLE_COLUMNS only, by import id."""
    heads = kept.groupby(FILE, sort=False).head(SAMPLE_ROWS)
    by_file = heads.loc[:, list(SAMPLE_COLUMNS)].groupby(heads[FILE].to_numpy(), sort=False)
    return {int(i): rows.reset_index(drop=True) for i, rows in by_file}


def _fold_repeated_sheets(
    frame: pd.DataFrame,
) -> tuple[pd.DataFrame, dict[int, int], dict[int, list[tuple[int, dict[str, object]]]]]:
    """One row per ticket a file names in several sheets: the newest (latest report date, then later sheet),
    with the state folded in sheet order as between weekly ledgers (a row without status keeps the earlier
    one); by import: how many rows were folded away, and the winners' (rid, state)."""
    scope = frame["row_kind"].isin(("inspection", "combined"))
    repeated = scope & frame.duplicated([FILE, "ticket_id"], keep=False)
    if not repeated.any():
        return frame, {}, {}
    rows = frame[repeated].sort_values("report_date", kind="stable")
    winners: dict[int, list[tuple[int, dict[str, object]]]] = {}
    for (import_id, _), group in rows.groupby([FILE, "ticket_id"], sort=False):
        state = group.iloc[0][list(merge.ROW_STATE)].to_dict()
        for _, row in group.iloc[1:].iterrows():
            state = merge.fold_state(state, row[list(merge.ROW_STATE)].to_dict())
        winners.setdefault(int(import_id), []).append((int(group.iloc[-1]["rid"]), state))
    state_of = {rid: state for won in winners.values() for rid, state in won}
    drop = rows.loc[~rows["rid"].isin(state_of), [FILE, "rid"]]
    kept = frame[~frame["rid"].isin(drop["rid"])].copy()
    position = dict(zip(kept["rid"], range(len(kept)), strict=True))
    for name in merge.ROW_STATE:
        column = kept.columns.get_loc(name)
        for rid, state in state_of.items():
            kept.iat[position[rid], column] = state[name]
    folded = {int(i): int(n) for i, n in drop.groupby(FILE, sort=False).size().items()}
    return kept, folded, winners


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
    if not bad.any():
        return frame, frame.iloc[:0].assign(reason=[])
    return frame[~bad], frame[bad].assign(reason=REASON_UNPOINTED)


def check_matches(
    frame: pd.DataFrame, matches: pd.DataFrame, raw_rows: Mapping[str, RawRows]
) -> tuple[pd.DataFrame, list[Rejected]]:
    """A file's 整改 rows that point at exactly one known ticket, once (matched); the others go aside."""
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
    return single[~single["rid"].isin(reasons)], _rejected(aside, raw_rows)


def _set_aside(rows: pd.DataFrame, raw_rows: RawRowsByImport) -> dict[int, list[Rejected]]:
    """Rows set aside after normalising, by import."""
    return {int(i): _rejected(group, raw_rows[i]) for i, group in rows.groupby(FILE, sort=False)}


def _rejected(rows: pd.DataFrame, raw_rows: Mapping[str, RawRows]) -> list[Rejected]:
    """A file's rows set aside after normalising, with what they said as written (header → cell text)."""
    rejected = []
    for sheet, group in rows.groupby("sheet", sort=False):
        raws = raw_rows[sheet].of(group["row_number"].tolist())
        for row, raw in zip(group.itertuples(index=False), raws, strict=True):
            village = row.village if isinstance(row.village, str) else None
            rejected.append(Rejected(str(sheet), int(row.row_number), village, row.reason, raw))
    return rejected
