"""Read a ledger file into raw sheets: every cell as the text a person sees, column by column.

.xlsx/.xlsm cells are read by fastexcel (calamine in Rust, straight into Arrow, no Python object per cell);
their merged ranges and the sheet's first used cell come from the sheet's XML (etl/xlsx_layout.py). Legacy
.xls (and .xlsb/.ods) go through python-calamine, CSV through the csv module; all three give the same cells.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum

from etl.errors import LedgerError
from etl.findings import CellIssue
from etl.limits import (
    DEFAULT_LIMITS,
    ReadLimits,
    cut_long_cells,
    file_too_large,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from etl.text import cell_text
from etl.xlsx_guard import ZipCheck, check_zip, write_cut_copy
from etl.xlsx_layout import SheetLayout, sheet_layout, sheet_parts
from firedash import glossary as T

Cell = str | None
Merge = tuple[int, int, int, int]

HEAD_ROWS = 24  # rows kept as Python lists for the header search (headers.SCAN_ROWS and the row below)
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_SUFFIXES = {".csv", ".txt"}
_SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".et"}
_SNIFF_BYTES = 4096
_HTML_MARKS = (b"<!doctype html", b"<html", b"<table", b"<head", b"<body", b"<meta", b"<style", b"<title")
_XML_2003_MARKS = (b"urn:schemas-microsoft-com:office:spreadsheet", b'progid="excel.sheet"')
_OLE_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted .xlsx is kept in
_OLE_WORD = "WordDocument".encode("utf-16-le")
_MIDNIGHT = " 00:00:00"
_TIME_ONLY = "1899-12-31 "
_EMPTY = pa.scalar("", pa.string())  # a typed scalar: comparing with a Python str costs milliseconds
_NULL = pa.scalar(None, pa.string())


@dataclass
class RawSheet:
    """One sheet as read: a text column per sheet column (null for an empty cell), rows and columns
    counted from A1, the merged ranges (0-based, inclusive), and the cells the reader could not keep whole
    (issues: a cell longer than etl.limits allows is cut to it, with a CellIssue)."""

    name: str
    columns: list[pa.Array]
    merged: list[Merge] = field(default_factory=list)
    issues: list[CellIssue] = field(default_factory=list)

    @classmethod
    def from_rows(cls, name: str, rows: Sequence[Sequence[object]], merged: Sequence[Merge] = ()) -> RawSheet:
        """A sheet from rows of cells of any type (each written as cell text)."""
        width = max(map(len, rows), default=0)
        columns = [
            pa.array([as_text(row[col]) if col < len(row) else None for row in rows], pa.string())
            for col in range(width)
        ]
        return cls(name, columns, list(merged))

    @property
    def height(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    @property
    def width(self) -> int:
        return len(self.columns)

    @cached_property
    def head(self) -> list[list[Cell]]:
        """The first HEAD_ROWS rows as lists of cells (where headers and titles are looked for)."""
        size = min(HEAD_ROWS, self.height)
        taken = [column.slice(0, size).to_pylist() for column in self.columns]
        return [list(row) for row in zip(*taken, strict=True)] if taken else [[] for _ in range(size)]

    @property
    def rows(self) -> list[list[Cell]]:
        """Every row as a list of cells (for small sheets and tests; the loader reads columns)."""
        return self.rows_at(np.arange(self.height))

    def rows_at(self, indices: np.ndarray) -> list[list[Cell]]:
        return rows_at(self.columns, indices)

    def has_cells(self) -> bool:
        return any(column.null_count < len(column) for column in self.columns)


def rows_at(columns: Sequence[pa.Array], indices: np.ndarray) -> list[list[Cell]]:
    """The given rows of some columns, as lists of cells."""
    if not len(indices):
        return []
    taken = [column.take(pa.array(indices, pa.int64())).to_pylist() for column in columns]
    return [list(row) for row in zip(*taken, strict=True)] if taken else [[] for _ in indices]


def as_text(value: object) -> Cell:
    """A cell of any type as the reader gives it: its text, None when empty."""
    return cell_text(value) or None


def read_ledger(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> list[RawSheet]:
    """Read every sheet of a ledger; raise LedgerError with a Chinese reason if it cannot be read or is larger
    than limits allow. The content decides how it is read, not the file's name."""
    path = Path(path)
    head = _head(path)
    if not head:
        raise LedgerError(T.REFUSED_EMPTY_FILE)
    if head.startswith(_ZIP_MAGIC):
        sheets = _read_zip(path, limits)
    elif head.startswith(_OLE_MAGIC):
        sheets = _read_ole(path, limits)
    elif path.suffix.lower() in _TEXT_SUFFIXES and not _markup(head):
        sheets = [_read_text(path, limits)]
    else:
        raise LedgerError(_not_a_spreadsheet(path, head))
    for sheet in sheets:
        _check_extent(sheet.name, sheet.height, sheet.width, limits)
    if not any(sheet.has_cells() for sheet in sheets):
        raise LedgerError(T.REFUSED_NO_DATA)
    return [_cut(sheet, limits, marked=False) for sheet in sheets]


