"""Excel and CSV exports: Chinese headers, typed cells (numbers, dates, percentages), print setup, no formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import numbers
import re
import zipfile
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import xlsxwriter

from firedash.glossary import AGEING_BAND_LABELS, SEVERITY_LABELS, STATE_LABELS, YES_NO, label, text
from ui.format import (
    BOOLEAN_COLUMNS,
    DASH,
    DATE_COLUMNS,
    RATE_COLUMNS,
    display_frame,
    fmt_date,
    is_missing,
    ledger_kinds_text,
)

FORMULA_STARTS = ("=", "+", "-", "@")
EXCEL_CELL_MAX = 32_767  # Excel's limit of characters in one cell
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?%?")
_SHEET_NAME_MAX = 31
_HEADER_ROW = 3
# A column kind (export_frame's attrs["kinds"]) -> its Excel number format.
_KIND_FORMATS = {"rate": "0.0%", "points": "+0.0;-0.0;0.0", "count": "0"}
# metrics.week_by_severity's rows, named as the bulletin's 总体情况 table names them.
_SEVERITY_ROW_LABELS = {
    "all": text("bulletin_row_town"),
    "general": SEVERITY_LABELS["general"],
    "major": SEVERITY_LABELS["major"],
}
_CODE_LABELS = {
    "severity": SEVERITY_LABELS,
    "state": STATE_LABELS,
    "ageing_band": AGEING_BAND_LABELS,
    "severity_group": _SEVERITY_ROW_LABELS,
}
_COUNT_COLUMNS = frozenset({"rank", "rank_last_week", "rank_move"})


def export_frame(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """The given columns with Chinese headers and cells kept as values: rates as 0–1 numbers, dates as
    dates, counts and ranks as numbers, codes as words; attrs["kinds"] tells xlsx_bytes each column's format."""
    wanted = [c for c in columns if c in frame.columns]
    out = pd.DataFrame(index=frame.index)
    kinds: dict[str, str] = {}
    for column in wanted:
        header = label(column)
        out[header], kind = _export_column(column, frame[column])
        if kind:
            kinds[header] = kind
    out = out.reset_index(drop=True)
    out.attrs["kinds"] = kinds
    return out


def _export_column(column: str, values: pd.Series) -> tuple[pd.Series, str | None]:
    if column in RATE_COLUMNS:
        return values.map(lambda v: None if is_missing(v) else float(v)).astype(object), "rate"
    if column == "rate_change_pp":
        return values.map(lambda v: None if is_missing(v) else float(v)).astype(object), "points"
    if column in DATE_COLUMNS:
        return values.map(lambda v: None if is_missing(v) else pd.Timestamp(v).date()).astype(object), "date"
    if column == "rank_move":
        return values.map(lambda v: None if is_missing(v) else int(v)).astype(object), "move"
    if column in _COUNT_COLUMNS:
        return values.map(lambda v: None if is_missing(v) else int(v)).astype(object), "count"
    if column in _CODE_LABELS:
        return values.map(lambda v: _CODE_LABELS[column].get(v, v)), None
    if column in BOOLEAN_COLUMNS:
        return values.map(lambda v: YES_NO[v is True or v == 1]), None
    if column == "ledger_kinds":
        return values.map(ledger_kinds_text), None
    return values, None


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame], *, title: str, as_of: dt.date) -> bytes:
    """A workbook with one sheet per frame: a title row, a 数据截至 row, the header row, the rows.

    Frames carry Chinese headers (export_frame, or display_frame for text). Numbers are numbers, dates
    dates in the Chinese format, rates percentages (export_frame's kinds); a text cell that starts with
    = + - @ gets Excel's quote prefix, so it can never run as a formula; text over Excel's 32,767
    characters is cut with a mark. Each sheet prints landscape, fit to the page width, with the header
    row repeated and the title and as-of date on every page.
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
    kinds = {
        **_KIND_FORMATS,
        "date": text("excel_date_format"),
        "move": text("excel_move_format", steady=text("steady")),
    }
    return {
        "title": book.add_format({**font, "bold": True, "font_size": 14}),
        "note": book.add_format(font),
        "header": book.add_format(
            {**font, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
        ),
        "text": book.add_format(font),
        "quoted": book.add_format({**font, "quote_prefix": True}),
        **{kind: book.add_format({**font, "num_format": spec}) for kind, spec in kinds.items()},
    }


def _sheet_name(name: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:_SHEET_NAME_MAX] or "Sheet1"


def _write_sheet(
    sheet, frame: pd.DataFrame, *, title: str, as_of: dt.date, formats: dict[str, object]
) -> None:
    as_of_text = text("cell", name=text("as_of"), value=fmt_date(as_of))
    sheet.write_string(0, 0, title, formats["title"])
    sheet.write_string(1, 0, as_of_text, formats["note"])
    kinds = frame.attrs.get("kinds", {})
    for col, header in enumerate(frame.columns):
        sheet.write_string(_HEADER_ROW, col, str(header), formats["header"])
        sheet.set_column(col, col, _column_width(frame, header, kinds.get(header)))
    for row_no, row in enumerate(frame.itertuples(index=False, name=None), start=_HEADER_ROW + 1):
        for col, value in enumerate(row):
            write_cell(sheet, row_no, col, value, formats, kind=kinds.get(frame.columns[col]))
    if len(frame.columns):
        sheet.freeze_panes(_HEADER_ROW + 1, 0)
        sheet.autofilter(_HEADER_ROW, 0, _HEADER_ROW + len(frame), len(frame.columns) - 1)
    _print_setup(sheet, title, as_of_text)


def _print_setup(sheet, title: str, as_of_text: str) -> None:
    """Landscape A4, as wide as one page, header row on every page, title and as-of in the page header."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(_HEADER_ROW)
    sheet.set_header(f"&L{_header_text(title)}&R{_header_text(as_of_text)}")
    sheet.set_footer("&C" + text("excel_page_footer"))


