"""Write sheets to .xlsx (xlsxwriter), legacy .xls (xlwt) and Excel-style GB18030 .csv, byte-stable."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
import xlwt

from sample_town.cells import Cell

Merge = tuple[int, int, int, int]  # 0-based inclusive (first_row, first_col, last_row, last_col)


@dataclass
class Sheet:
    """A worksheet to write: its rows, merged ranges and which rows are the header (the title is row 0)."""

    name: str
    rows: list[list[Cell]]
    merges: list[Merge] = field(default_factory=list)
    header_rows: tuple[int, ...] = ()
    widths: list[float] = field(default_factory=list)
    date_format: str = "yyyy-mm-dd"


def write_xlsx(path: Path, sheets: list[Sheet], *, author: str, saved: dt.datetime) -> None:
    """An .xlsx whose bytes depend only on its content, author and save time (xlsxwriter fixes zip dates)."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_urls": False, "in_memory": True})
    book.set_properties({"author": author, "created": saved})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 16, "align": "center"}),
        "header": book.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True}),
    }
    for sheet in sheets:
        formats["date"] = book.add_format({"num_format": sheet.date_format})
        _fill_xlsx_sheet(book.add_worksheet(sheet.name), sheet, formats)
    book.close()


def _fill_xlsx_sheet(ws, sheet: Sheet, formats: dict) -> None:  # noqa: ANN001 - an xlsxwriter Worksheet
    covered = _covered(sheet.merges)
    for r1, c1, r2, c2 in sheet.merges:
        style = formats["header"] if r1 in sheet.header_rows else formats["title"] if r1 == 0 else None
        ws.merge_range(r1, c1, r2, c2, sheet.rows[r1][c1], style)
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if value is None or (r, c) in covered:
                continue
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, value, formats["date"])
            else:
                ws.write(r, c, value, formats["header"] if r in sheet.header_rows else None)
    for c, width in enumerate(sheet.widths):
        ws.set_column(c, c, width)
    if sheet.header_rows:
        ws.freeze_panes(max(sheet.header_rows) + 1, 0)


def _covered(merges: list[Merge]) -> set[tuple[int, int]]:
    """Every cell inside a merged range, its first cell included (merge_range writes that one)."""
    return {(r, c) for r1, c1, r2, c2 in merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}


def write_xls(path: Path, sheets: list[Sheet]) -> None:
    """A legacy .xls (BIFF8) as an old office PC would save it."""
    book = xlwt.Workbook(encoding="utf-8")
    title = xlwt.easyxf("font: bold on, height 320; align: horiz center")
    header = xlwt.easyxf("font: bold on; align: horiz center, vert center, wrap on")
    for sheet in sheets:
        ws = book.add_sheet(sheet.name)
        dates = xlwt.easyxf(num_format_str=sheet.date_format)
        covered = _covered(sheet.merges)
        for r1, c1, r2, c2 in sheet.merges:
            style = header if r1 in sheet.header_rows else title
            ws.write_merge(r1, r2, c1, c2, sheet.rows[r1][c1], style)
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if value is None or (r, c) in covered:
                    continue
                style = (
                    header
                    if r in sheet.header_rows
                    else dates
                    if isinstance(value, dt.date)
                    else xlwt.Style.default_style
                )
                ws.write(r, c, value, style)
        for c, width in enumerate(sheet.widths):
            ws.col(c).width = int(width * 256)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())


def write_csv(path: Path, sheet: Sheet, *, encoding: str = "gb18030") -> None:
    """A CSV as Excel saves it: every row as wide as the table, CRLF line ends, the local code page."""
    width = max(len(row) for row in sheet.rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in sheet.rows:
        writer.writerow([_csv_text(v) for v in row] + [""] * (width - len(row)))
    path.write_bytes(buffer.getvalue().encode(encoding))


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value.year}/{value.month}/{value.day}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