def _cut(sheet: RawSheet, limits: ReadLimits, *, marked: bool) -> RawSheet:
    if not marked and not _longer_than(sheet.columns, limits.cell_chars):
        return RawSheet(sheet.name, sheet.columns, sheet.merged, list(sheet.issues))
    columns, issues = cut_long_cells(sheet.columns, sheet=sheet.name, limits=limits, marked=marked)
    return RawSheet(sheet.name, columns, sheet.merged, sheet.issues + issues)


def _longer_than(columns: list[pa.Array], limit: int) -> bool:
    """Whether any cell may be longer than limit characters: one look at the whole sheet's longest cell in
    bytes (a text has no more characters than bytes), before etl.limits looks column by column."""
    if not columns:
        return False
    sheet = pa.chunked_array(columns, pa.string())
    return (pc.max(pc.binary_length(sheet)).as_py() or 0) > limit


def _check_extent(name: str, rows: int, columns: int, limits: ReadLimits) -> None:
    if columns > limits.columns:
        raise LedgerError(too_many_columns(name, columns, limits))
    if rows > limits.rows:
        raise LedgerError(too_many_rows(name, rows, limits))
    if rows * columns > limits.cells:
        raise LedgerError(too_many_cells(name, rows, columns, limits))


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_SNIFF_BYTES)
    except OSError:
        raise LedgerError(T.REFUSED_UNOPENABLE) from None


def _read_zip(path: Path, limits: ReadLimits) -> list[RawSheet]:
    """A zipped workbook, checked by etl/xlsx_guard.py first; read from a copy with its long text runs cut when
    it has any, or through a link carrying the suffix its content needs (an .xlsx named .xls)."""
    try:
        check = check_zip(path, limits)
    except LedgerError:
        raise
    except (zipfile.BadZipFile, zlib.error, struct.error, EOFError, OSError, ValueError):
        raise LedgerError(T.REFUSED_BROKEN) from None
    # The guard read the sheets' layouts as it inflated them; a copy with long runs cut is read afresh.
    known = None if check.long_runs or check.parts is None else check
    if not check.long_runs and _named_as_read(path, check):  # the common case needs no folder of its own
        return _read_workbook(path, zipped=True, known=known)
    with tempfile.TemporaryDirectory(prefix="firedash-read-") as folder:
        source = _zip_source(path, check, Path(folder), limits)
        sheets = _read_workbook(source, zipped=True, known=known)
        if check.long_runs:
            sheets = [_cut(sheet, limits, marked=True) for sheet in sheets]
    return sheets


def _zip_source(path: Path, check: ZipCheck, folder: Path, limits: ReadLimits) -> Path:
    if check.long_runs:
        target = folder / f"book{check.suffix}"
        write_cut_copy(path, check, target, limits)
        return target
    if _named_as_read(path, check):
        return path
    return _linked(path, folder / f"book{check.suffix}")


def _named_as_read(path: Path, check: ZipCheck) -> bool:
    return path.suffix.lower() == check.suffix or (check.suffix, path.suffix.lower()) == (".xlsx", ".xlsm")


def _linked(path: Path, link: Path) -> Path:
    """The file under another name (calamine picks its reader by the suffix)."""
    try:
        os.symlink(path.resolve(), link)
    except OSError:
        shutil.copyfile(path, link)
    return link


def _read_ole(path: Path, limits: ReadLimits) -> list[RawSheet]:
    """A legacy .xls (an OLE2 file) under any name; an encrypted .xlsx or a Word file is told as such."""
    size = path.stat().st_size
    if size > limits.expanded_bytes:
        raise LedgerError(file_too_large(size, limits))
    if path.suffix.lower() == ".xls":
        return _read_workbook(path, zipped=False, ole=True)
    with tempfile.TemporaryDirectory(prefix="firedash-read-") as folder:
        return _read_workbook(_linked(path, Path(folder) / "book.xls"), zipped=False, ole=True)


def _ole_reason(path: Path) -> str | None:
    """Why an OLE2 file is no workbook, from the names of its streams (UTF-16 in its directory)."""
    data = path.read_bytes()
    if _OLE_ENCRYPTED in data:
        return T.REFUSED_ENCRYPTED
    if _OLE_WORD in data:
        return T.REFUSED_WORD_FILE
    return None


