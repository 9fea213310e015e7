"""A real browser on the running app: every page at 1920×1080, charts drawn, no exception, a bar click drills down.

Screenshots go to tests/artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from firedash.glossary import PAGE_TITLES
from ui.navigation import PAGES

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
AS_OF = "2024-02-20"
PAGES_WITHOUT_CHARTS = {"quality", "import", "audit"}  # the office pages show a login form here
_SCRIPT_DONE = (
    "document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'"
)

if not CHROMIUM.exists():
    pytest.skip("需要 Debian 的 /usr/bin/chromium（make browser 安装）", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from tests.test_pages import sample_store_path  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not become healthy")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = sample_store_path(tmp_path_factory)
    port = _free_port()
    env = {**os.environ, "FIREDASH_DB": str(store)}
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    log = (tmp_path_factory.mktemp("streamlit") / "server.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    yield context.new_page()
    context.close()


def _settle(page: Page, *, charts: bool) -> None:
    """Wait until the script run has finished and the charts are drawn."""
    page.wait_for_selector("[data-testid=stMainBlockContainer] h2", timeout=60_000)
    if charts:
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.wait_for_function(_SCRIPT_DONE, timeout=60_000)
    expect(page.locator("[data-testid=stSkeleton]")).to_have_count(0, timeout=60_000)
    page.wait_for_timeout(800)  # plotly's transitions


def _shoot(page: Page, name: str) -> None:
    """The projector's view (1920×1080) and the whole page (Streamlit scrolls inside its own container)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1920, "height": max(1080, int(height))})
    page.wait_for_timeout(1500)  # tables and charts redraw at the new size
    page.screenshot(path=str(ARTIFACTS / f"{name}_full.png"))
    page.set_viewport_size({"width": 1920, "height": 1080})


def _url(app_url: str, spec) -> str:
    path = "" if spec == PAGES[0] else spec.url_path  # the default page lives at "/"
    return f"{app_url}/{path}?as_of={AS_OF}"


@pytest.mark.parametrize("spec", PAGES, ids=[spec.name for spec in PAGES])
def test_every_page_renders_with_its_charts(app_url: str, page: Page, spec) -> None:
    page.goto(_url(app_url, spec))
    _settle(page, charts=spec.name not in PAGES_WITHOUT_CHARTS)
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    expect(page.locator("[data-testid=stMainBlockContainer] h2").first).to_have_text(PAGE_TITLES[spec.name])
    _shoot(page, f"{PAGES.index(spec) + 1}_{spec.name}")


def test_clicking_a_village_bar_drills_down(app_url: str, page: Page) -> None:
    page.goto(f"{app_url}/villages?as_of={AS_OF}")
    _settle(page, charts=True)
    # Plotly's drag layer sits on top of the bars: click where the first bar is drawn.
    box = page.locator(".js-plotly-plot .bars .point path").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r"village="), timeout=30_000)
    _settle(page, charts=True)
    village = re.search(r"village=([^&]+)", page.url).group(1)
    village = urllib.parse.unquote(village)
    expect(page.get_by_role("heading", name=village, exact=True)).to_be_visible()
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    expect(page.locator("[data-testid=stMetric]").first).to_be_visible()
    _shoot(page, "2b_village_drill_down")
