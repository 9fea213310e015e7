"""Metrics against a small hand-computed town stored in a real DuckDB file."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from firedash.store import connect

D = dt.date(2024, 1, 15)  # the as-of date most tests use: a Monday, 第12周 (week 12 runs 01-15 … 01-21)


def day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


# id, village, sector, category, office, severity, supervised, found, deadline, rectified, closed, status
TICKETS = [
    ("T01", "东河村", "商场", "电气线路", "应急办", "general", False, "2023-11-10", "2023-11-20", "2023-11-15", "2023-11-20", "rectified"),
    ("T02", "东河村", "宾馆", "燃气管道/用气", "平安办", "major", True, "2023-12-01", "2023-12-31", "2024-01-10", "", "rectified"),
    ("T03", "东河村", "商场", "电气线路", "应急办", "general", False, "2024-01-02", "2024-01-08", "", "", "open"),
    ("T04", "东河村", "厂房", "消防设施器材", "应急办", "serious", False, "2024-01-03", "2024-01-07", "", "", "in_progress"),
    ("T05", "西岭村", "厂房", "消防设施器材", "村建环保办", "general", False, "2023-12-10", "2023-12-16", "", "", "open"),
    ("T06", "西岭村", "商场", "电气线路", "村建环保办", "major", True, "2023-12-10", "2023-12-15", "", "", "open"),
    ("T07", "西岭村", "宾馆", "电气线路", "平安办", "general", False, "2024-01-05", "", "", "", "open"),
    ("T08", "西岭村", "商场", "其他", "平安办", "general", False, "2024-01-06", "2024-01-15", "", "", "open"),
    ("T09", "南坪村", "餐饮企业", "电气线路", "水利办", "general", False, "2024-01-10", "2024-01-22", "", "", "open"),
    ("T10", "南坪村", "餐饮企业", "电气线路", "水利办", "general", False, "2024-01-10", "2024-01-23", "", "", "open"),
    ("T11", "南坪村", "商场", "电气线路", "应急办", "general", False, "2024-01-20", "2024-01-25", "", "", "open"),
    ("T12", "南坪村", "宾馆", "防火分隔", "民政社", "general", False, "2023-11-20", "", "", "2023-12-20", "rectified"),
    ("T13", "南坪村", "宾馆", "防火分隔", None, "general", False, "2023-11-20", "2023-12-01", "2023-11-28", "", "rectified"),
    ("T14", "东河村", "厂房", "电气线路", "应急办", "general", False, "2023-12-20", "2024-01-31", "2024-01-18", "", "rectified"),
    ("T15", "东河村", "商场", "电气线路", "应急办", "general", False, "2023-11-12", "2023-11-30", "2023-11-25", "2024-01-20", "rectified"),
]  # fmt: skip
# What each ticket shows (as of D = 2024-01-15):
#  T01 rectified on time, closed.   T02 rectified late (after its deadline), major, supervised, not closed.
#  T03 overdue 7 days (1–7天).      T04 overdue 8 days (8–30天), 较大 (serious), reported 整改中.
#  T05 overdue 30 days (8–30天).    T06 overdue 31 days (30天以上), major, supervised and open.
#  T07 no deadline: never overdue.  T08 deadline == D: not overdue, due soon.
#  T09 deadline D+7: due soon.      T10 deadline D+8: not due soon.       T11 found after D: excluded.
#  T12 已销号 with no rectified date: rectified and closed on 12-20, no deadline (on time).
#  T13 rectified on time, never struck off, no office.   T14 rectified after D (01-18): open at D.
#  T15 rectified 11-25 on time, struck off after D (01-20): not closed at D.

# import_id, source_key, report_date, villages, rejected rows
IMPORTS = [
    (1, "东河村台账", "2024-01-07", ("东河村", "南坪村"), 2),
    (2, "东河村台账", "2024-01-14", ("东河村",), 1),  # supersedes import 1
    (3, "西岭村台账", "2024-01-14", ("西岭村",), 1),
]

# ticket_id, import_id, report_date, status
STATUS_REPORTS = [
    ("T04", 1, "2024-01-07", "open"),
    ("T04", 2, "2024-01-14", "in_progress"),
    ("T02", 1, "2024-01-07", "open"),
    ("T02", 2, "2024-01-14", "rectified"),
]


def _ticket_row(values: tuple, columns: list[str], required: set[str]) -> list[object]:
    tid, village, sector, category, office, severity, supervised, found, deadline, rect, closed, status = (
        values
    )
    row = {
        "ticket_id": tid, "hazard_no": f"H-{tid}", "village": village, "unit": f"{village}{tid}单位",
        "sector": sector, "category": category, "description": f"隐患{tid}", "severity": severity,
        "county_supervised": supervised, "found_date": day(found), "deadline": day(deadline),
        "office": office, "responsible": "张三", "status": status, "rectified_date": day(rect),
        "closed_date": day(closed), "first_import_id": 1, "last_import_id": 2,
    }  # fmt: skip
    # Columns other parts add later (NOT NULL, e.g. a matching key) get a placeholder.
    return [row.get(c, f"{tid}-{c}" if c in required else None) for c in columns]


def insert_tickets(con, tickets: list[tuple]) -> None:
    info = con.execute("PRAGMA table_info('tickets')").fetchall()
    columns = [r[1] for r in info]
    required = {r[1] for r in info if r[3]}
    marks = ", ".join("?" for _ in columns)
    rows = [_ticket_row(t, columns, required) for t in tickets]
    con.executemany(f"INSERT INTO tickets ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608


def insert_imports(con) -> None:
    for import_id, source, report_date, villages, rejected in IMPORTS:
        con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, 'x', ?, ?, 'combined', 1, 10, 5, 0, 0, ?)",
            [import_id, f"{source}{report_date}.xlsx", source,
             dt.datetime.fromisoformat(report_date) + dt.timedelta(hours=9), day(report_date), rejected],
        )  # fmt: skip
        for village in villages:
            con.execute("INSERT INTO import_villages VALUES (?, ?)", [import_id, village])
        for n in range(rejected):
            con.execute(
                "INSERT INTO rejected_rows VALUES (?, ?, 'Sheet1', ?, ?, '缺少排查日期', '{}')",
                [import_id, f"{source}{report_date}.xlsx", n + 5, villages[0]],
            )
    for tid, import_id, report_date, status in STATUS_REPORTS:
        con.execute(
            "INSERT INTO status_reports VALUES (?, ?, ?, ?, NULL, NULL, 'f.xlsx', 'Sheet1', 3)",
            [tid, import_id, day(report_date), status],
        )


def build_town(path: Path) -> Path:
    con = connect(path)
    insert_tickets(con, TICKETS)
    insert_imports(con)
    con.close()
    return path


@pytest.fixture(scope="module")
def town_db(tmp_path_factory) -> Path:
    return build_town(tmp_path_factory.mktemp("town") / "town.duckdb")


@pytest.fixture
def con(town_db: Path):
    connection = connect(town_db, read_only=True)
    yield connection
    connection.close()


VILLAGES = ("东河村", "西岭村", "南坪村", "北山村")


def one(frame: pd.DataFrame) -> dict:
    assert len(frame) == 1
    return frame.iloc[0].to_dict()


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


# ---------------------------------------------------------------- filters


def test_filters_sql_binds_values_and_skips_empty_fields():
    from metrics.filters import NO_FILTERS, Filters, Params, filter_sql

    assert filter_sql(NO_FILTERS) == ("TRUE", [])
    condition, values = filter_sql(Filters(villages=["东河村", "西岭村"], severities=("major",)), Params("d"))
    assert condition == "village IN ($2, $3) AND severity IN ($4)"
    assert values == ["d", "东河村", "西岭村", "major"]
    assert hash(Filters(villages=["东河村"])) == hash(Filters(villages=("东河村",)))


def test_filter_values_are_never_pasted_into_sql(con):
    from metrics.filters import Filters
    from metrics.summary import summary

    hostile = Filters(villages=("东河村' OR '1'='1",))
    assert one(summary(con, as_of=D, filters=hostile))["found"] == 0


# ---------------------------------------------------------------- summary

SUMMARY_AT_D = {
    "found": 14, "rectified": 5, "open": 9, "overdue": 4, "closed": 2, "rectified_on_time": 4,
    "rectified_late": 1, "major_found": 2, "major_rectified": 1, "major_open": 1, "general_found": 12,
    "general_rectified": 4, "serious_found": 1, "supervised_open": 1, "due_soon": 2,
}  # fmt: skip


def test_summary_counts_as_of_d(con):
    from metrics.summary import summary

    row = one(summary(con, as_of=D))
    assert {k: row[k] for k in SUMMARY_AT_D} == SUMMARY_AT_D
    assert row["rate"] == pytest.approx(5 / 14)
    # On time over rectified + overdue: the five tickets not yet due (T07–T10, T14) stay out.
    assert row["on_time_rate"] == pytest.approx(4 / 9)
    assert row["major_rate"] == pytest.approx(0.5)
    assert row["general_rate"] == pytest.approx(4 / 12)


@pytest.mark.parametrize(
    ("as_of", "found", "rectified", "overdue", "closed"),
    [
        # T01, T12, T13, T15 found; T12's 销号 comes only on 12-20; nothing overdue (T12 has no deadline).
        (dt.date(2023, 11, 30), 4, 3, 0, 1),
        # 12-20: T12 struck off without a rectified date counts as rectified that day; T05, T06 overdue.
        (dt.date(2023, 12, 20), 8, 4, 2, 2),
        # 01-01: T02's deadline 12-31 has passed unrectified.
        (dt.date(2024, 1, 1), 8, 4, 3, 2),
        # 01-21: T11 found, T14 rectified 01-18, T15 struck off 01-20, T08's deadline 01-15 passed.
        (dt.date(2024, 1, 21), 15, 6, 5, 3),
    ],
)
def test_summary_on_past_and_later_dates(con, as_of, found, rectified, overdue, closed):
    from metrics.summary import summary

    row = one(summary(con, as_of=as_of))
    assert (row["found"], row["rectified"], row["overdue"], row["closed"]) == (
        found,
        rectified,
        overdue,
        closed,
    )
    assert row["open"] == found - rectified


def test_summary_with_nothing_found_has_no_rate(con):
    from metrics.summary import summary

    row = one(summary(con, as_of=dt.date(2023, 11, 5)))
    assert row["found"] == 0
    assert is_missing(row["rate"]) and is_missing(row["on_time_rate"])


@pytest.mark.parametrize(
    ("filters", "found", "rectified", "overdue"),
    [
        ({"villages": ("西岭村",), "severities": ("major",)}, 1, 0, 1),  # T06
        ({"offices": ("应急办",)}, 5, 2, 2),  # T01 T03 T04 T14 T15 (T11 found after D)
        ({"sectors": ("宾馆", "餐饮企业")}, 6, 3, 0),  # T02 T07 T09 T10 T12 T13
        ({"severities": ("general", "serious")}, 12, 4, 3),
    ],
)
def test_summary_with_filters(con, filters, found, rectified, overdue):
    from metrics.filters import Filters
    from metrics.summary import summary

    row = one(summary(con, as_of=D, filters=Filters(**filters)))
    assert (row["found"], row["rectified"], row["overdue"]) == (found, rectified, overdue)


def test_rejected_row_count_ignores_superseded_imports(con):
    from metrics.summary import rejected_row_count

    # Import 1 (2 rows) is superseded by import 2 of the same source: 1 + 1 rows are current.
    assert rejected_row_count(con) == 2


# ---------------------------------------------------------------- breakdowns


def test_rates_by_village_lists_every_key_in_order(con):
    from metrics.breakdowns import rates_by_village

    frame = rates_by_village(con, as_of=D, villages=VILLAGES)
    assert list(frame.columns) == [
        "village", "found", "rectified", "rate", "open", "overdue", "closed", "major_found", "major_rectified",
    ]  # fmt: skip
    assert frame["village"].tolist() == list(VILLAGES)
    assert frame["found"].tolist() == [6, 4, 4, 0]
    assert frame["rectified"].tolist() == [3, 0, 2, 0]
    assert frame["overdue"].tolist() == [2, 2, 0, 0]
    assert frame["closed"].tolist() == [1, 0, 1, 0]
    assert frame["rate"].iloc[1] == 0.0  # nothing rectified is 0%, not undefined
    assert is_missing(frame["rate"].iloc[3])  # 北山村: nothing found


@pytest.mark.parametrize("dimension", ["village", "sector", "category", "office", "severity"])
def test_every_breakdown_adds_up_to_the_total(con, dimension):
    from metrics.breakdowns import rates_by
    from metrics.summary import summary

    total = one(summary(con, as_of=D))
    frame = rates_by(con, dimension, as_of=D)
    for column in ("found", "rectified", "open", "overdue", "closed", "major_found", "major_rectified"):
        assert frame[column].sum() == total[column], column


def test_rates_by_keeps_values_outside_the_keys_after_them(con):
    from metrics.breakdowns import rates_by

    frame = rates_by(con, "office", as_of=D, keys=["水利办", "民政社", "无此办"])
    assert frame["office"].tolist()[:3] == ["水利办", "民政社", "无此办"]
    assert frame["found"].tolist()[:3] == [2, 1, 0]
    # T13 has no office: its own row keeps the sum whole.
    assert set(frame["office"].tolist()[3:]) == {"应急办", "平安办", "村建环保办", "未填写"}
    assert frame["found"].sum() == 14


def test_rates_by_rejects_an_unknown_dimension(con):
    from metrics.breakdowns import rates_by

    with pytest.raises(ValueError, match="未知的分组维度"):
        rates_by(con, "village; DROP TABLE tickets", as_of=D)


def test_rates_by_sector_with_filter(con):
    from metrics.breakdowns import rates_by_sector
    from metrics.filters import Filters

    frame = rates_by_sector(
        con, as_of=D, filters=Filters(villages=("东河村",)), sectors=("商场", "厂房", "宾馆")
    )
    assert frame.set_index("sector")["found"].to_dict() == {"商场": 3, "厂房": 2, "宾馆": 1}
    assert frame.set_index("sector")["rectified"].to_dict() == {"商场": 2, "厂房": 0, "宾馆": 1}


def test_rates_by_phase_puts_each_ticket_in_the_phase_of_its_found_date(con, config):
    from metrics.breakdowns import rates_by_phase

    frame = rates_by_phase(con, as_of=D, campaign=config.campaign)
    assert frame["phase"].tolist() == ["部署发动", "组织实施", "总结提升"]
    # 部署发动 (… 12-05): T01 T02 T12 T13 T15, all rectified by D.
    assert frame["found"].tolist() == [5, 9, 0]
    assert frame["rectified"].tolist() == [5, 0, 0]
    assert is_missing(frame["rate"].iloc[2])


def test_rates_by_phase_clamps_dates_outside_the_phases(tmp_path, config):
    from metrics.breakdowns import rates_by_phase

    early = ("E1", "东河村", "商场", "电气线路", "应急办", "general", False, "2023-10-20", "", "", "", "open")
    late = ("L1", "东河村", "商场", "电气线路", "应急办", "general", False, "2024-04-05", "", "", "", "open")
    db = connect(tmp_path / "edge.duckdb")
    insert_tickets(db, [early, late])
    frame = rates_by_phase(db, as_of=dt.date(2024, 4, 30), campaign=config.campaign)
    assert frame["found"].tolist() == [1, 0, 1]


def test_rates_by_category_severity_splits_general_and_major(con):
    from metrics.breakdowns import rates_by_category_severity

    frame = rates_by_category_severity(con, as_of=D).set_index(["category", "severity_group"])
    assert frame.loc[("电气线路", "general"), "found"] == 7
    assert frame.loc[("电气线路", "major"), "found"] == 1  # T06
    assert frame.loc[("消防设施器材", "general"), "found"] == 2  # T04 is 较大: counted with 一般
    assert frame.loc[("燃气管道/用气", "major"), "rate"] == 1.0
    assert frame["found"].sum() == 14 and frame["open"].sum() == 9


def test_open_by_village_sector_long_form(con):
    from metrics.breakdowns import open_by_village_sector

    frame = open_by_village_sector(con, as_of=D).set_index(["village", "sector"])["open"]
    assert frame[("西岭村", "商场")] == 2  # T06, T08
    assert frame[("东河村", "宾馆")] == 0  # T02 rectified
    assert frame.sum() == 9


# ---------------------------------------------------------------- ranking


def test_rank_by_rate_orders_by_rate_then_found_and_lists_small_ones_apart():
    from metrics.ranking import rank_by_rate, red_black_lists

    frame = pd.DataFrame(
        {
            "village": ["甲", "乙", "丙", "丁", "戊", "己"],
            "found": [4, 6, 2, 4, 0, 5],
            "rate": [0.5, 0.5, 1.0, 0.5, None, 0.95],
        }
    )
    ranked, unranked = rank_by_rate(frame, key="village", min_tickets=3)
    assert ranked["village"].tolist() == ["己", "乙", "甲", "丁"]
    assert ranked["rank"].tolist() == [1, 2, 3, 3]  # 甲 and 丁 tie in rate and found
    assert unranked["village"].tolist() == ["丙", "戊"]  # 100% over 2 tickets is not ranked
    red, black = red_black_lists(ranked, red_rate=0.9, black_rate=0.6)
    assert red["village"].tolist() == ["己"]
    assert black["village"].tolist() == ["乙", "甲", "丁"]


def test_rank_by_rate_on_village_rates(con):
    from metrics.breakdowns import rates_by_village
    from metrics.ranking import rank_by_rate

    ranked, unranked = rank_by_rate(
        rates_by_village(con, as_of=D, villages=VILLAGES), key="village", min_tickets=3
    )
    assert ranked[["village", "rank"]].values.tolist() == [["东河村", 1], ["南坪村", 2], ["西岭村", 3]]
    assert unranked["village"].tolist() == ["北山村"]


# ---------------------------------------------------------------- ticket lists


def test_overdue_tickets_days_and_ageing_bands_at_the_edges(con):
    from metrics.tickets import overdue_tickets

    frame = overdue_tickets(con, as_of=D)
    assert frame["ticket_id"].tolist() == ["T06", "T05", "T04", "T03"]
    assert frame["days_overdue"].tolist() == [31, 30, 8, 7]
    assert frame["ageing_band"].tolist() == ["over_30d", "8_30d", "8_30d", "1_7d"]
    assert overdue_tickets(con, as_of=D, limit=2)["ticket_id"].tolist() == ["T06", "T05"]


def test_overdue_by_band_counts_every_band_and_the_band_filter_agrees(con):
    from metrics.tickets import overdue_by_band, overdue_tickets

    bands = overdue_by_band(con, as_of=D)
    assert bands.to_dict("list") == {"ageing_band": ["1_7d", "8_30d", "over_30d"], "overdue": [1, 2, 1]}
    picked = overdue_tickets(con, as_of=D, bands=("8_30d", "over_30d"))
    assert picked["ticket_id"].tolist() == ["T06", "T05", "T04"]
    assert overdue_by_band(con, as_of=dt.date(2023, 11, 1))["overdue"].tolist() == [0, 0, 0]


def test_due_soon_tickets_include_both_ends(con):
    from metrics.tickets import due_soon_tickets

    frame = due_soon_tickets(con, as_of=D)
    assert frame[["ticket_id", "days_left"]].values.tolist() == [["T08", 0], ["T09", 7]]
    assert due_soon_tickets(con, as_of=D, days=8)["ticket_id"].tolist() == ["T08", "T09", "T10"]


@pytest.mark.parametrize(
    ("state", "ids"),
    [
        ("open", {"T03", "T04", "T05", "T06", "T07", "T08", "T09", "T10", "T14"}),
        ("overdue", {"T03", "T04", "T05", "T06"}),
        ("rectified", {"T01", "T02", "T12", "T13", "T15"}),
        ("closed", {"T01", "T12"}),
    ],
)
def test_ticket_list_by_state(con, state, ids):
    from metrics.tickets import ticket_list

    frame = ticket_list(con, as_of=D, state=state)
    assert set(frame["ticket_id"]) == ids


def test_ticket_list_states_as_of_d(con):
    from metrics.tickets import ticket_list

    frame = ticket_list(con, as_of=D).set_index("ticket_id")
    assert len(frame) == 14 and "T11" not in frame.index
    assert frame.loc["T01", "state"] == "closed"
    assert frame.loc["T15", "state"] == "rectified"  # struck off only after D
    assert frame.loc["T05", "state"] == "overdue"
    assert frame.loc["T07", "state"] == "open"
    assert pd.isna(frame.loc["T14", "rectified_date"])  # rectified 01-18, after D


def test_ticket_list_takes_in_progress_from_the_reports_up_to_d(con):
    from metrics.tickets import ticket_list

    # T04 is reported 未整改 on 01-07 and 整改中 on 01-14; on 01-06 its deadline is still ahead.
    early = ticket_list(con, as_of=dt.date(2024, 1, 6)).set_index("ticket_id")
    assert early.loc["T04", "state"] == "in_progress"  # no report yet: current status
    on_7th = ticket_list(con, as_of=dt.date(2024, 1, 7)).set_index("ticket_id")
    assert on_7th.loc["T04", "state"] == "open"  # as reported on 01-07; deadline == D is not overdue
    on_10th = ticket_list(con, as_of=dt.date(2024, 1, 10)).set_index("ticket_id")
    assert on_10th.loc["T04", "state"] == "overdue"


@pytest.mark.parametrize(
    ("function", "kwargs"),
    [
        ("ticket_list", {"state": "open"}),
        (
            "ticket_list",
            {"state": "all", "filters": {"villages": ("东河村", "西岭村"), "severities": ("general",)}},
        ),
        ("overdue_tickets", {"filters": {"offices": ("应急办", "村建环保办")}}),
        ("due_soon_tickets", {"days": 8}),
    ],
)
def test_a_limit_keeps_the_first_rows_of_the_full_list(con, function, kwargs):
    import metrics.tickets as tickets
    from metrics.filters import Filters

    kwargs = {**kwargs, "filters": Filters(**kwargs.get("filters", {}))}
    full = getattr(tickets, function)(con, as_of=D, **kwargs)
    assert len(full) >= 3
    limited = getattr(tickets, function)(con, as_of=D, limit=2, **kwargs)
    assert limited["ticket_id"].tolist() == full["ticket_id"].tolist()[:2]
    pd.testing.assert_frame_equal(limited, full.head(2))


def test_ticket_list_rejects_an_unknown_state(con):
    from metrics.tickets import ticket_list

    with pytest.raises(ValueError, match="未知的整改状态"):
        ticket_list(con, as_of=D, state="done")


# ---------------------------------------------------------------- trend


def test_weekly_trend_on_hand_checked_weeks(con, config):
    from metrics.trend import weekly_trend

    frame = weekly_trend(con, as_of=D, campaign=config.campaign)
    assert frame["week_no"].tolist() == list(range(1, 13))
    week = frame.set_index("week_no")
    # 第10周 (01-01 … 01-07): T03 T04 T07 T08 found; T02 overdue since 01-01 joins T05 and T06.
    assert week.loc[10, ["new_found", "new_rectified", "cum_found", "cum_rectified", "overdue"]].tolist() == [
        4, 0, 12, 4, 3,
    ]  # fmt: skip
    # 第11周 (01-08 … 01-14): T09 T10 found, T02 rectified (leaves overdue), T03 T04 become overdue.
    assert week.loc[11, ["new_found", "new_rectified", "cum_found", "cum_rectified", "overdue"]].tolist() == [
        2, 1, 14, 5, 4,
    ]  # fmt: skip
    assert week.loc[11, "rate"] == pytest.approx(5 / 14)
    assert week.loc[11, "week_start"] == pd.Timestamp("2024-01-08")
    assert week.loc[11, "week_end"] == pd.Timestamp("2024-01-14")
    # T01 is struck off on 11-20 (第4周), T12 on 12-20 (第8周).
    assert week.loc[4, "new_closed"] == 1 and week.loc[8, "new_closed"] == 1
    assert frame["new_found"].sum() == frame["cum_found"].iloc[-1] == 14


def test_weekly_trend_matches_summary_at_every_week_end(con, config):
    from metrics.summary import summary
    from metrics.trend import weekly_trend

    as_of = dt.date(2024, 1, 17)  # mid-week: the last week stands on as_of
    for row in weekly_trend(con, as_of=as_of, campaign=config.campaign).itertuples():
        cut = min(row.week_end.date(), as_of)
        expected = one(summary(con, as_of=cut))
        got = (row.cum_found, row.cum_rectified, row.cum_closed, row.overdue)
        assert got == (expected["found"], expected["rectified"], expected["closed"], expected["overdue"]), cut


def test_daily_cumulative_matches_summary_every_day(con, config):
    from metrics.summary import summary
    from metrics.trend import daily_cumulative

    frame = daily_cumulative(con, as_of=dt.date(2024, 1, 21), campaign=config.campaign)
    assert frame["date"].iloc[0] == pd.Timestamp("2023-11-01") and len(frame) == 82
    for row in frame.itertuples():
        expected = one(summary(con, as_of=row.date.date()))
        assert (row.cum_found, row.cum_rectified) == (expected["found"], expected["rectified"]), row.date


def test_trend_folds_tickets_found_before_the_campaign_into_its_first_week(tmp_path, config):
    from metrics.trend import daily_cumulative, weekly_trend

    early = (
        "E1",
        "东河村",
        "商场",
        "电气线路",
        "应急办",
        "general",
        False,
        "2023-10-10",
        "2023-10-20",
        "",
        "",
        "open",
    )
    db = connect(tmp_path / "early.duckdb")
    insert_tickets(db, [early])
    frame = weekly_trend(db, as_of=dt.date(2023, 11, 8), campaign=config.campaign)
    assert frame["new_found"].tolist() == [1, 0]
    assert frame["overdue"].tolist() == [1, 1]
    assert daily_cumulative(db, as_of=dt.date(2023, 11, 2), campaign=config.campaign)[
        "cum_found"
    ].tolist() == [1, 1]


def test_trend_before_the_campaign_is_empty(con, config):
    from metrics.trend import weekly_trend

    assert weekly_trend(con, as_of=dt.date(2023, 10, 1), campaign=config.campaign).empty


def test_weekly_trend_with_filters(con, config):
    from metrics.filters import Filters
    from metrics.trend import weekly_trend

    frame = weekly_trend(con, as_of=D, campaign=config.campaign, filters=Filters(villages=("西岭村",)))
    assert frame["cum_found"].iloc[-1] == 4 and frame["overdue"].iloc[-1] == 2


# ---------------------------------------------------------------- weekly review


def test_week_bounds(config):
    campaign = config.campaign
    assert (campaign.week_start(1), campaign.week_end(1)) == (dt.date(2023, 10, 30), dt.date(2023, 11, 5))
    assert (campaign.week_start(11), campaign.week_end(11)) == (dt.date(2024, 1, 8), dt.date(2024, 1, 14))


def test_week_comparison_this_week_and_last(con, config):
    from metrics.weekly import week_comparison

    frame = week_comparison(con, week_no=11, campaign=config.campaign).set_index("week")
    assert frame.index.tolist() == ["本周", "上周"]
    this, last = frame.loc["本周"], frame.loc["上周"]
    assert (this["found"], this["rectified"], this["new_found"], this["new_rectified"]) == (14, 5, 2, 1)
    # Overdue goes from 3 to 4, but two tickets are new to it (T03, T04) while T02 left it.
    assert this["newly_overdue"] == 2 and this["newly_closed"] == 0
    assert this["rate_change_pp"] == pytest.approx((5 / 14 - 4 / 12) * 100)
    assert (last["found"], last["rectified"], last["newly_overdue"]) == (12, 4, 1)  # T02 from 01-01
    assert last["rate_change_pp"] == pytest.approx((4 / 12 - 4 / 8) * 100)


@pytest.mark.parametrize(
    ("as_of", "last_week_end", "villages", "expected"),
    [
        # Week 11 ends 01-14; last week ended 01-07. T04 is due 01-07 itself: not overdue on its
        # deadline day, overdue from 01-08, so it is this week's (7 days at 01-14), T03 (due 01-08) too.
        ("2024-01-14", "2024-01-07", (), [("T04", 7), ("T03", 6)]),
        ("2024-01-14", "2024-01-07", ("东河村",), [("T04", 7), ("T03", 6)]),
        ("2024-01-14", "2024-01-07", ("西岭村",), []),
        # Last week (ends 01-07): T02 (due 12-31) became overdue; T04, due that Sunday, was not yet.
        ("2024-01-07", "2023-12-31", (), [("T02", 7)]),
        # Week 12 running: T08 is due on 01-15, so at 01-15 it is not overdue; at 01-16 it is, 1 day.
        ("2024-01-15", "2024-01-14", (), []),
        ("2024-01-16", "2024-01-14", (), [("T08", 1)]),
    ],
)
def test_newly_overdue_tickets_cut_at_the_deadline(con, as_of, last_week_end, villages, expected):
    from metrics.filters import Filters
    from metrics.tickets import newly_overdue_tickets

    got = newly_overdue_tickets(
        con, as_of=day(as_of), last_week_end=day(last_week_end), filters=Filters(villages=villages)
    )
    assert list(zip(got["ticket_id"], got["days_overdue"], strict=True)) == expected
    assert set(got.columns) >= {"village", "unit", "description", "deadline", "responsible", "phone"}


def test_week_by_severity_splits_general_and_major(con, config):
    from metrics.weekly import week_by_severity

    frame = week_by_severity(con, week_no=11, campaign=config.campaign).set_index("severity_group")
    assert frame.index.tolist() == ["all", "general", "major"]
    # At 01-14: 14 found, 5 rectified; major T02 (rectified 01-10) and T06 (open); 较大 T04 counts as 一般.
    assert (frame.loc["all", "found"], frame.loc["all", "rectified"]) == (14, 5)
    assert (frame.loc["major", "found"], frame.loc["major", "rectified"]) == (2, 1)
    assert (frame.loc["general", "found"], frame.loc["general", "rectified"]) == (12, 4)
    assert frame.loc["major", "rate"] == pytest.approx(0.5)
    # 01-07: major 2 found, 0 rectified -> +50 points; the new rectification of the week is T02.
    assert frame.loc["major", "rate_change_pp"] == pytest.approx(50.0)
    assert frame.loc["major", "new_rectified"] == 1
    assert (
        frame.loc["general", "newly_overdue"] + frame.loc["major", "newly_overdue"]
        == frame.loc["all", "newly_overdue"]
    )


def test_week_comparison_of_a_running_week_stops_at_as_of(con, config):
    from metrics.weekly import week_comparison

    whole = week_comparison(con, week_no=12, campaign=config.campaign).iloc[0]
    assert (whole["new_found"], whole["new_rectified"], whole["newly_closed"], whole["newly_overdue"]) == (
        1,
        1,
        1,
        1,
    )
    running = week_comparison(con, week_no=12, campaign=config.campaign, as_of=D).iloc[0]
    assert (running["new_found"], running["newly_closed"], running["rate_change_pp"]) == (0, 0, 0.0)


def test_village_week_ranking_moves(con, config):
    from metrics.weekly import village_week_ranking

    frame = village_week_ranking(
        con, week_no=11, campaign=config.campaign, villages=VILLAGES, min_tickets=3
    ).set_index("village")
    assert frame.index.tolist() == ["东河村", "南坪村", "西岭村", "北山村"]
    assert frame["rank"].tolist()[:3] == [1, 2, 3] and pd.isna(frame.loc["北山村", "rank"])
    assert frame.loc["东河村", "rate_last_week"] == pytest.approx(2 / 6)
    assert frame.loc["东河村", "rate_change_pp"] == pytest.approx((0.5 - 2 / 6) * 100)
    assert frame.loc["西岭村", "rank_last_week"] == 2 and frame.loc["西岭村", "rank_move"] == -1
    assert frame.loc["东河村", "rank_move"] == 0
    # 南坪村 had 2 tickets last week: under min_tickets, so no rank to move from.
    assert pd.isna(frame.loc["南坪村", "rank_last_week"]) and pd.isna(frame.loc["南坪村", "rank_move"])


# ---------------------------------------------------------------- quality


def test_imports_log_newest_first_with_superseded(con):
    from metrics.quality import imports_log, latest_import

    log = imports_log(con)
    assert log["import_id"].tolist() == [3, 2, 1]
    assert log["superseded"].tolist() == [False, False, True]
    assert latest_import(con)["import_id"].tolist() == [3]


def test_latest_import_of_an_empty_store(db_file):
    from metrics.quality import latest_import

    db = connect(db_file, read_only=True)
    assert latest_import(db).empty


@pytest.mark.parametrize(
    ("current_only", "villages", "expected"),
    [
        (True, None, [(3, 5), (2, 5)]),
        (False, None, [(3, 5), (2, 5), (1, 5), (1, 6)]),
        (False, (), []),
        (False, ("东河村",), [(2, 5), (1, 5), (1, 6)]),
        (True, ("南坪村",), []),
    ],
)
def test_rejected_rows(con, current_only, villages, expected):
    from metrics.quality import rejected_rows

    frame = rejected_rows(con, current_only=current_only, villages=villages)
    assert list(zip(frame["import_id"], frame["row_number"], strict=True)) == expected
    assert {"file_name", "sheet", "row_number", "village", "reason", "raw_values", "imported_at"} <= set(
        frame
    )


@pytest.mark.parametrize(
    ("villages", "expected"),
    [
        (None, [3, 2, 1]),
        (("东河村",), [2]),  # import 1 names 南坪村 too: the town's, not 东河村's
        (("东河村", "南坪村"), [2, 1]),
        (("北山村",), []),
        ((), []),
    ],
)
def test_imports_log_of_villages_holds_only_the_ledgers_wholly_theirs(con, villages, expected):
    from metrics.quality import imports_log

    assert imports_log(con, villages=villages)["import_id"].tolist() == expected


@pytest.mark.parametrize(
    ("villages", "expected"),
    [(None, ["西岭村台账2024-01-14.xlsx", "东河村台账2024-01-14.xlsx"]), (("东河村",), ["东河村台账2024-01-14.xlsx"]),
     (("南坪村",), []), ((), [])],
)  # fmt: skip
def test_warnings_and_unknown_cells_of_villages(tmp_path, villages, expected):
    from metrics.quality import data_issues, import_warnings

    con = connect(build_town(tmp_path / "town.duckdb"))
    for import_id in (1, 2, 3):  # import 1 is superseded by 2: never shown
        con.execute(
            "INSERT INTO import_warnings VALUES (?, 0, 'no_status', '无状态', 'Sheet1', NULL, NULL, 1)",
            [import_id],
        )
        con.execute("INSERT INTO data_issues VALUES (?, 'Sheet1', 7, '整改情况', 'status', '见附件', '无法识别')", [import_id])  # fmt: skip
    assert import_warnings(con, villages=villages)["file_name"].tolist() == expected
    assert data_issues(con, villages=villages)["file_name"].tolist() == expected
    con.close()


@pytest.mark.parametrize(
    ("as_of", "missing"),
    [
        (D, ["南坪村", "北山村"]),  # week 01-08 … 01-14: imports 2 (东河村) and 3 (西岭村)
        (dt.date(2024, 1, 10), ["西岭村", "北山村"]),  # newest report by then: 01-07 (东河村, 南坪村)
        (dt.date(2024, 1, 1), list(VILLAGES)),  # nothing reported yet
    ],
)
def test_villages_without_ledger(con, config, as_of, missing):
    from metrics.quality import villages_without_ledger

    frame = villages_without_ledger(con, villages=VILLAGES, as_of=as_of, campaign=config.campaign)
    assert frame["village"].tolist() == missing


def test_villages_without_ledger_gives_the_last_report(con, config):
    from metrics.quality import villages_without_ledger

    frame = villages_without_ledger(con, villages=VILLAGES, as_of=D, campaign=config.campaign)
    frame = frame.set_index("village")
    assert frame.loc["南坪村", "last_report_date"] == pd.Timestamp("2024-01-07")
    assert pd.isna(frame.loc["北山村", "last_report_date"])
    assert frame["week_start"].iloc[0] == pd.Timestamp("2024-01-08")


# ---------------------------------------------------------------- against a reference implementation

RANDOM_VILLAGES = ("东河村", "西岭村", "南坪村", "北山村")


def _random_tickets(count: int, seed: int) -> list[tuple]:
    """Tickets with every awkward shape: no deadline, deadline before found, rectified before found,
    struck off with or without a rectified date, struck off before the rectified date."""
    import random

    rng = random.Random(seed)
    start = dt.date(2023, 10, 25)

    def maybe(base: dt.date, low: int, high: int, none_share: float) -> str:
        return "" if rng.random() < none_share else str(base + dt.timedelta(days=rng.randint(low, high)))

    tickets = []
    for i in range(count):
        found = start + dt.timedelta(days=rng.randint(0, 140))
        rect = maybe(found, -3, 60, 0.45)
        closed = maybe(day(rect) or found, -5, 25, 0.6)
        tickets.append(
            (f"R{i:04d}", rng.choice(RANDOM_VILLAGES), rng.choice(["商场", "宾馆", "厂房"]), "电气线路",
             rng.choice(["应急办", "平安办", None]), rng.choice(["general", "general", "serious", "major"]),
             rng.random() < 0.2, str(found), maybe(found, -5, 40, 0.2), rect, closed, "open")
        )  # fmt: skip
    return tickets


def reference(tickets: list[tuple], as_of: dt.date) -> dict[str, set[str]]:
    """DOMAIN.md's definitions in plain Python: the ticket ids in each set as of a date."""
    out: dict[str, set[str]] = {
        k: set() for k in ("found", "rectified", "overdue", "closed", "on_time", "late")
    }
    out.update(due_soon=set(), supervised_open=set(), major=set())
    for tid, _v, _s, _c, _o, severity, supervised, found, deadline, rect, closed, _st in tickets:
        found, deadline, rect, closed = day(found), day(deadline), day(rect), day(closed)
        if found > as_of:
            continue
        done_on = min(d for d in (rect, closed, dt.date.max) if d)  # 已销号 counts as rectified
        rectified = done_on <= as_of
        sets = {
            "found": True,
            "rectified": rectified,
            "closed": closed is not None and closed <= as_of,
            "overdue": not rectified and deadline is not None and deadline < as_of,
            "on_time": rectified and (deadline is None or done_on <= deadline),
            "late": rectified and deadline is not None and done_on > deadline,
            "due_soon": not rectified
            and deadline is not None
            and as_of <= deadline <= as_of + dt.timedelta(7),
            "supervised_open": supervised and not rectified,
            "major": severity == "major",
        }
        for name, member in sets.items():
            if member:
                out[name].add(tid)
    return out


