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

from etl.errors import LedgerError
from etl.limits import (
    ReadLimits,
    expanded_too_large,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from etl.xlsx_layout import _Tags, column, root_tags, sheet_parts
from firedash import glossary as T

_CHUNK = 4 << 20  # large enough that a pattern compiled per chunk costs nothing
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … file name length, extra field length
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_REFLESS_PROBE = 1 << 16  # bytes of sheet data searched for cells without a reference
_MAX_TAG = 4096  # a tag longer than this before a long text run is no tag a workbook writes
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}

Stretch = tuple[int, int]  # [start, end) offsets in a member's inflated bytes: no '<' inside


@dataclass
class Extent:
    """A sheet's size from A1 to its last valued cell (what calamine allocates, at most)."""

    rows: int = 0
    columns: int = 0


@dataclass
class ZipCheck:
    """What the guard learnt: the workbook's kind (".xlsx", ".xlsb", ".ods": the suffix its readers need) and
    the long text runs of each member holding cell text (empty when no cell can be too long)."""

    suffix: str
    long_runs: dict[str, list[Stretch]] = field(default_factory=dict)


def check_zip(path: Path, limits: ReadLimits) -> ZipCheck:
    """Refuse (LedgerError) a zip that inflates past the limits, lies about its sizes, is no workbook, or has a
    sheet too large; else say what it is and where its long text runs are."""
    with zipfile.ZipFile(path) as archive, path.open("rb") as raw:
        infos = archive.infolist()
        suffix = _kind(archive, {info.filename for info in infos})
        declared = sum(info.file_size for info in infos)
        if declared > limits.expanded_bytes:
            raise LedgerError(expanded_too_large(declared, limits))
        sheets = _sheet_names(archive) if suffix == ".xlsx" else {}
        check = ZipCheck(suffix)
        for info in infos:
            runs = _check_member(raw, info, sheets.get(info.filename), limits)
            if runs:
                check.long_runs[info.filename] = runs
        return check


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


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet part → sheet name; empty when the workbook part cannot be followed (calamine then says why)."""
    try:
        return {part: name for name, part in sheet_parts(archive).items()}
    except (KeyError, ValueError, SyntaxError):
        return {}


def _check_member(
    raw: BinaryIO, info: zipfile.ZipInfo, sheet: str | None, limits: ReadLimits
) -> list[Stretch]:
    """Inflate one member, counting; its long text runs if it holds cell text; the sheet's extent checked."""
    holds_text = sheet is not None or info.filename.lower().endswith("sharedstrings.xml")
    runs = _LongRuns(limits.cell_chars) if holds_text else None
    extent = _ExtentScan() if sheet is not None else None
    chunks = inflate(raw, info)
    for chunk in _ahead(chunks) if info.file_size > 4 * _CHUNK else chunks:
        if runs:
            runs.feed(chunk)
        if extent:
            extent.feed(chunk)
    if extent is not None and sheet is not None:
        _check_extent(sheet, extent.extent(), limits)
    return runs.found if runs else []


def inflate(raw: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes in chunks of at most _CHUNK, never more than it declares (LedgerError: it lies)."""
    raw.seek(info.header_offset)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(raw.read(_LOCAL_HEADER.size))
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile("no local header")
    raw.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise LedgerError(T.REFUSED_LYING_ZIP)
        yield from _raw_chunks(raw, info.compress_size)
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile("compression no workbook uses")
    yield from _inflated(raw, info)


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

    In each chunk the last valued cell gives a row (rows come in order); one search for a valued cell right of
    or below what is known then finds anything further out, in any order.
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
        if end := self.tags.end_of_data.search(text):
            text, self.done = text[: end.start()], True
        if self.refless:
            self.refless.feed(text[new:])
        self._scan(text)
        self.carry = text[-512:]

    def _scan(self, text: bytes) -> None:
        assert self.tags is not None
        self.row = max(self.row, _last_valued_row(text, self.tags))
        opening = b"<" + self.tags.prefix + b"c"
        at = 0
        while match := self.tags.beyond(self.col, self.row).search(text, at):
            at = match.end()
            cell = self.tags.any_valued.match(text, max(0, text.rfind(opening, 0, match.start())))
            if cell is not None and cell.start(1) == match.start(1):  # that reference, on a valued cell
                self.col, self.row = max(self.col, column(cell[1])), max(self.row, int(cell[2]) - 1)

    def extent(self) -> Extent:
        extent = Extent(self.row + 1, self.col + 1)
        if self.refless:
            self.refless.feed(b"", last=True)
            extent = Extent(max(extent.rows, self.refless.rows), max(extent.columns, self.refless.columns))
        return extent


def _tags_or_none(text: bytes) -> _Tags | None:
    try:
        return root_tags(text)
    except ValueError:
        return None  # not a sheet this guard follows: fastexcel or python-calamine says why


def _last_valued_row(text: bytes, tags: _Tags) -> int:
    """The row of the last valued cell in text (0-based; -1 if none found in a few tries)."""
    opening = b"<" + tags.prefix + b"c"
    end = len(text)
    for _ in range(16):
        value = max(
            text.rfind(b"<" + tags.prefix + b"v>", 0, end), text.rfind(b"<" + tags.prefix + b"is", 0, end)
        )
        start = text.rfind(opening, 0, value) if value >= 0 else -1
        if start < 0:
            return -1
        if match := tags.any_valued.match(text, start):
            return int(match[2]) - 1
        end = start
    return -1


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
