"""Check a zipped workbook before any reader library opens it, and cut text runs too long for a cell.

calamine (inside fastexcel and python-calamine) trusts a workbook: it inflates whatever a zip member holds, keeps
a cell's whole text however long, and allocates every cell of a sheet's used range at once (a sheet with two
values at A1 and CZ200000 asks for 20 million cells from a file of 6 KB). So each member is inflated here first,
in chunks, counted against its declared size and etl/limits.py's budget; each sheet's last valued row and
column are found from its XML; and text runs longer than a cell may be are noted, to be cut in a copy.
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from etl.errors import LedgerError
from etl.limits import (
    ReadLimits,
    expanded_too_large,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from etl.xlsx_layout import CHUNK, LayoutScan, SheetLayout, _Tags, column, root_tags, sheet_parts
from firedash import glossary as T

_CHUNK = 4 << 20  # large enough that a pattern compiled per chunk costs nothing
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … file name length, extra field length
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_REFLESS_PROBE = 1 << 16  # bytes of sheet data searched for cells without a reference
_MAX_TAG = 4096  # a tag longer than this before a long text run is no tag a workbook writes
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_ROW_DIGITS = 16  # a reference's row number of more digits is read by _LONG_REFERENCE, as a Python int
_LONG_REFERENCE = re.compile(rb'([A-Z]{1,3})(\d+)"')
_PAD = bytes(_ROW_DIGITS + 8)  # read past the end of a text without bounds checks: no letter, digit or quote
_INT64_MAX = np.iinfo(np.int64).max
_DEFLATE_RATIO = 1032  # deflate's greatest expansion: a 258-byte match per 2 bits
_QUICK_TRIES = 4  # furthest values looked at one by one before the rest are sorted

Stretch = tuple[int, int]  # [start, end) offsets in a member's inflated bytes: no '<' inside


@dataclass
class Extent:
    """A sheet's size from A1 to its last valued cell (what calamine allocates, at most)."""

    rows: int = 0
    columns: int = 0


@dataclass
class ZipCheck:
    """What the guard learnt: the workbook's kind (".xlsx", ".xlsb", ".ods": the suffix its readers need), the
    long text runs of each member holding cell text (empty when no cell can be too long), and for an .xlsx
    its sheets' parts (name → part; None when the workbook part cannot be followed) and their layouts (part →
    SheetLayout, None for XML that etl/xlsx_layout.py does not follow), read as the parts were inflated."""

    suffix: str
    long_runs: dict[str, list[Stretch]] = field(default_factory=dict)
    parts: dict[str, str] | None = None
    layouts: dict[str, SheetLayout | None] = field(default_factory=dict)


def check_zip(path: Path, limits: ReadLimits) -> ZipCheck:
    """Refuse (LedgerError) a zip that inflates past the limits, lies about its sizes, is no workbook, or has a
    sheet too large; else say what it is and where its long text runs are.

    The central directory's sizes bound what the file declares; the parts a reader takes cell text or a
    sheet's extent from are inflated here (each no larger than it declares); any other part is inflated
    only when its compressed size could hide more than the limit leaves (deflate expands 1,032-fold at most).
    """
    with zipfile.ZipFile(path) as archive, path.open("rb") as raw:
        infos = archive.infolist()
        suffix = _kind(archive, {info.filename for info in infos})
        declared = sum(info.file_size for info in infos)
        if declared > limits.expanded_bytes:
            raise LedgerError(expanded_too_large(declared, limits))
        parts = _sheet_parts(archive) if suffix == ".xlsx" else None
        sheets = {part: name for name, part in (parts or {}).items()}
        check = ZipCheck(suffix, parts=parts)
        unchecked = 0  # what the parts not inflated could expand to beyond their declared sizes
        for info in infos:
            sheet = sheets.get(info.filename)
            if sheet is None and not _holds_text(info):
                hidden = _sealed_excess(raw, info)
                if declared + unchecked + hidden <= limits.expanded_bytes:
                    unchecked += hidden
                    continue
            runs, layout = _check_member(raw, info, sheet, limits)
            if runs:
                check.long_runs[info.filename] = runs
            if sheet is not None:
                check.layouts[info.filename] = layout
        return check


def _holds_text(info: zipfile.ZipInfo) -> bool:
    return info.filename.lower().endswith("sharedstrings.xml")