RANDOM_TICKETS = _random_tickets(400, seed=7)
CHECK_DAYS = [dt.date(2023, 10, 20) + dt.timedelta(days=n) for n in range(0, 200, 9)]


@pytest.fixture(scope="module")
def random_con(tmp_path_factory):
    db = connect(tmp_path_factory.mktemp("random") / "random.duckdb")
    insert_tickets(db, RANDOM_TICKETS)
    yield db
    db.close()


@pytest.mark.parametrize("as_of", CHECK_DAYS)
def test_summary_matches_the_reference(random_con, as_of):
    from metrics.summary import summary

    ref = reference(RANDOM_TICKETS, as_of)
    row = one(summary(random_con, as_of=as_of))
    expected = {
        "found": len(ref["found"]), "rectified": len(ref["rectified"]), "overdue": len(ref["overdue"]),
        "closed": len(ref["closed"]), "rectified_on_time": len(ref["on_time"]), "rectified_late": len(ref["late"]),
        "due_soon": len(ref["due_soon"]), "supervised_open": len(ref["supervised_open"]),
        "major_found": len(ref["major"]), "major_rectified": len(ref["major"] & ref["rectified"]),
    }  # fmt: skip
    assert {k: row[k] for k in expected} == expected
    denominator = len(ref["rectified"]) + len(ref["overdue"])
    if denominator:
        assert row["on_time_rate"] == pytest.approx(len(ref["on_time"]) / denominator)
    else:
        assert is_missing(row["on_time_rate"])


