"""Users: the TOML file, role words, validation, the five-strikes lock (in and across processes), the CLI."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from firedash import audit, users
from firedash.access import Role
from firedash.users import LOCK_MINUTES, WRONG_LOGIN, UserError

ROOT = Path(__file__).resolve().parent.parent
T0 = dt.datetime(2024, 1, 8, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
GOOD, WRONG = "正确的密码abc", "wrong-password"


class Clock:
    """An injectable clock: tests move time instead of sleeping."""

    def __init__(self, at: dt.datetime = T0) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


@pytest.fixture
def users_file(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "data" / "users.toml"
    monkeypatch.setenv("FIREDASH_USERS", str(path))
    monkeypatch.setenv("FIREDASH_AUDIT", str(tmp_path / "audit.jsonl"))
    return path


@pytest.fixture
def clerk(users_file, config) -> users.User:
    return users.add_user("王芳", Role.OFFICE_ADMIN, GOOD, config=config, clock=Clock())


def _failures(users_file: Path, name: str) -> dict:
    state = json.loads(users.state_path(users_file).read_text(encoding="utf-8"))
    return state.get(name, {})


def test_users_file_holds_codes_and_argon2_hashes_never_the_password(users_file, config):
    clock = Clock()
    users.add_user("王芳", Role.OFFICE_ADMIN, GOOD, config=config, clock=clock)
    clock.advance(minutes=5)
    users.add_user("李村长", Role.VILLAGE, GOOD, config=config, village="东河村", clock=clock)
    text = users_file.read_text(encoding="utf-8")
    raw = tomllib.loads(text)["users"]
    assert [(u["name"], u["role"], u["village"]) for u in raw] == [
        ("王芳", "office_admin", ""),
        ("李村长", "village", "东河村"),
    ]
    assert raw[1]["created"] == T0 + dt.timedelta(minutes=5) == raw[1]["changed"]
    assert all(u["password_hash"].startswith("$argon2id$") for u in raw)
    assert raw[0]["password_hash"] != raw[1]["password_hash"]  # same password, different salt
    assert GOOD not in text
    assert users_file.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in users_file.parent.iterdir()) == ["users.toml", "users.toml.lock"]
    loaded = users.load_users()
    assert loaded["李村长"].role is Role.VILLAGE and loaded["王芳"].village is None


@pytest.mark.parametrize(
    ("word", "role"),
    [
        ("应急办", Role.OFFICE_ADMIN),
        ("领导", Role.LEADER),
        ("村", Role.VILLAGE),
        ("村（社区）", Role.VILLAGE),
        ("村(社区)", Role.VILLAGE),
        ("科室", Role.VILLAGE),
        (" leader ", Role.LEADER),
    ],
)
def test_role_words(word, role):
    assert Role.parse(word) is role


def test_unknown_role_word_is_refused_in_chinese():
    with pytest.raises(ValueError, match="未知的角色"):
        Role.parse("主任")


@pytest.mark.parametrize(
    ("role", "village", "message"),
    [
        (Role.VILLAGE, None, "须用 --village"),
        (Role.VILLAGE, "不存在村", "不是配置中的村（社区）或科室"),
        (Role.LEADER, "东河村", "不需要 --village"),
    ],
)
def test_village_must_be_configured_for_the_village_role_only(users_file, config, role, village, message):
    with pytest.raises(UserError, match=message):
        users.add_user("张三", role, GOOD, config=config, village=village)
    assert not users_file.exists()


def test_an_office_is_a_valid_unit_and_names_are_unique(users_file, config):
    users.add_user("平安办老刘", Role.VILLAGE, GOOD, config=config, village="平安办")
    with pytest.raises(UserError, match="已存在"):
        users.add_user("平安办老刘", Role.LEADER, GOOD, config=config)
    with pytest.raises(UserError, match="用户名"):
        users.add_user("有 空格", Role.LEADER, GOOD, config=config)


def test_password_needs_eight_characters(users_file, config):
    with pytest.raises(UserError, match="至少 8 个字符"):
        users.add_user("张三", Role.LEADER, "1234567", config=config)
    users.add_user("张三", Role.LEADER, "12345678", config=config)
    assert users.verify("张三", "12345678").ok


def test_wrong_password_and_unknown_name_say_the_same(clerk, users_file):
    wrong, unknown = users.verify("王芳", WRONG), users.verify("没有这个人", GOOD)
    assert (wrong.ok, wrong.action, wrong.message) == (False, "login_failed", WRONG_LOGIN)
    assert (unknown.ok, unknown.action, unknown.message) == (False, "login_failed", WRONG_LOGIN)
    assert _failures(users_file, "王芳") == {"failures": 1, "locked_until": None}
    assert "没有这个人" not in users.state_path(users_file).read_text(encoding="utf-8")


def test_five_wrong_in_a_row_lock_for_fifteen_minutes_without_checking_the_password(clerk, users_file):
    clock = Clock()
    for _ in range(4):
        assert users.verify("王芳", WRONG, clock=clock).action == "login_failed"
    fifth = users.verify("王芳", WRONG, clock=clock)
    assert (fifth.ok, fifth.action, fifth.minutes_left) == (False, "lockout", LOCK_MINUTES)
    clock.advance(minutes=1)
    locked = users.verify("王芳", GOOD, clock=clock)  # the right password does not open a locked account
    assert not locked.ok and "已锁定" in locked.message and "14 分钟" in locked.message
    clock.advance(minutes=13, seconds=1)  # 59 seconds left: rounded up to one minute
    assert "1 分钟" in users.verify("王芳", GOOD, clock=clock).message
    assert _failures(users_file, "王芳")["failures"] == 5  # attempts while locked are not counted
    clock.advance(seconds=59)
    assert users.verify("王芳", GOOD, clock=clock).ok  # exactly 15 minutes after the fifth
    assert "王芳" not in json.loads(users.state_path(users_file).read_text(encoding="utf-8"))


def test_a_success_resets_the_count_and_an_expired_lock_counts_afresh(clerk, users_file):
    clock = Clock()
    for _ in range(4):
        users.verify("王芳", WRONG, clock=clock)
    assert users.verify("王芳", GOOD, clock=clock).ok
    for _ in range(4):
        assert users.verify("王芳", WRONG, clock=clock).action == "login_failed"
    assert users.verify("王芳", WRONG, clock=clock).action == "lockout"
    clock.advance(minutes=LOCK_MINUTES)
    assert users.verify("王芳", WRONG, clock=clock).action == "login_failed"  # a fresh count, not a lock
    assert _failures(users_file, "王芳") == {"failures": 1, "locked_until": None}


def test_the_lock_holds_across_processes(clerk, users_file):
    script = textwrap.dedent(
        f"""
        from firedash import users
        print([users.verify("王芳", "{WRONG}").action for _ in range(5)])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert (
        done.stdout.strip() == "['login_failed', 'login_failed', 'login_failed', 'login_failed', 'lockout']"
    )
    outcome = users.verify("王芳", GOOD)
    assert not outcome.ok and "15 分钟" in outcome.message
    assert users.locked_until("王芳") is not None


