"""Logins and roles in the running dashboard (AppTest): anonymous with public viewing on and off, a 领导, a
village head who sees only their village's tickets (tables, exports, an edited URL) but the town ranking,
and the 应急办's 操作记录 page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from firedash import access, audit, users
from firedash.access import Role
from firedash.glossary import AUDIT_ACTIONS, AUDIT_COLUMN_LABELS, LOGIN, PAGE_TITLES, label, text
from metrics import Filters
from tests.test_pages import AS_OF, ROOT, compact_frames, sample_store_path, shown_frames, summary_at
from ui import data
from ui.export import xlsx_bytes
from ui.navigation import PAGES, menu_visibility

PASSWORD = "正确的密码abc"
CLERK, LEADER, HEAD, OTHER_HEAD = "王芳", "赵镇长", "李村长", "周村长"
VILLAGE, OTHER = "西岭村", "高坎村"  # at AS_OF: 2 and 21 overdue; 1 and 0 rows kept aside
DASHBOARD = [spec for spec in PAGES if not spec.admin]
ADMIN = [spec for spec in PAGES if spec.admin]
TOWN_RANKING = [label(c) for c in access.TOWN_RANKING_COLUMNS]


@pytest.fixture(autouse=True)
def cold_cache():
    data.clear()
    yield
    data.clear()


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_store_path(tmp_path_factory)


def town_toml(tmp_path: Path, *, public_view: bool) -> Path:
    """data/town.toml with [access] public_view set."""
    source = (ROOT / "data" / "town.toml").read_text(encoding="utf-8")
    assert "public_view = true" in source
    path = tmp_path / "town.toml"
    path.write_text(
        source.replace("public_view = true", f"public_view = {str(public_view).lower()}"), "utf-8"
    )
    return path


@pytest.fixture
def town(tmp_path, monkeypatch, sample_store, config):
    """The sample store, a users file with one user of each role, a fresh audit trail; public viewing on."""
    serve_town(monkeypatch, tmp_path, sample_store, config)
    return tmp_path


def serve_town(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, store: Path, config) -> None:
    """Point the app at `store`, a public town.toml, a fresh users file (one user of each role) and audit trail."""
    monkeypatch.setenv("FIREDASH_DB", str(store))
    monkeypatch.setenv("FIREDASH_CONFIG", str(town_toml(tmp_path, public_view=True)))
    monkeypatch.setenv("FIREDASH_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("FIREDASH_AUDIT", str(tmp_path / "audit.jsonl"))
    users.add_user(CLERK, Role.OFFICE_ADMIN, PASSWORD, config=config)
    users.add_user(LEADER, Role.LEADER, PASSWORD, config=config)
    users.add_user(HEAD, Role.VILLAGE, PASSWORD, config=config, village=VILLAGE)


def open_as(user: str | None, page: str | None = None, **params: str | list[str]) -> AppTest:
    """The dashboard as `user` (None: not logged in), on a page (script path), with URL parameters."""
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if user is not None:
        app.session_state["auth_user"] = user
        app.session_state["auth_last_seen"] = time.time()
    app.query_params["as_of"] = AS_OF.isoformat()
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def log_in(app: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    app.text_input(key="auth_name").input(name)
    app.text_input(key="auth_password").input(password)
    app.button(key="auth_submit").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def has_login_form(app: AppTest) -> bool:
    return any(box.key == "auth_name" for box in app.text_input)


def shows_login_only(app: AppTest) -> bool:
    """The page's place holds the login form and nothing of the dashboard."""
    return (
        has_login_form(app)
        and not app.dataframe
        and not app.metric
        and not app.get("plotly_chart")
        and not app.get("download_button")
    )


