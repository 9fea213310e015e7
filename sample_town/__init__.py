"""A seeded generator of the sample town's weekly ledgers (python -m sample_town): what a new user first sees."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from pathlib import Path

from firedash.config import PROJECT_ROOT, TownConfig, load_config
from sample_town import vocab
from sample_town.ledgers import closure_sheet, office_sheet, village_sheet
from sample_town.story import CLOSURE_WEEKS, OFFICE_DAYS_EARLY, OFFICE_WEEKS, PLANS, VillagePlan
from sample_town.styles import (
    CLOSURE_FILE,
    COMMUNITY_STYLE,
    COMMUNITY_SUFFIX,
    OFFICE_STYLE,
    STYLES,
    file_name,
)
from sample_town.world import Ticket, build_town, report_sundays
from sample_town.writers import Sheet, write_csv, write_xls, write_xlsx

DEFAULT_OUT = PROJECT_ROOT / "data" / "sample"
DEFAULT_SEED = 2023
WEEK_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}_第\d+周$")


def generate(
    out: Path = DEFAULT_OUT,
    *,
    seed: int = DEFAULT_SEED,
    config: TownConfig | None = None,
    until: dt.date | None = None,
) -> list[Path]:
    """Write the weekly folders of ledgers under `out`, up to `until` (default: all); return the files.

    Old week folders are replaced; other files (the README) are left alone. The weeks written do not
    depend on `until`: the whole campaign is drawn first.
    """
    config = config or load_config()
    rng = random.Random(seed)
    tickets = build_town(config, rng)
    clerks = {plan.name: (_clerk(rng), _clerk(rng)) for plan in PLANS}
    _clear(out)
    written: list[Path] = []
    for sunday in report_sundays(config):
        if until and sunday > until:
            break
        week = config.campaign.week_number(sunday)
        folder = out / f"{sunday.isoformat()}_第{week}周"
        folder.mkdir(parents=True)
        written += _week(folder, sunday, week, tickets, clerks)
    return written


def _clerk(rng: random.Random) -> str:
    """填表人 and 审核人 sign every ledger of their village with a three-character name."""
    return rng.choice(vocab.SURNAMES) + rng.choice(vocab.GIVEN) + rng.choice(vocab.GIVEN)


def _clear(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for child in out.iterdir():
        if child.is_dir() and WEEK_FOLDER.match(child.name):
            shutil.rmtree(child)


def _week(
    folder: Path, sunday: dt.date, week: int, tickets: list[Ticket], clerks: dict[str, tuple[str, str]]
) -> list[Path]:
    """The files the town holds for one reporting week."""
    written = []
    for plan in PLANS:
        if plan.name in STYLES and _reports(plan, sunday):
            written.append(_village_file(folder, plan, sunday, week, tickets, clerks[plan.name]))
    written.append(_community_file(folder, sunday, week, tickets, clerks))
    return written + _office_files(folder, sunday, week, tickets)


def _office_files(folder: Path, sunday: dt.date, week: int, tickets: list[Ticket]) -> list[Path]:
    """应急办's joint-check CSV and its 整改销号台账, in the weeks it sends them (on Friday)."""
    day = sunday - dt.timedelta(days=OFFICE_DAYS_EARLY)
    written = []
    if sunday in OFFICE_WEEKS:
        office = sorted((t for t in tickets if t.source == "office"), key=lambda t: t.found)
        written.append(folder / file_name(OFFICE_STYLE.file_name, day, week))
        write_csv(written[-1], office_sheet(day, office))
    if sunday in CLOSURE_WEEKS:
        numbered = sorted(
            (t for t in tickets if t.hazard_no), key=lambda t: (t.rectified or t.found, t.hazard_no)
        )
        written.append(folder / file_name(CLOSURE_FILE, day, week))
        write_xlsx(written[-1], [closure_sheet(day, numbered)], author="镇应急办", saved=_saved(day))
    return written


def _reports(plan: VillagePlan, sunday: dt.date) -> bool:
    return plan.first_report <= sunday and sunday not in plan.skipped


def _saved(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(17, 30))


def _own(tickets: list[Ticket], village: str) -> list[Ticket]:
    return [t for t in tickets if t.village == village and t.source == "village"]


def _village_file(
    folder: Path,
    plan: VillagePlan,
    sunday: dt.date,
    week: int,
    tickets: list[Ticket],
    clerks: tuple[str, str],
) -> Path:
    style = STYLES[plan.name]
    day = sunday - dt.timedelta(days=plan.days_early)
    reporter = f"{plan.name}村委会"
    sheet_name = plan.name if plan.abbr else "Sheet1"
    sheet = village_sheet(sheet_name, plan.name, reporter, day, style, _own(tickets, plan.name), clerks)
    path = folder / file_name(style.file_name, day, week)
    if style.fmt == "xls":
        write_xls(path, [sheet])
    else:
        write_xlsx(path, [sheet], author=reporter, saved=_saved(day))
    return path


def _community_file(
    folder: Path, sunday: dt.date, week: int, tickets: list[Ticket], clerks: dict[str, tuple[str, str]]
) -> Path:
    """The 社区 send one workbook: a sheet per community, named after it, with no village column."""
    sheets: list[Sheet] = []
    for plan in PLANS:
        if plan.name in STYLES or not _reports(plan, sunday):
            continue
        reporter = plan.name + COMMUNITY_SUFFIX
        own = _own(tickets, plan.name)
        sheets.append(
            village_sheet(plan.name, plan.name, reporter, sunday, COMMUNITY_STYLE, own, clerks[plan.name])
        )
    path = folder / file_name(COMMUNITY_STYLE.file_name, sunday, week)
    write_xlsx(path, sheets, author="社区综合服务中心", saved=_saved(sunday))
    return path
