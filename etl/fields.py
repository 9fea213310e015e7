"""Read every field of a sheet's ledger rows into arrays, each distinct cell parsed once, with each row's problems.

Only what a hazard cannot do without (its village, its found date) is a row's problem that sets it aside;
an unreadable cell of any other field leaves that field unknown and is listed as an issue (Fields.issues).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from etl.columns import NAT, Column, empty_dates, nones
from etl.dates import CampaignYears, DateResult, parse_date
from etl.deadlines import DeadlineSpec, deadline_on, parse_deadline
from etl.state import StateCells, derive_state
from etl.text import clean_text, squeeze
from etl.values import (
    DEFAULT_WORDS,
    Coded,
    ListMatcher,
    mentions_done_on_the_spot,
    parse_closed_or_status,
    parse_funds,
    parse_severity,
    parse_status,
    parse_supervised,
    town_words,
)
from etl.villages import VillageMatcher
from etl.vocabulary import CATEGORY_SYNONYMS, SECTOR_SYNONYMS, SUPERVISED_IN_NOTE, Words
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
DONE_PATTERN = "|".join(map(re.escape, DEFAULT_WORDS.done_on_the_spot))
MISSING_VILLAGE = REASON_MISSING.format(field=label("village"))


class TownReaders:
    """What reading a town's cells depends on in its configuration, built once per configuration: the words,
    the campaign's years, the village, sector and category matchers; and each parser's results by cell text,
    since the same words and dates recur in every sheet of every week's ledgers."""

    MEMO_LIMIT = 50_000  # results kept per parser; past it the memo starts afresh

    def __init__(self, config: TownConfig) -> None:
        self.words = town_words(config)
        self.years = CampaignYears(config.campaign, config.vocabulary.date_margin_years)
        self.villages = VillageMatcher(config.villages, config.town)
        self.sectors = ListMatcher(config.sectors, synonyms=SECTOR_SYNONYMS)
        self.categories = ListMatcher(config.hazard_categories, synonyms=CATEGORY_SYNONYMS)
        self._memos: dict[object, dict[str, object]] = {}

    def memoised(self, key: object, parse: Callable[[object], object]) -> Callable[[object], object]:
        """parse(), remembered by text under key (which names the parser and whatever else it depends on);
        other values are parsed each time. The results are never changed by their users."""
        memo = self._memos.setdefault(key, {})

        def cached(value: object) -> object:
            if type(value) is not str:
                return parse(value)
            found = memo.get(value, _MISSING)
            if found is _MISSING:
                if len(memo) >= self.MEMO_LIMIT:
                    memo.clear()
                found = memo[value] = parse(value)
            return found

        return cached


_MISSING = object()
_TOWNS: dict[int, tuple[TownConfig, TownReaders]] = {}  # id → (configuration kept alive, its readers)


def town_readers(config: TownConfig) -> TownReaders:
    """The readers of a configuration (configurations are frozen: one is known by its identity)."""
    built = _TOWNS.get(id(config))
    if built is None or built[0] is not config:
        if len(_TOWNS) >= 16:  # configurations made afresh per call (tests): keep this bounded
            _TOWNS.clear()
        built = _TOWNS[id(config)] = (config, TownReaders(config))
    return built[1]


@dataclass
class SheetContext:
    """What reading a sheet's cells depends on besides the cells."""

    config: TownConfig
    report_date: dt.date
    kind: str
    sheet_village: str | None = None
    funds_scale: float = 1.0
    closes_by_date: bool = False
    major_by_header: bool = False  # the description column is 重大隐患描述: every hazard in it is major
    town: TownReaders = field(init=False)
    words: Words = field(init=False)
    years: CampaignYears = field(init=False)
    villages: VillageMatcher = field(init=False)
    sectors: ListMatcher = field(init=False)
    categories: ListMatcher = field(init=False)

    def __post_init__(self) -> None:
        self.town = town_readers(self.config)
        self.words, self.years, self.villages = self.town.words, self.town.years, self.town.villages
        self.sectors, self.categories = self.town.sectors, self.town.categories


