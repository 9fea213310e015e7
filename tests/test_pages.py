"""Every page through AppTest on the sample store and on empty stores; drill-down, as-of, URL and helpers."""

from __future__ import annotations

import datetime as dt
import re
import time
import tomllib
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import metrics
from firedash import users
from firedash.access import Role
from firedash.config import TownConfig, load_config
from firedash.glossary import LABELS, PAGE_TITLES, TEXT, label, text
from firedash.store import connect
from metrics import NO_FILTERS, Filters
from ui import data
from ui.controls import View, parse_as_of, parse_choices, url_params
from ui.format import (
    count_delta,
    display_frame,
    fmt_rank_move,
    fmt_rate,
    overview_sentence,
    rate_delta,
    scope_name,
)
from ui.navigation import PAGES, PageSpec

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
AS_OF = dt.date(2024, 2, 20)
VILLAGE = "东河村"
LEDGER_SUFFIXES = {".xlsx", ".xls", ".csv"}
_STORE: dict[str, Path] = {}


def sample_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample town's ledgers loaded by the real loader into a store in tmp, once per session."""
    if "sample" not in _STORE:
        from etl.load import load_files
        from firedash.config import load_config
        from sample_town import generate

        config = load_config(ROOT / "data" / "town.toml")
        base = tmp_path_factory.mktemp("sample")
        files = sorted(p for p in SAMPLE.rglob("*") if p.suffix.lower() in LEDGER_SUFFIXES)
        if not files:  # a checkout without the generated ledgers: generate them the same way
            files = sorted(generate(base / "ledgers", config=config))
        store = base / "sample.duckdb"
        load_files(files, db=store, config=config)
        _STORE["sample"] = store
    return _STORE["sample"]


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_store_path(tmp_path_factory)


@pytest.fixture(autouse=True)
def cold_cache():
    data.clear()
    yield
    data.clear()


def open_app(
    db: Path, page: str | None = None, *, user: str | None = None, **params: str | list[str]
) -> AppTest:
    """Run the dashboard on `db` with the given URL parameters, then switch to a page (script path);
    `user`: logged in as that user of the users file (None: a public viewer)."""
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if user is not None:
        app.session_state["auth_user"] = user
        app.session_state["auth_last_seen"] = time.time()
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    if page:
        app.switch_page(page).run()
    return app


def tile(app: AppTest, name: str) -> str:
    """The shown value of the metric tile labelled like the metric `name`."""
    return next(m.value for m in app.metric if m.label == label(name))


def summary_at(db: Path, as_of: dt.date, filters: Filters = NO_FILTERS) -> dict:
    con = connect(db, read_only=True)
    try:
        return metrics.summary(con, as_of=as_of, filters=filters).to_dict("records")[0]
    finally:
        con.close()


def texts(app: AppTest) -> str:
    parts = [*app.info, *app.markdown, *app.caption, *app.subheader, *app.success, *app.warning]
    return "\n".join(str(p.value) for p in parts)


CLERK = "王芳"  # the 应急办 of the users file on_store writes: the office's pages need a login


