"""The town summary the CLI prints: one JSON-ready dict, and its readable Chinese text."""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import pandas as pd

from firedash.config import TownConfig
from firedash.glossary import label, text
from metrics.breakdowns import rates_by_sector, rates_by_village
from metrics.formatting import format_rate, text_table
from metrics.summary import rejected_row_count, summary

HEADLINE_KEYS = (
    "found", "rectified", "rate", "open", "overdue", "closed", "on_time_rate", "rectified_on_time",
    "rectified_late", "major_found", "major_rectified", "major_open", "major_rate", "general_found",
    "general_rectified", "general_rate", "supervised_open", "due_soon",
)  # fmt: skip
BREAKDOWN_KEYS = ("found", "rectified", "rate", "overdue", "open", "closed")


def _plain(value: object) -> object:
    """numpy scalars → int/float, NaN/NA → None, so json.dumps writes null."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _records(frame: pd.DataFrame, key: str) -> list[dict[str, object]]:
    return [
        {key: row[key], **{k: _plain(row[k]) for k in BREAKDOWN_KEYS}} for row in frame.to_dict("records")
    ]


def summary_payload(
    con: duckdb.DuckDBPyConnection, *, config: TownConfig, as_of: dt.date
) -> dict[str, object]:
    """as_of, the headline figures, rejected_rows, and by_village / by_sector for every configured one."""
    campaign = config.campaign
    head = summary(con, as_of=as_of).to_dict("records")[0]
    phase = campaign.phase_on(as_of)
    villages = rates_by_village(con, as_of=as_of, villages=config.villages)
    sectors = rates_by_sector(con, as_of=as_of, sectors=config.sectors)
    return {
        "town": config.town,
        "campaign": campaign.name,
        "as_of": as_of.isoformat(),
        "week_no": campaign.week_number(as_of) if as_of >= campaign.week_start() else None,
        "phase": phase.name if phase else None,
        **{k: _plain(head[k]) for k in HEADLINE_KEYS},
        "rejected_rows": rejected_row_count(con),
        "by_village": _records(villages, "village"),
        "by_sector": _records(sectors, "sector"),
    }


def _headline_lines(p: dict[str, object]) -> list[str]:
    return [
        f"{p['town']} {p['campaign']}",
        _when(p),
        "",
        text("summary_found", found=p["found"], rectified=p["rectified"], rate=format_rate(p["rate"])),
        text("summary_open", open=p["open"], overdue=p["overdue"], closed=p["closed"]),
        text(
            "summary_on_time",
            rate=format_rate(p["on_time_rate"]),
            on_time=p["rectified_on_time"],
            late=p["rectified_late"],
        ),
        text(
            "summary_major",
            found=p["major_found"],
            rectified=p["major_rectified"],
            rate=format_rate(p["major_rate"]),
            supervised=p["supervised_open"],
        ),
        text("summary_due_soon", due_soon=p["due_soon"], rejected=p["rejected_rows"]),
    ]


def _when(p: dict[str, object]) -> str:
    """统计截至 <date>, then the week and phase when as_of falls in the campaign's weeks."""
    when = text("summary_as_of", date=p["as_of"])
    if not p["week_no"]:
        return when
    if p["phase"]:
        return when + text("summary_week_phase", n=p["week_no"], phase=p["phase"])
    return when + text("summary_week", n=p["week_no"])


def _breakdown_table(items: list[dict[str, object]], key: str) -> str:
    headers = [label(key), label("found"), label("rectified"), label("rate"), label("overdue")]
    rows = [
        [str(i[key]), str(i["found"]), str(i["rectified"]), format_rate(i["rate"]), str(i["overdue"])]
        for i in items
    ]
    return text_table(headers, rows)


def summary_text(payload: dict[str, object]) -> str:
    """The payload as the readable Chinese report the CLI prints without --json."""
    parts = [
        "\n".join(_headline_lines(payload)),
        text("summary_by_village") + "\n" + _breakdown_table(payload["by_village"], "village"),  # type: ignore[arg-type]
        text("summary_by_sector") + "\n" + _breakdown_table(payload["by_sector"], "sector"),  # type: ignore[arg-type]
    ]
    return "\n\n".join(parts)