@dataclass
class Fields:
    """The canonical columns of the rows (arrays), each row's problems, and a village guess for rejects."""

    values: dict[str, np.ndarray]
    problems: list[np.ndarray]
    village_guess: np.ndarray
    kind: str
    looks_like_data: np.ndarray  # the row's own cells name a configured village or a real found date
    # (row index, field, cell as written, problem): a cell the hazard loads without (that field unknown).
    issues: list[tuple[int, str, str, str]] = field(default_factory=list)
    # field → word → rows: words of a status column that are not in the vocabulary.
    unknown_words: dict[str, dict[str, int]] = field(default_factory=dict)


def unknown_words_of(issues: Iterable[tuple[str | None, str]]) -> dict[str, dict[str, int]]:
    """field → word → rows, from (field, cell as written) of unreadable cells, for the status fields."""
    words: dict[str, dict[str, int]] = {}
    for name, text in issues:
        if name in STATUS_FIELDS:
            counts = words.setdefault(name, {})
            counts[text] = counts.get(text, 0) + 1
    return words


# Per row: None, or (problem, cell as written) of a cell that could not be read.
Issue = tuple[str, str]
STATUS_SOURCES = ("hazard_state", "review_result", "status")  # the later step of the work first
STATUS_FIELDS = (*STATUS_SOURCES, "closed_flag")


class Issues:
    """The cells of non-essential fields that could not be read, gathered field by field."""

    def __init__(self) -> None:
        self.by_field: list[tuple[str, np.ndarray]] = []

    def add(self, name: str, issues: np.ndarray) -> None:
        self.by_field.append((name, issues))

    def as_problems(self, names: tuple[str, ...]) -> list[np.ndarray]:
        """The issues of these fields as row problems ('<label><problem>：<text>'), to set the rows aside."""
        return [
            np.array([None if i is None else cell_problem(_label(name), *i) for i in issues], dtype=object)
            for name, issues in self.by_field
            if name in names
        ]

    def rows(self) -> list[tuple[int, str, str, str]]:
        found = [
            (int(row), name, issues[row][1], issues[row][0])
            for name, issues in self.by_field
            for row in np.flatnonzero(np.not_equal(issues, None))
        ]
        return sorted(found, key=lambda issue: issue[0])


def read_fields(columns: dict[str, Column], size: int, ctx: SheetContext) -> Fields:
    """Parse each field's column (absent fields are empty) and derive each row's state."""
    issues = Issues()
    values: dict[str, np.ndarray] = {name: _text(columns.get(name), size) for name in TEXT_FIELDS}
    village, village_problem, guess, named = _villages(columns.get("village"), size, ctx)
    if ctx.kind == "rectification":
        village_problem = _pointed_by_number(village_problem, values["hazard_no"])
    found, found_problem = _found_dates(columns.get("found_date"), size, ctx)
    deadline, deadline_done, deadline_issue = _deadlines(columns.get("deadline"), found, size, ctx)
    issues.add("deadline", deadline_issue)
    values.update(
        village=village,
        found_date=found.astype(object),
        deadline=deadline,
        deadline_raw=_text(columns.get("deadline"), size),
    )
    _coded(values, columns, size, ctx, issues)
    _state(values, columns, found, deadline_done, size, ctx, issues)
    problems = [village_problem, found_problem]
    if ctx.kind == "rectification":  # a 整改 row is its state: an unreadable one leaves nothing to apply
        problems += issues.as_problems((*STATUS_FIELDS, "rectified_date"))
    rows = issues.rows()
    return Fields(
        values,
        problems,
        guess,
        ctx.kind,
        named | ~np.isnat(found),
        rows,
        unknown_words_of((name, text) for _, name, text, _ in rows),
    )


def _label(name: str) -> str:
    return CLOSED_FLAG_LABEL if name == "closed_flag" else label(name)


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


def _issue(result: object) -> Issue | None:
    return (result.problem, result.text) if result.problem else None


def _coded_column(
    column: Column, parse: Callable[[object], Coded], ctx: SheetContext, key: object
) -> tuple[np.ndarray, ...]:
    """(code, issue, cell filled) of each row, parsing each distinct cell once (remembered under key)."""
    table = column.parsed(ctx.town.memoised(key, parse))
    return (
        column.spread([r.code for r in table]),
        column.spread([_issue(r) for r in table]),
        column.spread([r.code is not None or r.problem is not None for r in table], bool),
    )