@pytest.mark.parametrize("as_of", CHECK_DAYS[::3])
def test_ticket_lists_match_the_reference(random_con, as_of):
    from metrics.tickets import overdue_tickets, ticket_list

    ref = reference(RANDOM_TICKETS, as_of)
    assert set(overdue_tickets(random_con, as_of=as_of)["ticket_id"]) == ref["overdue"]
    for state, ids in (("rectified", ref["rectified"]), ("closed", ref["closed"])):
        assert set(ticket_list(random_con, as_of=as_of, state=state)["ticket_id"]) == ids
    assert (
        set(ticket_list(random_con, as_of=as_of, state="open")["ticket_id"])
        == ref["found"] - ref["rectified"]
    )


@pytest.mark.parametrize("as_of", CHECK_DAYS[::4])
def test_village_breakdown_matches_the_reference(random_con, as_of):
    from metrics.breakdowns import rates_by_village

    ref = reference(RANDOM_TICKETS, as_of)
    village_of = {t[0]: t[1] for t in RANDOM_TICKETS}
    frame = rates_by_village(random_con, as_of=as_of, villages=RANDOM_VILLAGES).set_index("village")
    for village in RANDOM_VILLAGES:
        for column, ids in (
            ("found", ref["found"]),
            ("rectified", ref["rectified"]),
            ("overdue", ref["overdue"]),
        ):
            assert frame.loc[village, column] == sum(village_of[t] == village for t in ids), (village, column)


