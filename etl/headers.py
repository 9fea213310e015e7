"""Find a sheet's header (one row, or two under merged parents) and read the title rows above it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from etl.aliases import KEY_FIELDS, field_for
from etl.dates import serial_date
from etl.readers import RawSheet
from etl.text import clean_text, plain_text
from etl.vocabulary import REPORT_DATE_ALONE, REPORT_DATE_LABEL, TITLE_DATE, TITLE_DATE_PARTS

SCAN_ROWS = 20
MIN_FIELDS = 3

_REPORT_DATE = re.compile(REPORT_DATE_LABEL + TITLE_DATE)
_REPORT_LABEL = re.compile(REPORT_DATE_ALONE)
_DATE_PARTS = re.compile(TITLE_DATE_PARTS)


@dataclass(frozen=True)
class Header:
    """Where the header is (rows first_row..last_row), which column holds each field, and each column's label."""

    first_row: int
    last_row: int
    columns: dict[str, int]
    labels: tuple[str, ...]

    @property
    def data_start(self) -> int:
        return self.last_row + 1


def find_header(
    sheet: RawSheet, scan: int = SCAN_ROWS, extra: Mapping[str, str] | None = None
) -> Header | None:
    """The row (or pair of rows) in the first `scan` naming the most fields; None when none names enough.

    `extra`: the town's own header words (normalised header → field). A header block whose cells are
    merged down over further rows (整改责任单位 over 建设/设计/施工/监理) ends with those rows.
    """
    best: Header | None = None
    rows = _HeadRows(sheet, extra)
    for row in range(min(scan, len(sheet.head))):
        for candidate in _candidates(sheet, row, extra, rows):
            if _acceptable(candidate) and (best is None or len(candidate.columns) > len(best.columns)):
                best = candidate
    return _with_merged_rows(sheet, best) if best else None


class _HeadRows:
    """Each head row's labels (plain_text), the fields they name and its single-row Header, made once per
    search: every row is tried alone, as the lower row of the pair above it and as the upper row of its own."""

    def __init__(self, sheet: RawSheet, extra: Mapping[str, str] | None) -> None:
        self.sheet, self.extra = sheet, extra
        self._rows: dict[int, tuple[tuple[str, ...], list[str | None], Header]] = {}

    def _row(self, row: int) -> tuple[tuple[str, ...], list[str | None], Header]:
        if row not in self._rows:
            labels = tuple(plain_text(c) for c in self.sheet.head[row])
            fields = [field_for(label, self.extra) for label in labels]
            self._rows[row] = (labels, fields, Header(row, row, _columns(fields), labels))
        return self._rows[row]

    def labels(self, row: int) -> tuple[str, ...]:
        return self._row(row)[0]

    def fields(self, row: int) -> list[str | None]:
        return self._row(row)[1]

    def single(self, row: int) -> Header:
        return self._row(row)[2]


def _with_merged_rows(sheet: RawSheet, header: Header) -> Header:
    """The header extended down to the last row a header cell is merged over, sub-labels joined in."""
    named = set(header.columns.values())
    last = header.last_row
    for r0, c0, r1, _ in sheet.merged:
        if header.first_row <= r0 <= header.last_row and c0 in named and r1 > last:
            last = r1
    last = min(last, header.first_row + SCAN_ROWS, len(sheet.head) - 1)
    # A row with a cell under a named column is data, whatever a merge says.
    for row in range(header.last_row + 1, last + 1):
        if any(col < len(sheet.head[row]) and clean_text(sheet.head[row][col]) for col in named):
            last = row - 1
            break
    if last == header.last_row:
        return header
    parents = _parents(sheet, header.last_row)  # 整改责任单位 over every column it spans
    labels = [
        label or (parents[col] if col < len(parents) else "") for col, label in enumerate(header.labels)
    ]
    for row in sheet.head[header.last_row + 1 : last + 1]:
        for col, cell in enumerate(row[: len(labels)]):
            text = plain_text(cell)
            if text and text != labels[col]:
                labels[col] = f"{labels[col]}/{text}" if labels[col] else text
    return replace(header, last_row=last, labels=tuple(labels))


def _acceptable(header: Header) -> bool:
    return len(header.columns) >= MIN_FIELDS and not KEY_FIELDS.isdisjoint(header.columns)


def _candidates(sheet: RawSheet, row: int, extra: Mapping[str, str] | None, rows: _HeadRows) -> list[Header]:
    single = rows.single(row)
    if row + 1 >= len(sheet.head) or not _linked(sheet, row, extra):  # most rows: no pair to weigh
        return [single]
    pair = _pair(sheet, row, extra, rows)
    lower = rows.single(row + 1)
    gains = len(pair.columns) > max(len(single.columns), len(lower.columns))
    return [single, pair] if gains else [single]