@pytest.fixture
def on_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, config: TownConfig):
    monkeypatch.setenv("FIREDASH_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("FIREDASH_AUDIT", str(tmp_path / "audit.jsonl"))
    users.add_user(CLERK, Role.OFFICE_ADMIN, "正确的密码abc", config=config)

    def point(db: Path) -> Path:
        monkeypatch.setenv("FIREDASH_DB", str(db))
        monkeypatch.setenv("FIREDASH_CONFIG", str(ROOT / "data" / "town.toml"))
        return db

    return point


def viewer(spec: PageSpec) -> str | None:
    """Who opens a page in the loops below: the 应急办 for its pages, else a public viewer."""
    return CLERK if spec.admin else None


# Every page, three stores.


@pytest.mark.parametrize("spec", PAGES, ids=[spec.name for spec in PAGES])
def test_every_page_renders_on_the_sample_store(sample_store, on_store, spec):
    app = open_app(on_store(sample_store), spec.script, user=viewer(spec), as_of=AS_OF.isoformat())
    assert not app.exception, [e.value for e in app.exception]
    assert app.header[0].value == PAGE_TITLES[spec.name]
    assert not app.error and not app.warning  # no refusal, no login asked for
    if not spec.admin:  # the office's pages read no ticket: no header line of figures
        assert "大同镇" in app.markdown[0].value and "2024年2月20日" in app.markdown[0].value
    assert TEXT["no_data"] not in "\n".join(i.value for i in app.info)


@pytest.mark.parametrize("spec", PAGES, ids=[spec.name for spec in PAGES])
def test_every_page_says_no_data_on_an_empty_store(db_file, on_store, spec):
    app = open_app(on_store(db_file), spec.script, user=viewer(spec))
    assert not app.exception, [e.value for e in app.exception]
    assert app.header[0].value == PAGE_TITLES[spec.name]
    shown = texts(app)
    assert TEXT["no_data"] in shown or spec.name in ("quality", "import", "audit")
    if spec.name == "audit":  # nobody logged in through the browser yet
        assert TEXT["audit_none"] in shown
    if spec.name == "quality":
        assert TEXT["no_rejected"] in shown


@pytest.mark.parametrize("spec", PAGES, ids=[spec.name for spec in PAGES])
def test_every_page_explains_a_missing_store(tmp_path, on_store, spec):
    app = open_app(on_store(tmp_path / "none.duckdb"), spec.script, user=viewer(spec))
    assert not app.exception, [e.value for e in app.exception]
    assert app.header[0].value == PAGE_TITLES[spec.name]
    if spec.name == "import":  # the page that makes the store: it offers the upload, with no imports listed
        assert app.get("file_uploader") and not app.dataframe
    elif spec.name != "audit":
        assert "python -m etl load" in app.info[0].value
    assert not (tmp_path / "none.duckdb").exists()  # reading never creates the store


# The overview's figures and the shared controls.


def test_overview_tiles_match_the_metrics(sample_store, on_store):
    app = open_app(on_store(sample_store), as_of=AS_OF.isoformat())
    expected = summary_at(sample_store, AS_OF)
    before = summary_at(
        sample_store, metrics.previous_week_end(load_config(ROOT / "data" / "town.toml").campaign, AS_OF)
    )
    assert expected["found"] > 0
    assert tile(app, "found") == f"{expected['found']}处"
    assert tile(app, "rate") == fmt_rate(expected["rate"])
    assert tile(app, "overdue") == f"{expected['overdue']}处"
    found_tile = next(m for m in app.metric if m.label == LABELS["found"])
    assert found_tile.delta == f"较上周 {count_delta(expected['found'], before['found'])}"
    assert f"共排查火灾隐患{expected['found']}处" in app.subheader[0].value


def test_changing_the_as_of_date_changes_the_figures(sample_store, on_store):
    app = open_app(on_store(sample_store), as_of=AS_OF.isoformat())
    earlier = dt.date(2023, 12, 20)
    app.date_input(key="as_of").set_value(earlier).run()
    expected = summary_at(sample_store, earlier)
    assert expected["found"] != summary_at(sample_store, AS_OF)["found"]
    assert tile(app, "found") == f"{expected['found']}处"
    assert app.query_params["as_of"] == earlier.isoformat()


def test_filters_come_from_the_url_and_narrow_the_figures(sample_store, on_store):
    app = open_app(
        on_store(sample_store), as_of=AS_OF.isoformat(), severity="general", village=["西岭村", "北山村"]
    )
    assert app.multiselect(key="f_severity").value == ["general"]
    assert app.multiselect(key="f_village").value == ["西岭村", "北山村"]
    expected = summary_at(
        sample_store, AS_OF, Filters(villages=("西岭村", "北山村"), severities=("general",))
    )
    both = summary_at(sample_store, AS_OF, Filters(villages=("西岭村", "北山村")))
    assert 0 < expected["found"] <= both["found"] < summary_at(sample_store, AS_OF)["found"]
    assert tile(app, "found") == f"{expected['found']}处"
    assert app.query_params["village"] == ["西岭村", "北山村"]


# The village drill-down.


def test_village_drill_down_shows_that_villages_figures(sample_store, on_store):
    app = open_app(on_store(sample_store), "app_pages/villages.py", as_of=AS_OF.isoformat(), village=VILLAGE)
    assert not app.exception
    expected = summary_at(sample_store, AS_OF, Filters(villages=(VILLAGE,)))
    town = summary_at(sample_store, AS_OF)
    assert 0 < expected["found"] < town["found"]
    assert app.selectbox(key="drill_village").value == VILLAGE
    assert VILLAGE in [s.value for s in app.subheader]
    assert tile(app, "found") == f"{expected['found']}处"
    assert tile(app, "rectified") == f"{expected['rectified']}处"
    assert tile(app, "rate") == fmt_rate(expected["rate"])
    assert tile(app, "overdue") == f"{expected['overdue']}处"


def test_choosing_a_village_in_the_select_box_narrows_every_page(sample_store, on_store):
    app = open_app(on_store(sample_store), "app_pages/villages.py", as_of=AS_OF.isoformat())
    assert not app.metric  # no village chosen: no drill-down tiles
    app.selectbox(key="drill_village").set_value("西岭村").run()
    assert app.multiselect(key="f_village").value == ["西岭村"]
    assert app.query_params["village"] == "西岭村"
    expected = summary_at(sample_store, AS_OF, Filters(villages=("西岭村",)))
    assert tile(app, "found") == f"{expected['found']}处"


def test_drill_down_follows_the_as_of_date(sample_store, on_store):
    app = open_app(on_store(sample_store), "app_pages/villages.py", as_of=AS_OF.isoformat(), village=VILLAGE)
    earlier = dt.date(2024, 1, 5)
    app.date_input(key="as_of").set_value(earlier).run()
    expected = summary_at(sample_store, earlier, Filters(villages=(VILLAGE,)))
    assert expected["found"] != summary_at(sample_store, AS_OF, Filters(villages=(VILLAGE,)))["found"]
    assert tile(app, "found") == f"{expected['found']}处"


def test_weekly_review_compares_the_chosen_week(sample_store, on_store, config):
    app = open_app(on_store(sample_store), "app_pages/weekly.py", as_of=AS_OF.isoformat())
    week = config.campaign.week_number(AS_OF)
    assert app.selectbox(key="week_no").value == week
    app.selectbox(key="week_no").set_value(week - 2).run()
    con = connect(sample_store, read_only=True)
    try:
        frame = metrics.week_comparison(con, week_no=week - 2, campaign=config.campaign, as_of=AS_OF)
    finally:
        con.close()
    assert tile(app, "found") == f"{int(frame.iloc[0]['found'])}处"
    assert tile(app, "rate") == fmt_rate(frame.iloc[0]["rate"])


def test_a_new_load_shows_at_once(db_file, on_store):
    """Results are cached on the store's signature: a write after the first render is seen on the next."""
    app = open_app(on_store(db_file), as_of=AS_OF.isoformat())
    assert TEXT["no_data"] in texts(app)
    con = duckdb.connect(str(db_file))
    con.execute(
        """INSERT INTO tickets (ticket_id, village, sector, category, severity, county_supervised, found_date,
           status, match_key, first_import_id, last_import_id)
           VALUES ('t1', ?, '商场', '电气线路', 'general', false, DATE '2024-01-02', 'open', 'k', 1, 1)""",
        [VILLAGE],
    )
    con.close()
    app.run()
    assert tile(app, "found") == "1处"
    assert tile(app, "rate") == "0.0%"


# Helpers of the pages: pure functions.


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-01-31", dt.date(2024, 1, 31)),
        ("2022-01-01", dt.date(2023, 11, 1)),  # before the campaign: its first day
        ("2025-06-01", dt.date(2024, 3, 31)),  # after: its last day
        ("31/01/2024", dt.date(2024, 3, 31)),  # unreadable: the default (today clipped)
        (None, dt.date(2024, 3, 31)),
    ],
)
def test_parse_as_of(raw, expected, config: TownConfig):
    assert parse_as_of(raw, config) == expected


