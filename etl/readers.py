"""Read a ledger file (.xlsx/.xlsm/.xls via calamine, .csv/.txt via the csv module) into raw sheets."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum

from etl.errors import LedgerError

Cell = str | int | float | bool | dt.date | dt.datetime | None

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_SUFFIXES = {".csv", ".txt"}
_SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".et"}
_SNIFF_BYTES = 4096

EMPTY_FILE = "文件是空的"
NO_DATA = "文件中没有任何数据（所有工作表都是空的）"
BROKEN = "文件已损坏或加密，无法打开"
ENCRYPTED = "文件设置了打开密码（已加密），请取消密码后再导入"
UNKNOWN_ENCODING = "无法识别文件的文字编码（请另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx）"


@dataclass
class RawSheet:
    """One sheet as read: rows of cells (None for empty) and merged ranges (0-based, inclusive)."""

    name: str
    rows: list[list[Cell]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def read_ledger(path: Path) -> list[RawSheet]:
    """Read every sheet of a ledger; raise LedgerError with a Chinese reason if it cannot be read."""
    path = Path(path)
    head = _head(path)
    if not head:
        raise LedgerError(EMPTY_FILE)
    if head.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        sheets = _read_workbook(path)
    elif path.suffix.lower() in _TEXT_SUFFIXES:
        sheets = [_read_text(path)]
    else:
        raise LedgerError(_not_a_spreadsheet(path, head))
    if not any(any(c is not None for c in row) for sheet in sheets for row in sheet.rows):
        raise LedgerError(NO_DATA)
    return sheets


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_SNIFF_BYTES)
    except OSError:
        raise LedgerError("文件不存在或无法打开") from None


def _not_a_spreadsheet(path: Path, head: bytes) -> str:
    """Why a file with a spreadsheet name (or an unknown one) is refused, in one line."""
    suffix = path.suffix.lower()
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix not in _SPREADSHEET_SUFFIXES:
        return f"不支持的文件类型“{suffix or '无扩展名'}”（请提供 .xlsx、.xls 或 .csv 文件）"
    if text.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta")):
        return f"不是电子表格文件（扩展名为 {suffix}，内容却是网页），请用 Excel 打开后另存为 .xlsx 再导入"
    if b"\x00" not in head and _decodes(head):
        return f"不是电子表格文件（扩展名为 {suffix}，内容却是文本），请用 Excel 打开后另存为 .xlsx 再导入"
    return f"不是电子表格文件（扩展名为 {suffix}，但内容无法识别）"


def _decodes(data: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            # The sniffed block may end inside a multi-byte character.
            try:
                data[:-4].decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
    return False


def _read_workbook(path: Path) -> list[RawSheet]:
    """Every worksheet of an .xlsx/.xlsm/.xls; any calamine failure becomes a LedgerError."""
    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            return [
                _read_sheet(book, meta.name)
                for meta in book.sheets_metadata
                if meta.typ == SheetTypeEnum.WorkSheet
            ]
        finally:
            book.close()
    except LedgerError:
        raise
    except PasswordError:
        raise LedgerError(ENCRYPTED) from None
    except Exception:  # calamine raises many kinds (zip, xml, cfb, ...): all mean "cannot open"
        raise LedgerError(_workbook_reason(path)) from None


def _workbook_reason(path: Path) -> str:
    if path.suffix.lower() in (".docx", ".doc", ".pptx", ".ppt", ".zip"):
        return f"不是电子表格文件（{path.suffix} 文件），请提供 .xlsx、.xls 或 .csv 文件"
    return BROKEN


def _read_sheet(book: CalamineWorkbook, name: str) -> RawSheet:
    sheet = book.get_sheet_by_name(name)
    # skip_empty_area=False keeps row and column indices absolute, matching the merged ranges.
    rows = sheet.to_python(skip_empty_area=False)
    for row in rows:
        _blank_to_none(row)
    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    return RawSheet(name=name, rows=rows, merged=merged)


def _blank_to_none(row: list) -> None:
    """Replace '' by None in place (a comprehension beats list.index scans on typical rows).

    Time-of-day and duration cells (rare) stay datetime.time/timedelta: normalise reads them as text.
    """
    row[:] = [None if cell == "" else cell for cell in row]


def _read_text(path: Path) -> RawSheet:
    """A CSV (or tab-separated .txt) as one sheet named after the file stem; cells are str or None."""
    text = _decode(path.read_bytes())
    if not text.strip():
        raise LedgerError(EMPTY_FILE)
    if "\x00" in text:
        raise LedgerError("不是电子表格文件（内容无法识别）")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        rows = [[cell or None for cell in row] for row in reader]
    except csv.Error:
        raise LedgerError("CSV 文件格式错误，无法解析") from None
    return RawSheet(name=path.stem, rows=rows, merged=[])


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, else GB18030 (a superset of GBK/GB2312); UTF-16 by its BOM."""
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    encodings = ("utf-16",) if utf16 else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LedgerError(UNKNOWN_ENCODING)


def _delimiter(text: str) -> str:
    """Comma unless the first lines hold more tabs (Excel's 'Unicode text') or semicolons."""
    sample = text[:8192]
    counts = {d: sample.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","
