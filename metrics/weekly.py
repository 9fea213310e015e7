"""The weekly review (通报调度): this week against last week, and how each village moved in the ranking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from firedash.config import Campaign
from firedash.glossary import text
from metrics._sql import OVERDUE, closed_code, coded, found_by, query_df, rate_sql, rectified_code, total
from metrics.breakdowns import complete_keys
from metrics.filters import NO_FILTERS, Filters, Params, filter_sql, within_severity_group
from metrics.ranking import rank_by_rate
from metrics.summary import summary_figures

# The `week` column of week_comparison names its two rows in words.
WEEK_LABELS = (text("this_week_prefix"), text("last_week"))
COMPARISON_COLUMNS = (
    "week", "week_no", "week_start", "week_end", "as_of", "found", "rectified", "rate", "rate_change_pp",
    "new_found", "new_rectified", "newly_overdue", "newly_closed",
)  # fmt: skip


def previous_week_end(campaign: Campaign, as_of: dt.date) -> dt.date:
    """The day every 较上周 compares with: the Sunday ending the Monday–Sunday week before as_of's week.

    The one definition of the week-on-week change (pages, the overview sentence, the bulletin, exports):
    this week stands at as_of (a week still running) and last week at its Sunday, as a 通报 counts.
    """
    return campaign.week_end(campaign.week_number(as_of) - 1)


def summary_with_last_week(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, campaign: Campaign, filters: Filters = NO_FILTERS
) -> tuple[dict[str, object], dict[str, object]]:
    """The summary row now and at previous_week_end: the pair every 较上周 on the pages is drawn from."""
    before = previous_week_end(campaign, as_of)
    return summary_figures(con, as_of=as_of, filters=filters), summary_figures(
        con, as_of=before, filters=filters
    )


def week_cut(campaign: Campaign, week_no: int, as_of: dt.date | None) -> dt.date:
    """The day a week's figures stand on: its Sunday, or as_of when that comes first."""
    end = campaign.week_end(week_no)
    return min(end, as_of) if as_of else end


def _counts_at(column: str, n: int) -> str:
    """found/rectified/closed at the day whose state code is in `column`, suffixed _n."""
    return (
        f"{total(f'{column} IS NOT NULL')} AS found_{n}, {total(rectified_code(column))} AS rectified_{n}, "
        f"{total(closed_code(column))} AS closed_{n}"
    )


def _with_rates(counts_sql: str, days: int) -> str:
    """The counts of counts_sql with rate_1 … rate_<days> added (the one rate rule, rate_sql)."""
    rates = ", ".join(f"{rate_sql(f'rectified_{n}', f'found_{n}')} AS rate_{n}" for n in range(1, days + 1))
    return f"SELECT *, {rates} FROM ({counts_sql})"  # noqa: S608 -- fragments built here


def _newly_overdue(now: str, before: str) -> str:
    return total(f"{now} = {OVERDUE} AND {before} IS DISTINCT FROM {OVERDUE}")


def _cuts_sql(where: str) -> str:
    """Counts at $1, $2, $3 (this week's cut, last week's, the week before's end) in one pass."""
    return f"""
    SELECT {_counts_at("code", 1)}, {_counts_at("code_2", 2)}, {_counts_at("code_3", 3)},
        {_newly_overdue("code", "code_2")} AS newly_overdue_1, {_newly_overdue("code_2", "code_3")} AS newly_overdue_2
    FROM {coded(where, days=("$1", "$2", "$3"))}"""  # noqa: S608 -- fragments built here; values are bound


