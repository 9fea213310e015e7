"""Read 整改期限 cells: dates, 立即整改, X月底前, X日内, 春节前, 长期 … and resolve them against the found date."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

from etl.dates import CampaignYears, DateResult, parse_date
from etl.text import clean_text, squeeze
from etl.vocabulary import (
    CN_DIGITS,
    CN_HUNDRED,
    CN_TEN,
    DEADLINE_PREFIX,
    DEADLINE_SUFFIX,
    DONE_ON_THE_SPOT,
    IMMEDIATE,
    IMMEDIATE_START,
    MONTH_END,
    NO_DEADLINE,
    NO_DEADLINE_START,
    RELATIVE_DEADLINE,
    RELATIVE_UNITS,
)
from firedash.config import Period
from firedash.glossary import UNREADABLE

_PREFIX = re.compile(DEADLINE_PREFIX)
_SUFFIX = re.compile(DEADLINE_SUFFIX)
_MONTH_END = re.compile(MONTH_END)
_RELATIVE = re.compile(RELATIVE_DEADLINE)


@dataclass(frozen=True)
class DeadlineSpec:
    """What a deadline cell says: kind ∈ none | date | found | done | days | workdays | weeks | months.

    `found`: the found date itself (立即整改); `done`: the found date, and rectified then (立查立改).
    """

    kind: str
    date: dt.date | None = None
    amount: int = 0
    problem: str | None = None
    text: str = ""


def parse_deadline(value: object, years: CampaignYears, key_periods: tuple[Period, ...] = ()) -> DeadlineSpec:
    """A deadline cell read on its own; relative kinds need the found date (see deadline_on)."""
    if isinstance(value, dt.date) or (isinstance(value, int | float) and not isinstance(value, bool)):
        return _from_date(parse_date(value, years))
    text = squeeze(value)
    if text in NO_DEADLINE or not text or text.startswith(NO_DEADLINE_START):
        return DeadlineSpec("none")
    if any(word in text for word in DONE_ON_THE_SPOT):
        return DeadlineSpec("done")
    if text in IMMEDIATE or text.startswith(IMMEDIATE_START):
        return DeadlineSpec("found")
    core = _SUFFIX.sub("", _PREFIX.sub("", text))
    spec = (
        _named_period(core, key_periods) or _month_end(core, years) or _relative(core) or _dated(core, years)
    )
    if spec.problem:
        # 2024-08-13 08:30:00 as text: the squeezed form lost the space before the time of day.
        written = parse_date(clean_text(value), years)
        return _from_date(written) if written.value else replace(spec, text=clean_text(value))
    return spec


def _from_date(result: DateResult) -> DeadlineSpec:
    if result.problem:
        return DeadlineSpec("none", problem=result.problem, text=result.text)
    return DeadlineSpec("date", result.value) if result.value else DeadlineSpec("none")


def _named_period(core: str, key_periods: tuple[Period, ...]) -> DeadlineSpec | None:
    """春节前 / 元旦前: the day before the configured key period starts."""
    for period in key_periods:
        if core == squeeze(period.name):
            return DeadlineSpec("date", period.start - dt.timedelta(days=1))
    return None


def _month_end(core: str, years: CampaignYears) -> DeadlineSpec | None:
    match = _MONTH_END.match(core)
    if not match:
        return None
    month = _number(match[2])
    if not 1 <= month <= 12:
        return DeadlineSpec("none", problem=UNREADABLE)
    year = int(match[1]) if match[1] else years.year_for(month)
    return DeadlineSpec("date", dt.date(year, month, calendar.monthrange(year, month)[1]))


def _relative(core: str) -> DeadlineSpec | None:
    match = _RELATIVE.match(core)
    if not match:
        return None
    amount = _number(match[1])
    return DeadlineSpec(RELATIVE_UNITS[match[3]], amount=amount) if amount > 0 else None


def _dated(core: str, years: CampaignYears) -> DeadlineSpec:
    return _from_date(parse_date(core, years))


def _number(text: str) -> int:
    """An Arabic or Chinese numeral below a thousand (三, 十五, 二十, 一百)."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char == CN_HUNDRED:
            total, current = total + max(current, 1) * 100, 0
        elif char == CN_TEN:
            total, current = total + max(current, 1) * 10, 0
        else:
            current = CN_DIGITS.get(char, 0)
    return total + current


def deadline_on(spec: DeadlineSpec, found: dt.date | None) -> dt.date | None:
    """The deadline as a date; relative deadlines count calendar days (工作日: Monday–Friday) from found."""
    if spec.kind == "date":
        return spec.date
    if spec.kind == "none" or found is None:
        return None
    if spec.kind in ("found", "done"):
        return found
    if spec.kind == "days":
        return found + dt.timedelta(days=spec.amount)
    if spec.kind == "weeks":
        return found + dt.timedelta(weeks=spec.amount)
    if spec.kind == "workdays":
        return _add_workdays(found, spec.amount)
    return _add_months(found, spec.amount)


def _add_workdays(day: dt.date, count: int) -> dt.date:
    while count > 0:
        day += dt.timedelta(days=1)
        count -= day.weekday() < 5
    return day


def _add_months(day: dt.date, count: int) -> dt.date:
    month_index = day.month - 1 + count
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
