"""Turn a raw sheet into canonical ledger rows: find the header, skip non-rows, read the fields, set bad rows aside."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from etl.aliases import KEY_FIELDS
from etl.columns import PYTHON_BELOW, Column
from etl.dates import CampaignYears
from etl.fields import Fields, SheetContext, read_fields, town_readers, unknown_words_of
from etl.findings import CellIssue
from etl.flags import ColumnUse, column_letter, column_uses
from etl.headers import Header, find_header, report_date_in, title_lines
from etl.limits import column_index
from etl.readers import RawSheet, rows_at
from etl.rows import FIRST_CELLS, MARK_PATTERN, RowRules, has_mark
from etl.text import cell_text
from etl.values import town_words
from etl.vocabulary import CLOSING_DATE_WORD, FUNDS_IN_TEN_THOUSANDS
from firedash.config import TownConfig
from firedash.glossary import RAW_REPEATED_COLUMN, RAW_UNNAMED_COLUMN, REASON_SEPARATOR

CANONICAL_COLUMNS: tuple[str, ...] = (
    "sheet", "row_number", "row_kind", "hazard_no", "village", "unit", "address", "sector", "sector_raw",
    "category", "category_raw", "description", "severity", "county_supervised", "measures", "found_date",
    "deadline", "deadline_raw", "office", "responsible", "phone", "method", "note", "has_status", "status",
    "rectified_date", "rectified_date_explicit", "closed", "closed_date", "reviewer", "funds",
)  # fmt: skip
_CANONICAL_INDEX = pd.Index(CANONICAL_COLUMNS)  # built once: each frame's columns (an Index never changes)
BOOL_COLUMNS = frozenset({"county_supervised", "has_status", "rectified_date_explicit", "closed"})
STATE_FIELDS = frozenset({"status", "rectified_date", "closed_flag"})


@dataclass
class Rejected:
    """A ledger row set aside: where it is, whose it is (best guess), why, and what it said (header → text)."""

    sheet: str
    row_number: int
    village: str | None
    reason: str
    raw: dict[str, str]


@dataclass
class RawRows:
    """A sheet's rows below the header by Excel row number, as header → cell text: what a row kept aside
    said, for the people who have to fix it (also for rows the loader sets aside after normalising)."""

    body: list[pa.Array]
    header: Header

    def of(self, row_numbers: Sequence[int]) -> list[dict[str, str]]:
        indices = np.asarray(row_numbers, dtype=np.int64) - self.header.data_start - 1
        return [_raw(cells, self.header) for cells in rows_at(self.body, indices)]


@dataclass
class SheetResult:
    """One sheet normalised; kind None means no recognisable header (the loader skips the sheet)."""

    kind: str | None
    frame: pd.DataFrame
    rejected: list[Rejected]
    villages: set[str]
    rows_read: int
    title_report_date: dt.date | None
    raw_rows: RawRows | None = None
    columns: list[ColumnUse] = field(default_factory=list)  # every header cell: the field it became, or none
    issues: list[CellIssue] = field(default_factory=list)  # cells read as unknown in rows that loaded
    unknown_words: dict[str, dict[str, int]] = field(default_factory=dict)  # field → word → rows
    with_status: int = 0  # loaded rows whose status could be read
    rectified_undated: int = 0  # loaded rows rectified without a date of their own


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
    header = find_header(sheet, extra=town_words(config).columns)
    return normalise_under(sheet, header, config=config, report_date=report_date, file_name=file_name)


def normalise_under(
    sheet: RawSheet, header: Header | None, *, config: TownConfig, report_date: dt.date, file_name: str
) -> SheetResult:
    """normalise_sheet() with the header already found (find_header), so it is searched for once a sheet."""
    title_date = report_date_in(sheet, header)
    kind = sheet_kind(header.columns) if header else None
    if header is None:
        return SheetResult(None, empty_frame(), [], set(), 0, title_date)
    if kind is None:
        uses = column_uses(header, data_columns(sheet, header), CampaignYears(config.campaign))
        return SheetResult(None, empty_frame(), [], set(), 0, title_date, columns=uses)
    titles = title_lines(sheet, header)
    ctx = _context(sheet, header, titles, kind, config, report_date, file_name)
    table = Table.read(sheet, header)
    fields = read_fields(table.fields(header), len(table.rows), ctx)
    reasons = _reasons(fields.problems, len(table.rows))
    keep = _ledger_rows(table, header, titles, fields, reasons)
    bad = keep & np.not_equal(reasons, None)
    row_numbers = table.rows + header.data_start + 1
    indices = np.flatnonzero(bad)
    raw_rows = RawRows(table.body, header)
    rejected = [
        Rejected(sheet.name, int(row_numbers[i]), fields.village_guess[i], reasons[i], raw)
        for i, raw in zip(indices, raw_rows.of(row_numbers[indices]), strict=True)
    ]
    frame = _frame(fields.values, keep & ~bad, sheet.name, kind, row_numbers)
    villages = _villages(fields.values["village"][keep], ctx.sheet_village, config)
    result = SheetResult(kind, frame, rejected, villages, int(keep.sum()), title_date, raw_rows)
    _account(result, table, header, fields, keep & ~bad, row_numbers, ctx.years, sheet.name)
    return result


def _account(
    result: SheetResult,
    table: Table,
    header: Header,
    fields: Fields,
    loaded: np.ndarray,
    row_numbers: np.ndarray,
    years: CampaignYears,
    sheet: str,
) -> None:
    """What the load reports of the sheet besides its rows: columns, cell issues, words, states read."""
    result.columns = column_uses(header, table.body, years)
    result.issues = cell_issues(fields.issues, loaded, header, row_numbers, sheet)
    result.unknown_words = unknown_words_of((issue.field, issue.value) for issue in result.issues)
    values = fields.values
    result.with_status = int(values["has_status"][loaded].sum())
    undated = (values["status"] == "rectified") & ~values["rectified_date_explicit"].astype(bool)
    result.rectified_undated = int(undated[loaded].sum())


def cell_issues(
    issues: Sequence[tuple[int, str, str, str]],
    loaded: np.ndarray,
    header: Header,
    row_numbers: np.ndarray,
    sheet: str,
) -> list[CellIssue]:
    """Fields' (row index, field, cell text, problem) as CellIssues of the rows that loaded, by Excel row
    and header as written (a row kept aside lists its problems as its reason instead)."""
    found = []
    for row, name, value, problem in issues:
        if not loaded[row]:
            continue
        col = header.columns.get(name)
        column = _header_name(header, col) if col is not None else ""
        found.append(CellIssue(sheet, int(row_numbers[row]), column, name, value, problem))
    return found


def cut_cell_issues(sheet: RawSheet, header: Header | None) -> list[CellIssue]:
    """The reader's cut cells (RawSheet.issues, by Excel letter) by the header as written where the sheet
    has one and the cell lies below it; a cut cell of a title, of the header or of a sheet without one
    keeps its letter."""
    if header is None:
        return list(sheet.issues)
    return [
        replace(issue, column=_header_name(header, column_index(issue.column)))
        if issue.row_number > header.data_start
        else issue
        for issue in sheet.issues
    ]


def _header_name(header: Header, col: int) -> str:
    text = header.labels[col] if col < len(header.labels) else ""
    return text or RAW_UNNAMED_COLUMN.format(letter=column_letter(col))


def _context(
    sheet: RawSheet,
    header: Header,
    titles: list[list[str]],
    kind: str,
    config: TownConfig,
    report_date: dt.date,
    file_name: str,
) -> SheetContext:
    return SheetContext(
        config,
        report_date,
        kind,
        sheet_village=_sheet_village(sheet.name, titles, file_name, config),
        funds_scale=10_000.0 if FUNDS_IN_TEN_THOUSANDS in _label(header, "funds") else 1.0,
        closes_by_date=CLOSING_DATE_WORD in _label(header, "closed_date"),
        major_by_header=any(word in _label(header, "description") for word in town_words(config).major),
    )


@dataclass
class Table:
    """The sheet's rows below the header: its columns, which rows have any cell, and the columns read."""

    body: list[pa.Array]  # the sheet's columns below the header, vertical merges filled down
    rows: np.ndarray  # indices into body of the rows with at least one cell
    columns: dict[int, Column]  # the mapped columns and the first ones, restricted to `rows`

    @classmethod
    def read(cls, sheet: RawSheet, header: Header) -> Table:
        body = data_columns(sheet, header)
        wanted = set(header.columns.values()) | set(range(FIRST_CELLS))
        columns = {col: Column(body[col]) for col in sorted(wanted) if col < len(body)}
        rows = np.flatnonzero(_filled(body, columns))
        if len(rows) < (len(body[0]) if body else 0):
            columns = {col: column.take(rows) for col, column in columns.items()}
        return cls(body, rows, columns)

    def fields(self, header: Header) -> dict[str, Column]:
        return {name: self.columns[col] for name, col in header.columns.items()}

    def rows_at(self, indices: np.ndarray) -> list[list[str | None]]:
        """Some of the table's rows (indices into `rows`) as lists of cells."""
        picked = self.rows[indices]
        if self.cells is None:
            return rows_at(self.body, picked)
        return [[cells[row] for cells in self.cells] for row in picked.tolist()]

    @cached_property
    def cells(self) -> list[list[str | None]] | None:
        """A short table's columns as Python lists, taken from once (a long one's rows are taken from Arrow)."""
        if not self.body or len(self.body[0]) >= PYTHON_BELOW:
            return None
        return [column.to_pylist() for column in self.body]