def test_parse_choices_keeps_known_values_in_option_order():
    assert parse_choices(["北山村", "不存在村", "东河村"], ["东河村", "西岭村", "北山村"]) == [
        "东河村",
        "北山村",
    ]


def test_url_params_round_trip():
    view = View(dt.date(2024, 1, 31), Filters(villages=("东河村", "西岭村"), severities=("major",)))
    assert url_params(view) == {"as_of": "2024-01-31", "village": ["东河村", "西岭村"], "severity": "major"}
    assert view.village is None and view.for_village("东河村").village == "东河村"


@pytest.mark.parametrize(
    ("value", "shown"), [(0.9066, "90.7%"), (1.0, "100.0%"), (0.0, "0.0%"), (None, "—"), (float("nan"), "—")]
)
def test_fmt_rate(value, shown):
    assert fmt_rate(value) == shown


@pytest.mark.parametrize(
    ("now", "before", "shown"),
    [(0.9, 0.85, "+5.0个百分点"), (0.8, 0.85, "-5.0个百分点"), (0.85, 0.85, "持平"), (0.9, None, None)],
)
def test_rate_delta(now, before, shown):
    assert rate_delta(now, before) == shown


@pytest.mark.parametrize(("move", "shown"), [(2, "↑2"), (-1, "↓1"), (0, "持平"), (None, "—")])
def test_fmt_rank_move(move, shown):
    assert fmt_rank_move(move) == shown


