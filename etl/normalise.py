"""Turn a raw sheet into canonical ledger rows: find the header, skip non-rows, read the fields, set bad rows aside."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

import numpy as np
import pandas as pd

from etl.columns import Column
from etl.fields import SheetContext, read_fields
from etl.headers import Header, find_header, report_date_in, title_lines
from etl.readers import RawSheet
from etl.rows import kept_rows
from etl.text import cell_text, squeeze
from etl.villages import VillageMatcher
from firedash.config import TownConfig

CANONICAL_COLUMNS: tuple[str, ...] = (
    "sheet", "row_number", "row_kind", "hazard_no", "village", "unit", "address", "sector", "sector_raw",
    "category", "category_raw", "description", "severity", "county_supervised", "measures", "found_date",
    "deadline", "deadline_raw", "office", "responsible", "phone", "method", "note", "has_status", "status",
    "rectified_date", "rectified_date_explicit", "closed", "closed_date", "reviewer", "funds",
)  # fmt: skip
BOOL_COLUMNS = frozenset({"county_supervised", "has_status", "rectified_date_explicit", "closed"})
STATE_FIELDS = frozenset({"status", "rectified_date", "closed_flag"})
REASON_SEPARATOR = "；"


@dataclass
class Rejected:
    """A ledger row set aside: where it is, whose it is (best guess), why, and what it said (header → text)."""

    sheet: str
    row_number: int
    village: str | None
    reason: str
    raw: dict[str, str]


@dataclass
class SheetResult:
    """One sheet normalised; kind None means no recognisable header (the loader skips the sheet)."""

    kind: str | None
    frame: pd.DataFrame
    rejected: list[Rejected]
    villages: set[str]
    rows_read: int
    title_report_date: dt.date | None


def sheet_kind(fields: Collection[str]) -> str | None:
    """combined (found date + state), inspection (found date), rectification (state + a pointer), else None."""
    present = set(fields)
    has_state = bool(STATE_FIELDS & present)
    if "found_date" in present:
        return "combined" if has_state else "inspection"
    points = "hazard_no" in present or {"unit", "description"} <= present
    return "rectification" if has_state and points else None


def title_report_date(sheet: RawSheet) -> dt.date | None:
    """The 填报日期 (报送日期, 日期) written in the rows above the header."""
    return report_date_in(sheet, find_header(sheet))


def normalise_sheet(
    sheet: RawSheet, *, config: TownConfig, report_date: dt.date, file_name: str
) -> SheetResult:
    """Canonical rows of a sheet (frame), the rows set aside (rejected) and what the sheet covers."""
    header = find_header(sheet)
    title_date = report_date_in(sheet, header)
    kind = sheet_kind(header.columns) if header else None
    if header is None or kind is None:
        return SheetResult(None, empty_frame(), [], set(), 0, title_date)
    titles = title_lines(sheet, header)
    ctx = SheetContext(
        config,
        report_date,
        kind,
        sheet_village=_sheet_village(sheet.name, titles, file_name, config),
        funds_scale=10_000.0 if "万元" in _label(header, "funds") else 1.0,
        closes_by_date="销号" in _label(header, "closed_date"),
    )
    columns = data_columns(sheet, header)
    rows = np.flatnonzero(_kept(columns, header, titles))
    by_field = {name: _field_column(columns, col, rows) for name, col in header.columns.items()}
    fields = read_fields(by_field, len(rows), ctx)
    reasons = _reasons(fields.problems, len(rows))
    bad = np.not_equal(reasons, None)
    row_numbers = rows + header.data_start + 1
    rejected = [
        Rejected(
            sheet.name,
            int(row_numbers[i]),
            fields.village_guess[i],
            reasons[i],
            _raw(columns, header, rows[i]),
        )
        for i in np.flatnonzero(bad)
    ]
    frame = _frame(fields.values, ~bad, sheet.name, kind, row_numbers)
    villages = _villages(fields.values["village"], ctx.sheet_village, config)
    return SheetResult(kind, frame, rejected, villages, len(rows), title_date)


def _label(header: Header, name: str) -> str:
    col = header.columns.get(name)
    return header.labels[col] if col is not None else ""


def _sheet_village(
    sheet_name: str, titles: list[list[str]], file_name: str, config: TownConfig
) -> str | None:
    """The village a whole sheet belongs to: its sheet name, a title line naming it, or the file name."""
    matcher = VillageMatcher(config.villages, config.town)
    title = " ".join(" ".join(line) for line in titles)
    stem = Path(file_name).stem if file_name else ""
    return matcher.match(sheet_name) or matcher.find_in(title) or (stem and matcher.find_in(stem)) or None


def data_columns(sheet: RawSheet, header: Header) -> dict[int, Column]:
    """The rows below the header, column by column, with vertically merged cells filled down."""
    body = sheet.rows[header.data_start :]
    columns = [list(column) for column in zip_longest(*body)] if body else []
    for r0, c0, r1, _ in sheet.merged:
        if r1 > r0 and r0 >= header.data_start and c0 < len(columns):
            column, top = columns[c0], r0 - header.data_start
            for row in range(top + 1, min(r1 - header.data_start + 1, len(column))):
                if column[row] is None:
                    column[row] = column[top]
    return {col: Column(values) for col, values in enumerate(columns)}


def _kept(columns: dict[int, Column], header: Header, titles: list[list[str]]) -> np.ndarray:
    if not columns:
        return np.zeros(0, bool)
    fields = {col: name for name, col in header.columns.items()}
    title_texts = frozenset(squeeze(text) for line in titles for text in line if text)
    return kept_rows(columns, fields, header.labels, title_texts)


def _field_column(columns: dict[int, Column], col: int, rows: np.ndarray) -> Column:
    if col in columns:
        return columns[col].take(rows)
    return Column([None] * len(rows))


def _reasons(problems: list[np.ndarray], size: int) -> np.ndarray:
    """Each row's problems joined in one line (None for a good row)."""
    bad = np.zeros(size, bool)
    for problem in problems:
        bad |= np.not_equal(problem, None)
    reasons = np.full(size, None, dtype=object)
    for row in np.flatnonzero(bad):
        found = [p[row] for p in problems if p[row] is not None]
        reasons[row] = REASON_SEPARATOR.join(dict.fromkeys(found))
    return reasons


