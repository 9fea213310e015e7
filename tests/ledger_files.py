"""Write real ledger files (.xlsx with merged cells, legacy .xls, CSV in any encoding) for reader tests."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import xlwt
from openpyxl import Workbook

Rows = Sequence[Sequence[object]]
Merge = tuple[int, int, int, int]  # 0-based inclusive (first_row, first_col, last_row, last_col)


def write_xlsx(path: Path, sheets: dict[str, tuple[Rows, Sequence[Merge]]]) -> Path:
    """One worksheet per entry: rows written from A1, then the merged ranges."""
    book = Workbook()
    book.remove(book.active)
    for name, (rows, merges) in sheets.items():
        ws = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for r0, c0, r1, c1 in merges:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    book.save(path)
    return path


def write_xls(path: Path, sheets: dict[str, tuple[Rows, Sequence[Merge]]]) -> Path:
    """A legacy .xls: dates as real Excel dates, merged ranges written as merged cells."""
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for name, (rows, merges) in sheets.items():
        ws = book.add_sheet(name)
        merged_cells = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in merges}
        covered = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (r, c) in merged_cells:
                    r1, c1 = merged_cells[(r, c)]
                    ws.write_merge(r, r1, c, c1, value)
                elif value is not None and (r, c) not in covered:
                    style = date_style if isinstance(value, dt.date) else xlwt.Style.default_style
                    ws.write(r, c, value, style)
    book.save(str(path))
    return path


def write_csv(path: Path, rows: Rows, *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(
            [["" if v is None else v for v in row] for row in rows]
        )
    return path
