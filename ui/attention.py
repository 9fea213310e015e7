"""What leadership looks at first, named: the lagging villages and the open 重大/挂牌督办 hazards.

Drawn as one block of our own HTML (every value escaped) so it wraps on any screen and reads at the
sentence's size; the overview and presentation mode's first slide both show it.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

import metrics
from firedash.config import TownConfig
from firedash.glossary import SEVERITY_LABELS, label, text
from ui import data
from ui.controls import View
from ui.format import fmt_date, fmt_rate, is_missing
from ui.history import ticket_table
from ui.ranking import town_ranking

LAGGING = 3  # as many villages as leadership names in a meeting
MAJOR_COLUMNS = (
    "village",
    "unit",
    "description",
    "severity",
    "county_supervised",
    "days_overdue",
    "deadline",
)


def lagging_villages(config: TownConfig, view: View, n: int = LAGGING) -> pd.DataFrame:
    """The last `n` ranked villages of the town's ranking (whoever looks), worst last."""
    town = view.ranking("overview", "village_ranking")
    ranked, _, _ = town_ranking(config, town)
    return ranked.sort_values("rank", kind="stable").tail(n)


def _village_line(row: pd.Series) -> str:
    return text(
        "attention_village",
        rank=int(row["rank"]),
        village=row["village"],
        rate=fmt_rate(row["rate"]),
        rectified=int(row["rectified"]),
        found=int(row["found"]),
    )


def _ticket_marks(row: pd.Series) -> str:
    marks = [SEVERITY_LABELS[row["severity"]]] if row["severity"] == "major" else []
    if row["county_supervised"] is True or row["county_supervised"] == 1:
        marks.append(label("county_supervised"))
    if not is_missing(row["days_overdue"]):
        marks.append(text("attention_overdue_days", days=int(row["days_overdue"])))
    elif not is_missing(row["deadline"]):
        marks.append(text("attention_deadline", date=fmt_date(row["deadline"])))
    return text("list_separator").join(marks)


def _ticket_line(row: pd.Series) -> str:
    return text(
        "attention_ticket",
        village=row["village"],
        unit=row["unit"] if not is_missing(row["unit"]) else text("no_value"),
        description=row["description"] if not is_missing(row["description"]) else text("no_value"),
        marks=_ticket_marks(row),
    )


def _items(lines: list[str], *, red: bool = False) -> str:
    cls = ' class="fd-red"' if red else ""
    return "<ul>" + "".join(f"<li{cls}>{html.escape(line)}</li>" for line in lines) + "</ul>"


def lagging_html(lagging: pd.DataFrame) -> str:
    """The lagging villages as a headed list (HTML, every value escaped)."""
    villages = [_village_line(row) for _, row in lagging.iterrows()]
    head = f"<h4>{html.escape(text('attention_lagging', n=len(villages)))}</h4>"
    return head + (_items(villages, red=True) if villages else f"<p>{html.escape(text('nobody_ranked'))}</p>")


def major_html(major: pd.DataFrame) -> str:
    """Every open 重大/挂牌督办 hazard by village, unit and description (ledger text escaped, never HTML)."""
    tickets = [_ticket_line(row) for _, row in major.iterrows()]
    head = f"<h4>{html.escape(text('attention_major', n=len(tickets)))}</h4>"
    return head + (_items(tickets) if tickets else f"<p>{html.escape(text('no_open_major'))}</p>")


def overdue_html(head: str, overdue: pd.DataFrame) -> str:
    """The longest overdue hazards, named, with their days overdue."""
    lines = [
        text(
            "attention_ticket", village=r["village"], unit=r["unit"], description=r["description"],
            marks=text("attention_overdue_days", days=int(r["days_overdue"])),
        )
        for _, r in overdue.iterrows()
    ]  # fmt: skip
    return block(f"<h4>{html.escape(head)}</h4>" + _items(lines))


def block(inner: str) -> str:
    """Wrap parts in the block's styled box (ui.style: .fd-attention)."""
    return f'<div class="fd-attention">{inner}</div>'


def attention_html(lagging: pd.DataFrame, major: pd.DataFrame) -> str:
    """The block's HTML: the lagging villages, then the open 重大/挂牌督办 hazards."""
    return block(lagging_html(lagging) + major_html(major))


def attention(config: TownConfig, view: View) -> None:
    """The lagging villages and every open 重大/挂牌督办 hazard, by name."""
    major = data.cached(metrics.open_major_tickets, as_of=view.as_of, filters=view.filters)
    st.html(attention_html(lagging_villages(config, view), major))


def major_history(view: View) -> None:
    """The open 重大/挂牌督办 hazards of the block as a folded table whose rows open their history."""
    major = data.cached(metrics.open_major_tickets, as_of=view.as_of, filters=view.filters)
    if major.empty:
        return
    with st.expander(text("major_history", n=len(major))):
        ticket_table(major, MAJOR_COLUMNS, key="overview_major", view=view)
