"""A real browser on the 数据导入 page: an anonymous visitor cannot reach it; the 应急办 logs in, uploads ledgers
through the file input, reads the preview, commits, and the overview's 排查隐患 figure changes. Also times a
preview and a commit of one week's 16 ledgers (printed, for the closing note). Screenshots: tests/artifacts/."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser_app import ROOT, done, login, serve, shoot
from tests.test_pages import SAMPLE

pytestmark = pytest.mark.browser

CLERK, PASSWORD = "王芳", "正确的密码abc"
LOADED_WEEKS = [d for d in sorted(SAMPLE.iterdir()) if d.name < "2024-01-28"]  # 第5周 … 第12周
WEEK13 = SAMPLE / "2024-01-28_第13周"  # 16 ledgers
WEEK17 = SAMPLE / "2024-02-25_第17周"  # 16 ledgers


def _run(*args: str, env: dict, stdin: str | None = None) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, env={**os.environ, **env}, input=stdin, text=True,
                   check=True, capture_output=True)  # fmt: skip


@pytest.fixture(scope="module")
def town_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store of 第5–12周 loaded on the command line, a 应急办 made with `users add`, the app serving it."""
    base = tmp_path_factory.mktemp("import_town")
    source = (ROOT / "data" / "town.toml").read_text(encoding="utf-8")
    toml = base / "town.toml"
    toml.write_text(source.replace("[intake]\n", '[intake]\nprofiles_dir = "profiles"\n'), "utf-8")
    env = {"FIREDASH_DB": str(base / "campaign.duckdb"), "FIREDASH_CONFIG": str(toml),
           "FIREDASH_USERS": str(base / "users.toml"), "FIREDASH_AUDIT": str(base / "audit.jsonl")}  # fmt: skip
    _run("-m", "etl", "load", *map(str, LOADED_WEEKS), env=env)
    _run("-m", "firedash", "users", "add", CLERK, "--role", "应急办", env=env, stdin=PASSWORD + "\n")
    with serve(None, base, env) as url:
        yield url


def _found(page: Page, url: str) -> str:
    page.goto(url)
    tile = page.locator("[data-testid=stMetric]").filter(has_text="排查隐患").first
    expect(tile).to_be_visible(timeout=60_000)
    done(page)
    return tile.locator("[data-testid=stMetricValue]").inner_text()


def _number(figure: str) -> int:
    return int("".join(ch for ch in figure if ch.isdigit()))


def _log_in_on_import(page: Page, url: str) -> None:
    page.goto(f"{url}/import")
    expect(page.locator("[data-testid=stMain]").get_by_label("用户名")).to_be_visible(timeout=60_000)
    login(page, CLERK, PASSWORD)
    expect(page.locator("input[type=file]")).to_have_count(1, timeout=60_000)


def _upload(page: Page, files: list[Path]) -> float:
    started = time.monotonic()
    page.locator("input[type=file]").set_input_files([str(f) for f in files])
    button = page.get_by_role("button", name=f"导入选中的 {len(files)} 个文件")
    expect(button).to_be_visible(timeout=120_000)
    done(page)
    return time.monotonic() - started


def _commit(page: Page, count: int) -> float:
    started = time.monotonic()
    page.get_by_role("button", name=f"导入选中的 {count} 个文件").click()
    expect(page.get_by_text(f"已导入 {count} 个文件")).to_be_visible(timeout=180_000)
    done(page)
    return time.monotonic() - started


def test_an_anonymous_visitor_cannot_reach_the_import_page(town_url: str, page: Page) -> None:
    page.goto(f"{town_url}/import")
    expect(page.locator("[data-testid=stMain]").get_by_label("用户名")).to_be_visible(timeout=60_000)
    done(page)
    expect(page.locator("input[type=file]")).to_have_count(0)
    expect(page.get_by_role("link", name="数据导入")).to_have_count(0)  # not in the menu either
    shoot(page, "import_1_anonymous", full=True)


def test_the_clerk_uploads_two_ledgers_and_the_overview_changes(town_url: str, page: Page) -> None:
    before = _found(page, town_url)
    _log_in_on_import(page, town_url)
    ledgers = sorted(WEEK13.iterdir())[:2]
    _upload(page, ledgers)
    for ledger in ledgers:
        expect(page.get_by_text(ledger.name).first).to_be_visible()
    expect(page.get_by_text("新增隐患").first).to_be_visible()
    shoot(page, "import_2_preview", full=True)
    _commit(page, 2)
    shoot(page, "import_3_committed", full=True)
    after = _found(page, town_url)
    assert _number(after) > _number(before), (before, after)
    shoot(page, "import_4_overview_after", full=True)


def test_a_week_of_16_ledgers_previews_and_commits(town_url: str, page: Page) -> None:
    _log_in_on_import(page, town_url)
    files = sorted(WEEK17.iterdir())
    assert len(files) == 16
    previewed = _upload(page, files)
    shoot(page, "import_5_week_preview", full=True)
    committed = _commit(page, 16)
    shoot(page, "import_6_week_committed", full=True)
    print(f"\nbrowser: preview of 16 ledgers {previewed:.1f}s, commit {committed:.1f}s")


def _after(page: Page, selector: str) -> str:
    return page.evaluate(f"getComputedStyle(document.querySelector('{selector}'), '::after').content")


def test_the_import_page_shows_no_streamlit_english_and_no_table_toolbar(town_url: str, page: Page) -> None:
    _log_in_on_import(page, town_url)
    button = "[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer]"
    assert _after(page, button) == '"选择文件"'
    assert _after(page, "[data-testid=stFileUploaderDropzoneInstructions]") == '"每个文件不超过200MB"'
    expect(page.get_by_text("Upload", exact=True)).to_be_hidden()
    expect(page.get_by_text("200MB per file")).to_be_hidden()
    # A ledger no other test here commits (the two-ledger test takes the first two), in any order.
    _upload(page, sorted(WEEK13.iterdir())[-1:])
    table = page.locator("[data-testid=stDataFrame]:visible").first
    table.hover()
    page.wait_for_timeout(500)
    # The built-in toolbar ("Download as CSV" keeps =HYPERLINK(…) live, "Search", "Fullscreen") never shows.
    expect(page.locator("[data-testid=stDataFrame] [data-testid=stElementToolbar]").first).to_be_hidden()
    for english in ("Download as CSV", "Search", "Fullscreen", "Choose an option"):
        expect(page.get_by_role("button", name=english)).to_have_count(0)
        expect(page.get_by_text(english, exact=True)).to_have_count(0)
    shoot(page, "import_7_no_english", full=True)
