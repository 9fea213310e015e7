"""metrics.ticket_history on a store the real loader built from real weekly .xlsx ledgers: every status a
ticket was reported in, oldest first, with the file, sheet and row that said it, and the viewer's scope."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

import metrics
from etl.load import load_files
from firedash.store import connect
from tests.ledgers import write_xlsx

D = dt.date
# (序号, 隐患编号, 排查日期, 村, 单位, 场所类型, 隐患类别, 描述, 等级, 整改期限, 责任单位, 整改情况, 整改完成时间)
DH1 = (
    1,
    "DH-001",
    "2023-12-06",
    "东河村",
    "东河饭店",
    "餐饮企业",
    "燃气管道/用气",
    "燃气软管老化",
    "一般",
    "2023-12-20",
    "应急办",
)
DH5 = (
    2,
    "DH-005",
    "2023-12-01",
    "东河村",
    "东河粮站",
    "库房",
    "电气线路",
    "电线裸露",
    "一般",
    "2023-12-08",
    "应急办",
)
XL1 = (
    1,
    "XL-001",
    "2023-12-05",
    "西岭村",
    "西岭小卖部",
    "商场",
    "电气线路",
    "插座过载",
    "一般",
    "2023-12-31",
    "平安办",
)
WEEK1 = [DH1 + ("未整改", None), DH5 + ("未整改", None)]
WEEK2 = [DH1 + ("已整改", "2023-12-15"), DH5 + ("整改中", None)]
WEEK3 = WEEK2  # sent again unchanged: no new report
RECT_HEADER = ("序号", "隐患编号", "村（社区）", "整改完成时间", "复查人", "复查时间", "是否销号")
# Data rows start on row 4: the title, the 填报日期 line and the header come first.
FIRST_ROW = 4


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from firedash.config import load_config

    config = load_config(Path(__file__).resolve().parent.parent / "data" / "town.toml")
    folder = tmp_path_factory.mktemp("history")
    files = [
        write_xlsx(folder / "东河村台账_第2周.xlsx", WEEK1, report_line="填报日期：2023年12月10日"),
        # Another village's ticket, for the scope.
        write_xlsx(
            folder / "西岭村台账_第2周.xlsx", [XL1 + ("未整改", None)], report_line="填报日期：2023-12-10"
        ),
        write_xlsx(folder / "东河村台账_第3周.xlsx", WEEK2, report_line="填报日期：2023-12-17"),
        write_xlsx(folder / "东河村台账_第4周.xlsx", WEEK3, report_line="填报日期：2023-12-24"),
        write_xlsx(
            folder / "销号台账.xlsx",
            [(1, "DH-001", "东河村", "2023-12-15", "王五", "2023-12-19", "是")],
            header=RECT_HEADER,
            title="整改销号台账",
            report_line="填报日期：2023-12-20",
            sheet="销号",
        ),  # fmt: skip
    ]
    db = folder / "store.duckdb"
    outcomes = load_files(files, db=db, config=config)
    assert [o.outcome for o in outcomes] == ["loaded"] * len(files)
    return db


@pytest.fixture
def con(store: Path):
    c = connect(store, read_only=True)
    yield c
    c.close()


def ticket_id(con: duckdb.DuckDBPyConnection, hazard_no: str) -> str:
    return con.execute("SELECT ticket_id FROM tickets WHERE hazard_no = ?", [hazard_no]).fetchall()[0][0]


def imports_by_file(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, object]]:
    rows = con.execute("SELECT file_name, import_id, imported_at FROM imports").fetchall()
    return {name: (import_id, at) for name, import_id, at in rows}


def rows(frame) -> list[tuple]:
    columns = [
        "report_date",
        "status",
        "state",
        "rectified_date",
        "closed_date",
        "file_name",
        "sheet",
        "row_number",
    ]
    out = []
    for record in frame[columns].itertuples(index=False):
        values = [None if v is None or v != v else v for v in record]  # NaT / NaN → None
        values[0], values[3], values[4] = (
            None if v is None else v.date() for v in (values[0], values[3], values[4])
        )
        out.append(tuple(values))
    return out


def test_a_ticket_reported_in_two_weekly_files_has_both_reports_in_order_with_file_and_row(con):
    history = metrics.ticket_history(con, ticket_id=ticket_id(con, "DH-001"))
    assert rows(history) == [
        (D(2023, 12, 10), "open", "open", None, None, "东河村台账_第2周.xlsx", "Sheet1", FIRST_ROW),
        (D(2023, 12, 17), "rectified", "rectified", D(2023, 12, 15), None, "东河村台账_第3周.xlsx", "Sheet1", FIRST_ROW),
        (D(2023, 12, 20), "rectified", "closed", D(2023, 12, 15), D(2023, 12, 19), "销号台账.xlsx", "销号", FIRST_ROW),
    ]  # fmt: skip
    imports = imports_by_file(con)
    assert list(history["import_id"]) == [imports[name][0] for name in history["file_name"]]
    assert list(history["imported_at"]) == [imports[name][1] for name in history["file_name"]]


def test_the_state_a_report_meant_on_its_day_and_an_unchanged_resend_adds_no_report(con):
    # DH-005: due 12-08; 整改中 on 12-17 was overdue that day. The 12-24 ledger repeated it: no third report.
    history = metrics.ticket_history(con, ticket_id=ticket_id(con, "DH-005"))
    assert rows(history) == [
        (D(2023, 12, 10), "open", "overdue", None, None, "东河村台账_第2周.xlsx", "Sheet1", FIRST_ROW + 1),
        (D(2023, 12, 17), "in_progress", "overdue", None, None, "东河村台账_第3周.xlsx", "Sheet1", FIRST_ROW + 1),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("villages", "offices", "reports"),
    [
        (None, None, 3),
        (("东河村",), None, 3),
        (("西岭村",), None, 0),  # a village head of another village gets nothing
        ((), None, 0),  # a user whose village is no longer configured
        (None, ("应急办",), 3),
        (None, ("平安办",), 0),  # an office that is not the ticket's 责任单位
        (("东河村",), ("平安办",), 0),
    ],
)
def test_the_history_is_scoped_to_the_viewers_villages_and_offices(con, villages, offices, reports):
    history = metrics.ticket_history(
        con, ticket_id=ticket_id(con, "DH-001"), villages=villages, offices=offices
    )
    assert len(history) == reports


def test_an_unknown_ticket_and_ids_that_look_like_sql_have_no_history(con):
    assert metrics.ticket_history(con, ticket_id="nope").empty
    assert metrics.ticket_history(con, ticket_id="' OR TRUE --").empty
    assert metrics.ticket_history(
        con, ticket_id=ticket_id(con, "XL-001"), villages=("东河村' OR '1'='1",)
    ).empty
    assert len(metrics.ticket_history(con, ticket_id=ticket_id(con, "XL-001"), villages=("西岭村",))) == 1