def _ledger_rows(
    table: Table, header: Header, titles: list[list[str]], fields: Fields, reasons: np.ndarray
) -> np.ndarray:
    """Mask of ledger rows: suspect rows (a 合计/note mark, nothing identifying, a problem) are checked for noise."""
    rules = RowRules.build(header.columns, header.labels, [text for line in titles for text in line])
    # A row naming a real village or found date is a ledger row even with a problem: no need to look.
    doubtful = np.not_equal(reasons, None) & ~fields.looks_like_data
    suspects = doubtful | _unmarked_suspects(table.columns, header, fields)
    keep = np.ones(len(table.rows), bool)
    indices = np.flatnonzero(suspects)
    for i, cells in zip(indices, table.rows_at(indices), strict=True):
        keep[i] = not rules.skips(cells)
    return keep


def _label(header: Header, name: str) -> str:
    col = header.columns.get(name)
    return header.labels[col] if col is not None and col < len(header.labels) else ""


def _sheet_village(
    sheet_name: str, titles: list[list[str]], file_name: str, config: TownConfig
) -> str | None:
    """The village a whole sheet belongs to: its sheet name, a title line naming it, or the file name."""
    matcher = town_readers(config).villages
    title = " ".join(" ".join(line) for line in titles)
    stem = Path(file_name).stem if file_name else ""
    return matcher.match(sheet_name) or matcher.find_in(title) or (stem and matcher.find_in(stem)) or None


