"""Read every field of a sheet's ledger rows into arrays, each distinct cell parsed once, with each row's problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from etl.columns import NAT, Column, empty_dates, nones
from etl.dates import CampaignYears, parse_date
from etl.deadlines import DeadlineSpec, deadline_on, parse_deadline
from etl.state import StateCells, derive_state
from etl.text import clean_text, squeeze
from etl.values import (
    Coded,
    ListMatcher,
    mentions_done_on_the_spot,
    parse_closed_flag,
    parse_funds,
    parse_severity,
    parse_status,
    parse_supervised,
)
from etl.villages import VillageMatcher
from etl.vocabulary import CATEGORY_SYNONYMS, DONE_ON_THE_SPOT, SECTOR_SYNONYMS, SUPERVISED_IN_NOTE
from firedash.config import TownConfig
from firedash.glossary import (
    CELL_PROBLEM,
    CLOSED_FLAG_LABEL,
    REASON_EARLIER_THAN,
    REASON_LATER_THAN,
    REASON_MISSING,
    REASON_NOT_LISTED,
    label,
)

TEXT_FIELDS = (
    "hazard_no", "unit", "address", "description", "measures", "office", "responsible", "phone", "method",
    "note", "reviewer",
)  # fmt: skip
DONE_PATTERN = "|".join(DONE_ON_THE_SPOT)
MISSING_VILLAGE = REASON_MISSING.format(field=label("village"))


@dataclass
class SheetContext:
    """What reading a sheet's cells depends on besides the cells."""

    config: TownConfig
    report_date: dt.date
    kind: str
    sheet_village: str | None = None
    funds_scale: float = 1.0
    closes_by_date: bool = False
    years: CampaignYears = field(init=False)
    villages: VillageMatcher = field(init=False)
    sectors: ListMatcher = field(init=False)
    categories: ListMatcher = field(init=False)

    def __post_init__(self) -> None:
        self.years = CampaignYears(self.config.campaign)
        self.villages = VillageMatcher(self.config.villages, self.config.town)
        self.sectors = ListMatcher(self.config.sectors, synonyms=SECTOR_SYNONYMS)
        self.categories = ListMatcher(self.config.hazard_categories, synonyms=CATEGORY_SYNONYMS)


@dataclass
class Fields:
    """The canonical columns of the rows (arrays), each row's problems, and a village guess for rejects."""

    values: dict[str, np.ndarray]
    problems: list[np.ndarray]
    village_guess: np.ndarray
    kind: str
    looks_like_data: np.ndarray  # the row's own cells name a configured village or a real found date
    issues: list[tuple[int, str, str, str]] = field(
        default_factory=list
    )  # (row index, field, cell text, problem)
    unknown_words: dict[str, dict[str, int]] = field(default_factory=dict)  # field → word → rows


def read_fields(columns: dict[str, Column], size: int, ctx: SheetContext) -> Fields:
    """Parse each field's column (absent fields are empty) and derive each row's state."""
    values: dict[str, np.ndarray] = {name: _text(columns.get(name), size) for name in TEXT_FIELDS}
    village, village_problem, guess, named = _villages(columns.get("village"), size, ctx)
    if ctx.kind == "rectification":
        village_problem = _pointed_by_number(village_problem, values["hazard_no"])
    found, found_problem = _found_dates(columns.get("found_date"), size, ctx)
    deadline, deadline_done, deadline_problem = _deadlines(columns.get("deadline"), found, size, ctx)
    values.update(
        village=village,
        found_date=found.astype(object),
        deadline=deadline,
        deadline_raw=_text(columns.get("deadline"), size),
    )
    problems = [village_problem, found_problem, *_coded(values, columns, size, ctx), deadline_problem]
    problems += _state(values, columns, found, deadline_done, size, ctx)
    return Fields(values, problems, guess, ctx.kind, named | ~np.isnat(found))


def _pointed_by_number(village_problem: np.ndarray, hazard_no: np.ndarray) -> np.ndarray:
    """A 整改 row may leave the village out when its 隐患编号 points at the ticket."""
    numbered = (village_problem == MISSING_VILLAGE) & np.not_equal(hazard_no, None)
    return np.where(numbered, None, village_problem)


def _text(column: Column | None, size: int) -> np.ndarray:
    return nones(size) if column is None else column.texts()


