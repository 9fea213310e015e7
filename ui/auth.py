"""Logging in and out of the dashboard: the login form, the logout button, role checks and session timeout."""

from __future__ import annotations

import time

import streamlit as st

from firedash import audit, users
from firedash.access import ROLE_LABELS, Role, role_at_least
from firedash.config import TownConfig
from ui import data

# On-screen words (moved into firedash.glossary when the login is wired into the dashboard).
LOGIN_TITLE = "登录"
NAME_LABEL = "用户名"
PASSWORD_LABEL = "密码"
LOGIN_BUTTON = "登录"
LOGOUT_BUTTON = "退出登录"
LOGGED_IN_AS = "当前用户：{name}（{role}）"
SESSION_EXPIRED = "已超过 {minutes} 分钟未操作，请重新登录"
LOGGED_OUT = "已退出登录"
NEEDS_LOGIN = "请先登录"
NEEDS_ROLE = "此页面仅限 {role} 使用；当前用户：{name}（{current}）"
EMPTY_LOGIN = "请输入用户名和密码"

_USER_KEY = "auth_user"  # name of the logged-in user
_SEEN_KEY = "auth_last_seen"  # time.time() of the user's last run of the script
_NOTICE_KEY = "auth_notice"  # a message to show once after a timeout or logout


def client_address() -> str:
    """The browser's address for the audit line: the connection's IP (None on localhost) and any proxy header."""
    try:
        ip = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For")
    except (AttributeError, RuntimeError):  # no browser session (a bare script run)
        ip, forwarded = None, None
    # Only text is an address (a test run's context has placeholders instead).
    ip, forwarded = (value if isinstance(value, str) else None for value in (ip, forwarded))
    address = ip or "localhost"
    # The header can be forged by the client, so it is recorded beside the address, never instead of it.
    return f"{address}（X-Forwarded-For: {forwarded}）" if forwarded else address


def _end_session(user: str, detail: str, notice: str) -> None:
    audit.record("logout", detail, who=user, address=client_address())
    for key in (_USER_KEY, _SEEN_KEY):
        st.session_state.pop(key, None)
    st.session_state[_NOTICE_KEY] = notice


def current_user(config: TownConfig | None = None) -> users.User | None:
    """The logged-in user, re-read from the users file (a removed user or changed role counts at once);
    None when nobody is logged in or the session was idle longer than [access] session_minutes."""
    name = st.session_state.get(_USER_KEY)
    if name is None:
        return None
    minutes = (config or data.config()).access.session_minutes
    if time.time() - st.session_state.get(_SEEN_KEY, 0.0) > minutes * 60:
        _end_session(name, f"{minutes} 分钟未操作，会话超时", SESSION_EXPIRED.format(minutes=minutes))
        return None
    user = users.load_users().get(name)
    if user is None:
        _end_session(name, "用户已被删除，会话结束", NEEDS_LOGIN)
        return None
    st.session_state[_SEEN_KEY] = time.time()
    return user


def _show_notice() -> None:
    notice = st.session_state.pop(_NOTICE_KEY, None)
    if notice:
        st.info(notice)


def _record_outcome(name: str, outcome: users.LoginOutcome, address: str) -> None:
    detail = {
        "login": "登录成功",
        "lockout": f"连续 {users.MAX_FAILURES} 次密码错误，账户锁定 {users.LOCK_MINUTES} 分钟",
    }.get(outcome.action, outcome.message)
    audit.record(outcome.action, detail, who=name, address=address)


def login_form() -> users.User | None:
    """The login form; on success the user is kept in the session and the script reruns as that user."""
    _show_notice()
    with st.form("auth_login"):
        st.subheader(LOGIN_TITLE, anchor=False)
        name = st.text_input(NAME_LABEL, key="auth_name").strip()
        password = st.text_input(PASSWORD_LABEL, type="password", key="auth_password")
        submitted = st.form_submit_button(LOGIN_BUTTON, key="auth_submit")
    if not submitted:
        return None
    if not name or not password:
        st.warning(EMPTY_LOGIN)
        return None
    address = client_address()
    outcome = users.verify(name, password, address)
    _record_outcome(name, outcome, address)
    if not outcome.ok:
        st.error(outcome.message)
        return None
    st.session_state[_USER_KEY] = outcome.user.name
    st.session_state[_SEEN_KEY] = time.time()
    st.rerun()


def logout_button(user: users.User) -> None:
    """Who is logged in, and a button that ends the session (recorded in the audit trail)."""
    st.caption(LOGGED_IN_AS.format(name=user.name, role=user.role.label))
    if st.button(LOGOUT_BUTTON, key="auth_logout"):
        _end_session(user.name, "退出登录", LOGGED_OUT)
        st.rerun()


def require(role: Role | None = None, *, config: TownConfig | None = None) -> users.User:
    """The current user if logged in with `role` or above (None: any role); otherwise the login form or
    a refusal is shown and the script stops here."""
    user = current_user(config)
    if user is None:
        st.warning(NEEDS_LOGIN)
        login_form()
        st.stop()
    if role is not None and not role_at_least(user, role):
        st.error(NEEDS_ROLE.format(role=ROLE_LABELS[role], name=user.name, current=user.role.label))
        st.stop()
    return user
