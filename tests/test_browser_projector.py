"""Every page and every presentation slide on a projector, measured in Debian's Chromium.

On the bundled sample, logged in as the 应急办 (so every page of the menu is there and the tables carry
all their columns), each page at 1024×768, 1280×720, 1366×768 and 1920×1080 with the sidebar open and
collapsed, and each slide of `?present=1` at the same sizes. In the page, with JavaScript:
- no text is cut: an element that clips (overflow hidden/clip, text-overflow ellipsis) holds its text
  whole (scrollWidth ≤ clientWidth + 1, the text's own box inside the element's), and no text is
  hidden behind another element (what the screen shows at its start is the text itself);
- no table scrolls sideways (the glide grid's `.dvn-scroller`), and its columns come in reader order;
- text is at least 16 px: every text element of the page, the tables' canvas font (recorded from the
  canvas as it draws) and every plotly svg `text`; on a slide at least PRESENT_MIN_PX;
- chart text never collides (the boxes of ticks, annotations, titles, bar labels do not intersect) and
  no bar label is hidden or shrunk;
- a slide has nothing to scroll at any of the sizes and no sidebar or Streamlit chrome.
Screenshots: tests/artifacts/projector/<page>_<w>x<h>_<sidebar|nosidebar>.png (slides: slideN_<w>x<h>).

One server, one browser, one logged-in page reused by every page test (a reload would end the
session), resized between tests; the slides share one anonymous page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from firedash import users
from firedash.access import Role
from firedash.config import load_config
from firedash.glossary import PAGE_TITLES
from tests.browser_app import ARTIFACTS, ROOT, done, login, serve, settle, shoot
from tests.test_pages import AS_OF, sample_store_path
from ui.navigation import PAGES
from ui.present import SLIDES

pytestmark = pytest.mark.browser

CLERK, PASSWORD = "王芳", "正确的密码abc"
SIZES = ((1024, 768), (1280, 720), (1366, 768), (1920, 1080))
SHOTS = ARTIFACTS / "projector"
MIN_PX = 16
PRESENT_MIN_PX = 18  # a slide's type is larger than a page's
PAGES_WITHOUT_CHARTS = {"quality", "import", "audit"}

# Records what the tables' canvases (glide data grid) draw: every font, and where each text was last
# drawn (x and width, in the canvas's CSS pixels), so their type size and headers can be measured.
CANVAS_RECORDER = """
(() => {
  // The fonts text is drawn in (a font only set, e.g. the row markers' 9 px with checkboxes, draws nothing).
  const proto = CanvasRenderingContext2D.prototype;
  const fill = proto.fillText;
  proto.fillText = function (text, x, y, ...rest) {
    if (String(text).trim()) (this.canvas.__fonts ||= new Set()).add(this.font);
    const at = this.getTransform().e / (window.devicePixelRatio || 1);
    (this.canvas.__drawn ||= new Map()).set(String(text), {x: x + at, w: this.measureText(String(text)).width});
    return fill.call(this, text, x, y, ...rest);
  };
})();
"""

# Ticket and desk tables may scroll sideways: their ledger text (descriptions, file names, raw cells) is
# wider than a projector. Only with the columns a reader needs first, drawn whole on the first screen.
READER_FIRST = {
    (
        "村（社区）",
        "单位名称",
        "超期天数",
    ): "超期隐患清单, 总览's longest overdue, 周报's newly overdue: 隐患描述 follows",
    ("村（社区）", "单位名称", "剩余天数"): "7日内到期: 隐患描述 follows",
    ("单位名称", "超期天数"): "a village's overdue list (under its name): 隐患描述, 整改措施 follow",
    ("单位名称", "整改期限"): "a village's open tickets (under its name): 隐患描述 follows",
    ("文件",): "数据质量 (the 应急办's desk page): file names are long; the file identifies each row",
    ("导入时间", "文件"): "数据质量's imports: file names are long",
    (
        "导入编号",
        "用户",
        "导入时间",
    ): "数据导入's log (the 应急办's desk page): file names and SHA-256 follow",
}

MEASURE = """
(minPx) => {
  const out = {cut: [], small: [], covered: [], tables: [], overlaps: [], hidden_bars: [], chrome: []};
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    // A folded expander's content keeps its boxes but is not drawn.
    const folded = el.closest('details:not([open])');
    if (folded && !el.closest('summary')) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && parseFloat(s.opacity) > 0;
  };
  const words = (el) => (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  const ownText = (el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  const where = (el) => el.closest('[data-testid]')?.dataset.testid;
  const clips = (v) => v === 'hidden' || v === 'clip';
  const drawnElsewhere = '.js-plotly-plot, [data-testid=stDataFrame], iframe, [data-testid=stTooltipContent]';
  const roots = [...document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebar]')].filter(shown);
  // Effective size on screen: a slide may be zoomed as a whole (ui.present), so the CSS size times the zoom.
  const px = (el) => parseFloat(getComputedStyle(el).fontSize) * (el.currentCSSZoom || 1);
  for (const root of roots) for (const el of root.querySelectorAll('*')) {
    if (el.closest(drawnElsewhere) || !shown(el)) continue;
    if (el.tagName === 'INPUT' && el.value && el.scrollWidth > el.clientWidth + 1) {  // a selectbox's value
      out.cut.push({text: el.value.slice(0, 40), in: where(el), scroll: [el.scrollWidth], client: [el.clientWidth]});
    }
    if (!words(el)) continue;
    const s = getComputedStyle(el);
    if (s.textOverflow === 'ellipsis' || clips(s.overflowX) || clips(s.overflowY)) {
      // The text's own box (not margins) against the box that clips it.
      const range = document.createRange();
      range.selectNodeContents(el);
      const text = range.getBoundingClientRect(), box = el.getBoundingClientRect();
      const wide = (s.textOverflow === 'ellipsis' || clips(s.overflowX)) && el.scrollWidth > el.clientWidth + 1;
      const tall = clips(s.overflowY) && (text.bottom > box.bottom + 1 || text.top < box.top - 1);
      if (wide || tall) out.cut.push({text: words(el), in: where(el), scroll: [el.scrollWidth, el.scrollHeight],
                                      client: [el.clientWidth, el.clientHeight]});
    }
    if (ownText(el) && px(el) < minPx) out.small.push({text: words(el), px: px(el), in: where(el)});
    // Not hidden behind another element (Streamlit's header bar over the page's first line).
    if (ownText(el) && root.dataset.testid === 'stMain') {
      const r = el.getBoundingClientRect(), x = r.left + Math.min(r.width / 2, 8), y = r.top + Math.min(r.height / 2, 10);
      const top = x >= 0 && y >= 0 && x < innerWidth && y < innerHeight ? document.elementFromPoint(x, y) : el;
      if (top && !el.contains(top) && !top.contains(el)) out.covered.push({text: words(el), by: where(top)});
    }
  }
  // st.table: an HTML table that wraps its cells; its box must not scroll sideways either.
  for (const table of document.querySelectorAll('[data-testid=stTable]')) {
    if (!shown(table)) continue;
    const box = table.firstElementChild;
    const headers = [...table.querySelectorAll('thead th')].map(words);
    out.tables.push({kind: 'table', headers, scroll: box.scrollWidth, client: box.clientWidth, min_px: null});
  }
  for (const frame of document.querySelectorAll('[data-testid=stDataFrame]')) {
    if (!shown(frame)) continue;
    const scroller = frame.querySelector('.dvn-scroller');
    const fonts = [...frame.querySelectorAll('canvas')].flatMap((c) => [...(c.__fonts || [])]);
    const sizes = fonts.map((f) => parseFloat(f.match(/([\\d.]+)px/)?.[1])).filter((n) => n > 0);
    const key = [...(frame.closest('[class*=st-key-]')?.classList || [])].find((c) => c.startsWith('st-key-'));
    const headers = [...frame.querySelectorAll('table [role=columnheader], table th')].map(words);
    // Where each header was last drawn: its right end, against the visible width.
    const drawn = new Map([...frame.querySelectorAll('canvas')].flatMap((c) => [...(c.__drawn || new Map())]));
    const ends = Object.fromEntries(headers.filter((h) => drawn.has(h)).map((h) => [h, drawn.get(h).x + drawn.get(h).w]));
    const zoom = frame.currentCSSZoom || 1;
    out.tables.push({kind: 'grid', key, headers, ends, scroll: scroller?.scrollWidth, client: scroller?.clientWidth,
                     min_px: sizes.length ? Math.min(...sizes) * zoom : null});
  }
  const plots = [...document.querySelectorAll('.js-plotly-plot')].filter(shown);
  plots.forEach((gd, p) => {
    const title = gd.querySelector('.gtitle')?.textContent || `chart ${p + 1}`;
    const texts = [...gd.querySelectorAll('svg text')].filter((t) => shown(t) && t.textContent.trim());
    const edge = gd.querySelector('.main-svg').getBoundingClientRect();
    for (const t of texts) {
      if (px(t) < minPx) out.small.push({text: t.textContent.trim().slice(0, 30), px: px(t), in: title});
      const r = t.getBoundingClientRect();  // inside the chart, not cut by its edge
      if (r.left < edge.left - 1 || r.right > edge.right + 1 || r.top < edge.top - 1 || r.bottom > edge.bottom + 1) {
        out.cut.push({text: t.textContent.trim().slice(0, 30), in: title});
      }
    }
    const boxes = texts.map((t) => ({text: t.textContent.trim().slice(0, 30), r: t.getBoundingClientRect()}));
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].r, b = boxes[j].r;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) out.overlaps.push({chart: title, a: boxes[i].text, b: boxes[j].text, by: [Math.round(w), Math.round(h)]});
    }
    // Every bar label the figure asks for is drawn, whole and at full size.
    const wanted = (gd._fullData || []).filter((tr) => tr.type === 'bar' && tr.visible === true)
      .reduce((n, tr) => n + (Array.isArray(tr.text) ? tr.text.filter((x) => x !== '' && x != null).length : 0), 0);
    const drawn = [...gd.querySelectorAll('text.bartext')].filter((t) => shown(t) && t.textContent.trim()
      && px(t) >= minPx && !/scale\\((0|0\\.\\d+)[,)]/.test(t.getAttribute('transform') || '')).length;
    if (drawn < wanted) out.hidden_bars.push({chart: title, wanted, drawn});
  });
  const main = document.querySelector('[data-testid=stMain]');
  out.scroll = {page: document.documentElement.scrollHeight, main: main.scrollHeight, screen: innerHeight,
                wide: document.documentElement.scrollWidth > innerWidth + 1};
  for (const id of ['stSidebar', 'stHeader', 'stToolbar', 'stDecoration', 'stExpandSidebarButton', 'stStatusWidget']) {
    const el = document.querySelector(`[data-testid=${id}]`);
    if (el && shown(el)) out.chrome.push(id);
  }
  return out;
}
"""


def measure(page: Page, min_px: int = MIN_PX) -> dict:
    """What the screen shows, measured in the page (see MEASURE)."""
    return page.evaluate(MEASURE, min_px)


def scrolls_badly(table: dict) -> bool:
    """Whether a table scrolls sideways without leave: READER_FIRST names its first columns, and those
    are drawn whole inside the first screen."""
    if table["scroll"] is None or table["scroll"] <= table["client"] + 1:
        return False
    first = next((cols for cols in READER_FIRST if tuple(table["headers"][: len(cols)]) == cols), None)
    if first is None or table["kind"] != "grid":
        return True
    return any(table["ends"].get(name, float("inf")) > table["client"] + 1 for name in first)


def problems(found: dict) -> dict:
    """The measured failures (an empty dict: the screen reads on a projector)."""
    wide_tables = [t for t in found["tables"] if scrolls_badly(t)]
    small_tables = [t for t in found["tables"] if t["min_px"] is not None and t["min_px"] < MIN_PX]
    result = {
        "cut": found["cut"],
        "small": found["small"],
        "covered": found["covered"],
        "tables_scroll_sideways": wide_tables,
        "tables_small": small_tables,
        "overlaps": found["overlaps"],
        "hidden_bars": found["hidden_bars"],
        "page_scrolls_sideways": found["scroll"]["wide"],
    }
    return {name: value for name, value in result.items() if value}


def report(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, indent=1)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the sample store, with one 应急办 account."""
    base = tmp_path_factory.mktemp("projector")
    env = {"FIREDASH_USERS": str(base / "users.toml"), "FIREDASH_AUDIT": str(base / "audit.jsonl")}
    mp = pytest.MonkeyPatch()
    mp.setenv("FIREDASH_USERS", env["FIREDASH_USERS"])
    users.add_user(CLERK, Role.OFFICE_ADMIN, PASSWORD, config=load_config(ROOT / "data" / "town.toml"))
    mp.undo()
    with serve(sample_store_path(tmp_path_factory), base, env) as url:
        yield url