def _sealed_excess(raw: BinaryIO, info: zipfile.ZipInfo) -> int:
    """How much more than it declares a part could expand to, told from its headers without inflating it."""
    _data_offset(raw, info)
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise LedgerError(T.REFUSED_LYING_ZIP)
        return 0
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile("compression no workbook uses")
    return max(0, _DEFLATE_RATIO * info.compress_size - info.file_size)


def _kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "xl/workbook.bin" in names:
        return ".xlsb"
    if any(name.startswith("xl/") for name in names):
        return ".xlsx"
    if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIME:
        return ".ods"
    if any(name.startswith("word/") for name in names):
        raise LedgerError(T.REFUSED_WORD_FILE)
    if any(name.startswith("ppt/") for name in names):
        raise LedgerError(T.REFUSED_SLIDES_FILE)
    raise LedgerError(T.REFUSED_PLAIN_ZIP)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str] | None:
    """Sheet name → part; None when the workbook part cannot be followed (calamine then says why)."""
    try:
        return sheet_parts(archive)
    except (KeyError, ValueError, SyntaxError):
        return None


def _check_member(
    raw: BinaryIO, info: zipfile.ZipInfo, sheet: str | None, limits: ReadLimits
) -> tuple[list[Stretch], SheetLayout | None]:
    """Inflate one member, counting; its long text runs if it holds cell text; a sheet's extent checked and
    its layout read on the way."""
    holds_text = sheet is not None or _holds_text(info)
    runs = _LongRuns(limits.cell_chars) if holds_text else None
    extent = _ExtentScan() if sheet is not None else None
    layout = _Layout() if sheet is not None else None
    chunks = inflate(raw, info)
    for chunk in _ahead(chunks) if info.file_size > 4 * _CHUNK else chunks:
        if runs:
            runs.feed(chunk)
        if extent:
            extent.feed(chunk)
        if layout:
            layout.feed(chunk)
    if extent is not None and sheet is not None:
        _check_extent(sheet, extent.extent(), limits)
    return (runs.found if runs else []), (layout.result(info.CRC) if layout else None)


class _Layout:
    """etl/xlsx_layout.py's LayoutScan fed as sheet_layout() feeds it (chunks of exactly CHUNK bytes); None
    for XML it does not follow or a part whose checksum is wrong (the slow reader then says why)."""

    def __init__(self) -> None:
        self.scan: LayoutScan | None = LayoutScan()
        self.done = False
        self.pending = b""
        self.crc = 0

    def feed(self, chunk: bytes) -> None:
        self.crc = zlib.crc32(chunk, self.crc)
        if self.done or self.scan is None:
            return
        data, at = self.pending + chunk, 0
        while len(data) - at >= CHUNK and self._give(data[at : at + CHUNK]):
            at += CHUNK
        self.pending = data[at:] if not self.done else b""

    def _give(self, piece: bytes) -> bool:
        """Feed one piece; False once nothing more is wanted."""
        assert self.scan is not None
        try:
            self.done = self.scan.feed(piece)
        except Exception:  # XML this reader does not follow: python-calamine reads the sheet instead
            self.scan, self.done = None, True
        return not self.done

    def result(self, crc: int) -> SheetLayout | None:
        if self.pending and not self.done:
            self._give(self.pending)
        if self.scan is None or self.crc != crc:
            return None
        return self.scan.layout


def inflate(raw: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes in chunks of at most _CHUNK, never more than it declares (LedgerError: it lies)."""
    _data_offset(raw, info)
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise LedgerError(T.REFUSED_LYING_ZIP)
        yield from _raw_chunks(raw, info.compress_size)
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile("compression no workbook uses")
    yield from _inflated(raw, info)


def _data_offset(raw: BinaryIO, info: zipfile.ZipInfo) -> None:
    """Seek to a member's data, past its local header (BadZipFile when there is none)."""
    raw.seek(info.header_offset)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(raw.read(_LOCAL_HEADER.size))
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile("no local header")
    raw.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)