@pytest.fixture(autouse=True)
def built_downloads(monkeypatch) -> dict[str, object]:
    """What every download button offers, as Streamlit registers it (the registration still runs): a
    deferred builder by its file id (called as a click would), or the bytes themselves by their URL."""
    registered: dict[str, object] = {}
    deferred, static = MediaFileManager.add_deferred, MediaFileManager.add

    def spy_deferred(self, data_callable, *args, **kwargs):
        registered[file_id := deferred(self, data_callable, *args, **kwargs)] = data_callable
        return file_id

    def spy_static(self, path_or_data, *args, **kwargs):
        registered[url := static(self, path_or_data, *args, **kwargs)] = lambda: path_or_data
        return url

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy_deferred)
    monkeypatch.setattr(MediaFileManager, "add", spy_static)
    return registered


def downloads(app: AppTest, registered: dict[str, object]) -> dict[str, bytes]:
    """The bytes of every download button on the page now, by its key."""
    return {
        button.proto.id.rsplit("-", 1)[-1]: registered[button.proto.deferred_file_id or button.proto.url]()
        for button in app.get("download_button")
    }


def workbooks(files: dict[str, bytes]) -> list[tuple[str, bytes]]:
    """Every .xlsx among the downloads, those inside a ZIP too; a CSV becomes a one-sheet workbook."""
    found = []
    for name, content in files.items():
        if content.startswith(b"\xef\xbb\xbf"):  # our CSV of a table as shown
            rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
            frame = pd.DataFrame(rows[1:], columns=rows[0])
            found.append((name, xlsx_bytes({name: frame}, title=name, as_of=AS_OF)))
            continue
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "[Content_Types].xml" in archive.namelist():
                found.append((name, content))
            else:
                found.extend((member, archive.read(member)) for member in archive.namelist())
    return found


def sheets(workbook: bytes) -> dict[str, list[dict]]:
    """Each sheet's rows under its header row (row 4), as dicts."""
    book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)
    result = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        header, body = rows[0], rows[1:]
        result[sheet.title] = [dict(zip(header, row, strict=True)) for row in body]
    return result


def village_values(frame) -> set[str]:
    return set(frame[label("village")]) if label("village") in frame.columns else set()


# The menu.


def test_the_menu_lists_office_pages_only_for_the_office(town, config):
    everyone = {spec.name for spec in DASHBOARD}
    clerk, leader, head = (users.load_users()[name] for name in (CLERK, LEADER, HEAD))
    shown = {who: {s.name for s, v in menu_visibility(user, config) if v == "visible"}
             for who, user in (("anon", None), ("leader", leader), ("head", head), ("clerk", clerk))}  # fmt: skip
    assert shown["anon"] == shown["leader"] == shown["head"] == everyone
    assert shown["clerk"] == everyone | {"import", "audit"}


# Anonymous, public viewing on (the projector).


@pytest.mark.parametrize("spec", DASHBOARD, ids=[s.name for s in DASHBOARD])
def test_anonymous_sees_every_dashboard_page_but_no_personal_export(town, spec):
    app = open_as(None, spec.script)
    assert app.header[0].value == PAGE_TITLES[spec.name]
    # Only what names nobody: the CSV of a table as shown, the week's figures, the dashboard workbook
    # (without 责任人/电话 for a public viewer: tests/test_week_and_filters.py).
    keys = {button.proto.id.rsplit("-", 1)[-1] for button in app.get("download_button")}
    assert all(k.endswith("_csv") or k in {"weekly_download", "dashboard_download"} for k in keys), keys
    assert app.sidebar.expander and app.sidebar.expander[0].label == LOGIN  # the sidebar's login
    for table in shown_frames(app):
        assert label("raw_values") not in table.columns and label("responsible") not in table.columns
    hints = [c.value for c in app.caption]
    if spec.name == "overdue":
        assert text("export_needs_login") in hints
    if spec.name == "quality":
        assert text("raw_needs_login") in hints


@pytest.mark.parametrize("spec", ADMIN, ids=[s.name for s in ADMIN])
def test_anonymous_and_leader_cannot_reach_office_pages_by_url(town, spec):
    app = open_as(None, spec.script)
    assert app.header[0].value == PAGE_TITLES[spec.name]
    assert shows_login_only(app) and [w.value for w in app.warning] == [text("needs_login")]
    leader = open_as(LEADER, spec.script)
    assert text("needs_role", role="应急办", name=LEADER, current="领导") in [e.value for e in leader.error]
    assert not leader.dataframe and not leader.get("download_button")