def test_weekly_trend_and_comparison_match_the_reference(random_con, config):
    from metrics.tickets import newly_overdue_tickets
    from metrics.trend import weekly_trend
    from metrics.weekly import week_comparison

    as_of = dt.date(2024, 3, 13)
    trend = weekly_trend(random_con, as_of=as_of, campaign=config.campaign)
    for row in trend.itertuples():
        ref = reference(RANDOM_TICKETS, min(row.week_end.date(), as_of))
        assert (row.cum_found, row.cum_rectified, row.cum_closed, row.overdue) == (
            len(ref["found"]), len(ref["rectified"]), len(ref["closed"]), len(ref["overdue"]),
        ), row.week_no  # fmt: skip
    for week_no in (3, 8, 12, 17):
        this_end = config.campaign.week_end(week_no)
        now, before = (
            reference(RANDOM_TICKETS, this_end),
            reference(RANDOM_TICKETS, this_end - dt.timedelta(7)),
        )
        got = week_comparison(random_con, week_no=week_no, campaign=config.campaign).iloc[0]
        assert got["newly_overdue"] == len(now["overdue"] - before["overdue"])
        listed = newly_overdue_tickets(random_con, as_of=this_end, last_week_end=this_end - dt.timedelta(7))
        assert set(listed["ticket_id"]) == now["overdue"] - before["overdue"], week_no
        assert got["new_rectified"] == len(now["rectified"]) - len(before["rectified"])
        assert got["newly_closed"] == len(now["closed"]) - len(before["closed"])


