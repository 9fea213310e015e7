"""One sheet column, read fast: each distinct value is parsed once, and text is hashed and cleaned in Arrow."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from etl.text import clean_text

NAT = np.datetime64("NaT", "D")
PYTHON_BELOW = 2048  # shorter text columns are encoded in Python: quicker than a trip to Arrow and back
ARROW_FROM = 256  # below this many distinct values, Python per value is quicker than a trip to Arrow
# Python's str.split() whitespace (str.isspace), for RE2: its \s is [\t\n\f\r ], without \v.
_WHITESPACE = r"[\s\x{0b}\p{Z}\x{1c}-\x{1f}\x{85}]+"
_NULL_STRING = pa.scalar(None, pa.string())


class Column:
    """One column's cells as codes into their distinct values (-1 for an empty cell).

    Arrow encodes the column and keeps the distinct values as an Arrow array, for vectorised cleaning of
    many distinct texts; the parsers see each distinct value once, as a Python object.
    """

    def __init__(self, cells: pa.Array) -> None:
        self._type = cells.type
        self._uniques: list[object] | None = None
        self._arrow: pa.Array | None = None
        if len(cells) < PYTHON_BELOW and _is_text(cells.type):
            # As Arrow encodes: codes in order of first appearance, -1 for an empty cell.
            values = cells.to_pylist()
            uniques = [value for value in dict.fromkeys(values) if value is not None]
            code = {value: i for i, value in enumerate(uniques)}
            code[None] = -1
            self._codes = np.fromiter(map(code.__getitem__, values), np.intp, len(values))
            self._uniques = uniques
            return
        encoded = pc.dictionary_encode(cells)
        indices = encoded.indices.fill_null(-1) if encoded.indices.null_count else encoded.indices
        self._codes = indices.to_numpy(zero_copy_only=False).astype(np.intp)
        self._arrow = encoded.dictionary
        self._type = encoded.dictionary.type

    @property
    def codes(self) -> np.ndarray:
        return self._codes

    @property
    def uniques(self) -> list[object]:
        if self._uniques is None:
            self._uniques = self._dictionary.to_pylist()
        return self._uniques

    @property
    def _dictionary(self) -> pa.Array:
        """The distinct values as an Arrow array."""
        if self._arrow is None:
            self._arrow = pa.array(self.uniques, self._type)
        return self._arrow

    def filled(self) -> np.ndarray:
        return self._codes >= 0

    def take(self, rows: np.ndarray) -> Column:
        """The same column restricted to some rows (sharing the distinct values)."""
        subset = Column.__new__(Column)
        subset._codes = self._codes[rows]
        subset._uniques, subset._arrow, subset._type = self._uniques, self._arrow, self._type
        return subset

    def map(self, parse: Callable[[object], object], dtype: object = object) -> np.ndarray:
        """parse() applied to each distinct value (and None once), spread back over the rows."""
        return self.spread(self.parsed(parse), dtype)

    def parsed(self, parse: Callable[[object], object]) -> list[object]:
        """parse() of each distinct value, then of None (the entry code -1 picks)."""
        return [parse(value) for value in self.uniques] + [parse(None)]

    def spread(self, table: list[object] | np.ndarray, dtype: object = object) -> np.ndarray:
        """Per-distinct-value results (as from parsed(), None's last) laid out over the rows."""
        if isinstance(table, np.ndarray):
            array = table
        elif dtype is object:
            array = np.empty(len(table), dtype=object)
            try:
                array[:] = table
            except ValueError:  # items that are themselves sequences
                for i, item in enumerate(table):
                    array[i] = item
        else:
            array = np.array(table, dtype=dtype)
        return array[self._codes]

    def texts(self) -> np.ndarray:
        """Each cell as clean_text() (NFKC, whitespace collapsed, stripped), None when empty."""
        arrow = self._text_dictionary()
        if arrow is None:
            return self.spread([*(_cleaned(value) for value in self.uniques), None])
        table = np.empty(len(arrow) + 1, dtype=object)
        table[:-1] = _collapsed(arrow).to_numpy(zero_copy_only=False)
        for index in _folded(arrow):
            table[index] = clean_text(arrow[int(index)].as_py()) or None
        return table[self._codes]

    def matching(self, pattern: str, test: Callable[[str], bool]) -> np.ndarray:
        """Text cells for which test() holds; many distinct texts are first narrowed by pattern in Arrow.

        pattern (a regex that test() implies) runs on the squeezed text (NFKC, all whitespace removed);
        texts NFKC changes are always put to test().
        """
        if not _is_text(self._type):
            return np.zeros(len(self._codes), bool)  # numbers or dates only
        arrow = self._text_dictionary()
        if arrow is None:
            return self.spread([*(type(u) is str and test(u) for u in self.uniques), False], bool)
        squeezed = pc.replace_substring_regex(arrow, _WHITESPACE, "")
        candidates = (
            pc.match_substring_regex(squeezed, pattern).fill_null(False).to_numpy(zero_copy_only=False)
        )
        table = np.zeros(len(arrow) + 1, dtype=bool)
        for index in sorted({*np.flatnonzero(candidates), *_folded(arrow)}):
            table[index] = test(arrow[int(index)].as_py())
        return table[self._codes]

    def _text_dictionary(self) -> pa.Array | None:
        """The distinct texts as an Arrow string array, when they are text and many; else None."""
        if _is_text(self._type):
            return (
                self._dictionary
                if len(self.uniques if self._arrow is None else self._arrow) >= ARROW_FROM
                else None
            )
        return None


_CLEANED: dict[str, str | None] = {}  # clean_text() by text: the same texts recur in every week's ledgers
_CLEANED_LIMIT = 100_000


def _cleaned(value: object) -> str | None:
    """clean_text(value) or None, remembered for texts."""
    if type(value) is not str:
        return clean_text(value) or None
    found = _CLEANED.get(value, _MISSING)
    if found is _MISSING:
        if len(_CLEANED) >= _CLEANED_LIMIT:
            _CLEANED.clear()
        found = _CLEANED[value] = clean_text(value) or None
    return found  # type: ignore[return-value]


_MISSING = object()


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _folded(arrow: pa.Array) -> np.ndarray:
    """Indices of the texts NFKC changes (full-width letters, ideographic spaces …): etl.text cleans these.

    Arrow only collapses whitespace, so the one normaliser stays etl.text: a text NFKC leaves alone is
    cleaned alike by both. Arrow's Unicode tables may be newer than Python's; any text Python folds,
    Arrow folds too (a character keeps its decomposition once assigned), so none slips through.
    """
    changed = pc.not_equal(pc.utf8_normalize(arrow, "NFKC"), arrow).fill_null(False)
    return np.flatnonzero(changed.to_numpy(zero_copy_only=False))


def _collapsed(arrow: pa.Array) -> pa.Array:
    """clean_text() of texts already in NFKC: whitespace runs to one space, stripped; '' becomes null."""
    cleaned = pc.utf8_trim(pc.replace_substring_regex(arrow, _WHITESPACE, " "), " ")
    return pc.if_else(pc.equal(cleaned, ""), _NULL_STRING, cleaned)


def empty_dates(size: int) -> np.ndarray:
    return np.full(size, NAT, dtype="datetime64[D]")


def nones(size: int) -> np.ndarray:
    return np.full(size, None, dtype=object)
