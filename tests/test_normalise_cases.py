"""Case tables for every value form a ledger uses: dates, deadlines, statuses, 销号, villages, codes.

All cases are rows of ONE real .xlsx written once per module; each row carries its case key in 隐患编号,
so every case is looked up in the normalised frame (or among the rejected rows) by that key.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from etl.dates import CampaignYears
from etl.load import load_files
from etl.normalise import SheetResult, normalise_sheet
from etl.readers import read_ledger
from firedash.config import TownConfig
from tests.ledger_files import write_xlsx
from tests.ledgers import write_xlsx as write_ledger

D = dt.date
REPORT = D(2024, 1, 7)
HEADER = (
    "隐患编号", "排查日期", "村（社区）", "单位名称", "场所类型", "隐患类别", "隐患描述", "隐患等级", "是否挂牌督办",
    "整改措施", "整改期限", "整改情况", "整改完成时间", "是否销号", "复查时间", "整改资金（元）",
)  # fmt: skip
DEFAULTS = {
    "排查日期": "2023-12-06",
    "村（社区）": "东河村",
    "单位名称": "东河饭店",
    "隐患描述": "灭火器过期",
}
CASE_ROWS: list[dict[str, object]] = []


def case(key: str, **cells: object) -> str:
    """Register one ledger row (cells by header) under a key; returns the key."""
    CASE_ROWS.append({**DEFAULTS, "隐患编号": key, **cells})
    return key


def table(prefix: str, column: str, cases: list[tuple[object, object]], **extra: object) -> list:
    """pytest params (key, expected): one ledger row per case, `column` set to the case's cell."""
    return [
        pytest.param(case(f"{prefix}-{i}", **{column: cell}, **extra), expected, id=f"{prefix}-{cell!r}")
        for i, (cell, expected) in enumerate(cases)
    ]


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory, config: TownConfig) -> SheetResult:
    rows = [list(HEADER)] + [[row.get(h) for h in HEADER] for row in CASE_ROWS]
    path = write_xlsx(tmp_path_factory.mktemp("cases") / "cases.xlsx", {"Sheet1": (rows, [])})
    (sheet,) = read_ledger(path)
    return normalise_sheet(sheet, config=config, report_date=REPORT, file_name=path.name)


def accepted(result: SheetResult, key: str) -> dict[str, object]:
    rows = result.frame[result.frame["hazard_no"] == key]
    assert len(rows) == 1, [r.reason for r in result.rejected if r.raw.get("隐患编号") == key]
    return rows.iloc[0].to_dict()


def reason(result: SheetResult, key: str) -> str:
    (rejected,) = [r for r in result.rejected if r.raw["隐患编号"] == key]
    return rejected.reason


def issues_of(result: SheetResult, key: str) -> list[tuple[str | None, str, str, str]]:
    """The cells of an accepted row listed as data issues: (field, header as written, value, problem)."""
    number = accepted(result, key)["row_number"]
    return [(i.field, i.column, i.value, i.problem) for i in result.issues if i.row_number == number]