# ---------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("rate", "text"),
    [(0.9066, "90.7%"), (1.0, "100.0%"), (0.0, "0.0%"), (None, "—"), (float("nan"), "—"), (pd.NA, "—")],
)
def test_format_rate(rate, text):
    from metrics.formatting import format_rate

    assert format_rate(rate) == text


def test_text_table_aligns_chinese_by_display_width():
    from metrics.formatting import display_width, text_table

    table = text_table(["村（社区）", "整改率"], [["东河村", "50.0%"], ["杨家庄村", "—"]])
    lines = table.splitlines()
    assert len({display_width(line) for line in lines}) == 1
    assert lines[2].endswith(" 50.0%") and lines[3].endswith("     —")


# ---------------------------------------------------------------- definitions at their edges
# A second small town whose villages sit exactly on each threshold of DOMAIN.md and town.toml.

EDGE_D = dt.date(2024, 1, 15)  # ageing and due-soon edges are counted from this as-of date
EDGE_WEEK = 11  # 第11周 runs 2024-01-08 … 01-14; 第10周 ends 01-07


def _edge_tickets(village: str, found: int, rectified: int, *, on: str = "2024-01-02") -> list[tuple]:
    """`found` tickets of a village found on `on`, the first `rectified` of them rectified the next day."""
    done = (dt.date.fromisoformat(on) + dt.timedelta(days=1)).isoformat()
    return [
        (f"{village}{on}-{i:03d}", village, "商场", "电气线路", "应急办", "general", False, on, "",
         done if i < rectified else "", "", "rectified" if i < rectified else "open")
        for i in range(found)
    ]  # fmt: skip


