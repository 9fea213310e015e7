"""Tell ledger rows from the rest of a table: blank rows, 合计 rows, notes, repeated headers, column numbers."""

from __future__ import annotations

from functools import partial

import numpy as np

from etl.aliases import field_for, normalise_header
from etl.columns import Column
from etl.text import clean_text, squeeze

NONEMPTY, TOTAL, NOTE, HEADERLIKE, TITLE, INTEGER = 1, 2, 4, 8, 16, 32
TOTAL_WORDS = ("合计", "小计", "总计", "共计")
NOTE_WORDS = (
    "填表人", "审核人", "注", "说明", "制表", "制表人", "负责人", "联系人", "填报人", "备注", "填表说明",
    "填报单位", "填报日期", "填表日期", "审核", "统计人", "主要负责人", "分管领导", "单位负责人", "领导签字",
)  # fmt: skip
TOTAL_COLUMNS = 3  # 合计 is written in one of the first cells


def is_note(text: str) -> bool:
    """填表人：张三, 注：…, 说明: a note under the table (the word alone, or followed by a colon)."""
    squeezed = squeeze(text)
    return any(squeezed == word or squeezed.startswith(word + ":") for word in NOTE_WORDS)


def _cell_class(value: object, field: str | None, label_keys: frozenset[str], titles: frozenset[str]) -> int:
    text = clean_text(value)
    if not text:
        return 0
    squeezed = squeeze(text)
    bits = NONEMPTY
    if squeezed.startswith(TOTAL_WORDS):
        bits |= TOTAL
    if is_note(text):
        bits |= NOTE
    if (field is not None and field_for(text) == field) or normalise_header(text) in label_keys:
        bits |= HEADERLIKE
    if squeezed in titles:
        bits |= TITLE
    if _integer(value) is not None:
        bits |= INTEGER
    return bits


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def kept_rows(
    columns: dict[int, Column],
    fields: dict[int, str | None],
    labels: tuple[str, ...],
    titles: frozenset[str],
) -> np.ndarray:
    """Mask of rows that are ledger rows (kept, parsed, accepted or rejected); the rest are skipped silently."""
    classes = {
        col: column.map(
            partial(_cell_class, field=fields.get(col), label_keys=_label_keys(labels, col), titles=titles),
            np.int8,
        )
        for col, column in columns.items()
    }
    stacked = np.vstack([classes[col] for col in sorted(classes)])
    filled = (stacked & NONEMPTY).sum(axis=0)
    skip = filled == 0
    first = [classes[col] for col in sorted(classes) if col < TOTAL_COLUMNS] or [stacked[0]]
    skip |= np.any(np.vstack(first) & TOTAL, axis=0)
    headerlike = (stacked & HEADERLIKE > 0).sum(axis=0)
    skip |= (headerlike >= 3) | ((headerlike == filled) & (filled > 0))
    skip |= ((stacked & TITLE > 0).sum(axis=0) == filled) & (filled > 0)
    skip |= _notes(columns, stacked) | _column_numbers(columns, stacked, filled)
    return ~skip


def _label_keys(labels: tuple[str, ...], col: int) -> frozenset[str]:
    label = labels[col] if col < len(labels) else ""
    return frozenset(normalise_header(part) for part in [label, *label.split("/")] if part)


def _row_texts(columns: dict[int, Column], row: int) -> list[tuple[object, str]]:
    cells = []
    for col in sorted(columns):
        column = columns[col]
        code = column.codes[row]
        value = column.uniques[code] if code >= 0 else None
        text = clean_text(value)
        if text:
            cells.append((value, text))
    return cells


def _notes(columns: dict[int, Column], stacked: np.ndarray) -> np.ndarray:
    """A note row: its first cell is a note, every other cell a note or the value after a 'label：'."""
    notes = np.zeros(stacked.shape[1], dtype=bool)
    for row in np.flatnonzero(np.any(stacked & NOTE, axis=0)):
        cells = _row_texts(columns, row)
        if not cells or not is_note(cells[0][1]):
            continue
        notes[row] = all(
            is_note(text) or cells[i - 1][1].endswith((":", "：")) for i, (_, text) in enumerate(cells) if i
        )
    return notes


def _column_numbers(columns: dict[int, Column], stacked: np.ndarray, filled: np.ndarray) -> np.ndarray:
    """A row numbering the columns (1, 2, 3, …) under a printed form's header."""
    numbers = np.zeros(stacked.shape[1], dtype=bool)
    candidates = ((stacked & INTEGER > 0).sum(axis=0) == filled) & (filled >= 4)
    for row in np.flatnonzero(candidates):
        values = [_integer(value) for value, _ in _row_texts(columns, row)]
        numbers[row] = values == list(range(values[0], values[0] + len(values)))
    return numbers
