"""What fastexcel does not say about an .xlsx sheet, read from its XML: merged ranges and the first used cell.

calamine (inside fastexcel) starts a sheet at its first cell holding a value and does not report merged
ranges; the reader needs both to keep Excel's row numbers and to read merged headers. The sheet's XML is
streamed once: the first valued cell is near its top, the <mergeCells> list follows </sheetData>.
"""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

CHUNK = 1 << 20
_OVERLAP = 512  # longer than any cell's opening tags, so a match cut by a chunk border is seen whole
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet\b")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class _Tags:
    """The patterns for one namespace prefix (b"" or, as the .NET OpenXML SDK writes, b"x:")."""

    prefix: bytes

    @functools.cached_property
    def end_of_data(self) -> bytes:
        return b"</%ssheetData>" % self.prefix

    @functools.cached_property
    def any_valued(self) -> re.Pattern[bytes]:
        return self.valued(rb"[A-Z]{1,3}")

    @functools.cached_property
    def cell_without_ref(self) -> re.Pattern[bytes]:
        return re.compile(rb"<%sc(?:\s(?![^>]*\br=)[^>]*)?/?>" % re.escape(self.prefix))

    @functools.cached_property
    def end_of_merges(self) -> bytes:
        return b"</%smergeCells>" % self.prefix

    @functools.cached_property
    def merge(self) -> re.Pattern[bytes]:
        return re.compile(
            rb'<%smergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"' % re.escape(self.prefix)
        )

    def valued(self, columns: bytes) -> re.Pattern[bytes]:
        """A cell holding a value (calamine skips cells with only a style, and formulas without a cached
        value) in the given columns; group 1 its column letters, group 2 its row number."""
        p = re.escape(self.prefix)
        return re.compile(
            rb'<%sc\b[^>]*?\br="(%s)(\d+)"[^>]*?(?<!/)>\s*(?:<%sf\b[^>]*?(?:/>|>[^<]*</%sf>)\s*)?<%s(?:v>[^<]|is\b)'
            % (p, columns, p, p, p)
        )

    @functools.cache  # noqa: B019 -- a handful of tags objects live as long as the process anyway
    def left_of(self, col: int) -> re.Pattern[bytes] | None:
        """Valued cells in the columns left of col (None for column A)."""
        if col == 0:
            return None
        if col > len(_LETTERS):
            raise ValueError("first used column beyond Z")
        return self.valued(f"[{_LETTERS[:col]}]".encode())


@functools.cache
def _tags(prefix: bytes) -> _Tags:
    return _Tags(prefix)


