"""The dashboard's users: a TOML file outside git with argon2 hashes, and login checks with lockout.

Hashing uses argon2-cffi, a small, well-kept hashing library; streamlit-authenticator was not chosen because
its widgets and cookie re-login (a custom component) don't fit the pinned Streamlit 1.67 nor this role model.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import json
import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from firedash.access import Role
from firedash.config import PROJECT_ROOT, TownConfig
from firedash.glossary import text

USERS_ENV = "FIREDASH_USERS"
DEFAULT_USERS = PROJECT_ROOT / "data" / "users.toml"
MIN_PASSWORD_LENGTH = 8
MAX_FAILURES = 5  # wrong passwords in a row that lock the account
LOCK_MINUTES = 15
WRONG_LOGIN = text("wrong_login", failures=MAX_FAILURES, minutes=LOCK_MINUTES)
_NAME = re.compile(r"[^\s\"'\\/<>]{1,32}")

Clock = Callable[[], dt.datetime]
_HASHER = PasswordHasher()


class UserError(ValueError):
    """A user change that cannot be made; the message says why, in Chinese."""


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    village: str | None  # the village or office of a 村（社区）/科室 user; None for the others
    password_hash: str
    created: dt.datetime
    changed: dt.datetime


@dataclass(frozen=True)
class LoginOutcome:
    """What verify found: the user on success, else a Chinese message; `action` is the audit code."""

    ok: bool
    user: User | None
    message: str
    action: str  # login | login_failed | lockout
    minutes_left: int = 0  # of a lock, rounded up


def now() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)


def users_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """An explicit path, else $FIREDASH_USERS, else data/users.toml."""
    return Path(explicit or os.environ.get(USERS_ENV) or DEFAULT_USERS)


def state_path(users_file: Path) -> Path:
    """The failed-login counters beside the users file: data/users.toml → data/users.state.json."""
    return users_file.with_name(f"{users_file.stem}.state.json")


def lock_path(users_file: Path) -> Path:
    """The flock file: the users file itself is replaced on every write, so it cannot hold the lock."""
    return users_file.with_name(f"{users_file.name}.lock")


# --- reading and writing the files -------------------------------------------------------------------


@contextlib.contextmanager
def _locked(users_file: Path) -> Iterator[None]:
    users_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(users_file), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def _write_atomic(path: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o600)  # password hashes: readable by the owner only
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself survives a power cut
    finally:
        os.close(dir_fd)


def load_users(path: str | os.PathLike[str] | None = None) -> dict[str, User]:
    """Every user by name ({} when the file does not exist yet)."""
    file = users_path(path)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise UserError(text("users_file_malformed", file=file, error=exc)) from None
    users = {}
    for item in raw.get("users", []):
        try:
            user = User(
                name=item["name"],
                role=Role(item["role"]),
                village=item.get("village") or None,
                password_hash=item["password_hash"],
                created=item["created"],
                changed=item["changed"],
            )
        except (KeyError, ValueError, TypeError):
            raise UserError(text("users_file_incomplete", file=file, name=item.get("name", "?"))) from None
        users[user.name] = user
    return users


def _toml_str(value: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes, \uXXXX included).
    return json.dumps(value, ensure_ascii=False)


def _users_toml(users: dict[str, User]) -> str:
    lines = [text("users_file_comment")]
    for user in users.values():
        lines += [
            "",
            "[[users]]",
            f"name = {_toml_str(user.name)}",
            f"role = {_toml_str(user.role.value)}",
            f"village = {_toml_str(user.village or '')}",
            f"password_hash = {_toml_str(user.password_hash)}",
            f"created = {user.created.isoformat()}",
            f"changed = {user.changed.isoformat()}",
        ]
    return "\n".join(lines) + "\n"


def _load_state(users_file: Path) -> dict[str, dict]:
    try:
        return json.loads(state_path(users_file).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}  # a lost counter file only forgets failed attempts


def _save_state(users_file: Path, state: dict[str, dict]) -> None:
    _write_atomic(state_path(users_file), json.dumps(state, ensure_ascii=False, indent=1))


# --- user changes ------------------------------------------------------------------------------------


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(text("password_too_short", n=MIN_PASSWORD_LENGTH))


def _check_unit(role: Role, village: str | None, config: TownConfig) -> str | None:
    if role is not Role.VILLAGE:
        if village:
            raise UserError(text("role_needs_no_unit", role=role.label))
        return None
    unit = (village or "").strip()
    if not unit:
        raise UserError(text("role_needs_unit"))
    if unit not in config.villages and unit not in config.offices:
        known = text("list_separator").join((*config.villages, *config.offices))
        raise UserError(text("unknown_unit", unit=unit, known=known))
    return unit


def check_new_user(
    name: str,
    role: Role,
    village: str | None,
    *,
    config: TownConfig,
    path: str | os.PathLike[str] | None = None,
) -> str | None:
    """Check a new user before asking for its password; return its village or office (None: whole town)."""
    if not _NAME.fullmatch(name):
        raise UserError(text("bad_user_name"))
    unit = _check_unit(role, village, config)
    if name in load_users(path):
        raise UserError(text("user_exists", name=name))
    return unit


def add_user(
    name: str,
    role: Role,
    password: str,
    *,
    config: TownConfig,
    village: str | None = None,
    path: str | os.PathLike[str] | None = None,
    clock: Clock = now,
) -> User:
    """Add a user; UserError if the name is taken or invalid, the unit unknown, the password too short."""
    unit = check_new_user(name, role, village, config=config, path=path)
    check_password(password)
    file = users_path(path)
    with _locked(file):
        users = load_users(file)
        check_new_user(name, role, village, config=config, path=path)  # again, under the lock
        stamp = clock()
        users[name] = User(name, role, unit, _HASHER.hash(password), stamp, stamp)
        _write_atomic(file, _users_toml(users))
    return users[name]


def remove_user(name: str, *, path: str | os.PathLike[str] | None = None) -> User:
    """Remove a user and its failed-login counter; UserError if there is no such user."""
    file = users_path(path)
    with _locked(file):
        users = load_users(file)
        if name not in users:
            raise UserError(text("no_such_user", name=name))
        removed = users.pop(name)
        _write_atomic(file, _users_toml(users))
        _clear_failures(file, name)
    return removed


def set_password(
    name: str, password: str, *, path: str | os.PathLike[str] | None = None, clock: Clock = now
) -> User:
    """Give a user a new password; it also lifts a lock (the office resets a locked-out clerk)."""
    check_password(password)
    file = users_path(path)
    with _locked(file):
        users = load_users(file)
        if name not in users:
            raise UserError(text("no_such_user", name=name))
        old = users[name]
        users[name] = User(name, old.role, old.village, _HASHER.hash(password), old.created, clock())
        _write_atomic(file, _users_toml(users))
        _clear_failures(file, name)
    return users[name]


def _clear_failures(file: Path, name: str) -> None:
    state = _load_state(file)
    if state.pop(name, None) is not None:
        _save_state(file, state)


def locked_until(name: str, *, path: str | os.PathLike[str] | None = None) -> dt.datetime | None:
    """When a user's lock ends (None: not locked now or ever); for `users list`."""
    until = _load_state(users_path(path)).get(name, {}).get("locked_until")
    return dt.datetime.fromisoformat(until) if until else None