def test_passwd_lifts_a_lock_and_remove_forgets_the_user(clerk, users_file, config):
    for _ in range(5):
        users.verify("王芳", WRONG)
    clock = Clock(T0 + dt.timedelta(days=1))
    changed = users.set_password("王芳", "新的密码12345", clock=clock)
    assert (changed.created, changed.changed) == (T0, T0 + dt.timedelta(days=1))
    assert users.verify("王芳", "新的密码12345").ok and not users.verify("王芳", GOOD).ok
    users.remove_user("王芳")
    assert users.load_users() == {} and "王芳" not in _failures(users_file, "王芳")
    with pytest.raises(UserError, match="没有用户 王芳"):
        users.remove_user("王芳")
    with pytest.raises(UserError, match="没有用户"):
        users.set_password("王芳", GOOD)


# --- the command line, as a clerk runs it --------------------------------------------------------------


def cli(*args: str, stdin: str = "", env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "firedash", *args],
        cwd=ROOT, input=stdin, capture_output=True, text=True, env={**os.environ, **env}, timeout=60,
    )  # fmt: skip


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    return {
        "FIREDASH_USERS": str(tmp_path / "users.toml"),
        "FIREDASH_DB": str(tmp_path / "store" / "campaign.duckdb"),
        "FIREDASH_AUDIT": "",
    }


