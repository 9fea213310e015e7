"""Logging in and out of the dashboard: the login form, the logout button, role checks and session timeout."""

from __future__ import annotations

import time

import streamlit as st

from firedash import access, audit, users
from firedash.access import ROLE_LABELS, Role, role_at_least
from firedash.config import TownConfig
from firedash.glossary import LOGIN, LOGOUT, text
from ui import data

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
    return text("forwarded_address", address=address, forwarded=forwarded) if forwarded else address


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
        _end_session(
            name, text("session_timed_out", minutes=minutes), text("session_expired", minutes=minutes)
        )
        return None
    user = users.load_users().get(name)
    if user is None:
        _end_session(name, text("user_gone"), text("needs_login"))
        return None
    st.session_state[_SEEN_KEY] = time.time()
    return user


def _show_notice() -> None:
    notice = st.session_state.pop(_NOTICE_KEY, None)
    if notice:
        st.info(notice)


def _record_outcome(name: str, outcome: users.LoginOutcome, address: str) -> None:
    detail = {
        "login": text("login_ok"),
        "lockout": text("lockout_detail", failures=users.MAX_FAILURES, minutes=users.LOCK_MINUTES),
    }.get(outcome.action, outcome.message)
    audit.record(outcome.action, detail, who=name, address=address)


def login_form() -> users.User | None:
    """The login form; on success the user is kept in the session and the script reruns as that user."""
    _show_notice()
    with st.form("auth_login"):
        st.subheader(LOGIN, anchor=False)
        name = st.text_input(text("user_name"), key="auth_name").strip()
        password = st.text_input(text("password"), type="password", key="auth_password")
        submitted = st.form_submit_button(LOGIN, key="auth_submit")
    if not submitted:
        return None
    if not name or not password:
        st.warning(text("empty_login"))
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
    st.caption(text("logged_in_as", name=user.name, role=user.role.label))
    if st.button(LOGOUT, key="auth_logout"):
        _end_session(user.name, LOGOUT, text("logged_out"))
        st.rerun()


def require(role: Role | None = None, *, config: TownConfig | None = None) -> users.User:
    """The current user if logged in with `role` or above (None: any role); otherwise the login form or
    a refusal is shown and the script stops here."""
    user = current_user(config)
    if user is None:
        st.warning(text("needs_login"))
        login_form()
        st.stop()
    if role is not None and not role_at_least(user, role):
        refuse(user, role)
        st.stop()
    return user


def refuse(user: users.User, role: Role) -> None:
    """The refusal a logged-in user sees on a page of a higher role."""
    st.error(text("needs_role", role=ROLE_LABELS[role], name=user.name, current=user.role.label))


def closed_page(page: str, user: users.User | None) -> None:
    """What stands in place of a page this user may not open: the login form, or a refusal. An office
    page nobody can open yet (no 应急办 account) says how to create the first account."""
    if page in access.ADMIN_PAGES and not admin_exists():
        first_admin_hint()
    if user is None:
        st.warning(text("needs_login"))
        login_form()
    else:
        refuse(user, Role.OFFICE_ADMIN)


def admin_exists() -> bool:
    """Whether the users file holds at least one 应急办 account."""
    return any(user.role is Role.OFFICE_ADMIN for user in users.load_users().values())


def first_admin_hint() -> None:
    """How to create the first 应急办 account (on the server, never through the browser)."""
    st.info(text("first_admin"))
    st.code(text("first_admin_command"), language="bash")


def sidebar_block(user: users.User | None, *, show_form: bool) -> None:
    """Who is logged in (and the logout button), or the login form in the sidebar for a public viewer.

    show_form is False when the page itself shows the login form (one form per run: widget keys are unique).
    """
    with st.sidebar:
        if user is not None:
            logout_button(user)
        elif show_form:
            st.caption(text("anonymous"))
            _show_notice()  # outside the folded form, so "已退出登录" is seen
            with st.expander(LOGIN):
                login_form()
                if not admin_exists():
                    first_admin_hint()