def test_overview_sentence_in_plain_chinese():
    now = {"found": 540, "rectified": 480, "rate": 480 / 540, "open": 60, "overdue": 12, "major_found": 5,
           "major_rectified": 3}  # fmt: skip
    before = {"found": 508, "rate": 0.877}
    sentence = overview_sentence("全镇", dt.date(2024, 1, 31), now, before)
    assert sentence == (
        "截至2024年1月31日，全镇共排查火灾隐患540处（较上周新增32处），已整改480处，整改率88.9%，"
        "较上周提高1.2个百分点；尚有60处未整改，其中超期12处；重大火灾隐患5处，已整改3处。"
    )
    assert (
        scope_name("大同镇", Filters()) == "全镇"
        and scope_name("大同镇", Filters(villages=("东河村",))) == "东河村"
    )
    part = Filters(villages=("东河村",), offices=("应急办",))
    assert scope_name("大同镇", part) == "东河村（责任单位：应急办）"
    assert overview_sentence(
        scope_name("大同镇", part), dt.date(2024, 1, 31), now, before, part=True
    ).startswith("截至2024年1月31日，东河村（责任单位：应急办）的火灾隐患共540处")


def test_overdue_page_lists_every_overdue_ticket_and_those_due_soon(sample_store, on_store):
    app = open_app(on_store(sample_store), "app_pages/overdue.py", as_of=AS_OF.isoformat())
    expected = summary_at(sample_store, AS_OF)
    assert expected["overdue"] > 0 and expected["due_soon"] > 0
    headings = [s.value for s in app.subheader]
    assert f"超期未整改隐患清单（{expected['overdue']}处）" in headings
    assert f"7日内到期隐患（{expected['due_soon']}处）" in headings
    overdue_table, due_table = (frame.value for frame in app.dataframe)
    assert len(overdue_table) == expected["overdue"] and len(due_table) == expected["due_soon"]
    days = overdue_table[LABELS["days_overdue"]].tolist()
    assert days == sorted(days, reverse=True) and min(days) >= 1


def test_a_village_without_tickets_says_no_data(sample_store, on_store, monkeypatch, tmp_path):
    town = (ROOT / "data" / "town.toml").read_text(encoding="utf-8")
    extra = tmp_path / "town.toml"
    extra.write_text(town.replace('"大同街社区",', '"大同街社区", "新建村",', 1), encoding="utf-8")
    on_store(sample_store)
    monkeypatch.setenv("FIREDASH_CONFIG", str(extra))
    app = open_app(sample_store, "app_pages/villages.py", as_of=AS_OF.isoformat(), village="新建村")
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key="drill_village").value == "新建村"
    assert not app.metric
    assert any(TEXT["no_data"] in i.value and "新建村" in i.value for i in app.info)


# Page content against a small town computed by hand (real .xlsx ledgers, loaded by the real loader).