FOUND_DATES = table("found", "排查日期", [
    (D(2023, 12, 6), D(2023, 12, 6)),
    (dt.datetime(2023, 12, 6, 9, 30), D(2023, 12, 6)),
    (45266, D(2023, 12, 6)),
    (45266.0, D(2023, 12, 6)),
    ("45266", D(2023, 12, 6)),
    ("2023.12.6", D(2023, 12, 6)),
    ("2023/12/6", D(2023, 12, 6)),
    ("2023-12-06", D(2023, 12, 6)),
    ("2023-12-06 00:00:00", D(2023, 12, 6)),
    ("2023-12-06T08:30:00Z", D(2023, 12, 6)),  # an ISO date cell (t="d") as some writers store it
    ("2023年12月6日", D(2023, 12, 6)),
    (" 2023 年 12 月 6 日 ", D(2023, 12, 6)),
    ("２０２３年１２月６日", D(2023, 12, 6)),
    ("2023年12月6日（星期三）", D(2023, 12, 6)),
    ("20231206", D(2023, 12, 6)),
    ("12月6日", D(2023, 12, 6)),
    ("12.6", D(2023, 12, 6)),
    (12.6, D(2023, 12, 6)),
    ("1月5日", D(2024, 1, 5)),
    ("1.5", D(2024, 1, 5)),
    ("11-20", D(2023, 11, 20)),
    # Two-digit years are this century; a month without a year takes the campaign's (2023-11 … 2024-03).
    ("23.12.6", D(2023, 12, 6)),
    ("23/12/6", D(2023, 12, 6)),
    ("23-12-06", D(2023, 12, 6)),
    ("2023.12.06", D(2023, 12, 6)),
    ("11月1日", D(2023, 11, 1)),
    ("10月31日", D(2023, 10, 31)),  # before the campaign: the nearest year
    ("12月31日", D(2023, 12, 31)),
    ("1月1日", D(2024, 1, 1)),
    ("1月7日", D(2024, 1, 7)),  # the report date itself
    # The first day of the window: the campaign's years (2023-2024) with date_margin_years = 1 either side.
    (44562, D(2022, 1, 1)),
    ("44562", D(2022, 1, 1)),
    ("2022-01-01", D(2022, 1, 1)),
    ("2022.1.1", D(2022, 1, 1)),
])  # fmt: skip


@pytest.mark.parametrize("key, expected", FOUND_DATES)
def test_found_date_forms(result: SheetResult, key: str, expected: dt.date) -> None:
    assert accepted(result, key)["found_date"] == expected


BAD_FOUND_DATES = table("badfound", "排查日期", [
    ("2023-02-30", "排查日期不存在：2023-02-30"),
    ("2023.13.1", "排查日期不存在：2023.13.1"),
    ("上周三", "排查日期无法识别：上周三"),
    (None, "缺少排查日期"),
    ("2024-01-09", "排查日期晚于填报日期：2024-01-09"),
    ("1月9日", "排查日期晚于填报日期：2024-01-09"),
    ("1月8日", "排查日期晚于填报日期：2024-01-08"),  # a day after the report date
    ("2月29日", "排查日期晚于填报日期：2024-02-29"),  # 2024: a leap year (2023-02-29 does not exist)
    ("3月31日", "排查日期晚于填报日期：2024-03-31"),
    (79999, "排查日期不在合理范围内：79999"),  # a serial, but 2119: outside the campaign's window
    (20000, "排查日期不在合理范围内：20000"),
    (44561, "排查日期不在合理范围内：44561"),  # 2021-12-31: the day before the window
    ("2021-12-31", "排查日期不在合理范围内：2021-12-31"),
    ("1776-07-04", "排查日期不在合理范围内：1776-07-04"),
    (19999, "排查日期无法识别：19999"),
    (80000, "排查日期无法识别：80000"),
    ("80000", "排查日期无法识别：80000"),
    ("1899-12-30", "排查日期不在合理范围内：1899-12-30"),  # Excel's day 0: an empty date cell
    ("9999-12-31", "排查日期不在合理范围内：9999-12-31"),
    ("1954-10-02", "排查日期不在合理范围内：1954-10-02"),
])  # fmt: skip


@pytest.mark.parametrize("key, expected", BAD_FOUND_DATES)
def test_found_date_problems_reject_the_row(result: SheetResult, key: str, expected: str) -> None:
    assert reason(result, key) == expected


@pytest.mark.parametrize(
    "month, year", [(11, 2023), (12, 2023), (1, 2024), (3, 2024), (8, 2023), (6, 2024), (10, 2023)]
)
def test_a_month_without_a_year_takes_the_campaigns_year(config: TownConfig, month: int, year: int) -> None:
    assert CampaignYears(config.campaign).year_for(month) == year