def _header_text(value: str) -> str:
    """Text for Excel's page header: & starts a code there, so it is doubled."""
    return value.replace("&", "&&")


def write_cell(
    sheet, row: int, col: int, value: object, formats: Mapping[str, object], *, kind: str | None = None
) -> None:
    """Write one value by its type; text never becomes a formula (quote prefix on = + - @)."""
    if is_missing(value):
        if kind == "rate":  # nothing found: the rate is undefined, shown "—", never 0%
            sheet.write_string(row, col, DASH, formats["text"])
        else:
            sheet.write_blank(row, col, None, formats["text"])
    elif isinstance(value, bool | np.bool_):
        sheet.write_string(row, col, YES_NO[bool(value)], formats["text"])
    elif isinstance(value, numbers.Real) and math.isfinite(value):
        sheet.write_number(row, col, float(value), formats[kind] if kind in formats else formats["text"])
    elif isinstance(value, dt.date | pd.Timestamp):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), formats["date"])
    else:
        cell = fit_cell(str(value))
        style = formats["quoted"] if cell.startswith(FORMULA_STARTS) else formats["text"]
        sheet.write_string(row, col, cell, style)


def fit_cell(value: str, limit: int = EXCEL_CELL_MAX) -> str:
    """Text as Excel can hold it: over `limit` characters it is cut, and says so at its end."""
    if len(value) <= limit:
        return value
    mark = text("cell_truncated")
    return value[: limit - len(mark)] + mark


def _column_width(frame: pd.DataFrame, header: object, kind: str | None) -> float:
    if kind == "date":
        return 16
    sample = [str(v) for v in frame[header].head(200) if not is_missing(v)]
    longest = max([len(str(header)), *map(len, sample)], default=8)
    return min(60, max(8, longest * 1.8 + 2))


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula (= + - @ …) gets a leading '; plain
    numbers such as -0.4 are left alone."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, "\t", "\r")):
        return value if _PLAIN_NUMBER.fullmatch(value) else "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV in UTF-8 with a BOM (so Chinese Excel opens it right), formula cells neutralised and
    text over Excel's 32,767 characters cut with a mark (Excel would cut it silently on opening)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value: object) -> object:
    if is_missing(value):
        return ""
    cell = neutralise(value)
    return fit_cell(cell) if isinstance(cell, str) else cell


def table_csv(frame: pd.DataFrame, columns: Iterable[str]) -> bytes:
    """A metric frame's columns as shown on screen, as CSV (ui.format.display_frame, then csv_bytes)."""
    return csv_bytes(display_frame(frame, columns))


def zip_bytes(members: Mapping[str, bytes]) -> bytes:
    """A ZIP holding each file under its name (UTF-8 names, so Chinese file names survive)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()
