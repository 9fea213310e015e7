"""The projector's CSS: tiles that reflow, no text cut with an ellipsis, nothing below 16 px, less padding.

Streamlit's columns never wrap and its metric tiles cut their label, value and delta with "…" when a
tile is narrow, which is what a 4:3 projector at 1024×768 makes them. These rules are the page's only
CSS; presentation mode (ui.present) adds its own on top.
"""

from __future__ import annotations

import streamlit as st

TILE_MIN_REM = 9  # 171 px at the 19 px base: "920处" whole, the label and delta wrapped on two lines
TILES_PER_ROW = (5, 7)  # the most tiles a row holds (ui.layout.tiles' per_row)
_GAP_REM = 0.75


def _tile_grid(per_row: int) -> str:
    """A grid of at most `per_row` tiles a row, each at least TILE_MIN_REM wide (fewer a row if not)."""
    share = f"(100% - {(per_row - 1) * _GAP_REM}rem) / {per_row}"
    return (
        f'[class*="st-key-tiles{per_row}_"] [data-testid=stHorizontalBlock] {{ display: grid !important; '
        f"grid-template-columns: repeat(auto-fill, minmax(max({TILE_MIN_REM}rem, calc({share})), 1fr)); "
        f"gap: {_GAP_REM}rem; }}"
    )


PROJECTOR_CSS = f"""
<style>
/* Less empty space above the header line: 96 px is a tenth of a 4:3 projector's height. */
[data-testid=stMainBlockContainer] {{ padding: 2.5rem 1.5rem 2rem 1.5rem; }}
/* Streamlit's header bar turns white over the page's first line when the sidebar is collapsed: keep it
   see-through (its buttons still take clicks) and start the page below the expand button. */
[data-testid=stHeader] {{ background: transparent !important; }}
[data-testid=stHeader], [data-testid=stHeader] * {{ pointer-events: none; }}
[data-testid=stHeader] button {{ pointer-events: auto; }}
[data-testid=stApp]:has([data-testid=stSidebar][data-collapsed=true]) [data-testid=stMainBlockContainer] {{
  padding-top: 3.4rem;
}}
.st-key-sentence h3 {{ font-size: 1.35rem; line-height: 1.45; }}
/* Tiles: one grid that puts as many {TILE_MIN_REM}rem tiles on a row as fit, and wraps the rest. */
{"".join(_tile_grid(n) for n in TILES_PER_ROW)}
[class*="st-key-tiles"] [data-testid=stColumn] {{ width: auto !important; min-width: 0; }}
/* Two columns side by side that stack below 34rem each (a ranking needs its width to be read). */
[class*="st-key-reflow"] [data-testid=stHorizontalBlock] {{ flex-wrap: wrap; }}
[class*="st-key-reflow"] [data-testid=stColumn] {{ flex: 1 1 34rem !important; min-width: min(34rem, 100%); }}
/* A narrow chart beside a list: the chart takes a third, down to 20rem, then the two stack. */
[class*="st-key-reflow_third"] [data-testid=stColumn]:first-child {{ flex: 1 1 20rem !important; min-width: min(20rem, 100%); }}
[class*="st-key-reflow_third"] [data-testid=stColumn]:last-child {{ flex: 2 1 34rem !important; }}
/* A row of filters wraps where each would be narrower than 13rem (a date input's yyyy-mm-dd). */
[class*="st-key-wrap_"] [data-testid=stHorizontalBlock] {{ flex-wrap: wrap; }}
[class*="st-key-wrap_"] [data-testid=stColumn] {{ flex: 1 1 13rem !important; min-width: min(13rem, 100%); }}
/* Compact tables (ui.layout.compact_table): as wide as the page, headers wrapped, names kept whole. */
[class*="st-key-compact_"] [data-testid=stTable] > div {{ overflow-x: auto; }}
[class*="st-key-compact_"] table {{ width: 100%; }}
[class*="st-key-compact_"] th, [class*="st-key-compact_"] td {{ padding: 0.3rem 0.3rem !important; }}
/* A header may break anywhere, also inside a bracketed unit: ten columns fit beside a sidebar at 1024 px. */
[class*="st-key-compact_"] th, [class*="st-key-compact_"] th * {{
  white-space: normal !important; line-break: anywhere; vertical-align: bottom;
}}
[class*="st-key-compact_"] td, [class*="st-key-compact_"] td * {{ word-break: keep-all !important; }}
/* Buttons (the downloads) wrap a long label instead of cutting it with "…". */
[data-testid=stDownloadButton] button, [data-testid=stButton] button {{ height: auto; max-width: 100%; }}
[data-testid=stDownloadButton] button [data-testid=stMarkdownContainer],
[data-testid=stDownloadButton] button p, [data-testid=stButton] button p {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}}
/* Label, value and delta are written whole (wrapped if need be), never cut with an ellipsis. */
[data-testid=stMetricLabel], [data-testid=stMetricLabel] *,
[data-testid=stMetricValue], [data-testid=stMetricValue] *,
[data-testid=stMetricDelta], [data-testid=stMetricDelta] * {{
  overflow: visible !important; text-overflow: clip !important; white-space: normal !important;
}}
[data-testid=stMetricLabel] p {{ font-size: 1.05rem !important; line-height: 1.3; }}
[data-testid=stMetricValue] {{ font-size: 1.9rem; }}
[data-testid=stMetricDelta] {{ font-size: 1rem !important; height: auto !important; }}
[data-testid=stMetricDelta] div {{ font-size: 1rem !important; }}
[data-testid=stCaptionContainer] {{ font-size: 1rem; }}
/* The plain lists of the attention block (ui.layout.attention) read at the size of the sentence. */
.fd-attention {{ font-size: 1.15rem; line-height: 1.5; }}
.fd-attention h4 {{ margin: 0.2rem 0; font-size: 1.25rem; }}
.fd-attention ul {{ margin: 0 0 0.4rem 0; padding-left: 1.3rem; }}
.fd-attention .fd-red {{ color: #B54A00; font-weight: 700; }}
</style>
"""


def projector_style() -> None:
    """Add the projector's CSS to the page (once per run, before anything is drawn)."""
    st.html(PROJECTOR_CSS)