def test_cli_add_list_passwd_remove_and_their_audit_lines(cli_env, tmp_path):
    added = cli("users", "add", "王芳", "--role", "应急办", stdin=f"{GOOD}\nignored\n", env=cli_env)
    assert (added.returncode, added.stdout.strip()) == (0, "已新增用户 王芳，角色 应急办")
    village = cli("users", "add", "李村长", "--role", "村", "--village", "东河村", stdin=GOOD, env=cli_env)
    assert village.returncode == 0, village.stderr
    listed = json.loads(cli("users", "list", "--json", env=cli_env).stdout)
    assert [(u["name"], u["role"], u["village"], u["locked_until"]) for u in listed] == [
        ("王芳", "office_admin", None, None),
        ("李村长", "village", "东河村", None),
    ]
    assert "password_hash" not in listed[0]
    assert "李村长\t村（社区）/科室（东河村）" in cli("users", "list", env=cli_env).stdout
    assert cli("users", "passwd", "王芳", stdin="另一个密码123\n", env=cli_env).returncode == 0
    assert users.verify("王芳", "另一个密码123", path=cli_env["FIREDASH_USERS"]).ok
    assert cli("users", "remove", "李村长", env=cli_env).returncode == 0
    trail = audit.read(tmp_path / "store" / "audit.jsonl")  # beside the store
    assert list(trail["action"]) == ["user_add", "user_add", "user_passwd", "user_remove"]
    assert set(trail["who"]) == {getpass.getuser()} and set(trail["address"]) == {"本机"}
    assert list(trail["detail"])[1] == "新增用户 李村长，角色 村（社区）/科室（东河村）"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("users", "add", "王芳", "--role", "应急办"), GOOD, "已存在"),
        (("users", "add", "张三", "--role", "主任"), GOOD, "未知的角色"),
        (("users", "add", "张三", "--role", "村", "--village", "外镇村"), GOOD, "不是配置中的"),
        (("users", "add", "张三", "--role", "领导"), "1234567\n", "至少 8 个字符"),
        (("users", "add", "张三", "--role", "领导"), "", "至少 8 个字符"),
        (("users", "add", "张三", "--role", "领导", "--password", GOOD), "", "用法错误"),
        (("users", "remove", "没有这个人"), "", "没有用户 没有这个人"),
        (("users", "passwd", "没有这个人"), GOOD, "没有用户 没有这个人"),
        (("users",), "", "用法错误"),
    ],
)
def test_cli_refusals_exit_2_with_a_chinese_reason(cli_env, args, stdin, message):
    assert cli("users", "add", "王芳", "--role", "应急办", stdin=GOOD, env=cli_env).returncode == 0
    before = Path(cli_env["FIREDASH_USERS"]).read_bytes()
    done = cli(*args, stdin=stdin, env=cli_env)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert Path(cli_env["FIREDASH_USERS"]).read_bytes() == before


def test_concurrent_adds_all_land(cli_env):
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "firedash", "users", "add", f"user{i}", "--role", "领导"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **cli_env},
            text=True,
        )  # fmt: skip
        for i in range(4)
    ]
    assert [p.communicate(GOOD, timeout=60)[1] for p in procs] == [""] * 4
    assert sorted(users.load_users(cli_env["FIREDASH_USERS"])) == ["user0", "user1", "user2", "user3"]
