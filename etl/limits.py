"""What one ledger file may expand to when read, the reasons for refusing more, and long cells cut.

The limits live here and nowhere else: the readers check them before a reader library allocates anything
(zip sizes, sheet extents), and cut any cell longer than a cell may be (Excel's own limit) with an
etl.findings.CellIssue (field None, problem the glossary's CELL_CUT, column the Excel letters: the loader
names it by its header, etl.normalise.cut_cell_issues).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from etl.findings import CellIssue
from firedash import glossary as T

MIB = 1 << 20
PREVIEW_CHARS = 40  # how much of a cut cell a data issue quotes, enough to find it in the file
CUT_MARK = re.compile("\ue000\ue001(\\d+)\ue001\ue000")  # xlsx_guard: N characters of a run cut here
CUT_MARK_START = "\ue000\ue001"


@dataclass(frozen=True)
class ReadLimits:
    """expanded_bytes: what a file may inflate to (all zip members, or the file itself when not zipped);
    cell_chars: one cell's length (Excel's 32,767); rows, columns: one sheet's extent counted from A1 (Excel's
    1,048,576 × 16,384); cells: rows × columns of a sheet's used range, which readers allocate densely."""

    expanded_bytes: int = 512 * MIB
    cell_chars: int = 32_767
    rows: int = 1_048_576
    columns: int = 16_384
    cells: int = 20_000_000


DEFAULT_LIMITS = ReadLimits()


def expanded_too_large(size: int, limits: ReadLimits) -> str:
    return T.REFUSED_EXPANDED_TOO_LARGE.format(size=_mib(size), limit=_mib(limits.expanded_bytes))


def file_too_large(size: int, limits: ReadLimits) -> str:
    return T.REFUSED_FILE_TOO_LARGE.format(size=_mib(size), limit=_mib(limits.expanded_bytes))


def too_many_rows(sheet: str, rows: int, limits: ReadLimits) -> str:
    return T.REFUSED_TOO_MANY_ROWS.format(sheet=sheet, rows=rows, limit=limits.rows)


def too_many_columns(sheet: str, columns: int, limits: ReadLimits) -> str:
    return T.REFUSED_TOO_MANY_COLUMNS.format(sheet=sheet, columns=columns, limit=limits.columns)


def too_many_cells(sheet: str, rows: int, columns: int, limits: ReadLimits) -> str:
    return T.REFUSED_TOO_MANY_CELLS.format(sheet=sheet, rows=rows, columns=columns, limit=limits.cells)


def cell_cut_message(length: int, kept: int) -> str:
    return T.CELL_CUT.format(length=length, kept=kept)


def _mib(size: int) -> str:
    return f"{size / MIB:,.0f}" if size >= 10 * MIB else f"{size / MIB:,.1f}"


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26 (the inverse of column_letters)."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def cut_long_cells(
    columns: list[pa.Array], *, sheet: str, limits: ReadLimits, marked: bool = False
) -> tuple[list[pa.Array], list[CellIssue]]:
    """Cells longer than limits.cell_chars cut to it, each with a CellIssue; columns are A1-based.

    marked: the workbook went through etl/xlsx_guard.py, whose cut text runs carry CUT_MARK with their length.
    """
    issues: list[CellIssue] = []
    out = []
    for index, column in enumerate(columns):
        if _has_long(column, limits.cell_chars, marked):
            column, found = _cut_column(column, index, sheet=sheet, limit=limits.cell_chars)
            issues.extend(found)
        out.append(column)
    return out, issues


def _has_long(column: pa.Array, limit: int, marked: bool) -> bool:
    if not len(column) or column.null_count == len(column):
        return False
    if marked and pc.any(pc.match_substring(column, CUT_MARK_START)).as_py():
        return True
    return (pc.max(pc.utf8_length(column)).as_py() or 0) > limit


def _cut_column(column: pa.Array, index: int, *, sheet: str, limit: int) -> tuple[pa.Array, list[CellIssue]]:
    values = column.to_pylist()
    lengths = pc.fill_null(pc.utf8_length(column), 0).to_numpy(zero_copy_only=False)
    marked = pc.fill_null(pc.match_substring(column, CUT_MARK_START), False).to_numpy(zero_copy_only=False)
    issues = []
    for row in np.flatnonzero((lengths > limit) | marked):
        text, length = _unmark(values[row])
        if length <= limit:
            values[row] = text
            continue
        values[row] = text[:limit]
        issues.append(_issue(sheet, int(row), index, length, limit, text))
    return pa.array(values, pa.string()), issues


def _unmark(text: str) -> tuple[str, int]:
    """A cell without the guard's marks, and its original length (each mark counts the characters it replaced)."""
    marks = CUT_MARK.findall(text)
    if not marks:
        return text, len(text)
    clean = CUT_MARK.sub("", text)
    return clean, len(clean) + sum(map(int, marks))


def _issue(sheet: str, row: int, col: int, length: int, limit: int, text: str) -> CellIssue:
    return CellIssue(
        sheet=sheet,
        row_number=row + 1,
        column=column_letters(col),
        field=None,
        value=text[:PREVIEW_CHARS] + "…",
        problem=cell_cut_message(length, limit),
    )
