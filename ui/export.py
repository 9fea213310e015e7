"""Excel exports (.xlsx): Chinese headers, the as-of date in the file, formula-looking cells neutralised."""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd
import xlsxwriter

from firedash.glossary import YES_NO, text
from ui.format import fmt_date, is_missing

FORMULA_STARTS = ("=", "+", "-", "@")
_SHEET_NAME_MAX = 31


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame], *, title: str, as_of: dt.date) -> bytes:
    """A workbook with one sheet per frame: a title row, a 数据截至 row, the header row, the rows.

    Frames should already carry Chinese headers (ui.format.display_frame). Every text cell is written
    as text; one that starts with = + - @ gets Excel's quote prefix, so it can never run as a formula.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    formats = _formats(book)
    for name, frame in sheets.items():
        _write_sheet(book.add_worksheet(_sheet_name(name)), frame, title=title, as_of=as_of, formats=formats)
    book.set_properties({"title": title, "comments": text("as_of") + fmt_date(as_of)})
    book.close()
    return buffer.getvalue()


def _formats(book: xlsxwriter.Workbook) -> dict[str, object]:
    font = {"font_name": text("excel_font"), "font_size": 11}
    return {
        "title": book.add_format({**font, "bold": True, "font_size": 14}),
        "note": book.add_format(font),
        "header": book.add_format(
            {**font, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
        ),
        "text": book.add_format(font),
        "quoted": book.add_format({**font, "quote_prefix": True}),
        "date": book.add_format({**font, "num_format": "yyyy-mm-dd"}),
    }


def _sheet_name(name: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:_SHEET_NAME_MAX] or "Sheet1"


def _write_sheet(
    sheet, frame: pd.DataFrame, *, title: str, as_of: dt.date, formats: dict[str, object]
) -> None:
    sheet.write_string(0, 0, title, formats["title"])
    sheet.write_string(1, 0, text("cell", name=text("as_of"), value=fmt_date(as_of)), formats["note"])
    for col, header in enumerate(frame.columns):
        sheet.write_string(3, col, str(header), formats["header"])
        sheet.set_column(col, col, _column_width(frame, header))
    for row_no, row in enumerate(frame.itertuples(index=False, name=None), start=4):
        for col, value in enumerate(row):
            write_cell(sheet, row_no, col, value, formats)
    if len(frame.columns):
        sheet.freeze_panes(4, 0)
        sheet.autofilter(3, 0, 3 + len(frame), len(frame.columns) - 1)


def write_cell(sheet, row: int, col: int, value: object, formats: Mapping[str, object]) -> None:
    """Write one value by its type; text never becomes a formula (quote prefix on = + - @)."""
    if is_missing(value):
        sheet.write_blank(row, col, None, formats["text"])
    elif isinstance(value, bool | np.bool_):
        sheet.write_string(row, col, YES_NO[bool(value)], formats["text"])
    elif isinstance(value, numbers.Real) and math.isfinite(value):
        sheet.write_number(row, col, float(value), formats["text"])
    elif isinstance(value, dt.date | pd.Timestamp):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), formats["date"])
    else:
        cell = str(value)
        style = formats["quoted"] if cell.startswith(FORMULA_STARTS) else formats["text"]
        sheet.write_string(row, col, cell, style)


def _column_width(frame: pd.DataFrame, header: object) -> float:
    sample = [str(v) for v in frame[header].head(200) if not is_missing(v)]
    longest = max([len(str(header)), *map(len, sample)], default=8)
    return min(60, max(8, longest * 1.8 + 2))
