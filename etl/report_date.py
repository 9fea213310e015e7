"""Decide a file's report date (the day its figures stand on) and say where it came from, never the day of
loading in silence.

Order: --report-date (cli); a 填报日期/填报时间 in the title rows or in a band over the header (title); the
workbook's own last-saved date, docProps/core.xml dcterms:modified of an .xlsx (workbook_saved); the latest
date written in the ledger's date columns (latest_in_ledger); only then the day of loading (load_day).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from etl.columns import Column
from etl.dates import CampaignYears, parse_date
from etl.headers import Header, report_date_in
from etl.readers import RawSheet
from firedash.config import TownConfig

REPORT_DATE_SOURCES = ("cli", "title", "workbook_saved", "latest_in_ledger", "load_day")
# Sources that date the ledger itself, so an older ledger never overwrites a newer report (merge's staleness).
STATED_SOURCES = frozenset({"cli", "title", "workbook_saved"})
DATE_FIELDS = ("found_date", "rectified_date", "closed_date")
CHINA_TIME = dt.timezone(dt.timedelta(hours=8))  # a save at 2020-05-24T20:00Z is the 25th where it was saved
_CORE = "docProps/core.xml"
_MODIFIED = "{http://purl.org/dc/terms/}modified"
_W3CDTF = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$"
)
_CORE_LIMIT = 1 << 20  # docProps/core.xml is a few hundred bytes: a bigger one is not read


@dataclass(frozen=True)
class ReportDate:
    """The file's report date, its source (REPORT_DATE_SOURCES) and each sheet's own (its title's, else the file's)."""

    date: dt.date
    source: str
    sheets: tuple[dt.date, ...]

    @property
    def stated(self) -> bool:
        return self.source in STATED_SOURCES


def decide_report_date(
    path: Path,
    sheets: Sequence[RawSheet],
    headers: Sequence[Header | None],
    *,
    config: TownConfig,
    cli: dt.date | None,
    today: dt.date,
) -> ReportDate:
    """The report date of a file whose sheets and headers are read (see the module's order)."""
    titles = [report_date_in(sheet, header) for sheet, header in zip(sheets, headers, strict=True)]
    if cli is not None:
        return ReportDate(cli, "cli", tuple(cli for _ in sheets))
    years = CampaignYears(config.campaign, config.vocabulary.date_margin_years)
    date, source = _file_date(path, sheets, headers, titles, years, today)
    return ReportDate(date, source, tuple(title or date for title in titles))


def _file_date(
    path: Path,
    sheets: Sequence[RawSheet],
    headers: Sequence[Header | None],
    titles: list[dt.date | None],
    years: CampaignYears,
    today: dt.date,
) -> tuple[dt.date, str]:
    if stated := max((d for d in titles if d), default=None):
        return stated, "title"
    saved = workbook_saved(path)
    if saved is not None and years.first <= saved <= years.last:
        return saved, "workbook_saved"
    if latest := latest_in_ledger(sheets, headers, years):
        return latest, "latest_in_ledger"
    return today, "load_day"


def workbook_saved(path: Path) -> dt.date | None:
    """The day (China time) an .xlsx was last saved, from docProps/core.xml; None for other files or none."""
    try:
        with zipfile.ZipFile(path) as book:
            info = book.getinfo(_CORE)
            if info.file_size > _CORE_LIMIT:
                return None
            root = ElementTree.fromstring(book.read(info))  # noqa: S314 - a small part of a zip, no DTD use
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError, ValueError):
        return None
    node = root.find(_MODIFIED)
    return parse_w3cdtf(node.text) if node is not None and node.text else None


def parse_w3cdtf(text: str) -> dt.date | None:
    """2020-05-24T07:58:07Z → the day in China time; a date alone as it is; None for anything else."""
    match = _W3CDTF.match(text.strip())
    if not match:
        return None
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match[4] is None:
            return day
        zone = match[7] or "Z"
        offset = dt.timedelta() if zone == "Z" else _offset(zone)
        stamp = dt.datetime(day.year, day.month, day.day, int(match[4]), int(match[5]), int(match[6] or 0))
        return stamp.replace(tzinfo=dt.timezone(offset)).astimezone(CHINA_TIME).date()
    except ValueError:
        return None


def _offset(zone: str) -> dt.timedelta:
    sign = -1 if zone[0] == "-" else 1
    hours, minutes = zone[1:].split(":")
    return sign * dt.timedelta(hours=int(hours), minutes=int(minutes))


def latest_in_ledger(
    sheets: Sequence[RawSheet], headers: Sequence[Header | None], years: CampaignYears
) -> dt.date | None:
    """The latest found, rectified or review date written in the sheets (dates outside the window ignored)."""
    from etl.normalise import data_columns  # normalise needs this module's neighbours first

    latest: dt.date | None = None
    for sheet, header in zip(sheets, headers, strict=True):
        if header is None:
            continue
        body = data_columns(sheet, header)
        for name in DATE_FIELDS:
            col = header.columns.get(name)
            if col is None or col >= len(body):
                continue
            days = [r.value for r in Column(body[col]).parsed(lambda v: parse_date(v, years)) if r.value]
            latest = max([*days, *([latest] if latest else [])], default=latest)
    return latest