def _reason(name: str, result: object) -> str | None:
    """'<label><problem>：<text as written>' for a parsed cell with a problem, else None."""
    return cell_problem(name, result.problem, result.text) if result.problem else None


def cell_problem(field: str, problem: str, text: str) -> str:
    """'<label><problem>：<text as written>': 排查日期无法识别：上周三."""
    return CELL_PROBLEM.format(field=field, problem=problem, text=text)


def _coded_column(column: Column, parse: Callable[[object], Coded], name: str) -> tuple[np.ndarray, ...]:
    """(code, problem, cell filled) of each row, parsing each distinct cell once."""
    table = column.parsed(parse)
    return (
        column.spread([r.code for r in table]),
        column.spread([_reason(name, r) for r in table]),
        column.spread([r.code is not None or r.problem is not None for r in table], bool),
    )


def _date_column(column: Column, ctx: SheetContext, name: str) -> tuple[np.ndarray, ...]:
    """(datetime64 with NaT, problem, cell filled) of each row."""
    table = column.parsed(lambda v: parse_date(v, ctx.years))
    stamps = [NAT if r.value is None else np.datetime64(r.value, "D") for r in table]
    return (
        column.spread(stamps, "datetime64[D]"),
        column.spread([_reason(label(name), r) for r in table]),
        column.spread([r.value is not None or r.problem is not None for r in table], bool),
    )


def _villages(column: Column | None, size: int, ctx: SheetContext) -> tuple[np.ndarray, ...]:
    """(configured village or None, problem, best guess for a rejected row, named by the row's own cell)."""
    fallback = ctx.sheet_village
    missing = None if fallback else MISSING_VILLAGE
    if column is None:
        return (
            *(np.full(size, value, dtype=object) for value in (fallback, missing, fallback)),
            np.zeros(size, bool),
        )

    def resolve(value: object) -> tuple[str | None, str | None, str | None, bool]:
        text = clean_text(value)
        if not text:
            return fallback, missing, fallback, False
        village = ctx.villages.match(text)
        if village:
            return village, None, village, True
        return None, REASON_NOT_LISTED.format(field=label("village"), text=text), text, False

    table = column.parsed(resolve)
    return (
        *(column.spread([entry[i] for entry in table]) for i in range(3)),
        column.spread([e[3] for e in table], bool),
    )


def _found_dates(column: Column | None, size: int, ctx: SheetContext) -> tuple[np.ndarray, np.ndarray]:
    """Found dates (datetime64) and problems: unreadable, impossible, missing, later than the report date."""
    name = label("found_date")
    missing = None if ctx.kind == "rectification" else REASON_MISSING.format(field=name)
    if column is None:
        return empty_dates(size), np.full(size, missing, dtype=object)
    stamps, reasons, _ = _date_column(column, ctx, "found_date")
    reasons[np.isnat(stamps) & np.equal(reasons, None)] = missing
    late = stamps > np.datetime64(ctx.report_date, "D")
    for row in np.flatnonzero(late):
        day = stamps[row].astype(object).isoformat()
        reasons[row] = REASON_LATER_THAN.format(field=name, other=label("report_date"), text=day)
    return stamps, reasons


def _coded(values: dict[str, np.ndarray], columns: dict[str, Column], size: int, ctx: SheetContext) -> list:
    """Severity, 挂牌督办, sector and category (configured entry + raw text), funds."""
    problems = []
    values["severity"] = np.full(size, "general", dtype=object)
    if (severity := columns.get("severity")) is not None:
        values["severity"], problem, _ = _coded_column(severity, parse_severity, label("severity"))
        problems.append(problem)
    supervised = columns.get("county_supervised")
    if supervised is not None:
        values["county_supervised"] = supervised.map(parse_supervised, bool)
    elif (note := columns.get("note")) is not None:  # no 挂牌督办 column: 备注 often says 县政府挂牌督办
        values["county_supervised"] = note.map(lambda text: SUPERVISED_IN_NOTE in squeeze(text), bool)
    else:
        values["county_supervised"] = np.zeros(size, bool)
    # Without a 场所类型 / 隐患类别 column, the unit's name and the description say it often enough
    # (柳湾幼儿园 → 教育培训机构, 私拉乱接电线 → 电气线路); *_raw stays empty to show it was inferred.
    for name, matcher, fallback in (
        ("sector", ctx.sectors, "unit"),
        ("category", ctx.categories, "description"),
    ):
        column = columns.get(name)
        values[f"{name}_raw"] = _text(column, size)
        source = column if column is not None else columns.get(fallback)
        values[name] = (
            np.full(size, matcher.other, dtype=object) if source is None else source.map(matcher.match)
        )
    values["funds"] = nones(size)
    if (funds := columns.get("funds")) is not None:
        parse = partial(parse_funds, scale=ctx.funds_scale)
        values["funds"], problem, _ = _coded_column(funds, parse, label("funds"))
        problems.append(problem)
    return problems


