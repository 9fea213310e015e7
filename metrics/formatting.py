"""Figures as the town writes them: rates to one decimal ("90.7%"), "—" for nothing found, changes, dates,
week names, aligned text tables.

The one home of these formatters: metrics (the CLI, the bulletin) and charts use them here, and ui.format
re-exports them for the pages, so metrics and charts never import ui.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence

import pandas as pd

from firedash.glossary import text

NO_VALUE = text("no_value")
DASH = NO_VALUE


def is_missing(value: object) -> bool:
    """True for None, NaN and pandas' NA/NaT."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_rate(rate: object) -> str:
    """A 0–1 rate as "90.7%"; "—" when undefined (nothing found), never 0% or 100%."""
    return DASH if is_missing(rate) else f"{float(rate) * 100:.1f}%"  # type: ignore[arg-type]


format_rate = fmt_rate  # the CLI's older name for the same formatter


def fmt_count(value: object, unit: str | None = None) -> str:
    """A count with its unit, e.g. "54处"; "—" when missing."""
    if is_missing(value):
        return DASH
    return f"{int(value)}{text('unit_hazard') if unit is None else unit}"  # type: ignore[call-overload]


def is_steady(change: float, decimals: int = 0) -> bool:
    """持平 means the change rounds to zero at the decimals shown: +0.04 points is 持平, +0.4 is not."""
    return round(change, decimals) == 0


def signed_number(change: float, decimals: int = 0) -> str:
    """A change with its sign at the decimals shown: "+1.6", "-0.4", "+0.0" (never "-0.0")."""
    return f"{round(change, decimals) + 0.0:+.{decimals}f}"


def fmt_change(change: object, *, unit: str, decimals: int = 0) -> str | None:
    """The one formatter of a change: "+1.6个百分点" / "持平" / "-0.4个百分点"; None when missing."""
    if is_missing(change):
        return None
    value = float(change)  # type: ignore[arg-type]
    return text("steady") if is_steady(value, decimals) else signed_number(value, decimals) + unit


def fmt_date(day: object) -> str:
    """A date as 2024年1月31日; "—" when missing."""
    if is_missing(day):
        return DASH
    day = pd.Timestamp(day).date()  # type: ignore[arg-type]
    return text("date", year=day.year, month=day.month, day=day.day)


def week_label(week_no: int, start: dt.date | None = None, end: dt.date | None = None) -> str:
    """第N周, with its Monday–Sunday dates when given."""
    if start is None or end is None:
        return text("week_label", n=week_no)
    return text("week_range", n=week_no, start=f"{start.month}.{start.day}", end=f"{end.month}.{end.day}")


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
