"""A sheet column factorised once, so every parser runs on its distinct values only (never twice per string)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from etl.text import cell_text

NAT = np.datetime64("NaT", "D")


class Column:
    """One column of a sheet's data rows: codes into its distinct values; None cells get code -1."""

    def __init__(self, values: list[object] | tuple[object, ...]) -> None:
        cells = np.empty(len(values), dtype=object)
        cells[:] = values
        self.codes, self.uniques = _factorize(cells)

    def take(self, rows: np.ndarray) -> Column:
        """The same column restricted to some rows (shares the distinct values)."""
        subset = Column.__new__(Column)
        subset.codes, subset.uniques = self.codes[rows], self.uniques
        return subset

    def map(self, parse: Callable[[object], object], dtype: object = object) -> np.ndarray:
        """parse() applied to each distinct value (and None once), spread back over the rows."""
        return self.spread(self.parsed(parse), dtype)

    def parsed(self, parse: Callable[[object], object]) -> list[object]:
        """parse() of each distinct value, then of None (the entry code -1 picks)."""
        return [parse(value) for value in self.uniques] + [parse(None)]

    def spread(self, table: list[object], dtype: object = object) -> np.ndarray:
        """Per-distinct-value results (as from parsed()) laid out over the rows."""
        if dtype is object:
            array = np.empty(len(table), dtype=object)
            for i, item in enumerate(table):
                array[i] = item
        else:
            array = np.array(table, dtype=dtype)
        return array[self.codes]

    def map_attr(self, parse: Callable[[object], object], *names: str) -> list[np.ndarray]:
        """Parse once, then spread several attributes of the results (value and problem, say)."""
        table = self.parsed(parse)
        return [self.spread([getattr(item, name) for item in table]) for name in names]


def _factorize(cells: np.ndarray) -> tuple[np.ndarray, list[object]]:
    codes, uniques = pd.factorize(cells)
    uniques = list(uniques)
    # True == 1 == 1.0 hash alike; a column mixing booleans with numbers is factorised on its text.
    if any(_maybe_bool(u) for u in uniques) and any(isinstance(c, bool) for c in cells):
        cells = np.array([cell_text(c) if isinstance(c, bool) else c for c in cells], dtype=object)
        codes, uniques = pd.factorize(cells)
        uniques = list(uniques)
    return codes, uniques


def _maybe_bool(value: object) -> bool:
    return isinstance(value, bool | int | float) and value in (0, 1)


def empty_dates(size: int) -> np.ndarray:
    return np.full(size, NAT, dtype="datetime64[D]")


def nones(size: int) -> np.ndarray:
    return np.full(size, None, dtype=object)