def _deadlines(
    column: Column | None, found: np.ndarray, size: int, ctx: SheetContext
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(deadline dates as objects, 立查立改 written as the deadline, problems)."""
    if column is None:
        return nones(size), np.zeros(size, bool), nones(size)
    specs = column.parsed(lambda v: parse_deadline(v, ctx.years, ctx.config.campaign.key_periods))
    deadline = column.spread([s.date if s.kind == "date" else None for s in specs])
    relative = column.spread([s.kind not in ("date", "none") for s in specs], bool)
    found_days = found.astype(object)
    cache: dict[tuple[DeadlineSpec, dt.date | None], dt.date | None] = {}
    for row in np.flatnonzero(relative):
        key = (specs[column.codes[row]], found_days[row])
        if key not in cache:
            cache[key] = deadline_on(*key)
        deadline[row] = cache[key]
    name = label("deadline")
    problems = column.spread([cell_problem(name, s.problem, s.text) if s.problem else None for s in specs])
    return deadline, column.spread([s.kind == "done" for s in specs], bool), problems


def _state(
    values: dict[str, np.ndarray],
    columns: dict[str, Column],
    found: np.ndarray,
    deadline_done: np.ndarray,
    size: int,
    ctx: SheetContext,
) -> list[np.ndarray]:
    """Status, rectified date and 销号 state of each row; returns the rows' problems with them."""
    status, status_problem, status_present = _coded_or_empty(
        columns.get("status"), parse_status, "status", size
    )
    flag, flag_problem, flag_present = _coded_or_empty(
        columns.get("closed_flag"), parse_closed_flag, CLOSED_FLAG_LABEL, size
    )
    rectified, rectified_problem, rectified_present = _dates_or_empty(
        columns.get("rectified_date"), size, ctx, "rectified_date"
    )
    closed_on, closed_problem, _ = _dates_or_empty(columns.get("closed_date"), size, ctx, "closed_date")
    measures = columns.get("measures")
    done = deadline_done | (status == "done")
    if measures is not None:
        done |= measures.matching(DONE_PATTERN, mentions_done_on_the_spot)
    cells = StateCells(
        found=found,
        status=status,
        status_present=status_present,
        rectified=rectified,
        rectified_present=rectified_present,
        closed_flag=flag,
        closed_flag_present=flag_present,
        closed_on=closed_on,
        done=done,
        closes_by_date=ctx.closes_by_date,
    )
    state = derive_state(cells, ctx.report_date)
    values.update(
        has_status=state.has_status,
        status=state.status,
        rectified_date=state.rectified_date.astype(object),
        rectified_date_explicit=state.rectified_date_explicit,
        closed=state.closed,
        closed_date=state.closed_date.astype(object),
    )
    problems = [rectified_problem, closed_problem, status_problem, flag_problem]
    problems.append(_before_found(rectified, found, "rectified_date"))
    problems.append(_before_found(closed_on, found, "closed_date"))
    return problems


def _dates_or_empty(column: Column | None, size: int, ctx: SheetContext, name: str) -> tuple[np.ndarray, ...]:
    if column is None:
        return empty_dates(size), nones(size), np.zeros(size, bool)
    return _date_column(column, ctx, name)


def _coded_or_empty(
    column: Column | None, parse: Callable[[object], Coded], name: str, size: int
) -> tuple[np.ndarray, ...]:
    if column is None:
        return nones(size), nones(size), np.zeros(size, bool)
    return _coded_column(column, parse, label(name))


def _before_found(dates: np.ndarray, found: np.ndarray, name: str) -> np.ndarray:
    early = dates < found  # NaT compares False
    reason = REASON_EARLIER_THAN.format(field=label(name), other=label("found_date"))
    return np.where(early, reason, None).astype(object)
