"""What a load found worth telling besides its counts: warnings about a file or sheet, and cell-level data issues."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class LoadWarning:
    """Something the loader could not place or doubts (an unused column that looks needed, an unknown word…).

    `code` is stable (scripts and the upload page match on it); `message` is the Chinese sentence shown.
    """

    code: str
    message: str
    sheet: str | None = None
    column: str | None = None  # the header as written
    row_number: int | None = None
    count: int | None = None
    field: str | None = None  # unknown_word: the canonical field of the column (status, review_result …)
    word: str | None = None  # unknown_word: the word as written

    def as_dict(self) -> dict[str, object]:
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class CellIssue:
    """A cell the loader could not read in a field the hazard can do without: the hazard loads with that
    field unknown (or, for a cut cell, shortened) and the cell is listed for the people who can fix it."""

    sheet: str
    row_number: int  # the Excel row number
    column: str  # the header as written
    field: str | None  # the canonical field it was read for, if any
    value: str  # the cell as written (cut to a printable length)
    problem: str  # Chinese, e.g. 无法识别, 过长已截断

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
