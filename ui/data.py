"""The one module that opens the DuckDB store and caches metric results for the pages.

The weekly load (another process) must be able to write while the dashboard is on the projector, and
DuckDB lets only one process hold a writable file: so the app never keeps the store open between script
runs. A query opens a short-lived read-only connection (or shares the one of the current page run, see
one_connection) and closes it. Results are keyed on the store's signature, so a new load shows at once.

A page asks for any metric function the same way, so where its data comes from reads off the call:
`data.cached(metrics.rates_by_village, as_of=…, filters=…, villages=…)`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb
import streamlit as st

from firedash.config import TownConfig, config_path, db_path, load_config
from firedash.glossary import text
from firedash.store import connect, store_signature

TTL_SECONDS = 600
T = TypeVar("T")


class StoreUnavailable(RuntimeError):
    """The store cannot be read now (a load holds it, or it is not a store); the message is for users."""


@st.cache_resource(show_spinner=False)
def _load_config(path: str) -> TownConfig:
    return load_config(path)


def config() -> TownConfig:
    """The town configuration ($FIREDASH_CONFIG or data/town.toml), read once per file."""
    return _load_config(str(config_path()))


def store_file() -> Path:
    """The store's path ($FIREDASH_DB or data/campaign.duckdb)."""
    return db_path()


def store_exists() -> bool:
    """False when no load has created the store yet (the dashboard then shows 暂无数据 and a hint)."""
    return store_file().is_file()


_run_local = threading.local()  # the connection shared by one page run's queries (see one_connection)


@contextmanager
def one_connection() -> Iterator[None]:
    """Let the queries of one page run share a read-only connection, opened on first use, closed at the end.

    Held only for the length of one script run (about a second), never between runs, so a load waits
    at most that long for the lock; it saves a connect and a cold read per query on a large store.
    """
    _run_local.active, _run_local.con, _run_local.signature = True, None, None
    try:
        yield
    finally:
        con, _run_local.active, _run_local.con, _run_local.signature = _run_local.con, False, None, None
        if con is not None:
            con.close()


def _open() -> duckdb.DuckDBPyConnection:
    try:
        return connect(store_file(), read_only=True)
    except duckdb.IOException as exc:
        raise StoreUnavailable(text("store_busy")) from exc


def _connection() -> tuple[duckdb.DuckDBPyConnection, bool]:
    """(connection, whether the caller must close it): the run's shared one, else a fresh one."""
    if not getattr(_run_local, "active", False):
        return _open(), True
    if _run_local.con is None:
        _run_local.con = _open()
    return _run_local.con, False


def run(func: Callable[..., T], /, **kwargs: object) -> T:
    """func(connection, **kwargs) on a read-only connection, uncached (downloads built on click)."""
    con, owned = _connection()
    try:
        return func(con, **kwargs)
    except duckdb.CatalogException as exc:
        raise StoreUnavailable(text("empty_store_hint")) from exc
    finally:
        if owned:
            con.close()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=2000)
def _cached(
    name: str,
    _func: Callable[..., object],
    db: str,
    signature: tuple[int, ...],
    config_file: str,
    kwargs: tuple,
) -> object:
    # _func is left out of the key (a leading underscore): its qualified name stands for it.
    return run(_func, **dict(kwargs))


def cached(func: Callable[..., T], /, **kwargs: object) -> T:
    """func(connection, **kwargs), cached on (func's qualified name, the arguments, store signature, config file).

    The arguments must be hashable values (dates, Filters, tuples, Campaign …).
    """
    db = store_file()
    name = f"{func.__module__}.{func.__qualname__}"
    key = tuple(sorted(kwargs.items()))
    return _cached(name, func, str(db), _signature(db), str(config_path()), key)  # type: ignore[return-value]


def _signature(db: Path) -> tuple[int, ...]:
    """The store's signature, taken once per page run before its shared connection opens.

    A load may replace the store during a run; the run's connection still reads the file it opened, so
    its results must be keyed on that file, never on the newer one (they would then hide its figures).
    """
    if not getattr(_run_local, "active", False):
        return store_signature(db)
    if _run_local.signature is None:
        _run_local.signature = store_signature(db)
    return _run_local.signature


def clear() -> None:
    """Forget every cached result (tests and the benchmark start cold)."""
    _cached.clear()
    _load_config.clear()