def test_the_import_page_says_how_to_create_the_first_office_account(tmp_path, monkeypatch, sample_store):
    monkeypatch.setenv("FIREDASH_DB", str(sample_store))
    monkeypatch.setenv("FIREDASH_CONFIG", str(ROOT / "data" / "town.toml"))
    monkeypatch.setenv("FIREDASH_USERS", str(tmp_path / "users.toml"))  # no users yet
    monkeypatch.setenv("FIREDASH_AUDIT", str(tmp_path / "audit.jsonl"))
    app = open_as(None, "app_pages/import_ledgers.py")
    assert text("first_admin") in [i.value for i in app.info]
    assert [c.value for c in app.code][0] == "python -m firedash users add 姓名 --role 应急办"
    assert shows_login_only(app)


# Anonymous, public viewing off.


@pytest.mark.parametrize("spec", PAGES, ids=[s.name for s in PAGES])
def test_without_public_viewing_no_page_shows_before_logging_in(town, monkeypatch, spec):
    (town / "private").mkdir()
    monkeypatch.setenv("FIREDASH_CONFIG", str(town_toml(town / "private", public_view=False)))
    app = open_as(None, spec.script)
    assert shows_login_only(app)
    assert not app.multiselect and not app.date_input  # not even the filters
    assert not any("大同镇" in m.value for m in app.markdown)  # nor the header line
    log_in(app, CLERK)
    assert app.header[0].value == PAGE_TITLES[spec.name]
    assert not has_login_form(app)


# A 领导: every page, the whole town, exports.


@pytest.mark.parametrize("spec", DASHBOARD, ids=[s.name for s in DASHBOARD])
def test_a_leader_sees_the_whole_town_and_its_exports(town, spec, sample_store):
    app = open_as(LEADER, spec.script)
    assert text("logged_in_as", name=LEADER, role="领导") in [c.value for c in app.caption]
    if spec.name == "overview":
        assert next(m.value for m in app.metric if m.label == label("found")) == (
            f"{summary_at(sample_store, AS_OF)['found']}处"
        )
    if spec.name in ("overdue", "quality"):
        assert app.get("download_button")


# A village head: only their village, whatever the URL says; the town ranking stays.


@pytest.mark.parametrize("spec", DASHBOARD, ids=[s.name for s in DASHBOARD])
def test_a_village_head_sees_only_their_village_even_with_an_edited_url(
    town, spec, sample_store, built_downloads
):
    app = open_as(HEAD, spec.script, village=[OTHER, "北山村"], office="平安办")
    assert app.multiselect(key="f_village").options == [VILLAGE]
    # The empty village box names the one village shown, not 全部.
    assert app.multiselect(key="f_village").proto.placeholder == VILLAGE
    assert app.query_params["village"] == VILLAGE
    for table in shown_frames(app):
        # Only a town ranking (rank, village, found, rectified, rate: nothing else) names other villages.
        if list(table.columns) != TOWN_RANKING:
            assert village_values(table) <= {VILLAGE}, list(table.columns)
    # The office asked for narrows within the village; the other villages asked for are dropped.
    own = summary_at(sample_store, AS_OF, Filters(villages=(VILLAGE,), offices=("平安办",)))
    assert 0 < own["found"] < summary_at(sample_store, AS_OF, Filters(villages=(VILLAGE,)))["found"]
    if spec.name in ("overview", "villages"):
        assert next(m.value for m in app.metric if m.label == label("found")) == f"{own['found']}处"
    for name, workbook in workbooks(downloads(app, built_downloads)):
        for title, rows in sheets(workbook).items():
            villages = {row.get(label("village")) for row in rows} - {None}
            if rows and list(rows[0]) == TOWN_RANKING:
                assert title in (
                    "各村排名",
                    "红榜",
                    "黑榜",
                    label("village"),
                    "weekly_ranking_csv",
                    "weekly_red_csv",
                    "weekly_black_csv",
                )
            else:
                assert villages <= {VILLAGE}, (name, title, villages)