def _deadline_tickets(village: str, prefix: str, offsets: tuple[int, ...]) -> list[tuple]:
    """Open tickets with deadline EDGE_D + offset, named prefix + offset (O-1 … O31)."""
    return [
        (f"{prefix}{offset}", village, "厂房", "消防设施器材", "应急办", "general", False, "2023-11-01",
         (EDGE_D + dt.timedelta(days=offset)).isoformat(), "", "", "open")
        for offset in offsets
    ]  # fmt: skip


EDGE_TICKETS = [
    *_edge_tickets("满格村", 10, 9),  # 90.0 %: on the 红榜 (rate >= 0.90)
    *_edge_tickets("将红村", 10, 8),  # 80.0 %: neither list
    *_edge_tickets("及格村", 5, 3),  # 60.0 %: NOT on the 黑榜 (rate < 0.60)
    *_edge_tickets("低分村", 5, 2),  # 40.0 %: on the 黑榜
    *_edge_tickets("三张村", 3, 3),  # exactly min_tickets_to_rank: ranked
    *_edge_tickets("两张村", 2, 2),  # one below: listed apart, on no list, whatever its rate
    *_edge_tickets("新村", 3, 3, on="2024-01-10"),  # nothing found last week: last week's rate is 0/0
    # 1/2 = 50.0 % at last week's end, 63/125 = 50.4 % at this week's: a change of exactly 0.4 points
    *_edge_tickets("微变村", 2, 1),
    *_edge_tickets("微变村", 123, 62, on="2024-01-10"),
    *_deadline_tickets("超期村", "O", (0, -1, -7, -8, -30, -31)),  # 0 … 31 days overdue at EDGE_D
    *_deadline_tickets("到期村", "S", (-1, 0, 7, 8)),  # deadline D−1, D, D+7, D+8
]
EDGE_VILLAGES = ("满格村", "将红村", "及格村", "低分村", "三张村", "两张村", "新村", "微变村", "空村")


