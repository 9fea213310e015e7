"""A real browser on the running app: every page at 1920×1080, charts drawn, no exception, a bar click drills down.

Screenshots go to tests/artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest
from playwright.sync_api import Page, expect

from firedash.glossary import PAGE_TITLES
from tests.browser_app import settle, shoot
from ui.navigation import PAGES

pytestmark = pytest.mark.browser

AS_OF = "2024-02-20"
PAGES_WITHOUT_CHARTS = {"quality", "import", "audit"}  # the office pages show a login form here


@pytest.fixture(scope="module")
def app_url(sample_app_url: str) -> str:
    return sample_app_url


def _shoot(page: Page, name: str) -> None:
    """The projector's view (1920×1080) and the whole page."""
    shoot(page, name)
    shoot(page, f"{name}_full", full=True)


def _url(app_url: str, spec) -> str:
    path = "" if spec == PAGES[0] else spec.url_path  # the default page lives at "/"
    return f"{app_url}/{path}?as_of={AS_OF}"


@pytest.mark.parametrize("spec", PAGES, ids=[spec.name for spec in PAGES])
def test_every_page_renders_with_its_charts(app_url: str, page: Page, spec) -> None:
    page.goto(_url(app_url, spec))
    settle(page, charts=spec.name not in PAGES_WITHOUT_CHARTS)
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    expect(page.locator("[data-testid=stMainBlockContainer] h2").first).to_have_text(PAGE_TITLES[spec.name])
    _shoot(page, f"{PAGES.index(spec) + 1}_{spec.name}")


def test_clicking_a_village_bar_drills_down(app_url: str, page: Page) -> None:
    page.goto(f"{app_url}/villages?as_of={AS_OF}")
    settle(page, charts=True)
    # Plotly's drag layer sits on top of the bars: click where the first bar is drawn.
    box = page.locator(".js-plotly-plot .bars .point path").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r"village="), timeout=30_000)
    settle(page, charts=True)
    village = re.search(r"village=([^&]+)", page.url).group(1)
    village = urllib.parse.unquote(village)
    expect(page.get_by_role("heading", name=village, exact=True)).to_be_visible()
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    expect(page.locator("[data-testid=stMetric]").first).to_be_visible()
    _shoot(page, "2b_village_drill_down")
