"""A ticket's history: metrics.ticket_history on a store the real loader built from real weekly .xlsx ledgers
(every status a ticket was reported in, oldest first, with the file, sheet and row that said it, within the
viewer's scope), and every table of tickets on the pages opening it for the picked row (AppTest)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import metrics
from etl.load import load_files
from firedash.glossary import STATE_LABELS, STATUS_LABELS, label, text
from firedash.store import connect
from tests.ledgers import write_xlsx
from ui import data
from ui.history import HISTORY_COLUMNS

D = dt.date
# (序号, 隐患编号, 排查日期, 村, 单位, 场所类型, 隐患类别, 描述, 等级, 整改期限, 责任单位, 整改情况, 整改完成时间)
DH1 = (1, "DH-001", "2023-12-06", "东河村", "东河饭店", "餐饮企业", "燃气管道/用气", "燃气软管老化", "一般", "2023-12-20", "应急办")  # fmt: skip
DH5 = (2, "DH-005", "2023-12-01", "东河村", "东河粮站", "库房", "电气线路", "电线裸露", "一般", "2023-12-08", "应急办")  # fmt: skip
XL1 = (1, "XL-001", "2023-12-05", "西岭村", "西岭小卖部", "商场", "电气线路", "插座过载", "重大", "2023-12-31", "平安办")  # fmt: skip
WEEK1 = [DH1 + ("未整改", None), DH5 + ("未整改", None)]
WEEK2 = [DH1 + ("已整改", "2023-12-15"), DH5 + ("整改中", None)]
WEEK3 = WEEK2  # sent again unchanged: no new report
RECT_HEADER = ("序号", "隐患编号", "村（社区）", "整改完成时间", "复查人", "复查时间", "是否销号")
# Data rows start on row 4: the title, the 填报日期 line and the header come first.
FIRST_ROW = 4


def build_store(folder: Path) -> Path:
    """DH-001 reported open, rectified, then struck off; DH-005 open, then in progress (overdue), then the
    same again; XL-001 (西岭村, 重大) once. Each report from a real .xlsx loaded by the real loader."""
    from firedash.config import load_config

    config = load_config(Path(__file__).resolve().parent.parent / "data" / "town.toml")
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


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("history"))


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
        "reported_state",
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


# ---- The pages: every table of tickets opens the picked row's history (AppTest) ----

DH5_LINE = "东河村 · 东河粮站：电线裸露"
XL1_LINE = "西岭村 · 西岭小卖部：插座过载"


@pytest.fixture
def app_town(tmp_path, monkeypatch, store, config):
    """The app on the history store, public viewing on, one user of each role (李村长 heads 西岭村)."""
    from tests.test_access_pages import serve_town

    data.clear()
    serve_town(monkeypatch, tmp_path, store, config)
    yield tmp_path
    data.clear()


def pick(app: AppTest, key: str, row: int) -> AppTest:
    """Pick a row of a table as a click on its row marker would (Streamlit's programmatic selection)."""
    app.session_state[key] = {"selection": {"rows": [row]}}
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def history_of(app: AppTest) -> pd.DataFrame | None:
    """The history table of the dialog (a plain table keeps no key in AppTest: found by its columns)."""
    frames = [f.value for f in app.dataframe if label("reported_state") in f.value.columns]
    assert len(frames) <= 1
    return frames[0] if frames else None


def shown_text(app: AppTest) -> list[str]:
    return [t.value for t in app.text]


CASES = [
    # page, table, as of, URL parameters, the ticket of the table's first row, its reports' files
    ("app_pages/overdue.py", "overdue_table", "2024-02-20", {}, DH5_LINE, 2),
    ("app_pages/overdue.py", "due_soon_table", "2023-12-26", {}, XL1_LINE, 1),
    ("app_pages/overview.py", "overview_overdue", "2024-02-20", {}, DH5_LINE, 2),
    ("app_pages/overview.py", "overview_major", "2024-02-20", {}, XL1_LINE, 1),
    ("app_pages/villages.py", "village_overdue", "2024-02-20", {"village": "东河村"}, DH5_LINE, 2),
    ("app_pages/villages.py", "village_open", "2024-02-20", {"village": "东河村"}, DH5_LINE, 2),
    # XL-001 is due on Sunday 12-31: overdue from Monday 2024-01-01, so newly overdue in that week.
    ("app_pages/weekly.py", "weekly_newly_overdue", "2024-01-03", {}, XL1_LINE, 1),
]


@pytest.mark.parametrize(("script", "key", "as_of", "params", "line", "reports"), CASES)
def test_picking_a_row_of_any_ticket_table_shows_that_tickets_history(
    app_town, script, key, as_of, params, line, reports
):
    from tests.test_access_pages import open_as

    app = open_as(None, script, as_of=as_of, **params)
    assert history_of(app) is None  # nothing picked: no history
    assert label_hint() in [c.value for c in app.caption]
    history = history_of(pick(app, key, 0))
    assert line in shown_text(app)
    assert len(history) == reports
    assert set(history[label("file_name")]) <= {
        "东河村台账_第2周.xlsx", "东河村台账_第3周.xlsx", "西岭村台账_第2周.xlsx",
    }  # fmt: skip


def label_hint() -> str:
    return text("history_hint")


def test_the_history_shown_lists_each_report_in_chinese_in_order(app_town):
    from tests.test_access_pages import open_as

    app = pick(open_as(None, "app_pages/overdue.py", as_of="2024-02-20"), "overdue_table", 0)
    history = history_of(app)
    assert list(history.columns) == [label(c) for c in HISTORY_COLUMNS]
    assert list(history[label("report_date")]) == ["2023-12-10", "2023-12-17"]
    assert list(history[label("status")]) == [STATUS_LABELS["open"], STATUS_LABELS["in_progress"]]
    assert list(history[label("reported_state")]) == [STATE_LABELS["overdue"]] * 2
    assert list(history[label("file_name")]) == ["东河村台账_第2周.xlsx", "东河村台账_第3周.xlsx"]
    assert list(history[label("row_number")]) == [FIRST_ROW + 1] * 2
    assert "隐患编号 DH-005；排查日期 2023年12月1日；整改期限 2023年12月8日" in shown_text(app)
    # The second row is XL-001: picking it shows its own history, not the first one's.
    app = pick(app, "overdue_table", 1)
    assert XL1_LINE in shown_text(app) and DH5_LINE not in shown_text(app)
    assert list(history_of(app)[label("file_name")]) == ["西岭村台账_第2周.xlsx"]


def test_a_village_head_picks_only_their_own_tickets(app_town):
    from tests.test_access_pages import HEAD, open_as

    app = open_as(HEAD, "app_pages/overdue.py", as_of="2024-02-20")
    (table,) = [f for f in app.dataframe if f.key == "overdue_table"]
    assert list(table.value[label("unit")]) == ["西岭小卖部"]
    app = pick(app, "overdue_table", 0)
    assert XL1_LINE in shown_text(app)
    app = pick(app, "overdue_table", 1)  # no second row: a stale pick opens nothing
    assert history_of(app) is None


def _history_of_another_village(ticket_id: str, unit: str) -> None:
    """history_body as a 西岭村 head asked for a 东河村 ticket (as a forged pick would)."""
    import datetime

    from metrics import Filters
    from ui.controls import View
    from ui.history import history_body

    view = View(datetime.date(2024, 2, 20), Filters(villages=("西岭村",)), village_scope=("西岭村",))
    history_body(view, {"ticket_id": ticket_id, "village": "东河村", "unit": unit}, key="forged")


def test_the_history_of_another_villages_ticket_is_refused_even_when_asked_for(app_town, store):
    with connect(store, read_only=True) as con:
        dh5 = ticket_id(con, "DH-005")
    app = AppTest.from_function(_history_of_another_village, args=(dh5, "东河粮站"), default_timeout=30).run()
    assert not app.exception, [e.value for e in app.exception]
    assert [i.value for i in app.info] == [text("history_none")]
    assert not app.dataframe and not app.text


def test_a_blank_count_of_days_in_a_ticket_table_reads_a_dash():
    from ui.format import display_frame

    # 总览's open 重大/挂牌督办 list: a ticket not yet due has no days overdue.
    shown = display_frame(
        pd.DataFrame({"days_overdue": pd.array([None, 20], dtype="Int64")}), ["days_overdue"]
    )
    assert list(shown[label("days_overdue")]) == ["—", "20"]
    full = display_frame(pd.DataFrame({"days_overdue": pd.array([3, 20], dtype="Int64")}), ["days_overdue"])
    assert list(full[label("days_overdue")]) == [3, 20]  # numbers stay numbers (they sort as numbers)