@pytest.fixture(scope="module")
def edge_con(tmp_path_factory):
    path = tmp_path_factory.mktemp("edges") / "edges.duckdb"
    writer = connect(path)
    insert_tickets(writer, EDGE_TICKETS)
    writer.close()
    reader = connect(path, read_only=True)
    yield reader
    reader.close()


def test_the_thresholds_pinned_here_are_the_configured_ones(config):
    settings = config.dashboard
    assert (settings.min_tickets_to_rank, settings.red_list_rate, settings.black_list_rate) == (3, 0.90, 0.60)


def _today_lists(con, config) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from metrics.ranking import red_black_lists, village_ranking

    settings = config.dashboard
    ranked, unranked = village_ranking(
        con, as_of=config.campaign.week_end(EDGE_WEEK), villages=EDGE_VILLAGES,
        min_tickets=settings.min_tickets_to_rank,
    )  # fmt: skip
    red, black = red_black_lists(ranked, red_rate=settings.red_list_rate, black_rate=settings.black_list_rate)
    return ranked, unranked, red, black


def _weekly_lists(con, config) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from metrics.ranking import red_black_lists, split_ranked
    from metrics.weekly import village_week_ranking

    settings = config.dashboard
    ranking = village_week_ranking(
        con, week_no=EDGE_WEEK, campaign=config.campaign, villages=EDGE_VILLAGES,
        min_tickets=settings.min_tickets_to_rank,
    )  # fmt: skip
    ranked, unranked = split_ranked(ranking)
    red, black = red_black_lists(ranked, red_rate=settings.red_list_rate, black_rate=settings.black_list_rate)
    return ranked, unranked, red, black


@pytest.mark.parametrize("lists", [_today_lists, _weekly_lists], ids=["overview", "weekly"])
@pytest.mark.parametrize(
    ("village", "is_ranked", "on_red", "on_black"),
    [
        ("满格村", True, True, False),  # exactly 90.0 %
        ("将红村", True, False, False),
        ("及格村", True, False, False),  # exactly 60.0 %
        ("低分村", True, False, True),
        ("三张村", True, True, False),  # exactly min_tickets_to_rank tickets
        ("两张村", False, False, False),  # one ticket fewer
        ("空村", False, False, False),  # nothing found
    ],
)
def test_ranking_and_red_black_lists_at_the_thresholds(
    edge_con, config, lists, village, is_ranked, on_red, on_black
):
    ranked, unranked, red, black = lists(edge_con, config)
    assert (village in set(ranked["village"]), village in set(unranked["village"])) == (
        is_ranked,
        not is_ranked,
    )
    assert village in set(red["village"]) if on_red else village not in set(red["village"])
    assert village in set(black["village"]) if on_black else village not in set(black["village"])