MINI_AS_OF = dt.date(2024, 1, 15)  # a Monday; the week before ends on 01-08 for the tiles
# 隐患编号, 排查日期, 村（社区）, 场所类型, 隐患类别, 隐患等级, 整改期限, 整改情况, 整改完成时间
MINI_TICKETS = {
    "东河村": [
        ("DH-01", "2023-11-10", "商场", "电气线路", "一般", "2023-11-30", "已整改", "2023-11-20"),
        ("DH-02", "2023-11-15", "商场", "电气线路", "较大", "2023-12-31", "已整改", "2023-12-20"),
        ("DH-03", "2023-12-06", "商场", "消防设施器材", "较大", "2024-01-10", "未整改", None),
        ("DH-04", "2023-12-12", "商场", "电气线路", "重大", "2024-02-28", "未整改", None),
        ("DH-05", "2023-12-15", "宾馆", "电气线路", "一般", "2024-01-31", "已整改", "2024-01-05"),
        ("DH-06", "2024-01-02", "宾馆", "消防设施器材", "重大", "2024-01-20", "已整改", "2024-01-12"),
    ],
    "西岭村": [
        ("XL-01", "2023-11-20", "厂房", "电气线路", "一般", "2023-12-10", "未整改", None),
        ("XL-02", "2023-12-05", "厂房", "电气线路", "较大", "2023-12-20", "已整改", "2023-12-18"),
        ("XL-03", "2024-01-03", "商场", "消防设施器材", "一般", "2024-02-10", "未整改", None),
        ("XL-04", "2024-01-04", "不存在村", "商场", "电气线路", "一般", "2024-02-10", "未整改", None),
        ("XL-05", None, "商场", "电气线路", "一般", "2024-02-10", "未整改", None),
    ],
    # 15 found by 12-01, 14 rectified by 12-20; NP-16 found 01-10, NP-15 rectified 01-11: the rate goes
    # from 14/15 = 93.33% (01-08) to 15/16 = 93.75% (01-15), a change of +0.42 points.
    "南坪村": [
        (f"NP-{n:02d}", "2023-12-01", "餐饮企业", "其他", "一般", "长期", "已整改", "2023-12-20")
        for n in range(1, 15)
    ]
    + [
        ("NP-15", "2023-12-01", "餐饮企业", "其他", "一般", "长期", "已整改", "2024-01-11"),
        ("NP-16", "2024-01-10", "餐饮企业", "其他", "一般", "长期", "未整改", None),
    ],
}


def _ledger_row(number: int, village: str, ticket: tuple) -> list[object]:
    if len(ticket) == 9:  # a row naming its own village (a wrong one)
        hazard_no, found, village, *rest = ticket
    else:
        hazard_no, found, *rest = ticket
    sector, category, severity, deadline, status, rectified = rest
    return [number, hazard_no, found, village, f"{hazard_no}单位", sector, category, f"{hazard_no}隐患",
            severity, deadline, "应急办", status, rectified]  # fmt: skip


@pytest.fixture(scope="session")
def mini_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three villages' ledgers of 填报日期 2024-01-14, written as .xlsx and loaded into a fresh store."""
    from etl.load import load_files
    from firedash.config import load_config
    from tests.ledgers import write_xlsx

    base = tmp_path_factory.mktemp("mini")
    files = [
        write_xlsx(
            base / f"{village}台账.xlsx",
            [_ledger_row(i, village, t) for i, t in enumerate(tickets, start=1)],
            report_line="填报日期：2024年1月14日",
        )
        for village, tickets in MINI_TICKETS.items()
    ]
    store = base / "mini.duckdb"
    load_files(files, db=store, config=load_config(ROOT / "data" / "town.toml"))
    return store


def compact_frames(app: AppTest) -> list[pd.DataFrame]:
    """The compact tables (ui.layout.compact_table: st.table) with their headers as the glossary spells
    them: the screen drops the unit "（处）", which a note under the table gives once."""
    unit = text("unit_suffix", unit=text("unit_hazard"))
    full = {label(code).removesuffix(unit): label(code) for code in LABELS}
    return [t.value.rename(columns=lambda h: full.get(h, h)) for t in app.table]


def shown_frames(app: AppTest) -> list[pd.DataFrame]:
    """Every table on the page: the canvas tables (st.dataframe), then the compact ones."""
    return [frame.value for frame in app.dataframe] + compact_frames(app)


