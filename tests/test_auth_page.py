"""The login form through AppTest: wrong password, the lock after five, success, logout, timeout, roles."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from firedash import audit, users
from firedash.access import Role
from firedash.glossary import text

SCRIPT = str(Path(__file__).with_name("auth_script.py"))
GOOD, WRONG = "正确的密码abc", "wrong-password"


@pytest.fixture
def app(tmp_path, monkeypatch, config) -> AppTest:
    monkeypatch.setenv("FIREDASH_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("FIREDASH_AUDIT", str(tmp_path / "audit.jsonl"))
    users.add_user("王芳", Role.OFFICE_ADMIN, GOOD, config=config)
    users.add_user("赵镇长", Role.LEADER, GOOD, config=config)
    at = AppTest.from_file(SCRIPT, default_timeout=30)
    at.run()
    assert not at.exception
    return at


def _log_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    at.button(key="auth_submit").click()
    at.run()
    assert not at.exception
    return at


def _texts(at: AppTest) -> list[str]:
    return [element.value for element in (*at.markdown, *at.caption)]


def test_wrong_password_says_so_and_is_audited(app):
    _log_in(app, "王芳", WRONG)
    assert [e.value for e in app.error] == [users.WRONG_LOGIN]
    assert "auth_user" not in app.session_state
    trail = audit.read()
    assert list(trail["action"]) == ["login_failed"]
    assert (trail["who"][0], trail["address"][0]) == ("王芳", "localhost")


def test_five_wrong_lock_the_account_even_for_the_right_password(app):
    for _ in range(5):
        _log_in(app, "王芳", WRONG)
    assert "已锁定 15 分钟" in app.error[0].value
    _log_in(app, "王芳", GOOD)
    assert "已锁定" in app.error[0].value and "15 分钟后再试" in app.error[0].value
    assert "auth_user" not in app.session_state
    assert list(audit.read()["action"]) == ["login_failed"] * 4 + ["lockout", "login_failed"]


def test_success_then_logout(app):
    _log_in(app, "王芳", GOOD)
    assert "已登录：王芳" in _texts(app) and not app.error
    assert text("logged_in_as", name="王芳", role="应急办") in _texts(app)
    app.button(key="auth_logout").click().run()
    assert "已登录：王芳" not in _texts(app)
    assert [e.value for e in app.info] == [text("logged_out")]
    assert app.text_input(key="auth_name") is not None
    trail = audit.read()
    assert list(zip(trail["action"], trail["who"], strict=True)) == [("login", "王芳"), ("logout", "王芳")]


def test_an_idle_session_times_out_after_session_minutes(app, config):
    _log_in(app, "王芳", GOOD)
    minutes = config.access.session_minutes
    app.session_state["auth_last_seen"] = time.time() - minutes * 60 + 30  # 30 s before the timeout
    app.run()
    assert "已登录：王芳" in _texts(app)
    app.session_state["auth_last_seen"] = time.time() - minutes * 60 - 1
    app.run()
    assert "已登录：王芳" not in _texts(app)
    assert [e.value for e in app.info] == [text("session_expired", minutes=minutes)]
    last = audit.read().iloc[-1]
    assert (last["action"], last["who"]) == ("logout", "王芳") and "会话超时" in last["detail"]


def test_a_removed_user_is_logged_out_at_once(app):
    _log_in(app, "王芳", GOOD)
    users.remove_user("王芳")
    app.run()
    assert "已登录：王芳" not in _texts(app)


def test_require_refuses_a_leader_the_office_page(app):
    _log_in(app, "赵镇长", GOOD)
    app.toggle(key="admin_page").set_value(True).run()
    assert "应急办页面内容" not in _texts(app)
    assert "此页面仅限 应急办 使用" in app.error[0].value
    app.button(key="auth_logout").click().run()
    _log_in(app, "王芳", GOOD)
    app.toggle(key="admin_page").set_value(True).run()
    assert "应急办页面内容" in _texts(app) and not app.error