def test_nothing_found_is_an_undefined_rate_in_the_weekly_ranking(edge_con, config):
    from metrics.weekly import village_week_ranking

    frame = village_week_ranking(
        edge_con, week_no=EDGE_WEEK, campaign=config.campaign, villages=EDGE_VILLAGES, min_tickets=3
    ).set_index("village")
    empty, new = frame.loc["空村"], frame.loc["新村"]
    assert empty["found"] == 0 and all(
        is_missing(empty[c]) for c in ("rate", "rate_last_week", "rate_change_pp")
    )
    assert new["rate"] == 1.0 and is_missing(new["rate_last_week"]) and is_missing(new["rate_change_pp"])
    assert pd.isna(new["rank_last_week"]) and pd.isna(new["rank_move"])


def test_a_change_of_four_tenths_of_a_point_stays_in_the_frames(edge_con, config):
    from metrics.filters import Filters
    from metrics.weekly import village_week_ranking, week_comparison

    ranking = village_week_ranking(
        edge_con, week_no=EDGE_WEEK, campaign=config.campaign, villages=EDGE_VILLAGES, min_tickets=3
    ).set_index("village")
    assert ranking.loc["微变村", "rate_change_pp"] == pytest.approx(0.4, abs=1e-9)
    week = week_comparison(
        edge_con, week_no=EDGE_WEEK, campaign=config.campaign, filters=Filters(villages=("微变村",))
    ).iloc[0]
    assert (week["found"], week["rectified"]) == (125, 63)
    assert week["rate_change_pp"] == pytest.approx(0.4, abs=1e-9)
    empty = week_comparison(
        edge_con, week_no=EDGE_WEEK, campaign=config.campaign, filters=Filters(villages=("空村",))
    ).iloc[0]
    assert is_missing(empty["rate"]) and is_missing(empty["rate_change_pp"])


@pytest.mark.parametrize(
    ("days_overdue", "band"),
    [(0, None), (1, "1_7d"), (7, "1_7d"), (8, "8_30d"), (30, "8_30d"), (31, "over_30d")],
)
def test_ageing_band_at_each_edge(edge_con, days_overdue, band):
    from metrics.filters import Filters
    from metrics.tickets import overdue_tickets

    filters = Filters(villages=("超期村",))
    frame = overdue_tickets(edge_con, as_of=EDGE_D, filters=filters).set_index("ticket_id")
    ticket = f"O{-days_overdue}"
    if band is None:  # deadline == as_of: not overdue yet
        assert ticket not in frame.index
        return
    assert (frame.loc[ticket, "days_overdue"], frame.loc[ticket, "ageing_band"]) == (days_overdue, band)
    picked = overdue_tickets(edge_con, as_of=EDGE_D, filters=filters, bands=(band,))
    assert ticket in set(picked["ticket_id"])


def test_overdue_by_band_at_the_edges(edge_con):
    from metrics.filters import Filters
    from metrics.tickets import overdue_by_band

    bands = overdue_by_band(edge_con, as_of=EDGE_D, filters=Filters(villages=("超期村",)))
    assert dict(zip(bands["ageing_band"], bands["overdue"], strict=True)) == {
        "1_7d": 2,
        "8_30d": 2,
        "over_30d": 1,
    }


@pytest.mark.parametrize(("offset", "due_soon"), [(-1, False), (0, True), (7, True), (8, False)])
def test_due_soon_at_each_edge(edge_con, offset, due_soon):
    from metrics.filters import Filters
    from metrics.summary import summary
    from metrics.tickets import due_soon_tickets

    filters = Filters(villages=("到期村",))
    listed = set(due_soon_tickets(edge_con, as_of=EDGE_D, filters=filters)["ticket_id"])
    assert (f"S{offset}" in listed) == due_soon
    assert one(summary(edge_con, as_of=EDGE_D, filters=filters))["due_soon"] == 2  # D and D + 7


@pytest.mark.parametrize(
    ("group", "sidebar", "ids"),
    [
        (
            "all",
            (),
            {
                "T01",
                "T02",
                "T03",
                "T04",
                "T05",
                "T06",
                "T07",
                "T08",
                "T09",
                "T10",
                "T12",
                "T13",
                "T14",
                "T15",
            },
        ),
        ("general", (), {"T01", "T03", "T04", "T05", "T07", "T08", "T09", "T10", "T12", "T13", "T14", "T15"}),
        ("major", (), {"T02", "T06"}),
        ("general", ("serious", "major"), {"T04"}),  # 较大 counts with 一般
        ("major", ("general",), set()),  # no overlap selects nothing
    ],
)
def test_a_severity_group_narrows_the_filters(con, group, sidebar, ids):
    from metrics.filters import Filters, within_severity_group
    from metrics.tickets import ticket_list

    filters = within_severity_group(Filters(severities=sidebar), group)
    assert set(ticket_list(con, as_of=D, filters=filters)["ticket_id"]) == ids


@pytest.mark.parametrize(
    ("rectified", "found", "rate"), [(0, 0, None), (0, 5, 0.0), (3, 5, 0.6), (9, 10, 0.9), (5, 5, 1.0)]
)
def test_rate_sql_is_undefined_over_nothing_found(rectified, found, rate):
    import duckdb

    from metrics._sql import rate_sql

    with duckdb.connect() as db:
        got = db.execute(f"SELECT {rate_sql('$1', '$2')}", [rectified, found]).fetchall()[0][0]
    assert got == rate and (rate is None or got == rectified / found)


@pytest.mark.parametrize("start", ["2023-11-01", "2023-11-05", "2023-11-06"])  # a Wednesday, Sunday, Monday
def test_week_arithmetic_in_sql_equals_python_on_every_day(config, start):
    import duckdb

    from firedash.config import Campaign

    campaign = Campaign("c", dt.date.fromisoformat(start), config.campaign.end, (), ())
    first = campaign.start - dt.timedelta(days=40)
    days = [first + dt.timedelta(days=n) for n in range((campaign.end - first).days + 41)]
    sql = f"SELECT d, {campaign.week_number_sql('d', '$2')} FROM unnest(CAST($1 AS DATE[])) AS t(d)"  # noqa: S608 -- a fragment from code
    with duckdb.connect() as db:
        in_sql = dict(db.execute(sql, [days, campaign.week_start()]).fetchall())
    assert in_sql == {d: campaign.week_number(d) for d in days}
    assert campaign.week_number(campaign.start) == 1 and campaign.week_start().weekday() == 0
    for d in days:
        n = campaign.week_number(d)
        assert campaign.week_start(n) <= d <= campaign.week_end(n) and campaign.week_end(n).weekday() == 6