def shown_rows(frame, key: str) -> dict[str, dict]:
    """A displayed table's rows by the value of its column `key` (a label)."""
    return {row[key]: row for row in frame.to_dict("records")}


def chart_data(app: AppTest, key: str) -> list[dict]:
    """The traces of the plotly chart drawn with widget key `key` (its figure as sent to the browser)."""
    return chart_spec(app, key)["data"]


def chart_spec(app: AppTest, key: str) -> dict:
    """The whole figure (data and layout) of the plotly chart drawn with widget key `key`."""
    import json

    for element in app.get("plotly_chart"):
        if element.proto.id.endswith(key) or key in element.proto.id:
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart {key}")


def test_sectors_page_figures_by_hand(mini_store, on_store):
    app = open_app(on_store(mini_store), "app_pages/sectors.py", as_of=MINI_AS_OF.isoformat())
    assert not app.exception, [e.value for e in app.exception]
    ranked, apart = compact_frames(app)
    rows = shown_rows(ranked, label("sector"))
    assert list(rows) == ["餐饮企业", "商场"]  # at least 3 tickets, best rate first
    assert [rows[s][label("rank")] for s in rows] == ["1", "2"]
    shop = rows["商场"]  # DH-01..04, XL-03; rectified DH-01, DH-02; DH-03 overdue since 01-10
    assert (shop[label("found")], shop[label("rectified")], shop[label("rate")]) == (5, 2, "40.0%")
    assert (shop[label("open")], shop[label("overdue")], shop[label("major_found")]) == (3, 1, 1)
    assert rows["餐饮企业"][label("rate")] == "93.8%"
    apart_rows = shown_rows(apart, label("sector"))
    assert {s: (r[label("found")], r[label("rectified")]) for s, r in apart_rows.items()} == {
        "宾馆": (2, 2),
        "厂房": (2, 1),
    }


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        # 一般 counts 较大 (DH-02, DH-03, XL-02) with 一般: 商场 keeps 4 tickets and its rank.
        ("general", {"餐饮企业": (16, 15, "93.8%"), "商场": (4, 2, "50.0%")}),
        ("major", {}),  # DH-04 (商场) and DH-06 (宾馆): one each, too few to rank
    ],
)
def test_sectors_page_severity_groups(mini_store, on_store, choice, expected):
    app = open_app(on_store(mini_store), "app_pages/sectors.py", as_of=MINI_AS_OF.isoformat())
    app.get("button_group")[0].set_value(choice).run()
    assert not app.exception, [e.value for e in app.exception]
    ranked = shown_rows(compact_frames(app)[0], label("sector"))
    assert {
        s: (r[label("found")], r[label("rectified")], r[label("rate")]) for s, r in ranked.items()
    } == expected
    if choice == "general":
        apart = shown_rows(compact_frames(app)[1], label("sector"))
        assert {s: r[label("found")] for s, r in apart.items()} == {"宾馆": 1, "厂房": 2}


def test_sectors_page_category_split_counts_serious_with_general(mini_store, on_store):
    app = open_app(on_store(mini_store), "app_pages/sectors.py", as_of=MINI_AS_OF.isoformat())
    general, major = chart_data(app, "sector_categories")
    # 电气线路 一般: DH-01, DH-02 (较大), DH-05, XL-01, XL-02 (较大); rectified all but XL-01.
    assert dict(zip(general["y"], general["text"], strict=True)) == {
        "其他": "93.8%（15/16处）",
        "电气线路": "80.0%（4/5处）",
        "消防设施器材": "0.0%（0/2处）",
    }
    assert dict(zip(major["y"], major["text"], strict=True)) == {
        "电气线路": "0.0%（0/1处）",
        "消防设施器材": "100.0%（1/1处）",
    }