def _week_row(counts: dict, n: int) -> dict[str, object]:
    """Figures of the week whose cut is day n, against day n + 1 (the previous week's end)."""
    before = n + 1
    return {
        "found": counts[f"found_{n}"],
        "rectified": counts[f"rectified_{n}"],
        "rate": counts[f"rate_{n}"],
        "rate_change_pp": (counts[f"rate_{n}"] - counts[f"rate_{before}"]) * 100,
        "new_found": counts[f"found_{n}"] - counts[f"found_{before}"],
        "new_rectified": counts[f"rectified_{n}"] - counts[f"rectified_{before}"],
        "newly_overdue": counts[f"newly_overdue_{n}"],
        "newly_closed": counts[f"closed_{n}"] - counts[f"closed_{before}"],
    }


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
    cuts = [week_cut(campaign, n, as_of) for n in (week_no, week_no - 1, week_no - 2)]
    params = Params(*cuts)
    where, _ = filter_sql(filters, params)
    counts_sql = _with_rates(_cuts_sql(f"{found_by('$1')} AND {where}"), days=3)
    counts = query_df(con, counts_sql, params).to_dict("records")[0]
    rows = []
    for n, (label, number) in enumerate(zip(WEEK_LABELS, (week_no, week_no - 1), strict=True), start=1):
        start, end = campaign.week_start(number), campaign.week_end(number)
        head = {"week": label, "week_no": number, "week_start": start, "week_end": end, "as_of": cuts[n - 1]}
        rows.append({**head, **_week_row(counts, n)})
    frame = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    for column in ("week_start", "week_end", "as_of"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
    counts_columns = ["found", "rectified", "new_found", "new_rectified", "newly_overdue", "newly_closed"]
    frame[counts_columns] = frame[counts_columns].astype("int64")
    return frame


def this_and_last_week(comparison: pd.DataFrame) -> tuple[dict[str, object], dict[str, object]]:
    """The two rows of week_comparison as dicts: (本周, 上周)."""
    this_week, last_week = comparison.to_dict("records")
    return this_week, last_week


# week_by_severity's rows: the whole (合计), then 一般 (较大 counted with it) and 重大, as a 通报's 总体情况.
SEVERITY_ROWS = ("all", "general", "major")
SEVERITY_COLUMNS = (
    "severity_group", "found", "rectified", "rate", "rate_change_pp", "new_found", "new_rectified",
    "newly_overdue",
)  # fmt: skip


def week_by_severity(
    con: duckdb.DuckDBPyConnection,
    *,
    week_no: int,
    filters: Filters = NO_FILTERS,
    campaign: Campaign,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """The week's figures (week_comparison's 本周 row) for all tickets, 一般 and 重大 separately.

    severity_group is a code of SEVERITY_ROWS; the 一般 and 重大 rows add up to the first.
    """
    rows = []
    for group in SEVERITY_ROWS:
        within = within_severity_group(filters, group)
        frame = week_comparison(con, week_no=week_no, filters=within, campaign=campaign, as_of=as_of)
        this_week, _ = this_and_last_week(frame)
        rows.append({"severity_group": group, **{c: this_week[c] for c in SEVERITY_COLUMNS[1:]}})
    return pd.DataFrame(rows, columns=list(SEVERITY_COLUMNS))


def _village_sql(where: str) -> str:
    counts = f"""
    SELECT key AS village, {_counts_at("code", 1)}, {_counts_at("code_2", 2)}
    FROM {coded(where, "village AS key", days=("$1", "$2"))} GROUP BY 1"""  # noqa: S608
    return _with_rates(counts, days=2)


def _ranked(frame: pd.DataFrame, n: int, min_tickets: int) -> pd.DataFrame:
    """village, found, rectified, rate, rank at day n; unranked villages keep an empty rank."""
    week = frame[["village", f"found_{n}", f"rectified_{n}", f"rate_{n}"]].set_axis(
        ["village", "found", "rectified", "rate"], axis=1
    )
    ranked, unranked = rank_by_rate(week, key="village", min_tickets=min_tickets)
    out = pd.concat([ranked, unranked], ignore_index=True)
    out["rank"] = out["rank"].astype("Int64")
    return out


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

    Ranked villages come first by rank; villages under min_tickets (rank empty) follow in config
    order, then villages with tickets that are not in `villages`.
    """
    params = Params(week_cut(campaign, week_no, as_of), campaign.week_end(week_no - 1))
    where, _ = filter_sql(filters, params)
    frame = query_df(con, _village_sql(f"{found_by('$1')} AND {where}"), params).sort_values("village")
    frame = complete_keys(frame, "village", villages)
    this_week = _ranked(frame, 1, min_tickets)
    last = _ranked(frame, 2, min_tickets)[["village", "rate", "rank"]]
    last = last.rename(columns={"rate": "rate_last_week", "rank": "rank_last_week"})
    out = this_week.merge(last, on="village", how="left")
    out["rate_change_pp"] = (out["rate"] - out["rate_last_week"]) * 100
    out["rank_move"] = out["rank_last_week"] - out["rank"]
    columns = [
        "village", "found", "rectified", "rate", "rate_last_week", "rate_change_pp", "rank", "rank_last_week",
        "rank_move",
    ]  # fmt: skip
    return out[columns]
