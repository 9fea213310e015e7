"""Read the dates ledgers write (Excel dates and serials, 2023.12.6, 2023年12月6日, 12月6日 …) and deadlines."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from etl.text import clean_text
from etl.vocabulary import FULL_DATE, MONTH_DAY, TIME_SUFFIX, WEEKDAY_SUFFIX
from firedash.config import Campaign
from firedash.glossary import IMPOSSIBLE, OUT_OF_RANGE, UNREADABLE

_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug included)
_SERIAL_RANGE = (20000, 80000)  # 1954 … 2119: any other number is not a serial date
_TIME_SUFFIX = re.compile(TIME_SUFFIX)
_WEEKDAY_SUFFIX = re.compile(WEEKDAY_SUFFIX)
_SPACES = re.compile(r"\s+")
_FULL = re.compile(FULL_DATE)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_DAY = re.compile(MONTH_DAY)
_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.\d+)?$")


@dataclass(frozen=True)
class DateResult:
    """A parsed cell: a date, or the problem with it (IMPOSSIBLE / UNREADABLE) and the text as written."""

    value: dt.date | None = None
    problem: str | None = None
    text: str = ""


class CampaignYears:
    """The year a month without a year falls in: within the campaign, else the year nearest it; and the
    window a kept date must lie in: the campaign's years, `margin` years either side ([campaign]
    date_margin_years). Outside it a date is a placeholder or a typo (1776, 1899-12-30, 9999-12-31)."""

    def __init__(self, campaign: Campaign, margin: int = 1) -> None:
        self.start, self.end = campaign.start, campaign.end
        self.first = dt.date(max(self.start.year - margin, dt.MINYEAR), 1, 1)
        self.last = dt.date(min(self.end.year + margin, dt.MAXYEAR), 12, 31)
        candidates = range(self.start.year - 1, self.end.year + 2)
        self._years = {
            month: min(candidates, key=lambda year, m=month: (self._distance(year, m), year))
            for month in range(1, 13)
        }

    def year_for(self, month: int) -> int:
        return self._years[month]

    def _distance(self, year: int, month: int) -> int:
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        if last < self.start:
            return (self.start - last).days
        if first > self.end:
            return (first - self.end).days
        return 0


def parse_date(value: object, years: CampaignYears) -> DateResult:
    """A cell as a date: real dates, serial numbers, or text in the forms ledgers use."""
    if value is None:
        return DateResult()
    if isinstance(value, dt.datetime):
        return _plausible(value.date(), clean_text(value), years)
    if isinstance(value, dt.date):
        return _plausible(value, clean_text(value), years)
    if isinstance(value, bool):
        return DateResult(problem=UNREADABLE, text=clean_text(value))
    if isinstance(value, int | float):
        return _from_number(value, years)
    return parse_date_text(clean_text(value), years)


def excel_serial(value: float) -> dt.date | None:
    """The date of an Excel serial number (1954 … 2119); None for any other number."""
    if _SERIAL_RANGE[0] <= value < _SERIAL_RANGE[1]:
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    return None


def serial_date(text: str) -> dt.date | None:
    """The date of a cell whose text is an Excel serial number (45266, 45266.35); None for any other text."""
    return excel_serial(float(text)) if _SERIAL_TEXT.match(text) else None


def _from_number(value: float, years: CampaignYears) -> DateResult:
    text = clean_text(value)
    if serial := excel_serial(value):
        return _plausible(serial, text, years)
    if float(value).is_integer():
        return parse_date_text(text, years)  # 20231206
    if 1 <= value < 13:
        return parse_date_text(text, years)  # 12.6 typed into a number cell
    return DateResult(problem=UNREADABLE, text=text)


def parse_date_text(text: str, years: CampaignYears) -> DateResult:
    """Text as a date; an empty text is no date (not a problem)."""
    if not text:
        return DateResult()
    compact = _SPACES.sub("", _WEEKDAY_SUFFIX.sub("", _TIME_SUFFIX.sub("", text.strip())))
    if _SERIAL_TEXT.match(compact):
        serial = serial_date(compact)
        return _plausible(serial, text, years) if serial else DateResult(problem=UNREADABLE, text=text)
    if match := _FULL.match(compact) or _COMPACT.match(compact):
        year = int(match[1])
        return _checked(year + 2000 if year < 100 else year, int(match[2]), int(match[3]), text, years)
    if match := _MONTH_DAY.match(compact):
        month, day = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            return DateResult(problem=IMPOSSIBLE, text=text)
        return _checked(years.year_for(month), month, day, text, years)
    return DateResult(problem=UNREADABLE, text=text)


def _checked(year: int, month: int, day: int, text: str, years: CampaignYears) -> DateResult:
    try:
        day = dt.date(year, month, day)
    except ValueError:
        return DateResult(problem=IMPOSSIBLE, text=text)
    return _plausible(day, text, years)


def _plausible(day: dt.date, text: str, years: CampaignYears) -> DateResult:
    """The date, or OUT_OF_RANGE when it lies outside the campaign's years and their margin."""
    if years.first <= day <= years.last:
        return DateResult(day)
    return DateResult(problem=OUT_OF_RANGE, text=text or day.isoformat())