def _date_column(column: Column, ctx: SheetContext, name: str) -> tuple[np.ndarray, ...]:
    """(datetime64 with NaT, problem, cell filled, issue) of each row."""
    table = column.parsed(ctx.town.memoised("date", partial(_date_cell, years=ctx.years)))
    return (
        column.spread([stamp for _, stamp in table], "datetime64[D]"),
        column.spread([_reason(label(name), r) for r, _ in table]),
        column.spread([r.value is not None or r.problem is not None for r, _ in table], bool),
        column.spread([_issue(r) for r, _ in table]),
    )


def _date_cell(value: object, years: CampaignYears) -> tuple[DateResult, np.datetime64]:
    """A cell read as a date, and that date as datetime64 (NaT for none)."""
    result = parse_date(value, years)
    return result, NAT if result.value is None else np.datetime64(result.value, "D")


def _villages(column: Column | None, size: int, ctx: SheetContext) -> tuple[np.ndarray, ...]:
    """(configured village or None, problem, best guess for a rejected row, named by the row's own cell)."""
    fallback = ctx.sheet_village
    missing = None if fallback else MISSING_VILLAGE
    if column is None:
        return (
            *(np.full(size, value, dtype=object) for value in (fallback, missing, fallback)),
            np.zeros(size, bool),
        )

    match = ctx.town.memoised("village", ctx.villages.match)

    def resolve(value: object) -> tuple[str | None, str | None, str | None, bool]:
        text = clean_text(value)
        if not text:
            return fallback, missing, fallback, False
        village = match(text)
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
    stamps, reasons, _, _ = _date_column(column, ctx, "found_date")
    reasons[np.isnat(stamps) & np.equal(reasons, None)] = missing
    late = stamps > np.datetime64(ctx.report_date, "D")
    for row in np.flatnonzero(late):
        day = stamps[row].astype(object).isoformat()
        reasons[row] = REASON_LATER_THAN.format(field=name, other=label("report_date"), text=day)
    return stamps, reasons


def _coded(
    values: dict[str, np.ndarray], columns: dict[str, Column], size: int, ctx: SheetContext, issues: Issues
) -> None:
    """Severity, 挂牌督办, sector and category (configured entry + raw text), funds."""
    values["severity"] = np.full(size, "major" if ctx.major_by_header else "general", dtype=object)
    if (severity := columns.get("severity")) is not None:
        codes, issue, _ = _coded_column(severity, partial(parse_severity, words=ctx.words), ctx, "severity")
        # The store needs a severity: an unreadable one stays general (or major under 重大隐患描述), listed.
        values["severity"] = np.where(np.equal(codes, None), values["severity"], codes)
        issues.add("severity", issue)
    supervised = columns.get("county_supervised")
    if supervised is not None:
        values["county_supervised"] = supervised.map(ctx.town.memoised("supervised", parse_supervised), bool)
    elif (note := columns.get("note")) is not None:  # no 挂牌督办 column: 备注 often says 县政府挂牌督办
        values["county_supervised"] = note.map(
            ctx.town.memoised("supervised_note", _supervised_in_note), bool
        )
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
            np.full(size, matcher.other, dtype=object)
            if source is None
            else source.map(ctx.town.memoised(name, matcher.match))
        )
    values["funds"] = nones(size)
    if (funds := columns.get("funds")) is not None:
        parse = partial(parse_funds, scale=ctx.funds_scale)
        values["funds"], issue, _ = _coded_column(funds, parse, ctx, ("funds", ctx.funds_scale))
        issues.add("funds", issue)


def _supervised_in_note(text: object) -> bool:
    return SUPERVISED_IN_NOTE in squeeze(text)