class Desk:
    """One logged-in page, moved from page to page through the menu and resized between tests."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.at: str | None = None

    def sidebar_open(self) -> bool:
        return self.page.locator("[data-testid=stSidebar][data-collapsed=false]").count() == 1

    def set_sidebar(self, want_open: bool) -> None:
        if self.sidebar_open() == want_open:
            return
        if want_open:
            self.page.locator("[data-testid=stExpandSidebarButton]").click()
        else:
            self.page.locator("[data-testid=stSidebar]").hover()
            self.page.locator("[data-testid=stSidebarCollapseButton] button").click()
        self.page.wait_for_function(
            f"document.querySelector('[data-testid=stSidebar]')?.dataset.collapsed === '{str(not want_open).lower()}'"
        )
        self.page.wait_for_timeout(600)  # the sidebar's transition

    def open(self, name: str) -> None:
        if self.at == name:
            return
        self.set_sidebar(True)
        link = self.page.locator("[data-testid=stSidebarNav] a", has_text=PAGE_TITLES[name]).first
        link.click()
        self.page.wait_for_function(
            f"[...document.querySelectorAll('[data-testid=stMainBlockContainer] h2')]"
            f".some((h) => h.textContent.trim() === {json.dumps(PAGE_TITLES[name])})",
            timeout=60_000,
        )
        done(self.page)
        settle(self.page, charts=name not in PAGES_WITHOUT_CHARTS)
        self.at = name


@pytest.fixture(scope="module")
def desk(browser: Browser, app_url: str) -> Iterator[Desk]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    context.add_init_script(CANVAS_RECORDER)
    page = context.new_page()
    page.goto(f"{app_url}/?as_of={AS_OF.isoformat()}")
    settle(page, charts=True)
    login(page, CLERK, PASSWORD)
    desk = Desk(page)
    desk.at = PAGES[0].name
    yield desk
    context.close()


def resize(page: Page, width: int, height: int) -> None:
    """A new screen size, and the time tables and charts take to lay out again."""
    if page.viewport_size != {"width": width, "height": height}:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(1200)


PAGE_CASES = [
    pytest.param(
        spec.name, size, bar, id=f"{spec.name}-{size[0]}x{size[1]}-{'sidebar' if bar else 'nosidebar'}"
    )
    for spec in PAGES
    for size in SIZES
    for bar in (True, False)
]


@pytest.mark.parametrize(("name", "size", "with_sidebar"), PAGE_CASES)
def test_page_reads_on_a_projector(desk: Desk, name: str, size: tuple[int, int], with_sidebar: bool) -> None:
    desk.open(name)
    resize(desk.page, *size)
    desk.set_sidebar(with_sidebar)
    desk.page.wait_for_timeout(300)
    shoot(desk.page, f"{name}_{size[0]}x{size[1]}_{'sidebar' if with_sidebar else 'nosidebar'}", folder=SHOTS)
    found = measure(desk.page)
    assert not problems(found), report(problems(found))


class Room:
    """The meeting room's screen: one anonymous page, opened on each slide's link once."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.at: str | None = None

    def open(self, url: str) -> None:
        if self.at == url:
            return
        self.page.goto(url)
        self.page.wait_for_selector(".fd-slide-head", timeout=60_000)
        done(self.page)
        self.page.wait_for_timeout(800)
        self.at = url


@pytest.fixture(scope="module")
def room(browser: Browser) -> Iterator[Room]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    context.add_init_script(CANVAS_RECORDER)
    yield Room(context.new_page())
    context.close()


SLIDE_CASES = [
    pytest.param(n, size, id=f"slide{n}-{size[0]}x{size[1]}")
    for n in range(1, len(SLIDES) + 1)
    for size in SIZES
]


@pytest.mark.parametrize(("n", "size"), SLIDE_CASES)
def test_slide_fits_one_screen(room: Room, app_url: str, n: int, size: tuple[int, int]) -> None:
    room.open(f"{app_url}/?present=1&as_of={AS_OF.isoformat()}&slide={n}")
    resize(room.page, *size)
    done(room.page)  # the browser reported the new size: the slide was drawn again for it
    room.page.wait_for_timeout(800)
    shoot(room.page, f"slide{n}_{size[0]}x{size[1]}", folder=SHOTS)
    found = measure(room.page, PRESENT_MIN_PX)
    result = problems(found)
    scroll = found["scroll"]
    if max(scroll["page"], scroll["main"]) > scroll["screen"] + 1:
        result["scrolls"] = scroll
    if found["chrome"]:
        result["chrome"] = found["chrome"]
    assert not result, report(result)
