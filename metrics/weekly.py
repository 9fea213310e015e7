"""The weekly review (通报调度): this week against last week, and how each village moved in the ranking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from firedash.config import Campaign
from metrics._sql import OVERDUE, closed_code, coded, found_by, query_df, rate_sql, rectified_code, total
from metrics.breakdowns import rates_by_village
from metrics.filters import NO_FILTERS, Filters, Params, filter_sql
from metrics.ranking import rank_by_rate

WEEK_LABELS = ("本周", "上周")
COMPARISON_COLUMNS = (
    "week", "week_no", "week_start", "week_end", "as_of", "found", "rectified", "rate", "rate_change_pp",
    "new_found", "new_rectified", "newly_overdue", "newly_closed",
)  # fmt: skip


def week_bounds(campaign: Campaign, week_no: int) -> tuple[dt.date, dt.date]:
    """(Monday, Sunday) of 第week_no周, counted from the week holding the campaign's start."""
    start = campaign.week_start() + dt.timedelta(weeks=week_no - 1)
    return start, start + dt.timedelta(days=6)


def _week_cut(campaign: Campaign, week_no: int, as_of: dt.date | None) -> dt.date:
    """The day a week's figures stand on: its Sunday, or as_of when that comes first."""
    end = week_bounds(campaign, week_no)[1]
    return min(end, as_of) if as_of else end


def _pair_sql(where: str) -> str:
    """Figures at $1 (the week's cut) beside those at $2 (the previous week's end)."""
    return f"""
    SELECT found, rectified, {rate_sql("rectified", "found")} AS rate, prev_found, prev_rectified,
        {rate_sql("prev_rectified", "prev_found")} AS prev_rate,
        found - prev_found AS new_found, rectified - prev_rectified AS new_rectified,
        newly_overdue, closed - prev_closed AS newly_closed
    FROM (
        SELECT {total()} AS found, {total(rectified_code())} AS rectified, {total(closed_code())} AS closed,
            {total("code_2 IS NOT NULL")} AS prev_found, {total(rectified_code("code_2"))} AS prev_rectified,
            {total(closed_code("code_2"))} AS prev_closed,
            {total(f"code = {OVERDUE} AND code_2 IS DISTINCT FROM {OVERDUE}")} AS newly_overdue
        FROM {coded(where, days=("$1", "$2"))}
    )"""  # noqa: S608 -- fragments built here; values are bound


def _week_frame(
    con: duckdb.DuckDBPyConnection, filters: Filters, cut: dt.date, before: dt.date
) -> pd.DataFrame:
    params = Params(cut, before)
    where, _ = filter_sql(filters, params)
    frame = query_df(con, _pair_sql(f"{found_by('$1')} AND {where}"), params)
    frame["rate_change_pp"] = (frame["rate"] - frame["prev_rate"]) * 100
    return frame


def week_comparison(
    con: duckdb.DuckDBPyConnection,
    *,
    week_no: int,
    filters: Filters = NO_FILTERS,
    campaign: Campaign,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """Two rows, 本周 and 上周, each as of its week's Sunday (or as_of, for a week still running).

    found/rectified/rate stand at the week's end; rate_change_pp is the change on the week before in
    percentage points; new_* and newly_closed count what happened within the week; newly_overdue the
    tickets overdue at the week's end that were not overdue at the previous week's end.
    """
    frames = []
    for label, number in zip(WEEK_LABELS, (week_no, week_no - 1), strict=True):
        cut = _week_cut(campaign, number, as_of)
        start, end = week_bounds(campaign, number)
        frame = _week_frame(con, filters, cut, week_bounds(campaign, number - 1)[1])
        head = {"week": label, "week_no": number, "week_start": start, "week_end": end, "as_of": cut}
        for position, (column, value) in enumerate(head.items()):
            frame.insert(position, column, [value])
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    for column in ("week_start", "week_end", "as_of"):
        out[column] = pd.to_datetime(out[column]).astype("datetime64[us]")
    return out[list(COMPARISON_COLUMNS)]


def village_week_ranking(
    con: duckdb.DuckDBPyConnection,
    *,
    week_no: int,
    filters: Filters = NO_FILTERS,
    campaign: Campaign,
    villages: Sequence[str],
    min_tickets: int,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """Each village this week beside last week: rates, ranks and rank_move (positive = moved up).

    Ranked villages come first by rank; villages under min_tickets (rank empty) follow in config order.
    """
    this_week = _ranked(con, _week_cut(campaign, week_no, as_of), filters, villages, min_tickets)
    last_week = _ranked(con, week_bounds(campaign, week_no - 1)[1], filters, villages, min_tickets)
    last = last_week[["village", "rate", "rank"]].rename(
        columns={"rate": "rate_last_week", "rank": "rank_last_week"}
    )
    frame = this_week.merge(last, on="village", how="left")
    frame["rate_change_pp"] = (frame["rate"] - frame["rate_last_week"]) * 100
    frame["rank_move"] = frame["rank_last_week"] - frame["rank"]
    columns = [
        "village", "found", "rectified", "rate", "rate_last_week", "rate_change_pp", "rank", "rank_last_week",
        "rank_move",
    ]  # fmt: skip
    return frame[columns]


def _ranked(
    con: duckdb.DuckDBPyConnection, cut: dt.date, filters: Filters, villages: Sequence[str], min_tickets: int
) -> pd.DataFrame:
    """Village rates at `cut`, ranked ones first; `rank` is a nullable integer."""
    rates = rates_by_village(con, as_of=cut, filters=filters, villages=villages)
    ranked, unranked = rank_by_rate(rates, key="village", min_tickets=min_tickets)
    frame = pd.concat([ranked, unranked], ignore_index=True)
    frame["rank"] = frame["rank"].astype("Int64")
    return frame