DEADLINES = table("deadline", "整改期限", [
    ("2024年1月15日前", D(2024, 1, 15)),
    ("1月15日前", D(2024, 1, 15)),
    ("2024.1.15前", D(2024, 1, 15)),
    (D(2024, 1, 15), D(2024, 1, 15)),
    ("立即整改", D(2023, 12, 6)),
    ("立行立改", D(2023, 12, 6)),
    ("12月底前", D(2023, 12, 31)),
    ("1月底", D(2024, 1, 31)),
    ("2月底前", D(2024, 2, 29)),
    ("11月底前", D(2023, 11, 30)),
    ("3月底前", D(2024, 3, 31)),
    ("2023.12.31前", D(2023, 12, 31)),
    ("24.1.15前", D(2024, 1, 15)),
    ("7日内", D(2023, 12, 13)),
    ("7天内", D(2023, 12, 13)),
    ("十五日内", D(2023, 12, 21)),
    ("15个工作日内", D(2023, 12, 27)),
    ("一个月内", D(2024, 1, 6)),
    ("春节前", D(2024, 2, 9)),
    ("长期", None),
    ("长期整改", None),
    ("持续整改", None),
    (None, None),
])  # fmt: skip


@pytest.mark.parametrize("key, expected", DEADLINES)
def test_deadline_forms(result: SheetResult, key: str, expected: dt.date | None) -> None:
    row = accepted(result, key)
    assert row["deadline"] == expected
    assert row["status"] is None  # a deadline alone says nothing about the state


def test_deadline_keeps_its_raw_text(result: SheetResult) -> None:
    assert accepted(result, "deadline-1")["deadline_raw"] == "1月15日前"


BAD_DEADLINES = table("baddeadline", "整改期限", [
    ("下周", ("下周", "无法识别")),
    ("2024-02-30", ("2024-02-30", "不存在")),
    ("2026-01-01", ("2026-01-01", "不在合理范围内")),  # the day after the window
])  # fmt: skip


@pytest.mark.parametrize("key, expected", BAD_DEADLINES)
def test_unreadable_deadlines_load_without_one_and_are_listed(
    result: SheetResult, key: str, expected: tuple[str, str]
) -> None:
    # No deadline means the hazard cannot be counted overdue: the listed issue is what says so.
    assert accepted(result, key)["deadline"] is None
    assert issues_of(result, key) == [("deadline", "整改期限", *expected)]


WINDOW_LAST = case("deadline-window-last", 整改期限="2025-12-31")


def test_the_windows_last_day_is_a_deadline(result: SheetResult) -> None:
    assert accepted(result, WINDOW_LAST)["deadline"] == D(2025, 12, 31)
    assert issues_of(result, WINDOW_LAST) == []