def _pair(sheet: RawSheet, upper: int, extra: Mapping[str, str] | None, rows: _HeadRows) -> Header:
    """Two header rows: the sub-header names the field, the parent only when the child alone does not."""
    above, below = rows.labels(upper), rows.labels(upper + 1)
    parents = _parents(sheet, upper, above)
    children = list(below)
    width = max(len(parents), len(children))
    parents += [""] * (width - len(parents))
    children += [""] * (width - len(children))
    nothing = field_for("", extra)
    named_above, named_below = rows.fields(upper), rows.fields(upper + 1)
    fields, labels = [], []
    for col, (parent, child) in enumerate(zip(parents, children, strict=True)):
        # field_for() of each, from the rows' own look-ups where the text is the row's own cell
        by_child = named_below[col] if col < len(below) else nothing
        by_parent = (
            named_above[col] if col < len(above) and parent == above[col] else field_for(parent, extra)
        )
        by_both = by_parent if not child else by_child if not parent else field_for(parent + child, extra)
        fields.append(by_child or by_both or by_parent)
        labels.append(f"{parent}/{child}" if parent and child and parent != child else child or parent)
    return Header(upper, upper + 1, _columns(fields), tuple(labels))


def _parents(sheet: RawSheet, upper: int, labels: tuple[str, ...] | None = None) -> list[str]:
    """The upper row's text over each column, a merged parent repeated over every column it spans (labels:
    the row's plain texts, when known)."""
    parents = list(labels) if labels is not None else [plain_text(c) for c in sheet.head[upper]]
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= upper <= r1 and c1 > c0 and c0 < len(parents):
            text = plain_text(sheet.head[r0][c0]) if r0 < len(sheet.head) and c0 < len(sheet.head[r0]) else ""
            for col in range(c0, min(c1 + 1, len(parents))):
                parents[col] = parents[col] or text
    return parents


def _linked(sheet: RawSheet, upper: int, extra: Mapping[str, str] | None = None) -> bool:
    """Evidence the rows form one header: merged cells across or down them, or a row of sub-headers only."""
    for r0, c0, r1, c1 in sheet.merged:
        if (r0 <= upper < r1) or (r0 <= upper <= r1 and c1 > c0):
            return True
    lower = [c for c in sheet.head[upper + 1] if clean_text(c)]
    return bool(lower) and all(field_for(c, extra) for c in lower)


def _columns(fields: list[str | None]) -> dict[str, int]:
    """Field → column; when a field is named twice the first column wins."""
    columns: dict[str, int] = {}
    for col, name in enumerate(fields):
        if name:
            columns.setdefault(name, col)
    return columns


def title_lines(sheet: RawSheet, header: Header | None) -> list[list[str]]:
    """The cleaned, non-empty rows above the header (the first rows of a sheet without one)."""
    end = header.first_row if header else min(10, len(sheet.head))
    lines = [[clean_text(c) for c in row] for row in sheet.head[:end]]
    return [line for line in lines if any(line)]


def report_date_in(sheet: RawSheet, header: Header | None) -> dt.date | None:
    """填报日期/报送日期/日期 written above the header: in the same cell, or in the cell after the label;
    or 填报时间：2019年6月25日 in a band merged over the header (label and date in one cell there, since a
    header cell 日期 is a column's name, not a label)."""
    end = header.first_row if header else min(10, len(sheet.head))
    for row in sheet.head[:end]:
        found = _report_date_in_row(row)
        if found:
            return found
    if header is None:
        return None
    for row in sheet.head[header.first_row : header.last_row + 1]:
        for cell in row:
            match = _REPORT_DATE.search(clean_text(cell)) if cell is not None else None
            if match and (found := _date_from_text(match[1])):
                return found
    return None


def _report_date_in_row(row: list[object]) -> dt.date | None:
    for col, cell in enumerate(row):
        text = clean_text(cell)
        if not text:
            continue
        match = _REPORT_DATE.search(text)
        if match:
            return _date_from_text(match[1])
        if _REPORT_LABEL.search(text):
            following = next((c for c in row[col + 1 :] if clean_text(c)), None)
            return _date_from_cell(following)
    return None


def _date_from_cell(value: object) -> dt.date | None:
    """A date written in a cell; a bare serial number too (zh-CN Excel's 2023年12月6日 formats read as one)."""
    text = clean_text(value)
    return serial_date(text) or _date_from_text(text)


def _date_from_text(text: str) -> dt.date | None:
    match = _DATE_PARTS.search(text)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
