"""The 周通报's content: every figure from the metric functions, formatted as the town writes it, as one dict.

Pure: a connection, the configuration and the week in, a context of text (and two plotly figures) out;
metrics.bulletin_docx fills the Word template with it. "较上周" has one meaning here, as on 周报: the
change from the end of the previous Monday–Sunday week (metrics.weekly.week_comparison).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from charts.rates import ranking_bars
from charts.trend import weekly_new_bars
from firedash.config import Campaign, TownConfig
from firedash.glossary import SEVERITY_LABELS, STATE_LABELS, YES_NO, label, text
from metrics.breakdowns import rates_by_village
from metrics.bulletin_settings import BulletinSettings
from metrics.filters import NO_FILTERS, within_severity_group
from metrics.formatting import DASH, fmt_change, fmt_date, fmt_rate, is_missing, is_steady
from metrics.quality import villages_without_ledger
from metrics.ranking import red_black_lists, split_ranked
from metrics.summary import summary_figures
from metrics.tickets import newly_overdue_tickets, ticket_list
from metrics.trend import weekly_trend
from metrics.weekly import this_and_last_week, village_week_ranking, week_by_severity, week_comparison

RATE_DECIMALS = 1  # rates and their changes to one decimal, as the town writes them (90.7%, +1.6)


class BulletinError(ValueError):
    """A week or date the bulletin cannot be made for; the message is one Chinese line."""


@dataclass(frozen=True)
class BulletinWeek:
    """The week a bulletin reports: 第week_no周, its figures standing on as_of (its Sunday, or earlier)."""

    week_no: int
    as_of: dt.date


def bulletin_week(
    campaign: Campaign, *, as_of: dt.date | None = None, week: int | None = None
) -> BulletinWeek:
    """--week N: that week, as of its Sunday (the campaign's end at the latest); --as-of D: D's week, as of D."""
    last = campaign.week_number(campaign.end)
    if week is not None:
        if not 1 <= week <= last:
            raise BulletinError(text("cli_bulletin_bad_week", n=week, last=last))
        return BulletinWeek(week, min(campaign.week_end(week), campaign.end))
    if as_of is None:
        raise BulletinError(text("cli_missing_argument", value="--as-of"))
    if campaign.week_number(as_of) < 1:
        raise BulletinError(text("cli_bulletin_before_campaign", date=as_of.isoformat()))
    return BulletinWeek(campaign.week_number(as_of), as_of)


def bulletin_context(
    con: duckdb.DuckDBPyConnection,
    config: TownConfig,
    settings: BulletinSettings,
    *,
    week: BulletinWeek,
    issue_no: int,
) -> dict[str, object]:
    """Every field of the template: header, 总体情况, 各村进展, 存在问题, 下步要求, stamp, and `charts`."""
    campaign, cut = config.campaign, week.as_of
    last_week_end = campaign.week_end(week.week_no - 1)
    head = summary_figures(con, as_of=cut)
    this_week, _ = _comparison(con, config, week, None)
    ranking = _ranking(con, config, week)
    return {
        **_header(config, settings, week, issue_no),
        **_overall(con, config, week, head, this_week, last_week_end),
        **_villages(ranking, config, last_week_end),
        **_problems(con, config, week, last_week_end, ranking),
        "requirements": list(settings.requirements),
        "charts": _charts(con, config, week, ranking, this_week["rate"]),
    }


def _month_day(day: dt.date) -> str:
    return text("month_day", month=day.month, day=day.day)


def _week_name(campaign: Campaign, week: BulletinWeek) -> str:
    start, end = campaign.week_start(week.week_no), min(campaign.week_end(week.week_no), week.as_of)
    return text("bulletin_week", n=week.week_no, start=_month_day(start), end=_month_day(end))


def _header(config: TownConfig, settings: BulletinSettings, week: BulletinWeek, issue_no: int) -> dict:
    return {
        "title": f"{config.town}{config.campaign.name}",
        "kind": text("bulletin_kind"),
        "issue": text("bulletin_issue_no", n=issue_no),
        "issue_no": issue_no,
        "issuer": settings.issuer,
        "issue_date": fmt_date(week.as_of),
        "week": _week_name(config.campaign, week),
        "stamp": text("as_of") + fmt_date(week.as_of),
    }


def _comparison(
    con: duckdb.DuckDBPyConnection, config: TownConfig, week: BulletinWeek, group: str | None
) -> tuple[dict, dict]:
    filters = within_severity_group(NO_FILTERS, group)
    frame = week_comparison(
        con, week_no=week.week_no, filters=filters, campaign=config.campaign, as_of=week.as_of
    )
    return this_and_last_week(frame)


def _points(change: object) -> str:
    """A rate change in the table: "+1.6", "持平", "—" (nothing to compare)."""
    return fmt_change(change, unit="", decimals=RATE_DECIMALS) or DASH


def _change_words(change: object, vs: str) -> str:
    """，较上周（截至3月17日）提高1.6个百分点 / …持平 / nothing when last week had no rate."""
    if is_missing(change):
        return ""
    if is_steady(float(change), RATE_DECIMALS):
        return text("bulletin_change_steady", vs=vs)
    key = "bulletin_change_up" if float(change) > 0 else "bulletin_change_down"
    return text(key, vs=vs, points=f"{abs(float(change)):.{RATE_DECIMALS}f}")


def _overall(
    con: duckdb.DuckDBPyConnection,
    config: TownConfig,
    week: BulletinWeek,
    head: dict,
    this_week: dict,
    last_week_end: dt.date,
) -> dict:
    vs = text("bulletin_vs_last_week", date=_month_day(last_week_end))
    rates = {k: fmt_rate(head[k]) for k in ("rate", "general_rate", "major_rate", "on_time_rate")}
    overall = text(
        "bulletin_overall", date=fmt_date(week.as_of), scope=label("town"), found=head["found"],
        rectified=head["rectified"], rate=rates["rate"], change=_change_words(this_week["rate_change_pp"], vs),
        new_found=this_week["new_found"], new_rectified=this_week["new_rectified"],
    )  # fmt: skip
    split = text(
        "bulletin_split", general_found=head["general_found"], general_rectified=head["general_rectified"],
        general_rate=rates["general_rate"], major_found=head["major_found"],
        major_rectified=head["major_rectified"], major_rate=rates["major_rate"], major_open=head["major_open"],
        supervised=head["supervised_open"],
    )  # fmt: skip
    timeliness = text(
        "bulletin_timeliness", on_time_rate=rates["on_time_rate"], on_time=head["rectified_on_time"],
        late=head["rectified_late"], open=head["open"], overdue=head["overdue"],
        newly_overdue=this_week["newly_overdue"],
    )  # fmt: skip
    return {
        "vs_last_week": vs,
        "overall": overall,
        "split": split,
        "timeliness": timeliness,
        "figures": _figure_rows(con, config, week),
    }


def _figure_rows(con: duckdb.DuckDBPyConnection, config: TownConfig, week: BulletinWeek) -> list[dict]:
    """合计, 一般隐患, 重大火灾隐患: found, rectified, rate and its change on last week (week_by_severity)."""
    names = {"all": text("bulletin_row_town"), "general": SEVERITY_LABELS["general"]}
    frame = week_by_severity(con, week_no=week.week_no, campaign=config.campaign, as_of=week.as_of)
    return [
        {
            "kind": names.get(row["severity_group"], SEVERITY_LABELS["major"]),
            "found": f"{row['found']}",
            "rectified": f"{row['rectified']}",
            "rate": fmt_rate(row["rate"]),
            "change": _points(row["rate_change_pp"]),
        }
        for row in frame.to_dict("records")
    ]


def _ranking(con: duckdb.DuckDBPyConnection, config: TownConfig, week: BulletinWeek) -> pd.DataFrame:
    """village_week_ranking with each village's overdue count at the week's cut."""
    ranking = village_week_ranking(
        con, week_no=week.week_no, campaign=config.campaign, villages=config.villages,
        min_tickets=config.dashboard.min_tickets_to_rank, as_of=week.as_of,
    )  # fmt: skip
    overdue = rates_by_village(con, as_of=week.as_of, villages=config.villages)[["village", "overdue"]]
    ranking = ranking.merge(overdue, on="village", how="left")
    ranking["overdue"] = ranking["overdue"].fillna(0).astype("int64")
    return ranking


def _lists(ranking: pd.DataFrame, config: TownConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    ranked, _ = split_ranked(ranking)
    settings = config.dashboard
    return red_black_lists(ranked, red_rate=settings.red_list_rate, black_rate=settings.black_list_rate)


def _rule(sign: str, rate: float) -> str:
    return f"{label('rate')}{sign}{rate:.0%}"


def _villages(ranking: pd.DataFrame, config: TownConfig, last_week_end: dt.date) -> dict:
    red, black = _lists(ranking, config)
    marks = {
        **dict.fromkeys(red["village"], text("red_list")),
        **dict.fromkeys(black["village"], text("black_list")),
    }
    rows = [
        {
            "rank": DASH if is_missing(row["rank"]) else f"{int(row['rank'])}",
            "village": row["village"],
            "found": f"{int(row['found'])}",
            "rectified": f"{int(row['rectified'])}",
            "rate": fmt_rate(row["rate"]),
            "change": _points(row["rate_change_pp"]),
            "overdue": f"{int(row['overdue'])}",
            "list": marks.get(row["village"], ""),
        }
        for row in ranking.to_dict("records")
    ]
    settings = config.dashboard
    red_rule, black_rule = _rule("≥", settings.red_list_rate), _rule("<", settings.black_list_rate)
    rule = text("list_separator").join((text("red_list") + red_rule, text("black_list") + black_rule))
    return {
        "villages": rows,
        "red_line": _list_line(text("red_list"), red_rule, red),
        "black_line": _list_line(text("black_list"), black_rule, black),
        "rank_note": text(
            "bulletin_rank_rule",
            n=settings.min_tickets_to_rank,
            rule=rule,
            dash=DASH,
            date=_month_day(last_week_end),
        ),
    }


def _list_line(name: str, rule: str, frame: pd.DataFrame) -> str:
    names = _named(frame) or text("bulletin_nobody")
    return text("bulletin_lists", name=name, rule=rule, names=names)


def _named(frame: pd.DataFrame) -> str:
    """东河村（98.0%）、西岭村（95.1%）: the villages of a list with their rates."""
    pairs = zip(frame["village"], frame["rate"], strict=True)
    return text("list_separator").join(
        text("bulletin_list_item", village=v, rate=fmt_rate(r)) for v, r in pairs
    )


def _by_village(frame: pd.DataFrame, villages: tuple[str, ...]) -> pd.DataFrame:
    """Rows in the configured village order (stable within a village)."""
    order = {v: i for i, v in enumerate(villages)}
    return frame.sort_values("village", key=lambda s: s.map(order).fillna(len(order)), kind="stable")


def open_major_or_supervised(con: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> pd.DataFrame:
    """Tickets not rectified by as_of that are 重大火灾隐患 or 县政府挂牌督办."""
    open_now = ticket_list(con, as_of=as_of, state="open")
    wanted = (open_now["severity"] == "major") | open_now["county_supervised"].fillna(False).astype(bool)
    return open_now[wanted].reset_index(drop=True)


def _cell(value: object) -> str:
    return DASH if is_missing(value) or value == "" else str(value)


def _problems(
    con: duckdb.DuckDBPyConnection,
    config: TownConfig,
    week: BulletinWeek,
    last_week_end: dt.date,
    ranking: pd.DataFrame,
) -> dict:
    late = newly_overdue_tickets(con, as_of=week.as_of, last_week_end=last_week_end)
    late = _by_village(late, config.villages)
    major = _by_village(open_major_or_supervised(con, as_of=week.as_of), config.villages)
    return {
        "newly_overdue_title": text("bulletin_newly_overdue", n=len(late)),
        "newly_overdue_none": "" if len(late) else text("bulletin_no_newly_overdue"),
        "newly_overdue": [_late_row(row) for row in late.to_dict("records")],
        "major_title": text("bulletin_major_open", n=len(major)),
        "major_none": "" if len(major) else text("bulletin_no_major_open"),
        "major_open": [_major_row(row) for row in major.to_dict("records")],
        "behind_title": text("bulletin_behind"),
        "behind": _behind(ranking, config),
        "no_ledger_title": text("bulletin_no_ledger_title"),
        "no_ledger": _no_ledger(con, config, week),
    }


def _late_row(row: dict) -> dict:
    return {
        "village": _cell(row["village"]),
        "unit": _cell(row["unit"]),
        "description": _cell(row["description"]),
        "deadline": fmt_date(row["deadline"]),
        "days": f"{int(row['days_overdue'])}",
        "office": _cell(row["office"]),
    }


def _major_row(row: dict) -> dict:
    return {
        "village": _cell(row["village"]),
        "unit": _cell(row["unit"]),
        "description": _cell(row["description"]),
        "severity": SEVERITY_LABELS.get(row["severity"], DASH),
        "supervised": YES_NO[
            bool(row["county_supervised"]) if not is_missing(row["county_supervised"]) else False
        ],
        "deadline": fmt_date(row["deadline"]),
        "state": STATE_LABELS.get(row["state"], DASH),
    }


def _behind(ranking: pd.DataFrame, config: TownConfig) -> str:
    _, black = _lists(ranking, config)
    rate = f"{config.dashboard.black_list_rate:.0%}"
    if black.empty:
        return text("bulletin_behind_none", rate=rate)
    return text("bulletin_behind_named", names=_named(black), rate=rate)


def _no_ledger(con: duckdb.DuckDBPyConnection, config: TownConfig, week: BulletinWeek) -> str:
    """Villages with no ledger in the latest week reported up to the cut (metrics.quality)."""
    campaign = config.campaign
    missing = villages_without_ledger(con, villages=config.villages, as_of=week.as_of, campaign=campaign)
    if missing.empty:
        return text("bulletin_all_sent", week=_week_name(campaign, week))
    if pd.isna(missing["week_start"].iloc[0]):
        return text("bulletin_no_reports", date=fmt_date(week.as_of))
    reported_no = campaign.week_number(pd.Timestamp(missing["week_start"].iloc[0]).date())
    reported = BulletinWeek(reported_no, min(week.as_of, campaign.week_end(reported_no)))
    names = text("list_separator").join(missing["village"])
    return text("bulletin_no_ledger", week=_week_name(campaign, reported), names=names, n=len(missing))


def _charts(
    con: duckdb.DuckDBPyConnection,
    config: TownConfig,
    week: BulletinWeek,
    ranking: pd.DataFrame,
    town_rate: object,
) -> dict:
    ranked, unranked = split_ranked(ranking)
    bars = ranking_bars(
        ranked, unranked, key="village", town_rate=None if is_missing(town_rate) else float(town_rate),
        title=text("bulletin_chart_ranking", week=text("week_label", n=week.week_no)),
        min_tickets=config.dashboard.min_tickets_to_rank, bar_height=34,
    )  # fmt: skip
    weekly = weekly_trend(con, as_of=week.as_of, campaign=config.campaign)
    new_bars = weekly_new_bars(weekly, title=text("bulletin_chart_weekly", n=week.week_no))
    return {"ranking_chart": bars, "weekly_chart": new_bars}
