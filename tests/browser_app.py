"""What every browser test shares: the app served on a store, Debian's Chromium, logging in, screenshots.

Its fixtures (`browser`, `page`, `sample_app_url`) are registered for every test module by
tests/conftest.py; the functions are imported. A test module with its own store and users:

    from tests.browser_app import login, serve, settle, shoot

    pytestmark = pytest.mark.browser

    @pytest.fixture(scope="module")
    def app_url(tmp_path_factory):
        with serve(store, tmp_path_factory.mktemp("app"), env={"FIREDASH_USERS": ...}) as url:
            yield url

    def test_x(app_url, page):
        page.goto(f"{app_url}/weekly")
        login(page, "王芳", "…")

`serve` starts `streamlit run dashboard.py --server.headless true` on a free port with FIREDASH_DB set
to the store (and any other FIREDASH_* given), waits until it is healthy and stops it afterwards;
`sample_app_url` is a module fixture for the bundled sample's store. `browser` is one Chromium per
module, `page` a fresh 1920×1080 zh-CN page per test (`new_page` for another size), `login` logs in
through the form the page shows (the page's own, else the sidebar's), `settle` waits for the script run
and the charts, `shoot` saves a screenshot under tests/artifacts/.

A test asking for `browser` (or `page`) is skipped when /usr/bin/chromium is missing (`make browser`).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"  # git-ignored
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
FULL_HD = {"width": 1920, "height": 1080}
SCRIPT_DONE = (
    "document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
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


@contextlib.contextmanager
def serve(store: Path | None, log_dir: Path, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """The dashboard served on `store` (FIREDASH_DB; None: whatever `env` or the default says) with `env`
    added to this process's environment (e.g. FIREDASH_USERS, FIREDASH_CONFIG, FIREDASH_AUDIT); yields
    its URL (http://127.0.0.1:PORT) and stops the server on exit. The server's log: log_dir/server.log."""
    port = free_port()
    full_env = {**os.environ, **(env or {})}
    if store is not None:
        full_env["FIREDASH_DB"] = str(store)
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with (log_dir / "server.log").open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_healthy(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)


@pytest.fixture(scope="module")
def sample_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the bundled sample's store (built once per session by tests.test_pages)."""
    from tests.test_pages import sample_store_path

    store = sample_store_path(tmp_path_factory)
    with serve(store, tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium (Debian's, never a downloaded one) for the module."""
    if not CHROMIUM.exists():
        pytest.skip("需要 Debian 的 /usr/bin/chromium（make browser 安装）")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@contextlib.contextmanager
def new_page(browser: Browser, width: int = 1920, height: int = 1080) -> Iterator[Page]:
    """A page in a fresh context (no cookies, no session) at width×height, in Chinese."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh 1920×1080 page (a 1080p projector) for one test."""
    with new_page(browser) as fresh:
        yield fresh


def done(page: Page, timeout: float = 120_000) -> None:
    """Wait until the script run a click started has finished, with no exception on the page."""
    page.wait_for_timeout(300)  # let a rerun start
    page.wait_for_function(SCRIPT_DONE, timeout=timeout)
    expect(page.locator("[data-testid=stException]")).to_have_count(0)


def settle(page: Page, *, charts: bool) -> None:
    """Wait until the page's title is drawn, the script run has finished and (if any) the charts are drawn."""
    page.wait_for_selector("[data-testid=stMainBlockContainer] h2", timeout=60_000)
    if charts:
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.wait_for_function(SCRIPT_DONE, timeout=60_000)
    expect(page.locator("[data-testid=stSkeleton]")).to_have_count(0, timeout=60_000)
    page.wait_for_timeout(800)  # plotly's transitions


def login(page: Page, name: str, password: str) -> None:
    """Log in through the form on screen: the page's own (a closed page), else the sidebar's folded one.
    Waits until the app has rerun as that user (the logout button shows)."""
    main_form = page.locator("[data-testid=stMain] [data-testid=stForm]")
    if main_form.count():
        form = main_form.first
    else:
        sidebar = page.locator("[data-testid=stSidebar]")
        sidebar.locator("[data-testid=stExpander] summary").first.click()
        form = sidebar.locator("[data-testid=stForm]").first
    form.get_by_label("用户名").fill(name)
    form.get_by_label("密码").fill(password)
    form.get_by_role("button", name="登录").click()
    expect(page.locator(".st-key-auth_logout")).to_have_count(1, timeout=60_000)
    done(page)


def shoot(page: Page, name: str, *, full: bool = False, folder: Path = ARTIFACTS) -> Path:
    """Save what the screen shows as folder/name.png; `full`: the whole page instead, by growing the
    viewport to the page's height (Streamlit scrolls inside its own container, so a full-page screenshot
    would show one screen) and setting it back afterwards. Returns the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    if not full:
        page.screenshot(path=str(path))
        return path
    size = page.viewport_size or FULL_HD
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], int(height))})
    page.wait_for_timeout(1500)  # tables and charts redraw at the new size
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path
