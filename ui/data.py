"""The one module that opens the DuckDB store and caches metric results for the pages.

The weekly load (another process) must be able to write while the dashboard is on the projector, and
DuckDB lets only one process hold a writable file: so the app never keeps the store open between script
runs. A query opens a short-lived read-only connection (or shares the one of the current page run, see
one_connection) and closes it. Results are keyed on the store's signature, so a new load shows at once.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

import metrics
from firedash.config import TownConfig, config_path, db_path, load_config
from firedash.store import connect, store_signature
from metrics.filters import Filters
from ui.labels import text

TTL_SECONDS = 600
CAMPAIGN = "<campaign>"  # stands for the configured campaign in cache keys (a Campaign is rebuilt per call)
# The metric functions the pages may call, by name (the whitelist run_metric accepts).
_METRICS: dict[str, Callable[..., object]] = {
    name: getattr(metrics, name)
    for name in (
        "summary", "rates_by_village", "rates_by_sector", "rates_by_phase", "rates_by_category_severity",
        "open_by_village_sector", "overdue_by_band", "overdue_tickets", "due_soon_tickets", "ticket_list", "ticket_count",
        "ticket_history", "weekly_trend", "daily_cumulative", "week_comparison", "village_week_ranking",
        "imports_log", "rejected_rows", "villages_without_ledger", "latest_import",
    )
}  # fmt: skip


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


def run_metric(name: str, **kwargs: object) -> object:
    """Run one metric function on a read-only connection, uncached (also for downloads)."""
    if name not in _METRICS:
        raise ValueError(f"unknown metric {name!r}")
    func = _METRICS[name]
    if kwargs.get("campaign") == CAMPAIGN:
        kwargs["campaign"] = config().campaign
    con, owned = _connection()
    try:
        return func(con, **kwargs)
    except duckdb.CatalogException as exc:
        raise StoreUnavailable(text("empty_store_hint")) from exc
    finally:
        if owned:
            con.close()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=2000)
def _cached(name: str, db: str, signature: tuple[int, ...], config_file: str, kwargs: tuple) -> object:
    return run_metric(name, **dict(kwargs))


def call(name: str, **kwargs: object) -> object:
    """A metric's result, cached on (metric, arguments, store signature, configuration file)."""
    db = store_file()
    key = tuple(sorted(kwargs.items()))
    return _cached(name, str(db), _signature(db), str(config_path()), key)


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


# Named accessors the pages use: one per question a page asks.


def summary(as_of: dt.date, filters: Filters) -> dict[str, object]:
    """The summary row (found, rectified, rate, …) as a dict."""
    frame = call("summary", as_of=as_of, filters=filters)
    return frame.to_dict("records")[0]


def summary_week_before(as_of: dt.date, filters: Filters) -> dict[str, object]:
    """The summary one week before as_of, for the tiles' changes."""
    return summary(as_of - dt.timedelta(days=7), filters)


def village_ranking(as_of: dt.date, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ranked, unranked) villages by rate; every configured village appears in one of them."""
    frame = call("rates_by_village", as_of=as_of, filters=filters, villages=config().villages)
    return _rank(frame, "village")


def sector_ranking(as_of: dt.date, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ranked, unranked) sectors by rate, sectors with tickets only."""
    frame = call("rates_by_sector", as_of=as_of, filters=filters, sectors=config().sectors)
    return _rank(frame[frame["found"] > 0], "sector")


def _rank(frame: pd.DataFrame, key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return metrics.rank_by_rate(frame, key=key, min_tickets=config().dashboard.min_tickets_to_rank)


def category_severity(as_of: dt.date, filters: Filters) -> pd.DataFrame:
    return call("rates_by_category_severity", as_of=as_of, filters=filters)


def open_by_village_sector(as_of: dt.date, filters: Filters) -> pd.DataFrame:
    return call("open_by_village_sector", as_of=as_of, filters=filters)


def overdue_tickets(
    as_of: dt.date, filters: Filters, limit: int | None = None, bands: tuple[str, ...] = ()
) -> pd.DataFrame:
    return call("overdue_tickets", as_of=as_of, filters=filters, limit=limit, bands=bands)


def overdue_by_band(as_of: dt.date, filters: Filters) -> pd.DataFrame:
    return call("overdue_by_band", as_of=as_of, filters=filters)


def due_soon_tickets(
    as_of: dt.date, filters: Filters, days: int = 7, limit: int | None = None
) -> pd.DataFrame:
    return call("due_soon_tickets", as_of=as_of, filters=filters, days=days, limit=limit)


def ticket_list(
    as_of: dt.date, filters: Filters, state: str = "all", limit: int | None = None
) -> pd.DataFrame:
    return call("ticket_list", as_of=as_of, filters=filters, state=state, limit=limit)


def weekly_trend(as_of: dt.date, filters: Filters) -> pd.DataFrame:
    return call("weekly_trend", as_of=as_of, filters=filters, campaign=CAMPAIGN)


def daily_cumulative(as_of: dt.date, filters: Filters) -> pd.DataFrame:
    return call("daily_cumulative", as_of=as_of, filters=filters, campaign=CAMPAIGN)


def week_comparison_frame(week_no: int, filters: Filters, as_of: dt.date) -> pd.DataFrame:
    """Two rows, 本周 and 上周; a week still running stands at as_of."""
    return call("week_comparison", week_no=week_no, filters=filters, campaign=CAMPAIGN, as_of=as_of)


def week_comparison(week_no: int, filters: Filters, as_of: dt.date) -> tuple[dict, dict]:
    """(this week, last week) figures as dicts."""
    frame = week_comparison_frame(week_no, filters, as_of)
    records = frame.to_dict("records")
    return records[0], records[1]


def village_week_ranking(week_no: int, filters: Filters, as_of: dt.date) -> pd.DataFrame:
    """Villages ranked this week beside last week (rank empty: too few tickets to rank)."""
    settings = config()
    return call(
        "village_week_ranking",
        week_no=week_no,
        filters=filters,
        campaign=CAMPAIGN,
        villages=settings.villages,
        min_tickets=settings.dashboard.min_tickets_to_rank,
        as_of=as_of,
    )


def split_ranked(ranking: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ranked, unranked) rows of a week's village ranking."""
    has_rank = ranking["rank"].notna()
    return ranking[has_rank].reset_index(drop=True), ranking[~has_rank].reset_index(drop=True)


def red_black(ranked: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 红榜 and 黑榜 at the configured rates."""
    settings = config().dashboard
    return metrics.red_black_lists(
        ranked, red_rate=settings.red_list_rate, black_rate=settings.black_list_rate
    )


def imports_log() -> pd.DataFrame:
    return call("imports_log")


def rejected_rows(villages: tuple[str, ...] = ()) -> pd.DataFrame:
    return call("rejected_rows", current_only=True, villages=villages)


def villages_without_ledger(as_of: dt.date) -> pd.DataFrame:
    return call("villages_without_ledger", villages=config().villages, as_of=as_of)


def latest_import() -> object:
    return call("latest_import")


def rates_by_phase(as_of: dt.date, filters: Filters) -> pd.DataFrame:
    return call("rates_by_phase", as_of=as_of, filters=filters, campaign=CAMPAIGN)
