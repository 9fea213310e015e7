"""The 数据导入 page (AppTest): a real ledger previewed without writing, a column fixed and saved as a profile
that the next file of that shape is read with, commit, undo, restore, and the audit trail of it all in order."""

from __future__ import annotations

import csv
import hashlib
import io
import time
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.load import load_files
from etl.preview import profile_name, safe_name, stage, upload_name, write_profile
from etl.profiles import Profile, read_profile
from etl.undo import read_state
from firedash import audit, users
from firedash.access import Role
from firedash.config import load_config
from tests.test_pages import ROOT, SAMPLE
from ui import data

PASSWORD = "正确的密码abc"
CLERK = "王芳"
WEEK5 = SAMPLE / "2023-12-03_第5周"
WEEK6 = SAMPLE / "2023-12-10_第6周"
PAGE = "app_pages/import_ledgers.py"
ODD_HEADER = "落实情况"  # a status column under a header the vocabulary does not know


@pytest.fixture(autouse=True)
def cold_cache():
    data.clear()
    yield
    data.clear()


@pytest.fixture
def town(tmp_path, monkeypatch):
    """A store of week 5's ledgers, a config whose profiles folder is in tmp, one 应急办 user, a fresh trail."""
    source = (ROOT / "data" / "town.toml").read_text(encoding="utf-8")
    toml = tmp_path / "town.toml"
    toml.write_text(source.replace("[intake]\n", '[intake]\nprofiles_dir = "profiles"\n'), "utf-8")
    config = load_config(toml)
    store = tmp_path / "campaign.duckdb"
    load_files(sorted(WEEK5.iterdir()), db=store, config=config)
    for name, value in {"FIREDASH_DB": store, "FIREDASH_CONFIG": toml, "FIREDASH_USERS": tmp_path / "users.toml",
                        "FIREDASH_AUDIT": tmp_path / "audit.jsonl"}.items():  # fmt: skip
        monkeypatch.setenv(name, str(value))
    users.add_user(CLERK, Role.OFFICE_ADMIN, PASSWORD, config=config)
    return tmp_path


def open_page(user: str | None = CLERK) -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if user:
        app.session_state["auth_user"] = user
        app.session_state["auth_last_seen"] = time.time()
    app.run()
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def upload(app: AppTest, *paths: Path | tuple[str, bytes]) -> AppTest:
    files = [(p.name, p.read_bytes(), "application/octet-stream") if isinstance(p, Path) else (*p, "text/csv")
             for p in paths]  # fmt: skip
    app.file_uploader[0].set_value(files).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def texts(app: AppTest) -> list[str]:
    return [t.value for t in app.text]


def table(app: AppTest, column: str):
    """The first table with that column (st.dataframe's key is not kept in AppTest's element tree)."""
    return next(d.value for d in app.dataframe if column in d.value.columns)