# --- logging in --------------------------------------------------------------------------------------


def _minutes_left(until: dt.datetime, at: dt.datetime) -> int:
    return max(1, -(-int((until - at).total_seconds()) // 60))  # rounded up: "1 分钟" until the very end


def _locked_outcome(user: User, until: dt.datetime, at: dt.datetime) -> LoginOutcome:
    minutes = _minutes_left(until, at)
    message = text("account_locked", name=user.name, failures=MAX_FAILURES, minutes=minutes)
    return LoginOutcome(False, None, message, "login_failed", minutes)


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the name is unknown, so a wrong name takes as long as a wrong password."""
    return _HASHER.hash("firedash-no-such-user")


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify(
    name: str,
    password: str,
    address: str | None = None,
    *,
    path: str | os.PathLike[str] | None = None,
    clock: Clock = now,
) -> LoginOutcome:
    """Check a login. Five wrong passwords in a row lock the account for 15 minutes (counted in the state
    file, so across processes); a locked account is refused without checking the password; a success
    resets the count. `address` is for the caller's audit line; the outcome carries its action code."""
    del address  # the caller records it with the outcome; verify itself keeps no per-address state
    file = users_path(path)
    user = load_users(file).get(name)
    if user is None:
        _password_matches(_dummy_hash(), password)
        return LoginOutcome(False, None, WRONG_LOGIN, "login_failed")
    with _locked(file):
        at = clock()
        state = _load_state(file)
        entry = state.get(name, {})
        until = dt.datetime.fromisoformat(entry["locked_until"]) if entry.get("locked_until") else None
        if until is not None and at < until:
            return _locked_outcome(user, until, at)
        if _password_matches(user.password_hash, password):
            if entry:
                state.pop(name)
                _save_state(file, state)
            return LoginOutcome(True, user, text("welcome", name=user.name, role=user.role.label), "login")
        # An expired lock starts a fresh count of five.
        failures = (0 if until is not None else entry.get("failures", 0)) + 1
        if failures >= MAX_FAILURES:
            until = at + dt.timedelta(minutes=LOCK_MINUTES)
            state[name] = {"failures": failures, "locked_until": until.isoformat()}
            _save_state(file, state)
            return LoginOutcome(
                False,
                None,
                text("account_locks", failures=MAX_FAILURES, name=name, minutes=LOCK_MINUTES),
                "lockout",
                LOCK_MINUTES,
            )
        state[name] = {"failures": failures, "locked_until": None}
        _save_state(file, state)
        # The same words as for an unknown name, so the form does not tell which names exist.
        return LoginOutcome(False, None, WRONG_LOGIN, "login_failed")
