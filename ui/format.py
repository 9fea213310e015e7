"""Small display helpers: rates, counts with units, deltas, table columns and the plain-language summary."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import replace

import pandas as pd

from firedash.glossary import (
    AGEING_BAND_LABELS,
    LEDGER_KIND_LABELS,
    SEVERITY_LABELS,
    STATE_LABELS,
    STATUS_LABELS,
    YES_NO,
    label,
    text,
)
from metrics.filters import Filters

# The formatters metrics and charts share live in metrics.formatting; the pages take them from here.
from metrics.formatting import (  # noqa: F401 -- re-exported for the pages
    DASH,
    fmt_change,
    fmt_count,
    fmt_date,
    fmt_rate,
    is_missing,
    is_steady,
    signed_number,
    week_label,
)

RATE_COLUMNS = frozenset({"rate", "on_time_rate", "rate_last_week"})
BOOLEAN_COLUMNS = frozenset({"county_supervised", "superseded"})
DATE_COLUMNS = frozenset(
    {
        "found_date",
        "deadline",
        "rectified_date",
        "closed_date",
        "report_date",
        "week_start",
        "week_end",
        "last_report_date",
        "phase_start",
        "phase_end",
        "date",
    }
)


_DAY_COUNTS = frozenset({"days_overdue", "days_left"})
# Code columns of metric frames -> the labels shown for their codes.
_CODE_LABELS = {
    "ageing_band": AGEING_BAND_LABELS,
    "state": STATE_LABELS,
    "reported_state": STATE_LABELS,
    "status": STATUS_LABELS,
}


def count_change(now: object, before: object) -> int | None:
    """How much a count changed (now − before); None when either side is missing."""
    return None if is_missing(now) or is_missing(before) else int(now) - int(before)


def rate_points(now: object, before: object) -> float | None:
    """How much a rate changed, in percentage points (unrounded); None when either rate is undefined."""
    return None if is_missing(now) or is_missing(before) else (float(now) - float(before)) * 100


def count_delta(now: object, before: object, unit: str | None = None) -> str | None:
    """The change of a count as "+3处" / "-2处" / "持平"; None when either side is missing."""
    return fmt_change(count_change(now, before), unit=text("unit_hazard") if unit is None else unit)


def rate_delta(now: object, before: object) -> str | None:
    """The change of a rate in percentage points, e.g. "+1.2个百分点"; None when either is undefined."""
    return fmt_change(rate_points(now, before), unit=text("percent_points"), decimals=1)


def delta_colour(now: object, before: object, *, higher_is_better: bool) -> str:
    """Blue when the change is good, red when it is bad, grey when none (st.metric delta_color)."""
    if is_missing(now) or is_missing(before) or math.isclose(float(now), float(before), abs_tol=1e-9):
        return "gray"
    better = (float(now) > float(before)) == higher_is_better
    return "blue" if better else "red"


def display_frame(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """The given columns of a metric frame, with rates as text, codes as words and Chinese headers."""
    wanted = [c for c in columns if c in frame.columns]
    shown = pd.DataFrame(index=frame.index)
    for column in wanted:
        shown[label(column)] = _display_column(column, frame[column])
    return shown.reset_index(drop=True)


def _display_column(column: str, values: pd.Series) -> pd.Series:
    if column in RATE_COLUMNS:
        return values.map(fmt_rate)
    if column == "severity":
        return values.map(lambda v: SEVERITY_LABELS.get(v, v))
    if column in _CODE_LABELS:
        return values.map(lambda v: _CODE_LABELS[column].get(v, v))
    if column == "ledger_kinds":
        return values.map(ledger_kinds_text)
    if column in BOOLEAN_COLUMNS:
        return values.map(lambda v: YES_NO[v is True or v == 1])
    if column in DATE_COLUMNS:
        return values.map(lambda v: DASH if is_missing(v) else pd.Timestamp(v).date().isoformat())
    if column == "rank_move":
        return values.map(fmt_rank_move)
    if column in ("rank", "rank_last_week") or (column in _DAY_COUNTS and values.isna().any()):
        # A blank count of days (not overdue: no days overdue) reads "—", never "None".
        return values.map(lambda v: DASH if is_missing(v) else str(int(v)))
    if column == "rate_change_pp":
        return values.map(lambda v: DASH if is_missing(v) else signed_number(float(v), 1))
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        # A blank text cell (隐患编号 not given) reads "—", never "None".
        return values.map(lambda v: DASH if is_missing(v) else v).astype(object)
    return values


def ledger_kinds_text(kinds: object) -> str:
    """Stored ledger kinds ("inspection,rectification") as their words, 排查台账、整改（销号）台账."""
    words = (LEDGER_KIND_LABELS.get(k, k) for k in str(kinds).split(",") if k)
    return text("list_separator").join(words)


def fmt_rank_move(move: object) -> str:
    """A move in the ranking: "↑2" (up), "↓1" (down), "持平", "—" (not ranked one of the weeks)."""
    if is_missing(move):
        return DASH
    steps = int(move)
    return text("steady") if steps == 0 else f"↑{steps}" if steps > 0 else f"↓{-steps}"


def raw_values_text(raw: object) -> str:
    """A rejected row's raw JSON cells as "列：值；列：值" so the village can find the row."""
    if is_missing(raw):
        return ""
    try:
        cells = json.loads(str(raw))
    except ValueError:
        return str(raw)
    if not isinstance(cells, dict):
        return str(raw)
    shown = (text("cell", name=k, value=v) for k, v in cells.items() if not is_missing(v) and str(v).strip())
    return text("group_separator").join(shown)