def _markup(head: bytes) -> bool:
    """The start of an HTML or XML file (web systems save their "Excel" exports as pages), in any encoding."""
    return _sniffed_text(head).startswith(b"<")


def _sniffed_text(head: bytes) -> bytes:
    """The sniffed block as lower-case ASCII-compatible bytes without BOM and leading blanks (UTF-16 narrowed)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = (
            head[2:]
            .decode("utf-16-le" if head[0] == 0xFF else "utf-16-be", "ignore")
            .encode("utf-8", "ignore")
        )
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()


def _not_a_spreadsheet(path: Path, head: bytes) -> str:
    """Why a file that is neither zip nor OLE2 (nor a plain CSV) is refused, in one line."""
    suffix = path.suffix.lower()
    named = suffix or T.NO_SUFFIX
    text = _sniffed_text(head)
    if text.startswith(b"<"):
        if any(mark in text for mark in _XML_2003_MARKS):
            return T.REFUSED_XML_2003
        if any(mark in text for mark in _HTML_MARKS) or text.startswith(b"<!--"):
            return T.REFUSED_WEB_PAGE.format(suffix=named)
        return T.REFUSED_XML_CONTENT.format(suffix=named)
    if suffix not in _SPREADSHEET_SUFFIXES:
        return T.REFUSED_UNSUPPORTED_SUFFIX.format(suffix=named)
    if b"\x00" not in head and _decodes(head):
        return T.REFUSED_TEXT_CONTENT.format(suffix=suffix)
    return T.REFUSED_UNKNOWN_CONTENT.format(suffix=suffix)


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


def _read_workbook(
    path: Path, *, zipped: bool, ole: bool = False, known: ZipCheck | None = None
) -> list[RawSheet]:
    """Every worksheet of a workbook; any reader failure becomes a LedgerError. known: the guard's parts and
    layouts of this very content, when it could read them."""
    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            names = [meta.name for meta in book.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet]
            if not names:
                raise LedgerError(T.REFUSED_NO_WORKSHEET)
            sheets = _read_xml_workbook(path, names, known) if zipped else None
            return sheets if sheets is not None else [_read_calamine_sheet(book, name) for name in names]
        finally:
            book.close()
    except LedgerError:
        raise
    except PasswordError:
        raise LedgerError(T.REFUSED_ENCRYPTED) from None
    except Exception:  # the readers raise many kinds (zip, xml, cfb, ...): all mean "cannot open"
        raise LedgerError((ole and _ole_reason(path)) or _workbook_reason(path)) from None


def _read_xml_workbook(path: Path, names: list[str], known: ZipCheck | None = None) -> list[RawSheet] | None:
    """An .xlsx/.xlsm: cells by fastexcel, the layouts as the guard read them from the sheets' XML (else
    read by a second thread meanwhile).

    None when the workbook is not one this path follows or either part fails on it: the caller then
    reads it cell by cell through python-calamine (which reads it, or says why it cannot be read).
    """
    if known is not None and known.parts is not None:
        layouts = [known.layouts.get(known.parts[name]) for name in names]
        batches = _fast_batches(path, names)
        found = None if None in layouts else layouts
    else:
        parts = _parts(path)
        if parts is None:
            return None
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(_layouts, path, [parts[name] for name in names])
            batches = _fast_batches(path, names)
            found = pending.result()
    if found is None or batches is None or not all(map(_agree, batches, found)):
        return None
    return [_fast_sheet(*sheet) for sheet in zip(names, batches, found, strict=True)]


def _agree(batch: pa.RecordBatch, layout: SheetLayout) -> bool:
    """The XML and fastexcel tell the same story: a first used cell where there are cells (else trust neither).
    A sheet of error cells only has a first used cell and rows, all null as text."""
    if layout.origin is None:
        return all(column.null_count == len(column) for column in batch.columns)
    return batch.num_rows > 0


def _fast_batches(path: Path, names: list[str]) -> list[pa.RecordBatch] | None:
    try:
        reader = fastexcel.read_excel(str(path))
        return [reader.load_sheet(name, header_row=None, dtypes="string", eager=True) for name in names]
    except Exception:  # fastexcel's own error kinds: python-calamine reads the file next, or refuses it
        return None


def _parts(path: Path) -> dict[str, str] | None:
    try:
        with zipfile.ZipFile(path) as archive:
            return sheet_parts(archive)
    except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError):
        return None


def _layouts(path: Path, parts: list[str]) -> list[SheetLayout] | None:
    try:
        with zipfile.ZipFile(path) as archive:
            return [sheet_layout(archive, part) for part in parts]
    except (
        Exception
    ):  # XML this reader does not follow, a damaged zip member (zlib, EOF, CRC): read it slowly
        return None


def _workbook_reason(path: Path) -> str:
    if path.suffix.lower() in (".docx", ".doc", ".pptx", ".ppt", ".zip"):
        return T.REFUSED_OTHER_DOCUMENT.format(suffix=path.suffix)
    return T.REFUSED_BROKEN


def _fast_sheet(name: str, batch: pa.RecordBatch, layout: SheetLayout) -> RawSheet:
    """One .xlsx sheet as text columns, moved back under A1 (calamine starts at the first used cell)."""
    if layout.origin is None:
        return RawSheet(name, [], layout.merged)
    top, left = layout.origin
    columns = [pa.nulls(batch.num_rows, pa.string())] * left + _cell_texts(batch.columns)
    if top:
        columns = [pa.concat_arrays([pa.nulls(top, pa.string()), column]) for column in columns]
    return RawSheet(name, columns, layout.merged)


def _cell_texts(columns: list[pa.Array]) -> list[pa.Array]:
    """fastexcel's texts as as_text() writes them: '' is an empty cell, a date at midnight has no time, a
    time of day has no date.

    Each test runs once over the whole sheet (one chunked array); only the columns it finds are changed.
    """
    columns = [column if column.type == pa.string() else column.cast(pa.string()) for column in columns]
    sheet = pa.chunked_array(columns, pa.string())
    if pc.any(pc.equal(sheet, _EMPTY)).as_py():
        columns = _each_column(pc.if_else(pc.equal(sheet, _EMPTY), _NULL, sheet), columns)
    if pc.any(pc.starts_with(sheet, _TIME_ONLY)).as_py():  # calamine dates a time of day 1899-12-31
        columns = [pc.replace_substring_regex(c, r"^1899-12-31 (\d{2}:\d{2}:\d{2})$", r"\1") for c in columns]
    if pc.any(pc.ends_with(sheet, _MIDNIGHT)).as_py():
        columns = [
            pc.replace_substring_regex(c, r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", r"\1")
            if pc.any(pc.ends_with(c, _MIDNIGHT)).as_py()
            else c
            for c in columns
        ]
    return columns


def _each_column(sheet: pa.ChunkedArray, columns: list[pa.Array]) -> list[pa.Array]:
    """A whole-sheet result back as one array per column (Arrow keeps its input's chunks; else cut anew)."""
    if [len(chunk) for chunk in sheet.chunks] == [len(column) for column in columns]:
        return list(sheet.chunks)
    cut, at = [], 0
    for column in columns:
        cut.append(sheet.slice(at, len(column)).combine_chunks())
        at += len(column)
    return cut


def _read_calamine_sheet(book: CalamineWorkbook, name: str) -> RawSheet:
    """A legacy .xls (or .xlsb/.ods) sheet through python-calamine, cell by cell."""
    sheet = book.get_sheet_by_name(name)
    # skip_empty_area=False keeps row and column indices absolute, matching the merged ranges.
    rows = sheet.to_python(skip_empty_area=False)
    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    return RawSheet.from_rows(name, rows, merged)


def _read_text(path: Path, limits: ReadLimits) -> RawSheet:
    """A CSV (or tab-separated .txt) as one sheet named after the file stem; cells as long as the file holds
    (read_ledger cuts them to limits.cell_chars, as in a workbook)."""
    size = path.stat().st_size
    if size > limits.expanded_bytes:
        raise LedgerError(file_too_large(size, limits))
    text = _decode(path.read_bytes())
    if not text.strip():
        raise LedgerError(T.REFUSED_EMPTY_FILE)
    if "\x00" in text:
        raise LedgerError(T.REFUSED_NOT_A_SPREADSHEET)
    _allow_fields(len(text))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        rows = list(reader)
    except csv.Error:
        raise LedgerError(T.REFUSED_BAD_CSV) from None
    _check_extent(path.stem, len(rows), max(map(len, rows), default=0), limits)
    return RawSheet.from_rows(path.stem, rows)


def _allow_fields(size: int) -> None:
    """Let the csv module read a field as long as the text (its default refuses the whole file past 131,072
    characters). The setting is process-wide; it is only ever raised, and the text is bounded already."""
    if csv.field_size_limit() < size:
        csv.field_size_limit(size)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, else GB18030 (a superset of GBK/GB2312); UTF-16 by its BOM."""
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    encodings = ("utf-16",) if utf16 else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LedgerError(T.REFUSED_UNKNOWN_ENCODING)


def _delimiter(text: str) -> str:
    """Comma unless the first lines hold more tabs (Excel's 'Unicode text') or semicolons."""
    sample = text[:8192]
    counts = {d: sample.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","
