"""Streamlit building blocks every page shares: the header line, 暂无数据, metric tiles and tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from firedash.config import TownConfig
from firedash.glossary import PAGE_TITLES, SEVERITY_LABELS, label, text
from ui.controls import View
from ui.export import csv_bytes
from ui.format import (
    count_change,
    delta_colour,
    display_frame,
    fmt_change,
    fmt_count,
    fmt_date,
    fmt_rate,
    is_steady,
    rate_points,
)

# Streamlit bundles no plotly locale script, so the modebar's tooltips would be English: it is hidden.
PLOTLY_CONFIG = {"displaylogo": False, "displayModeBar": False, "locale": "zh-CN"}
# Streamlit's own English where it lets us replace it: the tables' toolbar ("Download as CSV", "Search",
# "Fullscreen"; its CSV keeps formula cells live, and client.disableDataExport drops it as well) is hidden,
# csv_download offers our CSV (BOM, formulas neutralised) instead; the file uploader's "Upload" button
# and "200MB per file • XLSX" line are written in Chinese.
_CHROME_WORDS = """<style>
[data-testid=stDataFrame] [data-testid=stElementToolbar] { display: none; }
[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] { font-size: 0; }
[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer]::after {
  content: "__UPLOAD__"; font-size: 1rem; }
[data-testid=stFileUploaderDropzoneInstructions] > * { display: none; }
[data-testid=stFileUploaderDropzoneInstructions]::after { content: "__LIMIT__"; font-size: 0.875rem; }
</style>"""
TABLE_ROWS = 500


@dataclass(frozen=True)
class Tile:
    """One metric tile: the summary column, whether it is a rate, and which way is better (None: neither)."""

    name: str
    is_rate: bool = False
    higher_is_better: bool | None = True


def header(
    config: TownConfig, view: View, latest_import: str | None, *, figures_as_of: dt.date | None = None
) -> None:
    """The line on top of every page: town, campaign, as-of, latest import, phase and days left in it.

    `figures_as_of`: the day the page's figures stand on when it is not the view's as-of date (the 周报
    of a past week stands at that week's Sunday), so the line never contradicts the page.
    """
    campaign = config.campaign
    phase = campaign.phase_on(view.as_of)
    phase_text = (
        text("phase_line", phase=phase.name, days=(phase.end - view.as_of).days)
        if phase
        else text("phase_none")
    )
    parts = [
        f"{config.town} · {campaign.name}",
        text("as_of") + fmt_date(figures_as_of or view.as_of),
        text("cell", name=text("latest_import"), value=latest_import or text("never_imported")),
        phase_text,
    ]
    st.markdown("**" + text("header_separator").join(_escape(p) for p in parts) + "**")
    scope = filters_text(view)
    if scope:
        st.caption(text("cell", name=text("filters"), value=_escape(scope)))


def filters_text(view: View) -> str:
    """The active filters in words ("" when none)."""
    f = view.filters
    words = text("list_separator")
    groups = [
        words.join(f.villages),
        words.join(f.sectors),
        words.join(f.offices),
        words.join(SEVERITY_LABELS.get(s, s) for s in f.severities),
    ]
    return text("group_separator").join(g for g in groups if g)


def sentence(value: str) -> None:
    """A large plain sentence (built from figures and configured names), with Markdown escaped."""
    with st.container(key="sentence"):
        st.subheader(_escape(value), anchor=False)


def _escape(value: str) -> str:
    """Escape Markdown in text we build from configured names (never pass ledger text through Markdown)."""
    return "".join("\\" + ch if ch in "\\`*_{}[]<>()#+-.!|~$" else ch for ch in value)


def no_data_for(found_in_campaign: int) -> None:
    """暂无数据 for a view that selects nothing: the filters are too narrow, or (none found) the store is empty."""
    no_data(text("empty_filter_hint") if found_in_campaign else text("empty_store_hint"))


def no_data(hint: str | None = None) -> None:
    """The clear empty state: 暂无数据, and what to do about it."""
    st.info(text("no_data_hint", hint=hint) if hint else text("no_data"), icon="ℹ️")


def tiles(
    now: Mapping[str, object],
    before: Mapping[str, object],
    specs: Sequence[Tile],
    per_row: int = 5,
    *,
    key: str = "page",
) -> None:
    """Metric tiles with their change since one week earlier (blue when better, red when worse).

    The tiles are one row of columns that ui.style's CSS turns into a grid: as many tiles a row as fit
    the screen (`per_row` at most: ui.style.TILES_PER_ROW), the rest wrapped, so a 4:3 projector never cuts a figure.
    """
    with st.container(key=f"tiles{per_row}_{key}"):
        for column, spec in zip(st.columns(len(specs)), specs, strict=True):
            with column:
                _tile(now, before, spec)


def _tile(now: Mapping[str, object], before: Mapping[str, object], spec: Tile) -> None:
    value, previous = now.get(spec.name), before.get(spec.name)
    if spec.is_rate:
        shown, change, decimals, unit = (
            fmt_rate(value),
            rate_points(value, previous),
            1,
            text("percent_points"),
        )
    else:
        shown, change, decimals, unit = (
            fmt_count(value),
            count_change(value, previous),
            0,
            text("unit_hazard"),
        )
    steady = change is None or is_steady(change, decimals)
    if steady or spec.higher_is_better is None:
        colour = "gray"
    else:
        colour = delta_colour(value, previous, higher_is_better=spec.higher_is_better)
    delta = fmt_change(change, unit=unit, decimals=decimals)
    st.metric(
        label(spec.name),
        shown,
        delta=f"{text('vs_last_week')} {delta}" if delta else None,
        delta_color=colour,
        # The delta text starts with 较上周, so Streamlit cannot read the direction from its sign.
        delta_arrow="off" if steady else ("down" if change < 0 else "up"),
        border=True,
    )


def table(
    frame: pd.DataFrame,
    columns: Iterable[str],
    *,
    key: str,
    max_rows: int = TABLE_ROWS,
    total: int | None = None,
    selectable: bool = False,
) -> list[int]:
    """A read-only table with Chinese headers; ledger text is shown as plain cells, never as HTML.

    `total` is the full count when the frame was fetched with a limit. `selectable`: one row can be
    picked with a click on its row marker; returns the picked row's position in the frame ([] if none).
    """
    shown = display_frame(frame.head(max_rows), columns)
    # Short tables take their own height; long ones scroll inside a frame that fits the projector.
    height = "auto" if len(shown) <= 15 else 640
    pick = {"on_select": "rerun", "selection_mode": "single-row"} if selectable else {}
    event = st.dataframe(shown, key=key, hide_index=True, width="stretch", height=height, **pick)
    csv_download(shown, key=key)
    total = len(frame) if total is None else total
    if total > len(shown):
        st.caption(text("rows_shown", total=total, shown=len(shown)))
    return [int(row) for row in event.selection.rows] if selectable else []


def compact_table(shown: pd.DataFrame, *, key: str) -> None:
    """A small table already labelled for display (ui.format.display_frame) of configured names and
    figures — a ranking, the phases — that fits the screen's width: an HTML table whose headers wrap
    (the canvas table cannot wrap them, and scrolls sideways at 1024 px). Never for ledger text:
    st.table renders its cells as Markdown.

    The headers drop their unit (a projector cannot spare its width in ten narrow columns),
    and a note under the table gives it once; the CSV keeps the full headers."""
    unit = text("unit_suffix", unit=text("unit_hazard"))
    headers = {name: name.removesuffix(unit) for name in shown.columns}
    with st.container(key=f"compact_{key}"):
        st.table(shown.rename(columns=headers), hide_index=True)
    if any(name != short for name, short in headers.items()):
        st.caption(text("table_unit_note"))
    csv_download(shown, key=key)


def chart(fig: go.Figure, *, key: str, on_select: object = "ignore") -> object:
    """A plotly figure at full width, with the toolbar trimmed; clickable when on_select is given."""
    kwargs = {"on_select": on_select, "selection_mode": "points"} if on_select != "ignore" else {}
    return st.plotly_chart(fig, key=key, width="stretch", config=PLOTLY_CONFIG, theme=None, **kwargs)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MIME = "application/zip"
CSV_MIME = "text/csv"


def download(label_text: str, data: object, *, file_name: str, key: str, mime: str = XLSX_MIME) -> None:
    """A download button (.xlsx unless `mime` says otherwise); `data` may be bytes or a callable run only
    when clicked."""
    st.download_button(
        label_text,
        data=data,
        file_name=file_name,
        mime=mime,
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def as_of_stamp(day: dt.date) -> str:
    """A date for file names: 20240131."""
    return day.strftime("%Y%m%d")


def page_title(name: str) -> None:
    """The page's title (from firedash.glossary.PAGE_TITLES)."""
    st.header(PAGE_TITLES[name], anchor=False)


def plain_table(shown: pd.DataFrame, *, key: str, max_rows: int = TABLE_ROWS) -> None:
    """A table already labelled for display (from ui.downloads / ui.format)."""
    st.dataframe(shown.head(max_rows), key=key, hide_index=True, width="stretch")
    csv_download(shown, key=key)
    if len(shown) > max_rows:
        st.caption(text("rows_shown", total=len(shown), shown=max_rows))


def chrome_words() -> None:
    """Streamlit's English on every page replaced where CSS can reach it (called once per run)."""
    limit = text("upload_limit", mb=st.get_option("server.maxUploadSize"))
    st.html(_CHROME_WORDS.replace("__UPLOAD__", text("upload_button")).replace("__LIMIT__", limit))


def csv_download(shown: pd.DataFrame, *, key: str) -> None:
    """Our CSV of a table as shown (UTF-8 with BOM, formula cells neutralised), in place of the toolbar's."""
    st.download_button(
        text("download_csv"),
        data=csv_bytes(shown),
        file_name=f"{key}.csv",
        mime=CSV_MIME,
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
        type="tertiary",
    )