def test_timeline_page_phases_from_config_and_counts_by_phase(mini_store, on_store, config):
    app = open_app(on_store(mini_store), "app_pages/timeline.py", as_of=MINI_AS_OF.isoformat())
    assert not app.exception, [e.value for e in app.exception]
    figure = chart_spec(app, "timeline_phases")
    spans = [trace["text"][0] for trace in figure["data"] if trace["text"][0]]
    assert spans == [p.name for p in config.campaign.phases]
    # Key periods are named above or below their spans (staggered so neighbours never collide).
    keys = [p.name for p in config.campaign.key_periods]
    assert [a["text"] for a in figure["layout"]["annotations"] if a["text"] in keys] == keys
    phases = shown_rows(compact_frames(app)[0], label("phase"))
    figures = {
        name: tuple(row[label(c)] for c in ("found", "rectified", "rate", "open", "overdue"))
        for name, row in phases.items()
    }
    assert figures == {
        # found to 12-05: DH-01, DH-02, XL-01, XL-02 (on 12-05), NP-01..15; open and overdue: XL-01.
        "部署发动": (19, 18, "94.7%", 1, 1),
        # from 12-06: DH-03 (on 12-06), DH-04, DH-05, DH-06, XL-03, NP-16; overdue: DH-03.
        "组织实施": (6, 2, "33.3%", 4, 1),
        "总结提升": (0, 0, "—", 0, 0),
    }


def test_quality_page_imports_and_rows_kept_aside(mini_store, on_store):
    # Logged in: a public viewer sees the rows kept aside without their raw cells.
    app = open_app(on_store(mini_store), "app_pages/quality.py", user=CLERK, as_of=MINI_AS_OF.isoformat())
    assert not app.exception, [e.value for e in app.exception]
    imports, rejected, missing = [frame.value for frame in app.dataframe][:3]
    by_file = shown_rows(imports, label("file_name"))
    counts = {
        name: tuple(row[label(c)] for c in ("rows_read", "rows_new", "rows_rejected"))
        for name, row in by_file.items()
    }
    assert counts == {
        "东河村台账.xlsx": (6, 6, 0),
        "西岭村台账.xlsx": (5, 3, 2),
        "南坪村台账.xlsx": (16, 16, 0),
    }
    assert {row[label("report_date")] for row in by_file.values()} == {"2024-01-14"}
    kept = rejected.to_dict("records")
    # Title, 填报日期 and header take rows 1-3: XL-04 and XL-05 are rows 7 and 8 of the sheet.
    assert [(r[label("file_name")], r[label("sheet")], r[label("row_number")]) for r in kept] == [
        ("西岭村台账.xlsx", "Sheet1", 7),
        ("西岭村台账.xlsx", "Sheet1", 8),
    ]
    assert "不存在村" in kept[0][label("reason")] and "XL-04" in kept[0][label("raw_values")]
    assert label("found_date") in kept[1][label("reason")]
    # Every configured village but the three that sent a ledger in the week of 01-14.
    assert len(missing) == 13
    assert {"东河村", "西岭村", "南坪村"}.isdisjoint(set(missing[label("village")]))


def test_quality_page_lists_the_loads_warnings_and_unreadable_cells(tmp_path, on_store):
    from etl.load import load_files
    from firedash.config import load_config
    from tests.ledgers import write_xlsx

    # 督办结果 is no header the loader knows, yet says a state; 整改期限 待定 is a cell it cannot read.
    header = ("序号", "排查日期", "村（社区）", "单位名称", "隐患描述", "督办结果", "整改期限")
    rows = [(1, "2024-01-10", "东河村", "东河饭店", "燃气软管老化", "已整改", "待定")]
    ledger = write_xlsx(
        tmp_path / "东河村台账.xlsx", rows, header=header, report_line="填报日期：2024年1月14日"
    )
    db = tmp_path / "q.duckdb"
    (outcome,) = load_files([ledger], db=db, config=load_config(ROOT / "data" / "town.toml"))
    assert outcome.outcome == "loaded_with_warnings"
    (issue,) = outcome.issues
    app = open_app(on_store(db), "app_pages/quality.py", as_of="2024-01-20")
    assert not app.exception, [e.value for e in app.exception]
    frames = [frame.value for frame in app.dataframe]
    warnings = next(f for f in frames if label("message") in f.columns)
    assert any("督办结果" in message for message in warnings[label("message")])
    issues = next(f for f in frames if label("problem") in f.columns)
    assert issues[[label("row_number"), label("column"), label("value")]].values.tolist() == [
        [issue.row_number, "整改期限", "待定"]
    ]