def _ahead(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks, each inflated in a thread while the one before is scanned (zlib lets go of the GIL)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        coming = pool.submit(next, chunks, None)
        while (chunk := coming.result()) is not None:
            coming = pool.submit(next, chunks, None)
            yield chunk


def _raw_chunks(raw: BinaryIO, size: int) -> Iterator[bytes]:
    while size > 0:
        chunk = raw.read(min(size, _CHUNK))
        if not chunk:
            raise zipfile.BadZipFile("truncated member")
        size -= len(chunk)
        yield chunk


def _inflated(raw: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    left = info.file_size
    for compressed in _raw_chunks(raw, info.compress_size):
        data = compressed
        while data and not inflater.eof:
            # max_length: a deflate stream inflates 1,000-fold; never hold more than a chunk of it at once.
            chunk = inflater.decompress(data, _CHUNK)
            data = inflater.unconsumed_tail
            left -= len(chunk)
            if left < 0:
                raise LedgerError(T.REFUSED_LYING_ZIP)
            yield chunk
        if inflater.eof:
            break
    if not inflater.eof or left != 0:
        raise LedgerError(T.REFUSED_LYING_ZIP)


class _LongRuns:
    """Stretches without '<' longer than limit bytes in a stream fed chunk by chunk (a cell's text is in one;
    no text of limit characters or fewer fills more bytes than... it has characters, so shorter ones are safe).

    The stream is tiled in windows of limit // 2 bytes: a longer stretch holds a whole window without '<',
    which a bounded find() tells at once, so a chunk costs a few dozen finds.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.step = max(1, limit // 2)
        self.offset = 0  # of the chunk being fed
        self.last_lt = -1  # offset of the last '<' seen
        self.found: list[Stretch] = []

    def feed(self, chunk: bytes) -> None:
        base, size = self.offset, len(chunk)
        self.offset += size
        first = chunk.find(b"<")
        if first < 0:
            return  # the whole chunk continues a stretch
        self._close(base + first)
        at = first
        while at + self.step <= size:
            if chunk.find(b"<", at, at + self.step) >= 0:
                at += self.step
                continue
            self.last_lt = base + chunk.rfind(b"<", 0, at)
            end = chunk.find(b"<", at + self.step)
            if end < 0:
                return  # the stretch runs on into the next chunk
            self._close(base + end)
            at = end
        self.last_lt = base + chunk.rfind(b"<")

    def _close(self, lt: int) -> None:
        if lt - self.last_lt - 1 > self.limit:
            self.found.append((self.last_lt + 1, lt))
        self.last_lt = lt


class _ExtentScan:
    """The last valued row and column of a sheet's XML, fed chunk by chunk.

    Each chunk's cell references are read at once (numpy, no pattern per extent); only those right of or below
    what is known are checked for a value, furthest first, so rows in any order are measured alike.
    """

    def __init__(self) -> None:
        self.tags: _Tags | None = None
        self.row = -1
        self.col = -1
        self.done = False
        self.refless: _RefLess | None = None
        self.carry = b""

    def feed(self, chunk: bytes) -> None:
        if self.done:
            return
        text = self.carry + chunk
        new = len(self.carry)  # where this chunk starts in text
        if self.tags is None:
            self.tags = _tags_or_none(text)
            if self.tags is None:
                self.done = True
                return
            # A writer that omits references omits them from the first cell on: look at the start only.
            data = text.find(b"<" + self.tags.prefix + b"sheetData")
            if self.tags.cell_without_ref.search(text, max(data, 0), max(data, 0) + _REFLESS_PROBE):
                self.refless = _RefLess(self.tags.prefix)
        if (end := text.find(self.tags.end_of_data)) >= 0:
            text, self.done = text[:end], True
        if self.refless:
            self.refless.feed(text[new:])
        self._scan(text)
        self.carry = text[-512:]

    def _scan(self, text: bytes) -> None:
        starts, cols, rows, long = _references(text)
        for start in long:  # a row number too long for int64: read as Python reads it
            ref = _LONG_REFERENCE.match(text, start)
            if ref is not None and self._valued(text, start):
                self.col, self.row = max(self.col, column(ref[1])), max(self.row, int(ref[2]) - 1)
        self._furthest(text, starts, cols, rows, cols)
        self._furthest(text, starts, cols, rows, rows)

    def _furthest(
        self, text: bytes, starts: np.ndarray, cols: np.ndarray, rows: np.ndarray, by: np.ndarray
    ) -> None:
        """The valued cell furthest out by `by` (its column or row) beyond what is known: the references
        further out, furthest first, each checked for a value until one has one."""
        floor = self.col if by is cols else self.row
        beyond = np.flatnonzero(by > min(floor, _INT64_MAX))
        for _ in range(_QUICK_TRIES):  # the furthest reference is nearly always a valued cell's
            if not len(beyond):
                return
            furthest = beyond[by[beyond] == by[beyond].max()]
            for i in furthest:
                if self._valued(text, int(starts[i])):
                    self.col, self.row = max(self.col, int(cols[i])), max(self.row, int(rows[i]))
                    return
            beyond = beyond[by[beyond] < by[furthest[0]]]
        for i in beyond[np.argsort(-by[beyond], kind="stable")]:
            if self._valued(text, int(starts[i])):
                self.col, self.row = max(self.col, int(cols[i])), max(self.row, int(rows[i]))
                return

    def _valued(self, text: bytes, start: int) -> bool:
        """The reference at start (its letters) is that of a cell holding a value."""
        assert self.tags is not None
        opening = text.rfind(b"<" + self.tags.prefix + b"c", 0, start - 3)
        cell = self.tags.any_valued.match(text, max(0, opening))
        return cell is not None and cell.start(1) == start

    def extent(self) -> Extent:
        extent = Extent(self.row + 1, self.col + 1)
        if self.refless:
            self.refless.feed(b"", last=True)
            extent = Extent(max(extent.rows, self.refless.rows), max(extent.columns, self.refless.columns))
        return extent


def _references(text: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """Every r="<1 to 3 letters><digits>" in text, read at once: the offsets of their letters, their columns
    and rows (0-based), and the offsets of those whose row number has more than _ROW_DIGITS digits."""
    size = len(text)
    data = np.frombuffer(text + _PAD, np.uint8)
    equals = np.flatnonzero(data[1:size] == ord("=")) + 1
    starts = equals[(data[equals - 1] == ord("r")) & (data[equals + 1] == ord('"'))] + 2
    cols = np.zeros(len(starts), np.int64)
    letters = np.zeros(len(starts), np.intp)
    going = np.ones(len(starts), bool)
    for k in range(3):
        byte = data[starts + k]
        going &= (byte >= ord("A")) & (byte <= ord("Z"))
        if not going.any():
            break
        cols = np.where(going, cols * 26 + (byte.astype(np.int64) - 64), cols)
        letters += going
    at = starts + letters
    rows = np.zeros(len(starts), np.int64)
    digits = np.zeros(len(starts), np.intp)
    going = letters > 0
    for k in range(_ROW_DIGITS):
        byte = data[at + k] - ord("0")  # uint8: any other byte wraps above 9
        going &= byte <= 9
        if not going.any():
            break
        rows = np.where(going, rows * 10 + byte, rows)
        digits += going
    after = data[at + digits]
    whole = (digits > 0) & (after == ord('"'))
    long = going & (after - ord("0") <= 9)
    return starts[whole], cols[whole] - 1, rows[whole] - 1, starts[long].tolist()


def _tags_or_none(text: bytes) -> _Tags | None:
    try:
        return root_tags(text)
    except ValueError:
        return None  # not a sheet this guard follows: fastexcel or python-calamine says why


class _RefLess:
    """Rows and the widest row of a sheet whose cells carry no reference (calamine counts their positions).

    Text from the last '<' of a chunk on waits for the next one, so no tag is counted cut in two.
    """

    def __init__(self, prefix: bytes) -> None:
        self.row_tag = b"<" + prefix + b"row"
        self.cell = re.compile(rb"<%sc[\s/>]" % re.escape(prefix))
        self.rows = 0
        self.columns = 0
        self.in_row = 0
        self.pending = b""

    def feed(self, text: bytes, *, last: bool = False) -> None:
        text = self.pending + text
        cut = len(text) if last else text.rfind(b"<")
        text, self.pending = (text[:cut], text[cut:]) if cut >= 0 else (b"", text)
        pieces = text.split(self.row_tag)
        self.in_row += len(self.cell.findall(pieces[0]))
        for piece in pieces[1:]:
            self.columns = max(self.columns, self.in_row)
            self.rows += 1
            self.in_row = len(self.cell.findall(piece))
        self.columns = max(self.columns, self.in_row)


def _check_extent(sheet: str, extent: Extent, limits: ReadLimits) -> None:
    if extent.columns > limits.columns:
        raise LedgerError(too_many_columns(sheet, extent.columns, limits))
    if extent.rows > limits.rows:
        raise LedgerError(too_many_rows(sheet, extent.rows, limits))
    if extent.rows * extent.columns > limits.cells:
        raise LedgerError(too_many_cells(sheet, extent.rows, extent.columns, limits))


def write_cut_copy(path: Path, check: ZipCheck, target: Path, limits: ReadLimits) -> None:
    """A copy of the workbook at target whose text runs longer than a cell are cut to limits.cell_chars
    characters, each followed by etl.limits.CUT_MARK with the number of characters it replaced."""
    with (
        zipfile.ZipFile(path) as source,
        path.open("rb") as raw,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy,
    ):
        for info in source.infolist():
            chunks = inflate(raw, info)
            if info.filename in check.long_runs:
                chunks = cut_runs(chunks, check.long_runs[info.filename], limits.cell_chars)
            with copy.open(info.filename, "w", force_zip64=True) as out:
                for chunk in chunks:
                    out.write(chunk)


def cut_runs(chunks: Iterator[bytes], stretches: list[Stretch], limit: int) -> Iterator[bytes]:
    """The stream with each stretch's text cut to limit characters (entities count as one, as a reader
    decodes them); a stretch whose text is not longer passes whole."""
    offset = 0
    pending = list(reversed(stretches))
    run: _Run | None = None
    for chunk in chunks:
        at, size = 0, len(chunk)
        while at < size:
            if run is None:
                if not pending or pending[-1][0] >= offset + size:
                    yield chunk[at:]
                    break
                start, end = pending.pop()
                yield chunk[at : start - offset]
                run, at = _Run(end, limit), start - offset
            stop = min(size, run.end - offset)
            yield run.feed(chunk[at:stop])
            at = stop
            if offset + at >= run.end:
                yield run.finish()
                run = None
        offset += size
    if run is not None:
        yield run.finish()


class _Run:
    """One long stretch: its tag part (to the first '>') passes, its text is held until it is known to be longer
    than limit characters, then its first limit characters pass and the rest is only counted."""

    def __init__(self, end: int, limit: int) -> None:
        self.end = end
        self.limit = limit
        self.hold_bytes = 10 * (limit + 16)  # &#x10FFFF; is 10 bytes for one character
        self.tag_bytes = 0
        self.in_text = False
        self.held = b""
        self.cut = False
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.tail = ""  # decoded text not yet counted: it may end inside an entity
        self.dropped = 0

    def feed(self, piece: bytes) -> bytes:
        out = b""
        if not self.in_text:
            piece, out = self._tag(piece)
        if self.cut:
            self._count(self.decoder.decode(piece))
        else:
            self.held += piece
            if len(self.held) >= self.hold_bytes:
                out += self._cut(self.decoder.decode(self.held))
        return out

    def _tag(self, piece: bytes) -> tuple[bytes, bytes]:
        """(the text part of piece, the tag part, which passes)"""
        gt = piece.find(b">")
        self.tag_bytes += len(piece) if gt < 0 else gt
        if self.tag_bytes > _MAX_TAG:
            raise LedgerError(T.REFUSED_ODD_XML)
        if gt < 0:
            return b"", piece
        self.in_text = True
        return piece[gt + 1 :], piece[: gt + 1]

    def _cut(self, decoded: str) -> bytes:
        """The first limit characters of the held text, escaped again; the rest counted."""
        head, self.tail = _split_entity(decoded)
        text = _unescape(head)
        self.held, self.cut = b"", True
        self.dropped = len(text) - self.limit
        return _escape(text[: self.limit]).encode()

    def _count(self, decoded: str) -> None:
        text, self.tail = _split_entity(self.tail + decoded)
        self.dropped += len(text) - sum(len(m[0]) - 1 for m in _ENTITY.finditer(text))

    def finish(self) -> bytes:
        if not self.cut:
            held = self.held
            decoded = self.decoder.decode(held, final=True)
            if len(_unescape(decoded)) <= self.limit:
                return held
            out = self._cut(decoded)
        else:
            out = b""
            self._count(self.decoder.decode(b"", final=True))
        self.dropped += len(self.tail)  # an unfinished entity: its characters as they stand
        return out + _mark(self.dropped)


def _split_entity(text: str) -> tuple[str, str]:
    """text without an entity cut at its end, and that unfinished entity."""
    amp = text.rfind("&", max(0, len(text) - 12))
    if amp >= 0 and ";" not in text[amp:]:
        return text[:amp], text[amp:]
    return text, ""


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match[1]
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _NAMED[name]

    return _ENTITY.sub(one, text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mark(dropped: int) -> bytes:
    return f"\ue000\ue001{dropped}\ue001\ue000".encode()
