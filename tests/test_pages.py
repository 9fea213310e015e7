"""Every page through AppTest on the sample store and on empty stores; drill-down, as-of, URL and helpers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

import metrics
from firedash.config import TownConfig
from firedash.glossary import LABELS, LEDGER_KIND_LABELS, SEVERITY_LABELS, STATUS_LABELS
from firedash.store import connect
from metrics import NO_FILTERS, Filters
from ui import data
from ui.controls import View, parse_as_of, parse_choices, url_params
from ui.format import count_delta, fmt_rank_move, fmt_rate, overview_sentence, rate_delta, scope_name
from ui.labels import PAGE_TITLES, TEXT, UI_LABELS
from ui.navigation import PAGES

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


def open_app(db: Path, page: str | None = None, **params: str | list[str]) -> AppTest:
    """Run the dashboard on `db` with the given URL parameters, then switch to a page (script path)."""
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    if page:
        app.switch_page(page).run()
    return app


def tile(app: AppTest, name: str) -> str:
    """The shown value of the metric tile labelled like the metric `name`."""
    label = LABELS.get(name) or UI_LABELS[name]
    return next(m.value for m in app.metric if m.label == label)


def summary_at(db: Path, as_of: dt.date, filters: Filters = NO_FILTERS) -> dict:
    con = connect(db, read_only=True)
    try:
        return metrics.summary(con, as_of=as_of, filters=filters).to_dict("records")[0]
    finally:
        con.close()


def texts(app: AppTest) -> str:
    parts = [*app.info, *app.markdown, *app.caption, *app.subheader, *app.success, *app.warning]
    return "\n".join(str(p.value) for p in parts)


@pytest.fixture
def on_store(monkeypatch: pytest.MonkeyPatch):
    def point(db: Path) -> Path:
        monkeypatch.setenv("FIREDASH_DB", str(db))
        monkeypatch.setenv("FIREDASH_CONFIG", str(ROOT / "data" / "town.toml"))
        return db

    return point


# Every page, three stores.


@pytest.mark.parametrize("spec", PAGES, ids=[spec.name for spec in PAGES])
def test_every_page_renders_on_the_sample_store(sample_store, on_store, spec):
    app = open_app(on_store(sample_store), spec.script, as_of=AS_OF.isoformat())
    assert not app.exception, [e.value for e in app.exception]
    assert app.header[0].value == PAGE_TITLES[spec.name]
    assert "大同镇" in app.markdown[0].value and "2024年2月20日" in app.markdown[0].value
    assert TEXT["no_data"] not in "\n".join(i.value for i in app.info)


@pytest.mark.parametrize("spec", PAGES, ids=[spec.name for spec in PAGES])
def test_every_page_says_no_data_on_an_empty_store(db_file, on_store, spec):
    app = open_app(on_store(db_file), spec.script)
    assert not app.exception, [e.value for e in app.exception]
    assert app.header[0].value == PAGE_TITLES[spec.name]
    shown = texts(app)
    assert TEXT["no_data"] in shown or spec.name == "quality"
    if spec.name == "quality":
        assert TEXT["no_rejected"] in shown


@pytest.mark.parametrize("spec", PAGES, ids=[spec.name for spec in PAGES])
def test_every_page_explains_a_missing_store(tmp_path, on_store, spec):
    app = open_app(on_store(tmp_path / "none.duckdb"), spec.script)
    assert not app.exception, [e.value for e in app.exception]
    assert app.header[0].value == PAGE_TITLES[spec.name]
    assert "python -m etl load" in app.info[0].value
    assert not (tmp_path / "none.duckdb").exists()  # reading never creates the store


# The overview's figures and the shared controls.


def test_overview_tiles_match_the_metrics(sample_store, on_store):
    app = open_app(on_store(sample_store), as_of=AS_OF.isoformat())
    expected = summary_at(sample_store, AS_OF)
    before = summary_at(sample_store, AS_OF - dt.timedelta(days=7))
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
    assert scope_name("大同镇", (), False) == "全镇" and scope_name("大同镇", ("东河村",), True) == "东河村"


def test_no_chinese_label_is_spelled_twice():
    shared = [
        *LABELS.values(),
        *SEVERITY_LABELS.values(),
        *STATUS_LABELS.values(),
        *LEDGER_KIND_LABELS.values(),
    ]
    ours = [*UI_LABELS.values(), *PAGE_TITLES.values(), *TEXT.values()]
    everything = [*set(shared), *ours]  # the shared glossary may repeat itself; it is not ours to change
    repeated = {v for v in everything if everything.count(v) > 1}
    assert repeated <= {PAGE_TITLES["villages"]}  # that title is the glossary's label itself, not a copy


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
