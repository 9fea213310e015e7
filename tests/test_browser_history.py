"""A real browser: a click on a row's marker in the 超期隐患 table opens that ticket's history (every status
it was reported in, by which file and row, on which date); closing it stays closed. Screenshots:
tests/artifacts/history_*.png."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser_app import done, serve, settle, shoot
from tests.test_ticket_history import DH5_LINE, XL1_LINE, build_store

pytestmark = pytest.mark.browser

# glide-data-grid draws the table on a canvas: rows are found by position (Streamlit's default sizes).
HEADER_PX, ROW_PX, MARKER_PX = 35, 35, 18


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("history_app")
    with serve(build_store(folder), folder) as url:
        yield url


def click_row_marker(page: Page, table: Locator, row: int) -> None:
    """Click the checkbox cell at the left of a table's row (0 = the first row under the header)."""
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + MARKER_PX, box["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2)


def test_clicking_a_row_of_the_overdue_table_shows_its_history(app_url: str, page: Page) -> None:
    page.goto(f"{app_url}/overdue?as_of=2024-02-20")
    settle(page, charts=True)
    table = page.locator(".st-key-overdue_table [data-testid=stDataFrame]")
    expect(table).to_have_count(1)
    expect(page.get_by_role("dialog")).to_have_count(0)

    click_row_marker(page, table, 0)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=30_000)
    done(page)
    expect(dialog).to_contain_text("隐患履历")
    expect(dialog).to_contain_text(DH5_LINE)
    expect(dialog).to_contain_text("隐患编号 DH-005")
    history = dialog.locator("[data-testid=stDataFrame]")
    expect(history).to_have_count(1)
    page.wait_for_timeout(800)  # the canvas is drawn
    shoot(page, "history_1_dh005")
    # The grid keeps its cells in an accessible table beside the canvas: the two reports, in order.
    cells = history.locator("table [role=gridcell]")
    expect(cells.filter(has_text="东河村台账_第2周.xlsx")).to_have_count(1)
    expect(cells.filter(has_text="东河村台账_第3周.xlsx")).to_have_count(1)
    texts = cells.all_inner_texts()
    assert texts.index("2023-12-10") < texts.index("2023-12-17")
    assert "东河村台账_第4周.xlsx" not in texts  # sent again unchanged: no report

    # Closing the dialog clears the pick: the next run (a band chosen) does not open it again.
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0, timeout=30_000)
    done(page)
    page.locator(".st-key-overdue_bands button").filter(has_text="30天以上").click()
    done(page)
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.locator(".st-key-overdue_bands button").filter(has_text="30天以上").click()  # all bands again
    done(page)

    click_row_marker(page, table, 1)
    expect(dialog).to_be_visible(timeout=30_000)
    done(page)
    expect(dialog).to_contain_text(XL1_LINE)
    expect(dialog).not_to_contain_text(DH5_LINE)
    page.wait_for_timeout(800)
    shoot(page, "history_2_xl001")


def test_the_overviews_open_major_items_open_their_history_on_the_sample(
    sample_app_url: str, page: Page
) -> None:
    page.goto(f"{sample_app_url}/?as_of=2024-02-20")
    settle(page, charts=True)
    page.locator("[data-testid=stExpander] summary").filter(has_text="逐条查看未整改的重大火灾隐患").click()
    table = page.locator(".st-key-overview_major [data-testid=stDataFrame]")
    expect(table).to_be_visible(timeout=30_000)
    page.wait_for_timeout(800)
    click_row_marker(page, table, 0)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=30_000)
    done(page)
    expect(dialog.locator("[data-testid=stDataFrame]")).to_have_count(1)
    expect(dialog.locator("table [role=gridcell]").filter(has_text=".xls").first).to_be_attached()
    page.wait_for_timeout(800)
    shoot(page, "history_3_overview_major")