# (status, rectified_date, rectified_date_explicit, closed, closed_date) as of REPORT, found 2023-12-06.
STATUSES = table("status", "整改情况", [
    ("已整改", ("rectified", REPORT, False, False, None)),
    ("整改完成", ("rectified", REPORT, False, False, None)),
    ("已完成", ("rectified", REPORT, False, False, None)),
    ("完成", ("rectified", REPORT, False, False, None)),
    ("是", ("rectified", REPORT, False, False, None)),
    ("已销号", ("rectified", REPORT, False, True, REPORT)),
    ("整改中", ("in_progress", None, False, False, None)),
    ("正在整改", ("in_progress", None, False, False, None)),
    ("部分整改", ("in_progress", None, False, False, None)),
    ("未整改", ("open", None, False, False, None)),
    ("待整改", ("open", None, False, False, None)),
    ("限期整改", ("open", None, False, False, None)),
    ("否", ("open", None, False, False, None)),
    ("未完成", ("open", None, False, False, None)),
    ("立查立改", ("rectified", D(2023, 12, 6), True, False, None)),
    ("当场整改", ("rectified", D(2023, 12, 6), True, False, None)),
    ("已整改（更换线路）", ("rectified", REPORT, False, False, None)),
    ("正在整改（资金未到位）", ("in_progress", None, False, False, None)),
    ("未整改（资金未到位）", ("open", None, False, False, None)),
    ("整改中，预计1月完成", ("in_progress", None, False, False, None)),
    ("部分整改（已完成80%）", ("in_progress", None, False, False, None)),
    ("待整改（已下达通知书）", ("open", None, False, False, None)),
    ("已完成整改（已销号）", ("rectified", REPORT, False, True, REPORT)),
])  # fmt: skip
STATUSES += [
    pytest.param(
        case("state-date", 整改完成时间="2023-12-10"), ("rectified", D(2023, 12, 10), True, False, None)
    ),
    pytest.param(
        case("state-date-wins", 整改情况="未整改", 整改完成时间=D(2023, 12, 10)),
        ("rectified", D(2023, 12, 10), True, False, None),
    ),
    pytest.param(
        case("state-measures", 整改措施="立查立改，已更换插座"),
        ("rectified", D(2023, 12, 6), True, False, None),
    ),
    pytest.param(
        case("state-deadline", 整改期限="当场整改"), ("rectified", D(2023, 12, 6), True, False, None)
    ),
    pytest.param(
        case("close-dates", 整改完成时间="2023-12-10", 是否销号="是", 复查时间="2023-12-12"),
        ("rectified", D(2023, 12, 10), True, True, D(2023, 12, 12)),
    ),
    pytest.param(
        case("close-open", 整改情况="未整改", 是否销号="是"), ("rectified", REPORT, False, True, REPORT)
    ),
    pytest.param(
        case("close-review", 是否销号="√", 复查时间="2023-12-12"),
        ("rectified", D(2023, 12, 12), True, True, D(2023, 12, 12)),
    ),
    pytest.param(case("close-no", 是否销号="否"), ("open", None, False, False, None)),
    pytest.param(case("close-false", 是否销号=False), ("open", None, False, False, None)),
    pytest.param(
        case("close-true", 是否销号=True, 复查时间="2023-12-12"),
        ("rectified", D(2023, 12, 12), True, True, D(2023, 12, 12)),
    ),
    pytest.param(
        case("close-status", 整改情况="已销号", 整改完成时间="2023-12-10"),
        ("rectified", D(2023, 12, 10), True, True, D(2023, 12, 10)),
    ),
]


@pytest.mark.parametrize("key, expected", STATUSES)
def test_status_rectified_and_closed(result: SheetResult, key: str, expected: tuple) -> None:
    row = accepted(result, key)
    state = (
        row["status"],
        row["rectified_date"],
        row["rectified_date_explicit"],
        row["closed"],
        row["closed_date"],
    )
    assert state == expected
    assert row["has_status"] is True


STATELESS = case("stateless")


def test_a_row_without_state_cells_has_no_status(result: SheetResult) -> None:
    row = accepted(result, STATELESS)
    assert (row["has_status"], row["status"], row["rectified_date"], row["closed"]) == (
        False,
        None,
        None,
        False,
    )


# A state cell that cannot be read leaves that part of the state unknown; the hazard loads and the cell is
# listed. (field, header, value, problem), then (has_status, status, rectified_date).
BAD_STATES = [
    pytest.param(
        case("badstate-word", 整改情况="研究中"),
        [("status", "整改情况", "研究中", "无法识别")],
        (False, None, None),
        id="word",
    ),
    pytest.param(
        case("badstate-early", 整改完成时间="2023-12-01"),
        [("rectified_date", "整改完成时间", "2023-12-01", "早于排查日期")],
        (False, None, None),
        id="early",
    ),
    pytest.param(
        case("badstate-early-rectified", 整改情况="已整改", 整改完成时间="2023-12-05"),
        [("rectified_date", "整改完成时间", "2023-12-05", "早于排查日期")],
        (True, "rectified", REPORT),
        id="early-but-rectified",
    ),
    pytest.param(
        case("badstate-date", 整改完成时间="2023-11-31"),
        [("rectified_date", "整改完成时间", "2023-11-31", "不存在")],
        (False, None, None),
        id="date",
    ),
    pytest.param(
        case("badstate-flag", 是否销号="待定"),
        [("closed_flag", "是否销号", "待定", "无法识别")],
        (False, None, None),
        id="flag",
    ),
    pytest.param(
        case("badstate-late", 整改情况="已整改", 整改完成时间="2026-01-01"),
        [("rectified_date", "整改完成时间", "2026-01-01", "不在合理范围内")],
        (True, "rectified", REPORT),
        id="outside-window",
    ),
]