def overview_sentence(
    scope: str, as_of: dt.date, now: Mapping[str, object], before: Mapping[str, object], *, part: bool = False
) -> str:
    """One plain sentence: 截至…，全镇共排查…处（较上周新增…处），已整改…处，整改率…，较上周…；…。

    `part`: the filters select only some of the scope's tickets (a sector, office or severity), so the
    sentence says "东河村（责任单位：应急办）的火灾隐患12处", never "东河村共排查…" as if the whole village.
    """
    found = int(now["found"])
    new_found = found - int(before.get("found") or 0)
    major = int(now.get("major_found") or 0)
    return text(
        "overview_sentence",
        date=fmt_date(as_of),
        counted=text("sentence_counted_part" if part else "sentence_counted_all", scope=scope),
        found=found,
        new_found=text("sentence_new_found", n=new_found) if new_found > 0 else "",
        rectified=int(now["rectified"]),
        rate=fmt_rate(now["rate"]),
        change=_rate_change_words(rate_points(now["rate"], before.get("rate"))),
        open=int(now["open"]),
        overdue=int(now["overdue"]),
        major=text("sentence_major", found=major, rectified=int(now["major_rectified"])) if major else "",
    )


def _rate_change_words(points: float | None) -> str:
    """，较上周提高1.2个百分点 / ，与上周持平 / nothing when last week had no rate."""
    if points is None:
        return ""
    if is_steady(points, 1):
        return text("sentence_steady")
    return text("sentence_up" if points > 0 else "sentence_down", points=f"{abs(points):.1f}")


def import_stamp(latest: object) -> str | None:
    """The latest import's time as "2024-01-31 09:30" (None when nothing was imported)."""
    if isinstance(latest, pd.DataFrame):
        if latest.empty:
            return None
        latest = latest.iloc[0].to_dict()
    if isinstance(latest, Mapping):
        latest = latest.get("imported_at")
    if is_missing(latest):
        return None
    return pd.Timestamp(latest).strftime("%Y-%m-%d %H:%M")


def scope_name(town: str, filters: Filters) -> str:
    """Who a sentence speaks about: the town or the chosen villages, with the other filters in brackets
    ("东河村（责任单位：应急办）")."""
    short = text("scope_town", short=town[-1]) if town else label("town")
    subject = text("list_separator").join(filters.villages) if filters.villages else short
    conditions = filter_conditions(filters)
    return subject + text("in_brackets", value=conditions) if conditions else subject


def filter_conditions(filters: Filters) -> str:
    """The filters other than the village, in words: 场所类型：商场；责任单位：应急办 ("" when none)."""
    words = text("list_separator")
    groups = (
        ("sector", filters.sectors),
        ("office", filters.offices),
        ("severity", tuple(SEVERITY_LABELS.get(s, s) for s in filters.severities)),
    )
    parts = [text("cell", name=label(name), value=words.join(values)) for name, values in groups if values]
    return text("group_separator").join(parts)


def selects_part(filters: Filters) -> bool:
    """Whether the filters take only some tickets of the chosen villages (or of the town)."""
    return bool(filters.sectors or filters.offices or filters.severities)


def ranking_line_label(filters: Filters) -> str:
    """The rate line of a village ranking: 全镇整改率, or 筛选范围整改率 when a sector/office/severity filter
    holds (the ranking keeps every village, so the village filter does not narrow it)."""
    return rate_line_label(replace(filters, villages=()))


def rate_line_label(filters: Filters) -> str:
    """The rate line of a chart over the tickets `filters` select: 全镇整改率 only when nothing narrows them."""
    return text("town_rate") if filters.is_empty else text("filtered_rate")


def scope_word(filters: Filters) -> str:
    """A comparison line's name: 全镇 over every ticket, 筛选范围 when filters narrow it."""
    return label("town") if filters.is_empty else text("filtered_scope")


def last_week_note(day: dt.date) -> str:
    """What every 较上周 on a page compares with: 较上周（截至1月14日）, the previous week's Sunday."""
    return text("vs_last_week_note", date=text("month_day", month=day.month, day=day.day))


def last_week_short(day: dt.date) -> str:
    """The same in a slide's head: 较上周（截至1月14日）."""
    return text(
        "bulletin_vs_last_week", date=text("month_day", month=day.month, day=day.day)
    )  # as the 周通报 says it


def band_total(bands: pd.DataFrame, chosen: Iterable[str]) -> int:
    """Overdue tickets in the chosen ageing bands (all bands when none is chosen)."""
    wanted = list(chosen)
    return int(
        bands.loc[bands["ageing_band"].isin(wanted), "overdue"].sum() if wanted else bands["overdue"].sum()
    )