def test_a_village_heads_overdue_export_holds_exactly_their_overdue_tickets(
    town, sample_store, built_downloads
):
    app = open_as(HEAD, "app_pages/overdue.py", village=OTHER)
    workbook = sheets(downloads(app, built_downloads)["overdue_download"])
    overdue = workbook["超期未整改"]
    own = summary_at(sample_store, AS_OF, Filters(villages=(VILLAGE,)))
    assert own["overdue"] > 0 and len(overdue) == own["overdue"]
    assert {row[label("village")] for row in overdue} == {VILLAGE}
    headings = [s.value for s in app.subheader]
    assert f"超期未整改隐患清单（{own['overdue']}处）" in headings


def test_the_town_ranking_still_lists_every_village_for_a_village_head(town, config, built_downloads):
    app = open_as(HEAD, "app_pages/weekly.py")
    ranking = compact_frames(app)[0]
    assert list(ranking.columns) == TOWN_RANKING
    assert set(ranking[label("village")]) == set(config.villages)
    # The same figures a 领导 sees for the whole town (not zeros for the other villages).
    leader = compact_frames(open_as(LEADER, "app_pages/weekly.py"))[0][TOWN_RANKING]
    assert ranking.to_dict("records") == leader.to_dict("records")
    assert ranking.set_index(label("village")).loc[OTHER, label("found")] > 0
    workbook = sheets(downloads(app, built_downloads)["weekly_download"])
    assert list(workbook["各村排名"][0]) == TOWN_RANKING
    assert {row[label("village")] for row in workbook["各村排名"]} == set(config.villages)
    villages_page = open_as(HEAD, "app_pages/villages.py")
    assert villages_page.selectbox(key="drill_village").options == [VILLAGE]
    bars = [e for e in villages_page.get("plotly_chart") if e.proto.id.endswith("village_bars")]
    traces = json.loads(bars[0].proto.spec)["data"]
    drawn = {y.split(". ")[-1] for trace in traces for y in trace["y"]}
    assert drawn == set(config.villages)  # "1. 石桥村": rank and name
    leader = open_as(LEADER, "app_pages/villages.py")
    town = next(e for e in leader.get("plotly_chart") if e.proto.id.endswith("village_bars"))
    assert [t["text"] for t in traces] == [t["text"] for t in json.loads(town.proto.spec)["data"]]


def test_a_village_head_sees_no_other_villages_rows_kept_aside_or_imports(town, built_downloads):
    app = open_as(HEAD, "app_pages/quality.py")
    assert text("town_only") not in [c.value for c in app.caption]  # a village's own ledgers are its own
    (rejected,) = (t.value for t in app.dataframe if label("reason") in t.value.columns)
    assert list(rejected[label("village")]) == [VILLAGE]  # 杨家庄村's row kept aside is not shown
    assert label("raw_values") in rejected.columns  # logged in: the raw cells, of their own rows
    for table in app.dataframe:
        assert village_values(table.value) <= {VILLAGE}
    (kept,) = sheets(downloads(app, built_downloads)["rejected_download"]).values()
    assert [row[label("village")] for row in kept] == [VILLAGE]


def cell_texts(app: AppTest, registered: dict[str, object]) -> list[str]:
    """Every cell of every table on the page and of every sheet of every download, as text."""
    shown = [str(v) for t in app.dataframe for v in t.value.astype(str).to_numpy().ravel()]
    for _, workbook in workbooks(downloads(app, registered)):
        book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)
        shown += [str(v) for s in book.worksheets for row in s.iter_rows(values_only=True) for v in row if v]
    return shown