@pytest.mark.parametrize("key, listed, state", BAD_STATES)
def test_unreadable_state_cells_load_unknown_and_are_listed(
    result: SheetResult, key: str, listed: list, state: tuple
) -> None:
    row = accepted(result, key)
    assert (row["has_status"], row["status"], row["rectified_date"]) == state
    assert issues_of(result, key) == listed


def test_an_unreadable_status_word_is_counted_by_word(result: SheetResult) -> None:
    assert result.unknown_words["status"]["研究中"] == 1
    assert result.unknown_words["closed_flag"] == {"待定": 1}


BAD_FOUND_WITH_STATE = case("badstate-two", 排查日期="2023-12-32", 整改情况="研究中")


def test_a_bad_found_date_sets_the_row_aside_for_that_reason_alone(result: SheetResult) -> None:
    assert reason(result, BAD_FOUND_WITH_STATE) == "排查日期不存在：2023-12-32"


VILLAGES = table("village", "村（社区）", [
    ("东河村", "东河村"),
    ("东河村委会", "东河村"),
    ("东河村民委员会", "东河村"),
    ("东河村村委会", "东河村"),
    ("新华社区", "新华社区"),
    ("新华社区居委会", "新华社区"),
    ("新华社区居民委员会", "新华社区"),
    (" 东河村\n", "东河村"),
    ("东　河　村", "东河村"),
    ("大同镇东河村", "东河村"),
    ("东河", "东河村"),
    ("杨家庄", "杨家庄村"),
    ("大同街社区", "大同街社区"),
    ("东河村3组", "东河村"),
    ("新华居委会", "新华社区"),
    ("新华居民委员会", "新华社区"),
    ("新华", "新华社区"),
    ("大同镇新华社区居委会", "新华社区"),
    ("城关社区居民委员会", "城关社区"),
])  # fmt: skip


@pytest.mark.parametrize("key, expected", VILLAGES)
def test_village_forms(result: SheetResult, key: str, expected: str) -> None:
    assert accepted(result, key)["village"] == expected


BAD_VILLAGES = table("badvillage", "村（社区）", [
    ("清水村", "村（社区）不在名单中：清水村"),
    ("东河社区", "村（社区）不在名单中：东河社区"),
    ("东河居委会", "村（社区）不在名单中：东河居委会"),  # a 村, not a 社区
    ("新华村", "村（社区）不在名单中：新华村"),
    (None, "缺少村（社区）"),
])  # fmt: skip


@pytest.mark.parametrize("key, expected", BAD_VILLAGES)
def test_village_problems_reject_the_row(result: SheetResult, key: str, expected: str) -> None:
    assert reason(result, key) == expected


def test_a_rejected_row_names_its_village_guess_and_raw_cells(result: SheetResult) -> None:
    (rejected,) = [r for r in result.rejected if r.raw["隐患编号"] == "badvillage-0"]
    assert rejected.village == "清水村"
    assert rejected.sheet == "Sheet1"
    assert rejected.raw["村（社区）"] == "清水村" and rejected.raw["单位名称"] == "东河饭店"
    assert rejected.raw["整改期限"] == ""
    assert rejected.row_number == 2 + CASE_ROWS.index(
        next(r for r in CASE_ROWS if r["隐患编号"] == "badvillage-0")
    )


SEVERITIES = table("severity", "隐患等级", [
    ("一般", "general"), ("一般隐患", "general"), ("较大", "serious"), ("重大", "major"),
    ("重大火灾隐患", "major"), ("重大隐患", "major"), (None, "general"),
    ("一般事故隐患", "general"), ("较大事故隐患", "serious"), ("重大事故隐患", "major"),
    # A numbered level is not a severity word (scales differ between ledgers): general, and nothing listed.
    (3, "general"), ("3", "general"), ("3级", "general"), ("5级", "general"), ("三级", "general"),
    ("Ⅲ级", "general"), ("1级", "general"), ("一般3级", "general"), ("重大1级", "major"), ("较大2级", "serious"),
])  # fmt: skip
SUPERVISED = table("supervised", "是否挂牌督办", [
    ("是", True), ("√", True), ("挂牌", True), ("县政府挂牌督办", True), ("否", False), (None, False),
    (True, True), (False, False),  # Excel TRUE/FALSE cells
])  # fmt: skip
FUNDS = table("funds", "整改资金（元）", [
    (800, 800.0), ("1,500元", 1500.0), ("0.2万", 2000.0), ("无", None), (None, None),
])  # fmt: skip


