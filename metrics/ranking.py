"""Ranking villages or sectors by rectification rate, and the 红黑榜."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from firedash.glossary import text
from metrics.breakdowns import rates_by_sector, rates_by_village
from metrics.filters import NO_FILTERS, Filters


def rank_by_rate(frame: pd.DataFrame, *, key: str, min_tickets: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ranked, unranked): rows with found >= min_tickets ranked by rate desc, then found desc.

    `rank` is 1-based; rows equal in both rate and found share a rank (1, 2, 2, 4), keeping the
    input order between them. Rows with fewer tickets (or nothing found, rate undefined) are
    returned apart, in input order, since a rate over one or two tickets would mislead.
    """
    if key not in frame.columns:
        raise KeyError(text("rank_column_missing", column=key))
    eligible = (frame["found"] >= max(min_tickets, 1)) & frame["rate"].notna()
    ranked = frame[eligible].sort_values(["rate", "found"], ascending=[False, False], kind="stable")
    ranked = ranked.reset_index(drop=True)
    position = pd.Series(range(1, len(ranked) + 1), index=ranked.index)
    ranked["rank"] = position.groupby([ranked["rate"], ranked["found"]]).transform("min").astype("int64")
    unranked = frame[~eligible].reset_index(drop=True)
    return ranked, unranked


def red_black_lists(
    ranked: pd.DataFrame, *, red_rate: float, black_rate: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(red, black): ranked rows with rate >= red_rate (红榜), and with rate < black_rate (黑榜), in rank order."""
    red = ranked[ranked["rate"] >= red_rate].reset_index(drop=True)
    black = ranked[ranked["rate"] < black_rate].reset_index(drop=True)
    return red, black


def split_ranked(ranking: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ranked, unranked) rows of a frame with a nullable `rank` (the weekly village ranking)."""
    has_rank = ranking["rank"].notna()
    return ranking[has_rank].reset_index(drop=True), ranking[~has_rank].reset_index(drop=True)


def village_ranking(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: dt.date,
    filters: Filters = NO_FILTERS,
    villages: Sequence[str],
    min_tickets: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ranked, unranked) villages by rate (rates_by_village); every listed village is in one of them."""
    frame = rates_by_village(con, as_of=as_of, filters=filters, villages=villages)
    return rank_by_rate(frame, key="village", min_tickets=min_tickets)


def sector_ranking(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: dt.date,
    filters: Filters = NO_FILTERS,
    sectors: Sequence[str],
    min_tickets: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ranked, unranked) sectors by rate (rates_by_sector), sectors with tickets only."""
    frame = rates_by_sector(con, as_of=as_of, filters=filters, sectors=sectors)
    return rank_by_rate(frame[frame["found"] > 0], key="sector", min_tickets=min_tickets)