def test_the_quality_page_names_no_other_village_to_a_village_head(town, config, built_downloads):
    # 杨家庄村's ledger has a warning and a cell read as unknown (status 见附件); 西岭村's has neither.
    app = open_as(HEAD, "app_pages/quality.py")
    others = set(config.villages) - {VILLAGE}
    shown = cell_texts(app, built_downloads)
    assert not {(v, cell) for cell in shown for v in others if v in cell}
    assert "见附件" not in shown  # nor the raw cell
    headings = {s.value for s in app.success}
    assert {text("no_import_warnings"), text("no_data_issues")} <= headings
    files = list(quality_tables(app)["imports"][label("file_name")])
    assert len(files) == 18 and all(f.startswith(VILLAGE) for f in files)  # one a week, week 5 to 22


def quality_tables(app: AppTest) -> dict[str, pd.DataFrame]:
    """The 数据质量 page's imports, warnings and unknown cells, told apart by their columns."""
    marks = {"imports": label("rows_read"), "warnings": label("message"), "issues": label("problem")}
    return {
        name: next((t.value for t in app.dataframe if mark in t.value.columns), pd.DataFrame())
        for name, mark in marks.items()
    }


def test_a_village_head_sees_the_warnings_and_unknown_cells_of_their_own_ledgers(town, config):
    users.add_user(OTHER_HEAD, Role.VILLAGE, PASSWORD, config=config, village="杨家庄村")
    own = quality_tables(open_as(OTHER_HEAD, "app_pages/quality.py"))
    assert list(own["warnings"][label("file_name")]) == ["杨家庄村隐患台账3月31日.xlsx"]
    assert list(zip(own["issues"][label("file_name")], own["issues"][label("value")], strict=True)) == [
        ("杨家庄村隐患台账3月31日.xlsx", "见附件")
    ]
    assert own["imports"][label("file_name")].str.startswith("杨家庄村").all()
    town = quality_tables(open_as(LEADER, "app_pages/quality.py"))
    assert len(town["warnings"]) >= 1 and len(town["issues"]) >= 1
    assert len(town["imports"]) > len(own["imports"]) > 0


# The 应急办: the 操作记录 page.


def test_the_audit_page_lists_the_logins_of_this_test_in_order_and_exports_them(town, built_downloads):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    log_in(app, LEADER, "wrong-password")
    log_in(app, LEADER)
    app.button(key="auth_logout").click().run()
    log_in(app, CLERK)
    app.switch_page("app_pages/audit.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert text("audit_intact", lines=4) in [c.value for c in app.caption]
    table = app.dataframe[0].value
    shown = list(zip(table[AUDIT_COLUMN_LABELS["who"]], table[AUDIT_COLUMN_LABELS["action"]], strict=True))
    assert shown == [
        (LEADER, AUDIT_ACTIONS["login_failed"]),
        (LEADER, AUDIT_ACTIONS["login"]),
        (LEADER, AUDIT_ACTIONS["logout"]),
        (CLERK, AUDIT_ACTIONS["login"]),
    ]
    app.multiselect(key="audit_action").set_value(["login"]).run()
    assert list(app.dataframe[0].value[AUDIT_COLUMN_LABELS["who"]]) == [LEADER, CLERK]
    app.selectbox(key="audit_user").set_value(CLERK).run()
    rows = sheets(downloads(app, built_downloads)["audit_download"])[PAGE_TITLES["audit"]]
    assert [(r[AUDIT_COLUMN_LABELS["who"]], r[AUDIT_COLUMN_LABELS["action"]]) for r in rows] == [
        (CLERK, AUDIT_ACTIONS["login"])
    ]


def test_the_audit_export_neutralises_formula_cells_and_dates_filter(town, built_downloads):
    audit.record("login_failed", '=HYPERLINK("http://x")', who="=cmd|' /C calc'!A0", address="10.0.0.9")
    app = open_as(CLERK, "app_pages/audit.py")
    book = openpyxl.load_workbook(io.BytesIO(downloads(app, built_downloads)["audit_download"]))
    sheet = book.worksheets[0]
    cells = [c for row in sheet.iter_rows(min_row=5) for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith("=")]
    assert risky and all(c.data_type == "s" and c.quotePrefix for c in risky)
    app.date_input(key="audit_to").set_value(dt.date.today() - dt.timedelta(days=1)).run()
    assert text("audit_none") in [i.value for i in app.info]