@pytest.mark.parametrize("key, expected", SEVERITIES)
def test_severity_codes(result: SheetResult, key: str, expected: str) -> None:
    assert accepted(result, key)["severity"] == expected


@pytest.mark.parametrize("key, expected", SUPERVISED)
def test_county_supervision(result: SheetResult, key: str, expected: bool) -> None:
    assert accepted(result, key)["county_supervised"] is expected


@pytest.mark.parametrize("key, expected", FUNDS)
def test_funds_in_yuan(result: SheetResult, key: str, expected: float | None) -> None:
    assert accepted(result, key)["funds"] == expected


BAD_CODES = [
    pytest.param(
        case("badcode-severity", 隐患等级="紧急"),
        ("severity", "general"),
        ("隐患等级", "紧急"),
        id="severity",
    ),
    pytest.param(
        case("badcode-funds", **{"整改资金（元）": "若干"}),
        ("funds", None),
        ("整改资金（元）", "若干"),
        id="funds",
    ),
]


@pytest.mark.parametrize("key, value, cell", BAD_CODES)
def test_unknown_severity_and_funds_load_and_are_listed(
    result: SheetResult, key: str, value: tuple, cell: tuple
) -> None:
    # The store needs a severity: an unreadable one stays general, and the cell is listed.
    field, expected = value
    assert accepted(result, key)[field] == expected
    assert issues_of(result, key) == [(field, *cell, "无法识别")]


SECTORS = table("sector", "场所类型", [
    ("医疗机构", ("卫生院/医疗机构", "医疗机构")),
    ("乡镇卫生院", ("卫生院/医疗机构", "乡镇卫生院")),
    ("餐饮企业", ("餐饮企业", "餐饮企业")),
    ("小作坊", ("厂房", "小作坊")),
    ("学校", ("教育培训机构", "学校")),
    ("农家乐", ("餐饮企业", "农家乐")),
    ("饭店仓库", ("其他", "饭店仓库")),  # two everyday words, two entries: not guessed
    ("小卖部", ("其他", "小卖部")),
    (None, ("其他", None)),
])  # fmt: skip
CATEGORIES = table("category", "隐患类别", [
    ("用气", ("燃气管道/用气", "用气")),
    ("电气线路老化", ("电气线路", "电气线路老化")),
    ("私拉乱接", ("电气线路", "私拉乱接")),
    ("灭火器过期", ("消防设施器材", "灭火器过期")),
    ("雷击", ("其他", "雷击")),
])  # fmt: skip


@pytest.mark.parametrize("key, expected", SECTORS)
def test_sector_maps_to_the_configured_list(result: SheetResult, key: str, expected: tuple) -> None:
    row = accepted(result, key)
    assert (row["sector"], row["sector_raw"]) == expected


@pytest.mark.parametrize("key, expected", CATEGORIES)
def test_category_maps_to_the_configured_list(result: SheetResult, key: str, expected: tuple) -> None:
    row = accepted(result, key)
    assert (row["category"], row["category_raw"]) == expected


def test_every_case_row_is_read_once(result: SheetResult) -> None:
    assert result.rows_read == len(CASE_ROWS) == len(result.frame) + len(result.rejected)
    assert result.kind == "combined"


def test_funds_in_ten_thousands_are_scaled(tmp_path: Path, config: TownConfig) -> None:
    rows = [
        ["排查日期", "村（社区）", "隐患描述", "整改资金(万元)"],
        ["2023-12-06", "东河村", "线路老化", 1.5],
    ]
    (sheet,) = read_ledger(write_xlsx(tmp_path / "a.xlsx", {"S": (rows, [])}))
    frame = normalise_sheet(sheet, config=config, report_date=REPORT, file_name="a.xlsx").frame
    assert frame["funds"].tolist() == [15000.0]


