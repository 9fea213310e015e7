"""Small display helpers: rates, counts with units, deltas, table columns and the plain-language summary."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping

import pandas as pd

from firedash.glossary import AGEING_BAND_LABELS, LEDGER_KIND_LABELS, SEVERITY_LABELS, STATE_LABELS
from metrics.formatting import NO_VALUE as DASH
from metrics.formatting import format_rate
from ui.labels import label, text

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
    }
)


# Code columns of metric frames -> the labels shown for their codes.
_CODE_LABELS = {"ageing_band": AGEING_BAND_LABELS, "state": STATE_LABELS}


def is_missing(value: object) -> bool:
    """True for None, NaN and pandas' NA/NaT."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_rate(rate: object) -> str:
    """A 0–1 rate as "90.7%"; "—" when undefined (nothing found)."""
    # The CLI's formatter, so the pages and the CLI summary print the same figure.
    return DASH if is_missing(rate) else format_rate(float(rate))


def fmt_count(value: object, unit: str | None = None) -> str:
    """A count with its unit, e.g. "54处"; "—" when missing."""
    if is_missing(value):
        return DASH
    return f"{int(value)}{text('unit_hazard') if unit is None else unit}"


def count_delta(now: object, before: object, unit: str | None = None) -> str | None:
    """The change of a count as "+3处" / "-2处" / "持平"; None when either side is missing."""
    if is_missing(now) or is_missing(before):
        return None
    change = int(now) - int(before)
    if change == 0:
        return "持平"
    return f"{change:+d}{text('unit_hazard') if unit is None else unit}"


def rate_delta(now: object, before: object) -> str | None:
    """The change of a rate in percentage points, e.g. "+1.2个百分点"; None when either is undefined."""
    if is_missing(now) or is_missing(before):
        return None
    points = (float(now) - float(before)) * 100
    if abs(points) < 0.05:
        return "持平"
    return f"{points:+.1f}{text('percent_points')}"


def delta_colour(now: object, before: object, *, higher_is_better: bool) -> str:
    """Blue when the change is good, red when it is bad, grey when none (st.metric delta_color)."""
    if is_missing(now) or is_missing(before) or math.isclose(float(now), float(before), abs_tol=1e-9):
        return "gray"
    better = (float(now) > float(before)) == higher_is_better
    return "blue" if better else "red"


def fmt_date(day: object) -> str:
    """A date as 2024年1月31日; "—" when missing."""
    if is_missing(day):
        return DASH
    day = pd.Timestamp(day).date()
    return f"{day.year}年{day.month}月{day.day}日"


def week_label(week_no: int, start: dt.date | None = None, end: dt.date | None = None) -> str:
    """第N周, with its Monday–Sunday dates when given."""
    if start is None or end is None:
        return text("week_label", n=week_no)
    return text("week_range", n=week_no, start=f"{start.month}.{start.day}", end=f"{end.month}.{end.day}")


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
        return values.map(lambda v: "、".join(LEDGER_KIND_LABELS.get(k, k) for k in str(v).split(",") if k))
    if column in BOOLEAN_COLUMNS:
        return values.map(lambda v: "是" if v is True or v == 1 else "否")
    if column in DATE_COLUMNS:
        return values.map(lambda v: DASH if is_missing(v) else pd.Timestamp(v).date().isoformat())
    if column == "rank_move":
        return values.map(fmt_rank_move)
    if column in ("rank", "rank_last_week"):
        return values.map(lambda v: DASH if is_missing(v) else str(int(v)))
    if column == "rate_change_pp":
        return values.map(lambda v: DASH if is_missing(v) else f"{float(v):+.1f}")
    return values


def fmt_rank_move(move: object) -> str:
    """A move in the ranking: "↑2" (up), "↓1" (down), "持平", "—" (not ranked one of the weeks)."""
    if is_missing(move):
        return DASH
    steps = int(move)
    return "持平" if steps == 0 else f"↑{steps}" if steps > 0 else f"↓{-steps}"


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
    return "；".join(f"{k}：{v}" for k, v in cells.items() if not is_missing(v) and str(v).strip())


def overview_sentence(
    scope: str, as_of: dt.date, now: Mapping[str, object], before: Mapping[str, object]
) -> str:
    """One plain sentence: 截至…，全镇共排查…处（较上周新增…处），已整改…处，整改率…，较上周…；…。"""
    found = int(now["found"])
    new_found = found - int(before.get("found") or 0)
    head = f"截至{fmt_date(as_of)}，{scope}共排查火灾隐患{found}处"
    if new_found > 0:
        head += f"（{text('vs_last_week')}新增{new_found}处）"
    rate_part = f"已整改{int(now['rectified'])}处，整改率{fmt_rate(now['rate'])}"
    change = rate_delta(now["rate"], before.get("rate"))
    if change == "持平":
        rate_part += "，与上周持平"
    elif change is not None:
        verb = "提高" if change.startswith("+") else "下降"
        rate_part += f"，{text('vs_last_week')}{verb}{change[1:]}"
    tail = [f"尚有{int(now['open'])}处未整改，其中超期{int(now['overdue'])}处"]
    if int(now.get("major_found") or 0):
        tail.append(f"重大火灾隐患{int(now['major_found'])}处，已整改{int(now['major_rectified'])}处")
    return f"{head}，{rate_part}；" + "；".join(tail) + "。"


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


def scope_name(town: str, villages: tuple[str, ...], narrowed: bool) -> str:
    """Who a sentence speaks about: the one village, the filtered tickets, or the whole town."""
    if len(villages) == 1:
        return villages[0]
    return "筛选范围内" if narrowed else f"全{town[-1]}" if town else town


def band_total(bands: pd.DataFrame, chosen: Iterable[str]) -> int:
    """Overdue tickets in the chosen ageing bands (all bands when none is chosen)."""
    wanted = list(chosen)
    return int(
        bands.loc[bands["ageing_band"].isin(wanted), "overdue"].sum() if wanted else bands["overdue"].sum()
    )
