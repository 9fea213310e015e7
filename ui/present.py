"""Presentation mode (`?present=1`): the meeting's agenda as full-screen slides, paged by keys or a clicker.

One slide a screen, nothing to scroll at 1024×768 or 1920×1080: 总体情况 → 各村排名与红黑榜 → 超期与重大隐患
→ 行业领域 → 时间轴 → 本周变化. ←/→, PageUp/PageDown and Space page (a small inline script clicks the
hidden 上一页/下一页 buttons); `&auto=30` turns the page every 30 s; a new load shows within PRESENT_REFRESH
seconds. The link's as-of date and filters hold (ui.controls.url_view). Data comes from the same
metrics functions as the pages, through ui.data.cached.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import metrics
from charts.rates import ranking_bars
from charts.theme import for_slide
from charts.timeline import cumulative_chart, phase_timeline
from charts.trend import weekly_new_bars
from firedash.config import TownConfig
from firedash.glossary import PAGE_TITLES, label, text
from firedash.store import store_signature
from ui import data
from ui.attention import block, lagging_html, lagging_villages, major_html, overdue_html
from ui.controls import View
from ui.format import fmt_date, last_week_short, ranking_line_label, rate_line_label, scope_name, week_label
from ui.layout import chart, filters_text, tiles
from ui.ranking import town_ranking
from ui.tiles import OVERVIEW_TILES, WEEK_TILES

PRESENT_PARAM, AUTO_PARAM, SLIDE_PARAM = "present", "auto", "slide"
SLIDE_KEY = "present_slide"
SCALE_KEY, WIDE_KEY = "present_scale", "present_wide"
NEXT_KEY, PREV_KEY = "present_next", "present_prev"
PRESENT_REFRESH = 20  # seconds between checks of the store's signature (a load shows within a minute)
SLIDE_CHART_HEIGHT = 500  # px: a slide's chart fits under its title on a 768 px high projector
LONGEST = 5  # as many as the heading names (超期最久的五处隐患), as on 总览
ROW_PX = 27  # a ranking's bar on a slide at least: the least that holds an 18 px name
HALF_FROM = 10  # a ranking longer than this is shown in two halves side by side
RANKING_ROOM = 490  # px for the villages' ranking at most: 720 less the head, the colour key, the 红黑榜
SECTORS_ROOM = 570  # px for the place types' ranking at most (no lists under it)

PRESENT_CSS = """
<style>
[data-testid=stSidebar], [data-testid=stSidebarCollapsedControl], [data-testid=stHeader],
[data-testid=stToolbar], [data-testid=stDecoration], [data-testid=stStatusWidget],
.st-key-present_nav { display: none !important; }
/* The paging script's frame still runs when not displayed; hidden parts take no gap either. */
[data-testid=stElementContainer]:has(iframe), [data-testid=stElementContainer]:has(> .stHtml style:only-child),
[class*="st-key-present_nav"] { display: none !important; }
[data-testid=stMainBlockContainer] [data-testid=stVerticalBlock] { gap: 0.5rem; }
/* Compact tiles on a slide: two rows of them leave room for what a meeting names; no text under 18 px. */
[data-testid=stMetric] { padding: 0 !important; }
[data-testid=stMetric] > div { padding: 0.35rem 0.6rem !important; }
[data-testid=stMetricValue] { padding-bottom: 0 !important; }
[class*="st-key-tiles"] [data-testid=stHorizontalBlock] { gap: 0.5rem !important; }
[data-testid=stMetricValue] { font-size: 1.8rem !important; }
[data-testid=stMetricLabel] p { font-size: 1rem !important; }
[data-testid=stMetricDelta], [data-testid=stMetricDelta] div { font-size: 0.95rem !important; }
[data-testid=stMainBlockContainer] { padding: 0.3rem 1.5rem 0 1.5rem !important; max-width: 100% !important; }
.fd-slide-head { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem;
  flex-wrap: wrap; border-bottom: 3px solid #0072B2; margin-bottom: 0.4rem; }
.fd-slide-head h1 { font-size: 1.9rem; margin: 0; padding: 0; }
.fd-slide-head span { font-size: 1.1rem; color: #333; }
.fd-two { display: grid; grid-template-columns: minmax(16rem, 1fr) 2fr; gap: 1.2rem; }
.fd-two .fd-attention { font-size: 1rem; }
.fd-lists { font-size: 1.15rem; line-height: 1.5; }
.fd-lists b { color: #1A1A1A; }
.fd-key { font-size: 1rem; color: #4D4D4D; }
/* A slide is laid out for 1280×720 (and 1024×768); a 1080p projector shows it 1.5 times as large: the
   type here, the charts by screen_scale (the browser reports its size), on the same thresholds. */
@media (min-width: 1800px) and (min-height: 1000px) {
  html { font-size: 28.5px !important; }
}
</style>
"""

# The screen's size, reported by the browser (and again when it changes), so a slide's charts are drawn
# for it: CSS can enlarge the page's type, never a chart's (plotly writes its sizes in pixels).
_SCREEN_JS = """
export default function ({ setStateValue }) {
  let last = '';
  const send = () => {
    const size = `${window.innerWidth}x${window.innerHeight}`;
    if (size !== last) { last = size; setStateValue('screen', size); }
  };
  send();
  window.addEventListener('resize', send);
  return () => window.removeEventListener('resize', send);
}
"""
_screen = st.components.v2.component("firedash_present_screen", js=_SCREEN_JS)
LARGE_SCREEN = (1800, 1000)  # px: at least this wide and high (a 1080p projector) shows slides larger
LARGE_SCALE = 1.5  # 1920×1080 is 1.5 × 1280×720, the size a slide is laid out for
WIDE_RATIO = 1.5  # a screen at least 1.5 times as wide as high is 16:9 (1.78), not 4:3 (1.33)

# Paging keys: a presenter's clicker sends PageDown/PageUp (some send arrows or Space).
_KEYS_SCRIPT = """
<script>
const doc = window.parent.document;
const press = (key) => { const b = doc.querySelector('.st-key-' + key + ' button'); if (b) b.click(); };
// A listener of a removed frame stops running: each new frame replaces the one before it.
if (doc.__firedashKeys) doc.removeEventListener('keydown', doc.__firedashKeys, true);
doc.__firedashKeys = (e) => {
  if (e.target && ['INPUT', 'TEXTAREA'].includes(e.target.tagName)) return;
  const forward = ['ArrowRight', 'PageDown', ' ', 'Spacebar'].includes(e.key);
  const back = ['ArrowLeft', 'PageUp'].includes(e.key);
  if (forward || back) { e.preventDefault(); press(forward ? '__NEXT__' : '__PREV__'); }
};
doc.addEventListener('keydown', doc.__firedashKeys, true);
const seconds = __AUTO__;
if (doc.__firedashAuto) window.parent.clearInterval(doc.__firedashAuto);
doc.__firedashAuto = seconds > 0 ? window.parent.setInterval(() => press('__NEXT__'), seconds * 1000) : null;
</script>
"""


def is_presenting() -> bool:
    """Whether the link asks for presentation mode (`?present=1`, the stable contract)."""
    return st.query_params.get(PRESENT_PARAM) == "1"


def auto_seconds() -> int:
    """`&auto=N`: turn the page every N seconds (at least 5; 0 or unreadable: never)."""
    try:
        seconds = int(st.query_params.get(AUTO_PARAM, "0"))
    except ValueError:
        return 0
    return max(seconds, 5) if seconds > 0 else 0


def keys_script(seconds: int) -> str:
    """The inline script (no network) that pages on keys and, when asked, every `seconds`."""
    return (
        _KEYS_SCRIPT.replace("__NEXT__", NEXT_KEY)
        .replace("__PREV__", PREV_KEY)
        .replace("__AUTO__", str(seconds))
    )


def read_screen() -> None:
    """Keep what the browser reports of its screen in the session: the slides' scale (LARGE_SCALE on at
    least LARGE_SCREEN, else 1) and whether it is wide (16:9; 4:3 is not). Before the browser has
    reported, in a slide's first run: scale 1, wide."""
    size = _screen(key="present_screen", default={"screen": None}, on_screen_change=lambda: None).screen
    try:
        width, height = (int(n) for n in str(size).split("x"))
    except ValueError:
        width, height = LARGE_SCREEN[0] - 1, (LARGE_SCREEN[0] - 1) * 9 // 16
    large = width >= LARGE_SCREEN[0] and height >= LARGE_SCREEN[1]
    st.session_state[SCALE_KEY] = LARGE_SCALE if large else 1.0
    st.session_state[WIDE_KEY] = width >= WIDE_RATIO * height


def _slide_head(title: str, config: TownConfig, view: View, n: int, total: int, *, weekly: bool) -> None:
    """The slide's title, then whose figures these are (the town, or the filters: never the town's name
    over a filtered figure), the as-of date, what 较上周 compares with, and the page number."""
    scope = filters_text(view)
    parts = [
        text("cell", name=text("filters"), value=scope) if scope else config.town,
        text("cell", name=text("as_of"), value=fmt_date(view.as_of)),
    ]
    if weekly:
        parts.append(last_week_short(metrics.previous_week_end(config.campaign, view.as_of)))
    side = text("header_separator").join((*parts, text("present_page", n=n, total=total)))
    st.html(f'<div class="fd-slide-head"><h1>{html.escape(title)}</h1><span>{html.escape(side)}</span></div>')


def _fit(fig: go.Figure, height: int = SLIDE_CHART_HEIGHT, *, title: bool = True) -> go.Figure:
    """A page's figure at a slide's height and type, for this screen (the figures are the pages' own)."""
    return for_slide(fig, height=height, title=title, scale=st.session_state.get(SCALE_KEY, 1.0))


def _rows_height(rows: int, row: int) -> int:
    """A ranking without its title on a slide: `row` px a bar, as tall as its 18 px name (the box of a
    CJK line is 1.45 em), the axis below and the town's rate above."""
    return 90 + row * rows


def _ranking_slide(ranked, unranked, *, chart_key: str, room: int, **bars) -> None:
    """A ranking under the colour key, `room` px high at most at scale 1. On a wide (16:9) screen a long
    one (16 villages, 20 place types) is two charts side by side, best half on the left: one column of
    20 bars with 18 px names does not fit in 720 px; a 4:3 screen has the height, not the width."""
    frames = pd.concat([ranked.assign(_ranked=True), unranked.assign(_ranked=False)], ignore_index=True)
    halves = st.session_state.get(WIDE_KEY, True) and len(frames) > HALF_FROM
    parts = (
        (frames.iloc[: -(-len(frames) // 2)], frames.iloc[-(-len(frames) // 2) :]) if halves else (frames,)
    )
    row = max(ROW_PX, min(2 * ROW_PX, (room - 90) // max(1, len(parts[0]))))
    _colour_key(bars["line_label"])
    columns = st.columns(2, gap="medium") if halves else [st.container()]
    for i, (column, part) in enumerate(zip(columns, parts, strict=True)):
        shown, apart = (part[part["_ranked"] == flag].drop(columns="_ranked") for flag in (True, False))
        fig = ranking_bars(shown, apart, **bars).update_layout(bargap=0.12)
        if halves:  # three percentages: six collide on half a screen
            fig.update_xaxes(tickvals=[0, 0.5, 1.0])
        with column:
            chart(_fit(fig, _rows_height(len(part), row), title=False), key=f"{chart_key}_{i}")


def _colour_key(line: str) -> None:
    """What the bars' colours mean, in words (the chart's own subtitle is dropped on a slide)."""
    st.html(f'<div class="fd-key">{html.escape(text("ranking_colour_key", line=line))}</div>')


def _overall(config: TownConfig, view: View) -> None:
    # 较上周 as everywhere: against the end of the previous Monday–Sunday week (metrics.previous_week_end).
    now, before = data.cached(
        metrics.summary_with_last_week, as_of=view.as_of, campaign=config.campaign, filters=view.filters
    )
    tiles(now, before, OVERVIEW_TILES, key="present")
    major = data.cached(metrics.open_major_tickets, as_of=view.as_of, filters=view.filters)
    lagging = lagging_villages(config, view)
    st.html(f'<div class="fd-two">{block(lagging_html(lagging))}{block(major_html(major))}</div>')


def _list_line(name: str, rule: str, frame) -> str:
    names = text("list_separator").join(frame["village"]) if not frame.empty else text("nobody_listed")
    head = text("list_heading", name=name, rate=label("rate"), rule=rule)
    return f"<div><b>{html.escape(head)}</b>{text('heading_colon')}{html.escape(names)}</div>"


def _ranking(config: TownConfig, view: View) -> None:
    settings = config.dashboard
    town = view.ranking("overview", "village_ranking")
    ranked, unranked, town_rate = town_ranking(config, town)
    _ranking_slide(
        ranked, unranked, chart_key="present_ranking", room=RANKING_ROOM, key="village", title=text("village_ranking"),
        town_rate=town_rate, min_tickets=settings.min_tickets_to_rank, selected=view.filters.villages,
        line_label=ranking_line_label(town.filters),
    )  # fmt: skip
    red, black = metrics.red_black_lists(
        ranked, red_rate=settings.red_list_rate, black_rate=settings.black_list_rate
    )
    lines = (
        _list_line(text("red_list"), f"≥{settings.red_list_rate:.0%}", red),
        _list_line(text("black_list"), f"<{settings.black_list_rate:.0%}", black),
    )
    st.html('<div class="fd-lists">' + "".join(lines) + "</div>")


def _overdue(config: TownConfig, view: View) -> None:
    major = data.cached(metrics.open_major_tickets, as_of=view.as_of, filters=view.filters)
    st.html(block(major_html(major)))
    overdue = data.cached(metrics.overdue_tickets, as_of=view.as_of, filters=view.filters, limit=LONGEST)
    if overdue.empty:
        st.success(text("no_overdue"))
        return
    now = data.cached(metrics.summary_figures, as_of=view.as_of, filters=view.filters)
    longest = text("longest_overdue", n=len(overdue))
    head = text("cell", name=longest, value=text("overdue_list", n=int(now["overdue"])))
    st.html(overdue_html(head, overdue))


def _sectors(config: TownConfig, view: View) -> None:
    whole = data.cached(metrics.summary_figures, as_of=view.as_of, filters=view.filters)
    ranked, unranked = data.cached(
        metrics.sector_ranking, as_of=view.as_of, filters=view.filters, sectors=config.sectors,
        min_tickets=config.dashboard.min_tickets_to_rank,
    )  # fmt: skip
    _ranking_slide(
        ranked, unranked, chart_key="present_sectors", room=SECTORS_ROOM, key="sector", title=text("sector_ranking"),
        town_rate=whole["rate"], min_tickets=config.dashboard.min_tickets_to_rank,
        line_label=rate_line_label(view.filters),
    )  # fmt: skip


def _timeline(config: TownConfig, view: View) -> None:
    campaign = config.campaign
    chart(
        _fit(phase_timeline(campaign, today=view.as_of, title=text("phase_timeline")), 280),
        key="present_phases",
    )
    daily = data.cached(metrics.daily_cumulative, as_of=view.as_of, filters=view.filters, campaign=campaign)
    fig = cumulative_chart(daily, campaign, as_of=view.as_of, title=text("cumulative"))
    chart(_fit(fig, 320), key="present_cumulative")


def _week(config: TownConfig, view: View) -> None:
    campaign = config.campaign
    week_no = campaign.week_number(view.as_of)
    comparison = data.cached(
        metrics.week_comparison, week_no=week_no, filters=view.filters, campaign=campaign, as_of=view.as_of
    )
    this_week, last_week = metrics.this_and_last_week(comparison)
    # The week's own changes (the totals are on the first slide): five tiles, one row even at 4:3.
    tiles(this_week, last_week, WEEK_TILES[2:], key="present_week")
    weekly = data.cached(metrics.weekly_trend, as_of=view.as_of, filters=view.filters, campaign=campaign)
    chart(_fit(weekly_new_bars(weekly, title=text("weekly_new")), 340), key="present_weekly")


# The agenda of a leadership meeting, in order: (title, slide).
SLIDES: tuple[tuple[str, Callable[[TownConfig, View], None]], ...] = (
    (text("slide_overall", scope=label("town")), _overall),
    (text("slide_ranking"), _ranking),
    (text("slide_overdue"), _overdue),
    (PAGE_TITLES["sectors"], _sectors),
    (PAGE_TITLES["timeline"], _timeline),
    (text("slide_week"), _week),
)


def current_slide() -> int:
    """The slide shown (0-based): session state, else `&slide=N` (1-based) of the link, else the first."""
    if SLIDE_KEY not in st.session_state:
        try:
            st.session_state[SLIDE_KEY] = (int(st.query_params.get(SLIDE_PARAM, "1")) - 1) % len(SLIDES)
        except ValueError:
            st.session_state[SLIDE_KEY] = 0
    return st.session_state[SLIDE_KEY]


def _turn(step: int) -> None:
    """Page forward or back; past the last slide comes the first again (a rotating screen)."""
    st.session_state[SLIDE_KEY] = (current_slide() + step) % len(SLIDES)
    st.query_params[SLIDE_PARAM] = str(st.session_state[SLIDE_KEY] + 1)


def _paging(seconds: int) -> None:
    """The hidden paging buttons, the keys' script and the screen's size, in one block not displayed."""
    with st.container(key="present_nav"):
        st.button(text("present_prev"), key=PREV_KEY, on_click=_turn, args=(-1,))
        st.button(text("present_next"), key=NEXT_KEY, on_click=_turn, args=(1,))
        # An iframe of our own inline script (no network): st.html would not run it.
        st.iframe(keys_script(seconds), height=1)
        read_screen()


@st.fragment(run_every=PRESENT_REFRESH)
def _watch_store(shown: tuple[int, ...]) -> None:
    """Rerun the whole slide when a load has replaced the store since it was drawn."""
    if data.store_exists() and store_signature(data.store_file()) != shown:
        st.rerun(scope="app")


def present(config: TownConfig, view: View) -> None:
    """Draw the current slide with its paging keys; redraw by itself after a load."""
    st.html(PRESENT_CSS)
    index = current_slide()
    title, slide = SLIDES[index]
    if slide is _overall:  # whose figures: 全镇, or the filtered scope (黄土坡村总体情况)
        title = text("slide_overall", scope=scope_name(config.town, view.filters))
    if slide is _week:  # its head names the week: 第N周 and its dates
        week_no = config.campaign.week_number(view.as_of)
        week = week_label(week_no, config.campaign.week_start(week_no), config.campaign.week_end(week_no))
        title = text("cell", name=title, value=week)
    _paging(auto_seconds())  # first, so its frame keeps its place from slide to slide
    _slide_head(title, config, view, index + 1, len(SLIDES), weekly=slide in (_overall, _week))
    if data.cached(metrics.summary_figures, as_of=view.as_of, filters=view.filters)["found"]:
        slide(config, view)
    else:
        st.info(text("no_data"))
    _watch_store(store_signature(data.store_file()))
