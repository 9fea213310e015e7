"""What a load must not keep quiet about: which column became which field, unused columns that look needed,
and the file-level doubts (no status read, most rows kept aside, unknown words, undated rectifications)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from etl.columns import Column
from etl.dates import CampaignYears, parse_date
from etl.findings import LoadWarning
from etl.headers import Header
from etl.text import squeeze
from etl.values import parse_status
from etl.vocabulary import NEEDED_HEADER_WORDS, NOT_NEEDED_HEADER_WORDS, PERSON_SUFFIX
from firedash.glossary import (
    NEEDED_BY,
    NEEDED_KINDS,
    RAW_REPEATED_COLUMN,
    RAW_UNNAMED_COLUMN,
    REPORT_DATE_SOURCE_NAMES,
    WARN_MOST_ASIDE,
    WARN_NO_STATUS,
    WARN_RECTIFIED_UNDATED,
    WARN_UNKNOWN_WORD,
    WARN_UNUSED_COLUMN,
    label,
)

MOSTLY = 0.5  # a column whose filled cells are more than half dates (or status words) looks like one


@dataclass(frozen=True)
class ColumnUse:
    """One header cell of a sheet: its position, its text as written, the field it became (None: unused)
    and, for an unused one, what it looks like (date | status | severity | unit) and why (header | values)."""

    index: int
    header: str
    field: str | None
    looks_like: str | None = None
    judged_by: str | None = None

    @property
    def name(self) -> str:
        """The header, or 第X列 for a column without one (the key of `columns` in --json)."""
        return self.header or RAW_UNNAMED_COLUMN.format(letter=column_letter(self.index))


def column_uses(header: Header, body: Sequence[pa.Array], years: CampaignYears) -> list[ColumnUse]:
    """Every column of the header (a nameless one only when it has cells), mapped or not."""
    fields = {col: name for name, col in header.columns.items()}
    uses = []
    for col in range(max(len(header.labels), len(body))):
        text = header.labels[col] if col < len(header.labels) else ""
        cells = body[col] if col < len(body) else None
        has_cells = cells is not None and cells.null_count < len(cells)
        if col in fields:
            uses.append(ColumnUse(col, text, fields[col]))
        elif text or has_cells:
            kind, by = _looks_needed(text, cells if has_cells else None, years)
            uses.append(ColumnUse(col, text, None, kind, by))
    return uses


def columns_by_name(uses: Sequence[ColumnUse]) -> dict[str, str | None]:
    """Header → field (None for unused), a header written twice told apart by its column letter."""
    named: dict[str, str | None] = {}
    for use in uses:
        key = use.name
        if key in named:
            key = RAW_REPEATED_COLUMN.format(name=key, letter=column_letter(use.index))
        named[key] = use.field
    return named


def _looks_needed(text: str, cells: pa.Array | None, years: CampaignYears) -> tuple[str | None, str | None]:
    """(what an unused column looks like, judged by header or values), or (None, None)."""
    by_header = _needed_by_header(text)
    if by_header:
        return by_header, "header"
    if cells is not None:
        by_values = _needed_by_values(Column(cells), years)
        if by_values:
            return by_values, "values"
    return None, None


def _needed_by_header(text: str) -> str | None:
    key = squeeze(text)
    if not key or key.endswith(PERSON_SUFFIX) or any(word in key for word in NOT_NEEDED_HEADER_WORDS):
        return None
    return next((kind for kind, words in NEEDED_HEADER_WORDS if any(w in key for w in words)), None)


def _needed_by_values(column: Column, years: CampaignYears) -> str | None:
    """date when most filled cells read as dates, status when most read as a status word."""
    counts = np.bincount(column.codes[column.codes >= 0], minlength=len(column.uniques))
    filled = counts.sum()
    if not filled:
        return None
    dates = sum(n for value, n in zip(column.uniques, counts, strict=True) if parse_date(value, years).value)
    if dates > filled * MOSTLY:
        return "date"
    statuses = sum(n for value, n in zip(column.uniques, counts, strict=True) if parse_status(value).code)
    return "status" if statuses > filled * MOSTLY else None


def unused_column_warnings(sheet: str, uses: Sequence[ColumnUse]) -> list[LoadWarning]:
    return [
        LoadWarning(
            "unused_column",
            WARN_UNUSED_COLUMN.format(
                sheet=sheet, column=use.name, by=NEEDED_BY[use.judged_by], kind=NEEDED_KINDS[use.looks_like]
            ),
            sheet=sheet,
            column=use.name,
        )
        for use in uses
        if use.field is None and use.looks_like
    ]


def unknown_word_warnings(sheet: str, unknown: dict[str, dict[str, int]]) -> list[LoadWarning]:
    """One warning a word not understood, naming it and how many rows wrote it."""
    return [
        LoadWarning(
            "unknown_word",
            WARN_UNKNOWN_WORD.format(sheet=sheet, field=label(name), word=word, count=count),
            sheet=sheet,
            column=label(name),
            count=count,
            field=name,
            word=word,
        )
        for name, words in unknown.items()
        for word, count in sorted(words.items(), key=lambda item: (-item[1], item[0]))
    ]


def file_warnings(
    *,
    tickets: int,
    with_status: int,
    rows_read: int,
    rows_aside: int,
    rectified_undated: int,
    stated: bool,
    report_date: dt.date | None = None,
    source: str = "load_day",
) -> list[LoadWarning]:
    """Doubts about the file as a whole; an undated rectification says which date stands in for it (the
    report date, from `source`)."""
    found = []
    if tickets and not with_status:
        found.append(LoadWarning("no_status", WARN_NO_STATUS.format(count=tickets), count=tickets))
    if rows_read and rows_aside * 2 > rows_read:
        message = WARN_MOST_ASIDE.format(count=rows_aside, read=rows_read)
        found.append(LoadWarning("most_rows_kept_aside", message, count=rows_aside))
    if rectified_undated and not stated:
        name = REPORT_DATE_SOURCE_NAMES.get(source, source)
        message = WARN_RECTIFIED_UNDATED.format(count=rectified_undated, source=name, date=report_date)
        found.append(LoadWarning("rectified_without_date", message, count=rectified_undated))
    return found


def column_letter(col: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
