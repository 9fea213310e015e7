"""Ranking villages or sectors by rectification rate, and the 红黑榜 (pure pandas, no SQL)."""

from __future__ import annotations

import pandas as pd


def rank_by_rate(frame: pd.DataFrame, *, key: str, min_tickets: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ranked, unranked): rows with found >= min_tickets ranked by rate desc, then found desc.

    `rank` is 1-based; rows equal in both rate and found share a rank (1, 2, 2, 4), keeping the
    input order between them. Rows with fewer tickets (or nothing found, rate undefined) are
    returned apart, in input order, since a rate over one or two tickets would mislead.
    """
    if key not in frame.columns:
        raise KeyError(f"排名所需的列不存在：{key}")
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