@dataclass
class SheetLayout:
    """origin: (row, col) of the first used cell (None for an empty sheet); merged: (r0, c0, r1, c1), 0-based."""

    origin: tuple[int, int] | None = None
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → path of its XML part, through the workbook and its relationships.

    KeyError/ValueError when the archive is no XML workbook (.ods, .xlsb): the caller reads it another way.
    """
    workbook = _target(archive, "_rels/.rels", "", "/officeDocument")
    base = posixpath.dirname(workbook)
    rels_path = posixpath.join(base, "_rels", posixpath.basename(workbook) + ".rels")
    targets = {
        rel.get("Id"): _resolve(base, rel.get("Target", ""))
        for rel in _elements(archive.read(rels_path), "Relationship")
    }
    parts = {}
    for sheet in _elements(archive.read(workbook), "sheet"):
        rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        parts[sheet.get("name", "")] = targets[rel_id]
    if not all(part.endswith(".xml") for part in parts.values()):
        raise ValueError("sheets are not XML (.xlsb)")
    return parts


def _target(archive: zipfile.ZipFile, rels_path: str, base: str, kind: str) -> str:
    for rel in _elements(archive.read(rels_path), "Relationship"):
        if rel.get("Type", "").endswith(kind):
            return _resolve(base, rel.get("Target", ""))
    raise KeyError(kind)


def _resolve(base: str, target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))


def _elements(xml: bytes, local_name: str) -> list[ElementTree.Element]:
    """Elements of a small XML part by local name (transitional and strict OOXML namespaces alike)."""
    root = ElementTree.fromstring(xml)
    return [element for element in root.iter() if element.tag.rsplit("}", 1)[-1] == local_name]


def sheet_layout(archive: zipfile.ZipFile, part: str) -> SheetLayout:
    """One sheet's layout; ValueError when its XML is written in a way this reader does not follow.

    Linear in the part's size: the XML after </sheetData> is searched chunk by chunk for merged ranges (with
    a short overlap), never gathered, and reading stops at </mergeCells>.
    """
    scan = LayoutScan()
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            if scan.feed(chunk):
                break
    return scan.layout


class LayoutScan:
    """sheet_layout() fed chunk by chunk (etl/xlsx_guard.py feeds it as it inflates the part, in chunks of
    exactly CHUNK bytes as sheet_layout reads them); feed() says True once nothing after matters."""

    def __init__(self) -> None:
        self.layout = SheetLayout()
        self.tags: _Tags | None = None
        self.in_tail = False  # past </sheetData>
        self.seen: set[tuple[int, int, int, int]] = (
            set()
        )  # ranges already taken (the overlap is searched twice)
        self.carry = b""

    def feed(self, chunk: bytes) -> bool:
        text = self.carry + chunk
        tags = self.tags = self.tags or root_tags(text)
        if not self.in_tail and (end := text.find(tags.end_of_data)) >= 0:
            _read_cells(self.layout, text[:end], tags)
            text, self.in_tail = text[end:], True
        elif not self.in_tail:
            _read_cells(self.layout, text, tags)
            self.carry = text[-_OVERLAP:]
            return False
        if _read_merges(self.layout, text, tags, self.seen):
            return True
        self.carry = text[-_OVERLAP:]
        return False


def _read_cells(layout: SheetLayout, text: bytes, tags: _Tags) -> None:
    """The first used cell: the first valued cell, then any valued cell left of it further down."""
    if layout.origin is None:
        layout.origin = _first_valued(text, tags)
    while layout.origin and (left := tags.left_of(layout.origin[1])) and (match := left.search(text)):
        layout.origin = (layout.origin[0], column(match[1]))  # a used cell further left, lower down


def _read_merges(layout: SheetLayout, text: bytes, tags: _Tags, seen: set[tuple[int, int, int, int]]) -> bool:
    """Merged ranges in this stretch of the tail; True once </mergeCells> is in it (nothing after matters)."""
    end = text.find(tags.end_of_merges)
    for match in tags.merge.finditer(text, 0, end if end >= 0 else len(text)):
        if (merge := _merge(match)) not in seen:
            layout.merged.append(merge)
            seen.add(merge)
    return end >= 0


def root_tags(text: bytes) -> _Tags:
    root = _ROOT.search(text)
    if root is None:
        raise ValueError("no <worksheet> at the top of the part")
    return _tags((root[1] + b":") if root[1] else b"")


def _first_valued(text: bytes, tags: _Tags) -> tuple[int, int] | None:
    """(row, col) of the first cell with a value: rows come in order, so its row is the first used one."""
    if tags.cell_without_ref.search(text):
        raise ValueError("cells without a reference")
    match = tags.any_valued.search(text)
    return None if match is None else (int(match[2]) - 1, column(match[1]))


def column(letters: bytes) -> int:
    number = 0
    for letter in letters.decode():
        number = number * 26 + ord(letter) - 64
    return number - 1


def _merge(match: re.Match[bytes]) -> tuple[int, int, int, int]:
    r0, c0 = int(match[2]) - 1, column(match[1])
    if match[3] is None:
        return r0, c0, r0, c0
    return r0, c0, int(match[4]) - 1, column(match[3])