def odd_ledger(village: str, rows: list[tuple[str, str, str, str]]) -> bytes:
    """A CSV ledger whose status column is headed 落实情况 (unit, found date, description, status)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["村（社区）", "单位名称", "排查日期", "隐患描述", "整改期限", ODD_HEADER])
    writer.writerows([(village, *row[:3], "2024-01-31", row[3]) for row in rows])
    return out.getvalue().encode("utf-8")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_preview_of_a_real_ledger_writes_nothing(town):
    store = town / "campaign.duckdb"
    before = digest(store)
    ledger = sorted(WEEK6.glob("东河村*"))[0]
    app = upload(open_page(), ledger)
    line = next(t for t in texts(app) if ledger.name in t)
    assert line.startswith("✓") and "新增隐患" in line and "读取 " in line
    # The counts are the loader's dry run against this store: the same numbers a real load then gives.
    columns = table(app, "读作")
    assert {"隐患编号", "排查日期", "整改情况/是否整改"} <= set(columns["列"])
    assert dict(zip(columns["列"], columns["读作"], strict=True))["整改情况/是否整改"] == "整改状态"
    sample = table(app, "整改完成时间")
    assert list(sample.columns[2:]) == [
        "村（社区）",
        "单位名称",
        "排查日期",
        "整改期限",
        "整改状态",
        "整改完成时间",
    ]
    assert len(sample) == 5 and set(sample["村（社区）"]) == {"东河村"}
    assert digest(store) == before and len(read_state(store).imports) == len(list(WEEK5.iterdir()))
    real = load_files([ledger], db=store, config=load_config())
    assert f"新增隐患 {real[0].rows_new} 处" in line and real[0].rows_new > 0


def test_a_refused_file_says_why_in_one_line_and_cannot_be_chosen(town):
    app = upload(open_page(), ("坏文件.xlsx", b"not a workbook"))
    line = next(t for t in texts(app) if "坏文件.xlsx" in t)
    assert line.startswith("✗ 坏文件.xlsx：") and "\n" not in line
    assert app.checkbox(key="intake_pick:0").disabled and not app.checkbox(key="intake_pick:0").value
    assert app.button(key="intake_commit").disabled


def test_a_fixed_column_is_saved_as_a_profile_and_reads_the_next_file(town):
    store = town / "campaign.duckdb"
    first = ("石桥村新格式台账_第6周.csv", odd_ledger("石桥村", [("甲商店", "2023-12-08", "灭火器过期", "已整改"), ("乙饭店", "2023-12-09", "电线私拉", "未整改")]))  # fmt: skip
    app = upload(open_page(), first)
    sample = table(app, "整改完成时间")
    assert set(sample["整改状态"].dropna()) <= {"未整改"}  # not read: every hazard counts as open
    app.selectbox(key=f"intake_col:0:{ODD_HEADER}").set_value("status")
    app.button(key="intake_repreview").click().run()
    sample = table(app, "整改完成时间")
    assert list(sample["整改状态"]) == ["已整改", "未整改"]
    assert not (town / "profiles").exists()  # nothing saved before the commit
    app.button(key="intake_commit").click().run()
    assert not app.exception, [e.value for e in app.exception]
    saved = read_profile(town / "profiles" / "石桥村.toml")
    assert saved.columns == {ODD_HEADER: "status"} and ODD_HEADER in saved.match
    assert [i.file_name for i in read_state(store).imports][-1] == first[0]
    # Next week's file of that shape, another name: read right without any choice.
    second = (
        "石桥村新格式台账_第7周.csv",
        odd_ledger("石桥村", [("丙旅馆", "2023-12-15", "通道堵塞", "已整改")]),
    )
    app = upload(app, second)
    assert list(table(app, "整改完成时间")["整改状态"]) == ["已整改"]
    columns = table(app, "读作")
    assert dict(zip(columns["列"], columns["读作"], strict=True))[ODD_HEADER] == "整改状态"


def test_commit_undo_restore_and_the_audit_trail_in_order(town):
    store = town / "campaign.duckdb"
    ledgers = sorted(WEEK6.iterdir())[:2]
    tickets_before = read_state(store).tickets
    app = upload(open_page(), *ledgers)
    app.button(key="intake_commit").click().run()
    assert not app.exception, [e.value for e in app.exception]
    state = read_state(store)
    new = state.imports[-2:]
    assert [i.file_name for i in new] == [p.name for p in ledgers]
    assert [i.sha256 for i in new] == [digest(p) for p in ledgers]
    assert state.tickets > tickets_before
    assert any("已导入 2 个文件" in s.value for s in app.success)
    log = table(app, "SHA-256")
    assert list(log.loc[log["导入编号"].isin([i.id for i in new]), "用户"]) == [CLERK, CLERK]
    assert set(log.loc[~log["导入编号"].isin([i.id for i in new]), "用户"]) == {"命令行"}
    # Undo the last one: the confirmation names the file and the counts; nothing changes before 确认.
    target = new[-1]
    app.selectbox(key="intake_undo_id").set_value(target.id).run()
    app.button(key="intake_undo").click().run()
    question = app.warning[0].value
    assert target.file_name in question and f"新增隐患 {target.rows_new} 处" in question
    assert read_state(store).tickets == state.tickets
    app.button(key="intake_confirm_undo").click().run()
    assert not app.exception, [e.value for e in app.exception]
    after = read_state(store)
    assert target.id in after.undone and after.tickets == state.tickets - target.rows_new
    # Restore the backup taken before the undo: the two imports are back.
    # No English "Choose an option" in the pickers that start empty.
    for key in ("intake_undo_id", "intake_backup_id"):
        assert app.selectbox(key=key).proto.placeholder == "请选择", key
    backup = app.selectbox(key="intake_backup_id").options[0]
    app.selectbox(key="intake_backup_id").set_value(backup).run()
    app.button(key="intake_restore").click().run()
    app.button(key="intake_confirm_restore").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert read_state(store).tickets == state.tickets
    trail = audit.read()
    assert list(trail["action"]) == ["import", "import", "undo", "restore"]
    assert set(trail["who"]) == {CLERK}
    first = trail.iloc[0]["data"]
    assert first["file"] == ledgers[0].name and first["sha256"] == digest(ledgers[0])
    assert first["import_id"] == new[0].id and first["rows_new"] == new[0].rows_new
    assert trail.iloc[2]["data"]["import_id"] == target.id


def test_the_page_is_closed_to_a_visitor(town):
    app = open_page(user=None)
    assert not app.file_uploader and any(box.key == "auth_name" for box in app.text_input)


def test_staging_and_profile_names_never_leave_their_folder(tmp_path):
    assert upload_name("../../etc/passwd") == "passwd"
    assert upload_name("..\\..\\x.xlsx") == "x.xlsx"
    assert upload_name("柳湾村冬春火灾隐患台账 20240114.xlsx") == "柳湾村冬春火灾隐患台账 20240114.xlsx"
    assert safe_name("../村/../a b") == "a_b" and safe_name("..") == "profile"
    assert profile_name("东河村火灾隐患排查整改台账.xlsx", ["东河村", "河村"]) == "东河村"
    staged = stage(tmp_path, [("../a.csv", b"1"), ("a.csv", b"2")])
    assert [s.path.parent for s in staged] == [tmp_path / "files"] * 2
    assert [s.name for s in staged] == ["a.csv", "a_2.csv"]
    path = write_profile(
        tmp_path / "p", Profile("../../evil", ('a"b',), {"x\\y": "status"}, None, {"见附件": "open"})
    )
    assert path.parent == tmp_path / "p"
    assert read_profile(path).columns == {"x\\y": "status"} and tomllib.loads(path.read_text())["match"] == [
        'a"b'
    ]