def _deadlines(
    column: Column | None, found: np.ndarray, size: int, ctx: SheetContext
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(deadline dates as objects, 立查立改 written as the deadline, problems)."""
    if column is None:
        return nones(size), np.zeros(size, bool), nones(size)
    parse = partial(parse_deadline, years=ctx.years, key_periods=ctx.config.campaign.key_periods)
    specs = column.parsed(ctx.town.memoised("deadline", parse))
    deadline = column.spread([s.date if s.kind == "date" else None for s in specs])
    relative = column.spread([s.kind not in ("date", "none") for s in specs], bool)
    found_days = found.astype(object)
    cache: dict[tuple[DeadlineSpec, dt.date | None], dt.date | None] = {}
    for row in np.flatnonzero(relative):
        key = (specs[column.codes[row]], found_days[row])
        if key not in cache:
            cache[key] = deadline_on(*key)
        deadline[row] = cache[key]
    # An unreadable deadline stays NULL (so the hazard cannot be counted overdue) and is listed as an issue.
    issues = column.spread([(s.problem, s.text) if s.problem else None for s in specs])
    return deadline, column.spread([s.kind == "done" for s in specs], bool), issues


def done_pattern(words: Words) -> str:
    """The Arrow pre-filter for mentions_done_on_the_spot with these words."""
    return "|".join(map(re.escape, words.done_on_the_spot))


def _state(
    values: dict[str, np.ndarray],
    columns: dict[str, Column],
    found: np.ndarray,
    deadline_done: np.ndarray,
    size: int,
    ctx: SheetContext,
    issues: Issues,
) -> None:
    """Status, rectified date and 销号 state of each row, from every column that says something of it."""
    # A cell read says something of the state; an unreadable one leaves it unknown (and is listed).
    status = _status(columns, size, ctx, issues)
    flag, flag_status = _closed_flag(columns.get("closed_flag"), size, ctx, issues)
    status = np.where(np.equal(status, None), flag_status, status)  # 销号情况 holding 已整改, 整改中 …
    rectified = _checked_dates("rectified_date", columns, found, size, ctx, issues)
    closed_on = _checked_dates("closed_date", columns, found, size, ctx, issues)
    measures = columns.get("measures")
    done = deadline_done | (status == "done")
    if measures is not None:
        words = ctx.words
        test = ctx.town.memoised("done", partial(mentions_done_on_the_spot, words=words))
        done |= measures.matching(done_pattern(words), test)
    cells = StateCells(
        found=found,
        status=status,
        status_present=np.not_equal(status, None),
        rectified=rectified,
        rectified_present=~np.isnat(rectified),
        closed_flag=flag,
        closed_flag_present=np.not_equal(flag, None),
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


def _status(columns: dict[str, Column], size: int, ctx: SheetContext, issues: Issues) -> np.ndarray:
    """Status codes: 隐患状态 over 复查结果 over 整改情况 (the later step of the work first)."""
    status = nones(size)
    parse = partial(parse_status, words=ctx.words)
    for name in STATUS_SOURCES:
        column = columns.get(name)
        if column is None:
            continue
        codes, issue, _ = _coded_column(column, parse, ctx, "status")
        status = np.where(np.equal(status, None), codes, status)
        issues.add(name, issue)
    return status


def _closed_flag(
    column: Column | None, size: int, ctx: SheetContext, issues: Issues
) -> tuple[np.ndarray, np.ndarray]:
    """(是否销号 True/False/None, a status word written there instead)."""
    if column is None:
        return nones(size), nones(size)
    codes, issue, filled = _coded_column(
        column, partial(parse_closed_or_status, words=ctx.words), ctx, "closed"
    )
    issues.add("closed_flag", issue)
    is_flag = np.array([isinstance(code, bool) for code in codes], dtype=bool)
    flag = np.where(is_flag, codes, None)
    return flag, np.where(is_flag, None, codes)


def _checked_dates(
    name: str, columns: dict[str, Column], found: np.ndarray, size: int, ctx: SheetContext, issues: Issues
) -> np.ndarray:
    """The dates of a rectified or review date column; an unreadable date, or one before the found date,
    is left unknown (NaT) and listed."""
    column = columns.get(name)
    if column is None:
        return empty_dates(size)
    dates, _, _, issue = _date_column(column, ctx, name)
    early = dates < found  # NaT compares False; a found date's own problem sets the row aside anyway
    if early.any():
        texts = column.texts()
        problem = REASON_EARLIER_THAN.format(field="", other=label("found_date"))
        for row in np.flatnonzero(early):
            issue[row] = (problem, texts[row] or dates[row].astype(object).isoformat())
        dates = np.where(early, NAT, dates)
    issues.add(name, issue)
    return dates
