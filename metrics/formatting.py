"""Figures as the town writes them: rates to one decimal ("90.7%"), "—" for nothing found, aligned text tables."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from firedash import glossary

NO_VALUE = glossary.text("no_value")


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(value)  # type: ignore[arg-type]
    except TypeError:
        return str(value) == "<NA>"


def format_rate(rate: float | None) -> str:
    """0.9066 → "90.7%"; None/NaN (nothing found) → "—", never 0% or 100%."""
    return NO_VALUE if _missing(rate) else f"{rate * 100:.1f}%"


def display_width(text: str) -> int:
    """Terminal columns: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain aligned table: first column left-aligned, the figures right-aligned."""
    widths = [max(display_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = [
        "  ".join(_pad(str(cell), widths[i], right=i > 0) for i, cell in enumerate(row))
        for row in [headers, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
