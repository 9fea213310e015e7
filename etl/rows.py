"""Tell ledger rows from the rest of a table: blank rows, 合计 rows, notes, repeated headers, titles, column numbers.

The checks run per row, in Python, so the normaliser only asks about suspect rows: rows with a problem,
rows without any identifying cell, and rows whose first cells carry a 合计/注 mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from etl.aliases import field_for, normalise_header
from etl.text import clean_text, squeeze
from etl.vocabulary import COLONS, NOTE_WORDS, TOTAL_WORDS

FIRST_CELLS = 3  # 合计 is written in one of the first cells
_MARK_FIRST_CHARS = frozenset(word[0] for word in TOTAL_WORDS + NOTE_WORDS)
MARK_PATTERN = "^[" + "".join(sorted(_MARK_FIRST_CHARS)) + "]"  # has_mark's first test, as a regex
_MIN_HEADER_CELLS = 3
_MIN_NUMBERED_COLUMNS = 4


def is_note(text: str) -> bool:
    """填表人：张三, 注：…, 说明: a note under the table (the word alone, or followed by a colon)."""
    squeezed = squeeze(text)
    return any(squeezed == word or squeezed.startswith(word + ":") for word in NOTE_WORDS)


def is_total(text: str) -> bool:
    return squeeze(text).startswith(TOTAL_WORDS)


def has_mark(value: object) -> bool:
    """A cheap test, run once per distinct cell of the first columns: could this cell open a 合计 or note row?"""
    if type(value) is not str:
        return False
    text = value.lstrip()
    return bool(text) and text[0] in _MARK_FIRST_CHARS and (is_total(text) or is_note(text))


@dataclass(frozen=True)
class RowRules:
    """What the header and title say about the sheet, to recognise rows that are not ledger rows."""

    fields: dict[int, str]
    label_keys: dict[int, frozenset[str]]
    titles: frozenset[str]

    @classmethod
    def build(cls, columns: dict[str, int], labels: Sequence[str], titles: Sequence[str]) -> RowRules:
        keys = {
            col: frozenset(normalise_header(part) for part in (label, *label.split("/")) if part)
            for col, label in enumerate(labels)
        }
        return cls(
            fields={col: name for name, col in columns.items()},
            label_keys=keys,
            titles=frozenset(squeeze(text) for text in titles if text),
        )

    def skips(self, cells: Sequence[object]) -> bool:
        """True for a row that is blank, a 合计 row, a note, a repeated header or title, or column numbers."""
        filled = [(col, clean_text(cell), cell) for col, cell in enumerate(cells) if cell is not None]
        filled = [item for item in filled if item[1]]
        if not filled:
            return True
        texts = [text for _, text, _ in filled]
        first = [text for col, text, _ in filled if col < FIRST_CELLS] + texts[:1]
        return (
            any(is_total(text) for text in first)
            or _is_note_row(texts)
            or self._is_header(filled)
            or all(squeeze(text) in self.titles for text in texts)
            or _numbers_columns([cell for _, _, cell in filled])
        )

    def _is_header(self, filled: list[tuple[int, str, object]]) -> bool:
        named = sum(1 for col, text, _ in filled if self._names_column(col, text))
        return named >= _MIN_HEADER_CELLS or named == len(filled)

    def _names_column(self, col: int, text: str) -> bool:
        field = self.fields.get(col)
        return (field is not None and field_for(text) == field) or normalise_header(
            text
        ) in self.label_keys.get(col, frozenset())


def _is_note_row(texts: list[str]) -> bool:
    """The first cell is a note; every other cell is a note, a 'label：value' or the value after a 'label：'."""
    if not is_note(texts[0]):
        return False
    return all(
        is_note(text) or _labelled(text) or texts[i - 1].endswith(COLONS) for i, text in enumerate(texts) if i
    )


def _labelled(text: str) -> bool:
    """联系电话：138…, 日期: … — a signature line's 'label：value' cell (a short label before the colon)."""
    label, colon, _ = text.replace(COLONS[1], COLONS[0]).partition(COLONS[0])
    return bool(colon) and 0 < len(label.strip()) <= 8


def _numbers_columns(cells: list[object]) -> bool:
    """1, 2, 3, … under a printed form's header."""
    numbers = [_integer(cell) for cell in cells]
    if len(numbers) < _MIN_NUMBERED_COLUMNS or None in numbers:
        return False
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


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