def test_without_a_supervision_column_the_note_can_say_so(tmp_path: Path, config: TownConfig) -> None:
    rows = [
        ["排查日期", "村（社区）", "隐患描述", "备注"],
        ["2023-12-06", "东河村", "车间内违规使用电炉", "县政府挂牌督办"],
        ["2023-12-06", "东河村", "线路老化", "已约谈"],
    ]
    (sheet,) = read_ledger(write_xlsx(tmp_path / "a.xlsx", {"S": (rows, [])}))
    frame = normalise_sheet(sheet, config=config, report_date=REPORT, file_name="a.xlsx").frame
    assert frame["county_supervised"].tolist() == [True, False]


def test_without_type_columns_the_unit_and_description_tell_them(tmp_path: Path, config: TownConfig) -> None:
    rows = [
        ["排查日期", "村（社区）", "单位名称", "问题隐患"],
        ["2023-12-06", "柳湾村", "柳湾幼儿园", "厨房燃气管道老化"],
        ["2023-12-06", "柳湾村", "老街木房片区", "木房内私拉乱接电线"],
        ["2023-12-06", "柳湾村", "张三家", "门口堆放柴草，饭店仓库共用通道"],
    ]
    (sheet,) = read_ledger(write_xlsx(tmp_path / "a.xlsx", {"S": (rows, [])}))
    frame = normalise_sheet(sheet, config=config, report_date=REPORT, file_name="a.xlsx").frame
    assert frame["sector"].tolist() == ["教育培训机构", "木房", "其他"]
    assert frame["category"].tolist() == [
        "燃气管道/用气",
        "电气线路",
        "其他",
    ]  # 堆放 and 通道: two entries, no guess
    assert frame["sector_raw"].tolist() == [None, None, None]


# 隐患编号 as a ticket's key: case, width and stray spaces do not matter; a plain number drops its leading
# zeros (Excel turns 001 into 1). Each pair is two rows of one village in one ledger.
SAME_TICKET = [
    ("东河村", "dh-001", "DH-001"),
    ("西岭村", "DH-001", "ＤＨ－００１"),
    ("南坪村", "DH-001", "DH- 001"),
    ("北山村", "ｄｈ－００１", "dh-001"),
    ("石桥村", "001", "1"),
    ("柳湾村", "001", 1),  # a number cell
    ("杨家庄村", "0001", "01"),
    ("马鞍村", "００１", "1"),
]
TWO_TICKETS = [
    ("高坎村", "DH-001", "DH-01"),  # only a plain number drops its zeros
    ("青龙村", "1", "10"),
    ("白沙村", "DH-1", "DH-001"),
    ("黄土坡村", "DH-001", "DH-002"),
    ("城关社区", "0A-1", "A-1"),
]


@pytest.fixture(scope="module")
def keyed_store(tmp_path_factory: pytest.TempPathFactory, config: TownConfig) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    rows = [
        (0, number, "2023-12-06", village, f"{village}饭店{i}", "餐饮企业", "电气线路", f"线路老化{i}", "一般",
         "长期", "应急办", "未整改", None)
        for village, *numbers in SAME_TICKET + TWO_TICKETS
        for i, number in enumerate(numbers)
    ]  # fmt: skip
    db = folder / "store.duckdb"
    (outcome,) = load_files([write_ledger(folder / "keys.xlsx", rows)], db=db, config=config)
    assert outcome.outcome == "loaded"
    return db


@pytest.mark.parametrize("village, first, second", SAME_TICKET)
def test_hazard_numbers_written_differently_are_one_ticket(keyed_store: Path, village, first, second) -> None:
    assert _tickets(keyed_store, village) == 1


@pytest.mark.parametrize("village, first, second", TWO_TICKETS)
def test_different_hazard_numbers_are_two_tickets(keyed_store: Path, village, first, second) -> None:
    assert _tickets(keyed_store, village) == 2


def _tickets(db: Path, village: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(*) FROM tickets WHERE village = ?", [village]).fetchall()[0][0]
