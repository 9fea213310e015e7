"""One sheet column, read fast: parsers run once per distinct value, plain text is cleaned in Arrow."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.text import clean_text

NAT = np.datetime64("NaT", "D")
# Python's str.split() whitespace, for RE2 (its \s is ASCII only).
_WHITESPACE = r"[\s\p{Z}\x{1c}-\x{1f}\x{85}]+"
_NULL_STRING = pa.scalar(None, pa.string())


class Column:
    """The cells of one column (object array), factorised into distinct values when first asked.

    Parsers then run once per distinct value, never once per cell; many distinct texts are cleaned by
    Arrow in one vectorised call.
    """

    def __init__(self, cells: np.ndarray | list[object]) -> None:
        if isinstance(cells, np.ndarray):
            self.cells = cells
        else:
            self.cells = np.empty(len(cells), dtype=object)
            self.cells[:] = cells
        self._codes: np.ndarray | None = None
        self._uniques: list[object] = []

    @property
    def codes(self) -> np.ndarray:
        """Index of each cell's value in `uniques`; -1 for an empty cell."""
        if self._codes is None:
            self._codes, self._uniques = _factorize(self.cells)
        return self._codes

    @property
    def uniques(self) -> list[object]:
        self.codes  # noqa: B018 - factorises on first use
        return self._uniques

    def filled(self) -> np.ndarray:
        return self.codes >= 0

    def take(self, rows: np.ndarray) -> Column:
        """The same column restricted to some rows (sharing the distinct values)."""
        subset = Column(self.cells[rows])
        subset._codes, subset._uniques = self.codes[rows], self._uniques
        return subset

    def map(self, parse: Callable[[object], object], dtype: object = object) -> np.ndarray:
        """parse() applied to each distinct value (and None once), spread back over the rows."""
        return self.spread(self.parsed(parse), dtype)

    def parsed(self, parse: Callable[[object], object]) -> list[object]:
        """parse() of each distinct value, then of None (the entry code -1 picks)."""
        return [parse(value) for value in self.uniques] + [parse(None)]

    def spread(self, table: list[object], dtype: object = object) -> np.ndarray:
        """Per-distinct-value results (as from parsed(), None's last) laid out over the rows."""
        if dtype is object:
            array = np.empty(len(table), dtype=object)
            try:
                array[:] = table
            except ValueError:  # items that are themselves sequences
                for i, item in enumerate(table):
                    array[i] = item
        else:
            array = np.array(table, dtype=dtype)
        return array[self.codes]

    def texts(self) -> np.ndarray:
        """Each cell as clean text (NFKC, whitespace collapsed, stripped), None when empty."""
        return self.spread([*clean_texts(self.uniques), None])

    def matching(self, pattern: str, test: Callable[[object], bool]) -> np.ndarray:
        """Cells for which test() holds; many distinct texts are first narrowed by pattern in Arrow.

        pattern (a regex that test() implies) runs on the NFKC text with all whitespace removed.
        """
        uniques = self.uniques
        arrow = _arrow_strings(uniques) if len(uniques) >= ARROW_FROM else None
        if arrow is None:
            return self.map(test, bool)
        squeezed = pc.replace_substring_regex(pc.utf8_normalize(arrow, "NFKC"), _WHITESPACE, "")
        candidates = (
            pc.match_substring_regex(squeezed, pattern).fill_null(False).to_numpy(zero_copy_only=False)
        )
        table = np.zeros(len(uniques) + 1, dtype=bool)
        for index in np.flatnonzero(candidates):
            table[index] = test(uniques[index])
        return table[self.codes]


ARROW_FROM = 256  # below this many distinct values, Python per value is quicker than a trip to Arrow


def clean_texts(values: list[object]) -> list[str | None]:
    """clean_text() of each value, None for an empty text; vectorised in Arrow when all are text."""
    arrow = _arrow_strings(values) if len(values) >= ARROW_FROM else None
    if arrow is None:
        return [clean_text(value) or None for value in values]
    cleaned = pc.utf8_trim_whitespace(
        pc.replace_substring_regex(pc.utf8_normalize(arrow, "NFKC"), _WHITESPACE, " ")
    )
    return pc.if_else(pc.equal(cleaned, ""), _NULL_STRING, cleaned).to_pylist()


def _arrow_strings(values: list[object]) -> pa.Array | None:
    """The values as an Arrow string array when every one is text; else None."""
    try:
        arrow = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return None  # mixed values (numbers, dates and text)
    return arrow if pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type) else None


def _factorize(cells: np.ndarray) -> tuple[np.ndarray, list[object]]:
    """Codes into the distinct values; None gets -1.

    True == 1 == 1.0 hash alike, so a column mixing boolean cells with the numbers 0/1 would read them
    alike; spreadsheets keep booleans in columns of their own, and a check per cell would cost more.
    """
    codes, uniques = pd.factorize(cells)
    return codes, list(uniques)


def empty_dates(size: int) -> np.ndarray:
    return np.full(size, NAT, dtype="datetime64[D]")


def nones(size: int) -> np.ndarray:
    return np.full(size, None, dtype=object)