def data_columns(sheet: RawSheet, header: Header) -> list[pa.Array]:
    """The sheet's columns below the header (as wide as the header), vertically merged cells filled down."""
    start = header.data_start
    height = max(sheet.height - start, 0)
    body = [column.slice(start) for column in sheet.columns]
    body += [pa.nulls(height, pa.string())] * (len(header.labels) - len(body))
    fills: dict[int, np.ndarray] = {}
    for r0, c0, r1, _ in sheet.merged:
        top, bottom = r0 - start, min(r1 - start + 1, height)
        if r1 > r0 and 0 <= top < height and c0 < len(body):
            source = fills.setdefault(c0, np.arange(height))
            empty = body[c0].slice(top + 1, bottom - top - 1).is_null().to_numpy(zero_copy_only=False)
            source[top + 1 : bottom][empty] = top
    for col, source in fills.items():
        body[col] = body[col].take(pa.array(source))
    return body


def _filled(body: list[pa.Array], columns: dict[int, Column]) -> np.ndarray:
    """Rows with at least one cell: encoded columns tell by their codes, the others by Arrow's validity."""
    filled = np.zeros(len(body[0]) if body else 0, bool)
    for col, cells in enumerate(body):
        if col in columns:
            filled |= columns[col].filled()
        elif cells.null_count < len(cells):
            filled |= cells.is_valid().to_numpy(zero_copy_only=False)
    return filled


def _unmarked_suspects(columns: dict[int, Column], header: Header, fields: Fields) -> np.ndarray:
    """Rows that parse without a problem yet may not be ledger rows: 合计/note marks, no identifying cell."""
    size = len(fields.values["has_status"])
    suspects = np.zeros(size, bool)
    for col in range(FIRST_CELLS):
        if col in columns:
            suspects |= columns[col].matching(MARK_PATTERN, has_mark)
    identified = np.zeros(size, bool)
    for name, col in header.columns.items():
        if name in KEY_FIELDS:
            identified |= columns[col].filled()
    suspects |= ~identified
    if fields.kind == "rectification":
        suspects |= ~fields.values["has_status"]
    return suspects


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


def _raw(cells: list[str | None], header: Header) -> dict[str, str]:
    """Header (as written) → cell text of one row, for the people who have to fix it."""
    raw: dict[str, str] = {}
    for col in range(max(len(cells), len(header.labels))):
        text = cell_text(cells[col]).strip() if col < len(cells) else ""
        name = header.labels[col] if col < len(header.labels) else ""
        if not name and not text:
            continue
        letter = column_letter(col)
        key = name or RAW_UNNAMED_COLUMN.format(letter=letter)
        raw[key if key not in raw else RAW_REPEATED_COLUMN.format(name=key, letter=letter)] = text
    return raw


def _frame(
    values: dict[str, np.ndarray], keep: np.ndarray, sheet: str, kind: str, row_numbers: np.ndarray
) -> pd.DataFrame:
    """The kept rows as the canonical frame: object columns (no str inference: values stay the Python objects
    the fields made), BOOL_COLUMNS bool, row_number int64.

    A short frame is made from its arrays at once (pandas' own constructor without its per-column checks
    and string inference: a tenth of the time for a hundred rows); a long one column by column, which
    spares copying its columns into one block.
    """
    size = int(keep.sum())
    arrays = [
        np.full(size, sheet, dtype=object),
        row_numbers[keep].astype(np.int64, copy=False),
        np.full(size, kind, dtype=object),
    ]
    for name in CANONICAL_COLUMNS[3:]:
        cells = values[name][keep]
        arrays.append(
            cells.astype(bool, copy=False) if name in BOOL_COLUMNS else cells.astype(object, copy=False)
        )
    index = pd.RangeIndex(size)
    if size < PYTHON_BELOW:
        return pd.DataFrame._from_arrays(
            arrays, columns=_CANONICAL_INDEX, index=index, verify_integrity=False
        )
    columns = {
        name: pd.Series(cells, index=index, dtype=cells.dtype, copy=False)
        for name, cells in zip(CANONICAL_COLUMNS, arrays, strict=True)
    }
    return pd.DataFrame(columns, index=index, columns=_CANONICAL_INDEX, copy=False)


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