def _raw(columns: dict[int, Column], header: Header, row: int) -> dict[str, str]:
    """Header (as written) → cell text of one row, for the people who have to fix it."""
    raw: dict[str, str] = {}
    for col in range(max(len(columns), len(header.labels))):
        column = columns.get(col)
        code = column.codes[row] if column is not None else -1
        text = cell_text(column.uniques[code]).strip() if code >= 0 else ""
        name = header.labels[col] if col < len(header.labels) else ""
        if not name and not text:
            continue
        key = name or f"第{_column_letter(col)}列"
        raw[key if key not in raw else f"{key}（{_column_letter(col)}列）"] = text
    return raw


def _column_letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _frame(
    values: dict[str, np.ndarray], keep: np.ndarray, sheet: str, kind: str, row_numbers: np.ndarray
) -> pd.DataFrame:
    size = int(keep.sum())
    data: dict[str, pd.Series] = {
        "sheet": pd.Series([sheet] * size, dtype=object),
        "row_number": pd.Series(row_numbers[keep], dtype="int64"),
        "row_kind": pd.Series([kind] * size, dtype=object),
    }
    for name in CANONICAL_COLUMNS[3:]:
        data[name] = pd.Series(values[name][keep], dtype=bool if name in BOOL_COLUMNS else object)
    return pd.DataFrame(data, columns=list(CANONICAL_COLUMNS))


def empty_frame() -> pd.DataFrame:
    """A frame with the canonical columns and no rows."""
    return pd.DataFrame(
        {name: pd.Series([], dtype=bool if name in BOOL_COLUMNS else object) for name in CANONICAL_COLUMNS}
    ).astype({"row_number": "int64"})


def _villages(village: np.ndarray, sheet_village: str | None, config: TownConfig) -> set[str]:
    """Configured villages the sheet reports on: named in its rows (accepted or not) or by the sheet."""
    named = {v for v in pd.unique(village) if v is not None}
    if sheet_village:
        named.add(sheet_village)
    return named & set(config.villages)