def test_weekly_page_shows_a_dash_for_a_village_with_nothing_found(mini_store, on_store, config):
    app = open_app(on_store(mini_store), "app_pages/weekly.py", as_of=MINI_AS_OF.isoformat())
    week = config.campaign.week_number(dt.date(2024, 1, 14))  # 01-08 … 01-14
    app.selectbox(key="week_no").set_value(week).run()
    assert not app.exception, [e.value for e in app.exception]
    ranking = shown_rows(compact_frames(app)[0], label("village"))
    north = ranking["北山村"]  # 0 found, 0 rectified: no rate, not 0.0%
    assert (north[label("found")], north[label("rate")], north[label("rate_last_week")]) == (0, "—", "—")
    assert north[label("rate_change_pp")] == "—"
    # 南坪村: 14/15 at the end of last week, 15/16 at the end of this one.
    south = ranking["南坪村"]
    assert (south[label("rate_last_week")], south[label("rate")]) == ("93.3%", "93.8%")
    assert south[label("rate_change_pp")] == "+0.4"


def test_a_change_of_0_4_points_is_not_shown_as_steady(mini_store, on_store):
    # 较上周 compares with the previous week's Sunday: on Sunday 01-14 that is 01-07 (14/15 → 15/16).
    app = open_app(on_store(mini_store), "app_pages/villages.py", as_of="2024-01-14", village="南坪村")
    assert not app.exception, [e.value for e in app.exception]
    rate = next(m for m in app.metric if m.label == label("rate"))
    assert (rate.value, rate.delta) == ("93.8%", "较上周 +0.4个百分点")
    found = next(m for m in app.metric if m.label == label("found"))
    assert found.delta == "较上周 +1处"


@pytest.mark.parametrize(
    ("now", "before", "shown"),
    [
        (0.9375, 0.9333, "+0.4个百分点"),  # 0.42 points: shown, not 持平
        (0.5004, 0.5, "持平"),  # 0.04 points rounds to 0.0
        (0.5, 0.5004, "持平"),  # and so does -0.04 (never "-0.0")
        (0.5006, 0.5, "+0.1个百分点"),  # 0.06 rounds to 0.1
        (0.496, 0.5, "-0.4个百分点"),
        (0.5, None, None),
    ],
)
def test_rate_delta_is_steady_only_when_it_rounds_to_zero(now, before, shown):
    assert rate_delta(now, before) == shown


@pytest.mark.parametrize(
    ("now", "before", "shown"), [(5, 4, "+1处"), (4, 5, "-1处"), (5, 5, "持平"), (5, None, None)]
)
def test_count_delta(now, before, shown):
    assert count_delta(now, before) == shown


@pytest.mark.parametrize(("points", "shown"), [(0.42, "+0.4"), (-0.04, "+0.0"), (-0.4, "-0.4"), (None, "—")])
def test_rate_change_column(points, shown):
    frame = display_frame(pd.DataFrame({"rate_change_pp": [points]}), ["rate_change_pp"])
    assert frame.iloc[0, 0] == shown


# Streamlit's own English, replaced where it allows (ui.layout.chrome_words, placeholders, the config).


@pytest.mark.parametrize("spec", PAGES, ids=[spec.name for spec in PAGES])
def test_no_streamlit_english_where_it_can_be_replaced(sample_store, on_store, spec):
    app = open_app(on_store(sample_store), spec.script, user=viewer(spec), as_of=AS_OF.isoformat())
    assert not app.exception
    styles = "\n".join(e.proto.body for e in app.get("html"))
    assert "[data-testid=stElementToolbar] { display: none; }" in styles  # no "Download as CSV", "Search"
    assert 'content: "选择文件"' in styles and 'content: "每个文件不超过200MB"' in styles
    for box in [*app.selectbox, *app.multiselect]:
        # An empty placeholder shows "Choose an option"; ours are Chinese words.
        assert box.proto.placeholder and not re.search("[A-Za-z]", box.proto.placeholder), box.key


def test_the_tables_built_in_export_is_off():
    client = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["client"]
    assert client["disableDataExport"] is True  # its CSV would keep =HYPERLINK(…) cells live
