"""A real browser on logins and roles: a village head finds no other village on any page, in any download or
through an edited link (the town ranking excepted, as in a 通报); an anonymous visitor cannot reach 数据导入,
and with public viewing off sees nothing but the login; five wrong passwords lock an account; the audit
trail holds every action of these tests in order. Screenshots: tests/artifacts/access/.

Two servers on one store, users file and audit trail: the bundled town.toml (public viewing on) and a copy
with `public_view = false`; one Chromium for the module.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from firedash import access, audit, users
from firedash.access import Role
from firedash.config import TownConfig
from firedash.glossary import AUDIT_ACTIONS, AUDIT_COLUMN_LABELS, PAGE_TITLES, label, text
from tests.browser_app import ARTIFACTS, ROOT, done, login, serve, settle, shoot
from ui.navigation import PAGES

pytestmark = pytest.mark.browser

AS_OF = "2024-02-20"
PASSWORD = "正确的密码abc"
CLERK, HEAD, LOCKED = "王芳", "李村长", "周村长"
VILLAGE, OTHER = "西岭村", "高坎村"  # 高坎村: 21 overdue at AS_OF, the one a curious head would look at
SHOTS = ARTIFACTS / "access"
DASHBOARD = [spec for spec in PAGES if not spec.admin]
PAGES_WITHOUT_CHARTS = {"quality", "import", "audit"}
TOWN_RANKING = [label(c) for c in access.TOWN_RANKING_COLUMNS]
# What may name every village, as a 通报 does (access.TOWN_RANKING_SECTIONS): the ranking charts, a table of
# exactly the ranking's columns (the ranking, the 红黑榜), and the lagging villages the overview and the first
# slide name from the ranking.
RANKING_PARTS = (
    ".st-key-overview_village_bars", ".st-key-village_bars", ".st-key-weekly_bars",
    "[class*=st-key-present_ranking]",
    ".fd-lists", "li.fd-red",
)  # fmt: skip
MAIN_TEXT = """([parts, ranking]) => {
    const app = document.querySelector('[data-testid=stApp]').cloneNode(true);
    app.querySelectorAll(parts.join(',') + ',style,script').forEach(e => e.remove());
    // A compact table (st.table) says the unit once under it: its headers drop "（处）".
    const bare = (h) => h.textContent.trim().replace(/（处）$/, '');
    const town = JSON.stringify(ranking.map((h) => h.replace(/（处）$/, '')));
    app.querySelectorAll('[data-testid=stDataFrame], [data-testid=stTable]').forEach(t => {
        const head = [...t.querySelectorAll('[role=columnheader], thead th')].map(bare);
        if (JSON.stringify(head) === town) t.remove();
    });
    return app.textContent;
}"""
# Every action a test here makes, in order; the audit test compares the trail with it.
ACTIONS: list[tuple[str, str]] = []


@dataclass(frozen=True)
class Town:
    public: str  # URL of the server with public viewing on
    private: str  # URL of the server with `public_view = false`
    users: Path
    audit: Path


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory, config: TownConfig) -> Iterator[Town]:
    from tests.test_pages import sample_store_path

    store = sample_store_path(tmp_path_factory)
    base = tmp_path_factory.mktemp("access_town")
    source = (ROOT / "data" / "town.toml").read_text(encoding="utf-8")
    assert "public_view = true" in source
    private = base / "private.toml"
    private.write_text(source.replace("public_view = true", "public_view = false"), "utf-8")
    people, trail = base / "users.toml", base / "audit.jsonl"
    users.add_user(CLERK, Role.OFFICE_ADMIN, PASSWORD, config=config, path=people)
    users.add_user(HEAD, Role.VILLAGE, PASSWORD, config=config, village=VILLAGE, path=people)
    users.add_user(LOCKED, Role.VILLAGE, PASSWORD, config=config, village=OTHER, path=people)
    env = {"FIREDASH_USERS": str(people), "FIREDASH_AUDIT": str(trail)}
    public_env = {**env, "FIREDASH_CONFIG": str(ROOT / "data" / "town.toml")}
    (base / "public").mkdir()
    (base / "private").mkdir()
    with (
        serve(store, base / "public", public_env) as public_url,
        serve(store, base / "private", {**env, "FIREDASH_CONFIG": str(private)}) as private_url,
    ):
        yield Town(public_url, private_url, people, trail)


def url(base: str, spec=None, **params: str | list[str]) -> str:
    path = "" if spec is None or spec == PAGES[0] else spec.url_path
    return f"{base}/{path}?" + urllib.parse.urlencode({"as_of": AS_OF, **params}, doseq=True)


def log_in(page: Page, name: str) -> None:
    login(page, name, PASSWORD)
    ACTIONS.append((name, "login"))


def submit_login(page: Page, name: str, password: str) -> list[str]:
    """Fill and submit the login form on the page (a closed page's own); return the messages it shows."""
    form = page.locator("[data-testid=stMain] [data-testid=stForm]").first
    form.get_by_label("用户名").fill(name)
    form.get_by_label("密码").fill(password)
    form.get_by_role("button", name="登录").click()
    done(page)
    return page.locator("[data-testid=stMain] [data-testid=stAlert]").all_inner_texts()


def visible_text(page: Page) -> str:
    """The app's text (sidebar, page, chart labels) without the town-ranking parts."""
    return page.evaluate(MAIN_TEXT, [list(RANKING_PARTS), TOWN_RANKING])


def named(content: str, others: set[str]) -> set[str]:
    return {village for village in others if village in content}


# Downloads: every button's file, saved by the browser and opened.


def download_keys(page: Page) -> list[str]:
    """The keys of the download buttons on screen now (their containers carry st-key-KEY)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=stMain] [data-testid=stDownloadButton]')]
            .filter(b => b.offsetParent !== null)
            .map(b => [...b.closest('[class*="st-key-"]').classList].find(c => c.startsWith('st-key-')).slice(7))"""
    )


def save_download(page: Page, key: str, folder: Path) -> Path:
    with page.expect_download(timeout=60_000) as event:
        page.locator(f".st-key-{key} button").click()
    download = event.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def file_texts(name: str, content: bytes) -> Iterator[tuple[str, list[str], list[str]]]:
    """(part, header, cells) of a downloaded file: each sheet of a workbook (header: its 4th row, under the
    title rows), a CSV, each member of a ZIP, a Word document's text."""
    if name.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        yield name, rows[0], [cell for row in rows for cell in row]
    elif name.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        for sheet in book.worksheets:
            rows = [[str(v) for v in row if v is not None] for row in sheet.iter_rows(values_only=True)]
            yield f"{name}/{sheet.title}", rows[3] if len(rows) > 3 else [], [c for row in rows for c in row]
    elif name.endswith(".docx"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            xml = archive.read("word/document.xml").decode("utf-8")
        yield name, [], [re.sub(r"<[^>]+>", "", xml)]
    elif name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for member in archive.namelist():
                yield from file_texts(f"{name}/{member}", archive.read(member))
    else:
        raise AssertionError(f"unexpected download {name}")


def downloads_naming(page: Page, others: set[str], folder: Path) -> dict[str, set[str]]:
    """Every download on the page (each tab opened in turn), by file part: the other villages it names.
    A town ranking (its header exactly rank, village, found, rectified, rate) may name them all."""
    leaks: dict[str, set[str]] = {}
    seen: set[str] = set()
    tabs = page.locator("[data-testid=stMain] [role=tab]")
    for index in range(max(1, tabs.count())):
        if tabs.count():
            tabs.nth(index).click()
            page.wait_for_timeout(300)
        for key in download_keys(page):
            if key in seen:
                continue
            seen.add(key)
            path = save_download(page, key, folder)
            for part, header, cells in file_texts(path.name, path.read_bytes()):
                if header[: len(TOWN_RANKING)] == TOWN_RANKING and len(header) == len(TOWN_RANKING):
                    continue
                leaks[part] = {v for v in others for cell in cells if v in cell}
    assert seen, "no download on the page"
    return {part: found for part, found in leaks.items() if found}


# Anonymous visitors.


def test_an_anonymous_visitor_cannot_reach_the_import_page(town: Town, page: Page) -> None:
    page.goto(url(town.public))
    settle(page, charts=True)
    menu = page.locator("[data-testid=stSidebarNav]")
    expect(menu.get_by_text(PAGE_TITLES["overview"])).to_be_visible()
    expect(menu.get_by_text(PAGE_TITLES["import"])).to_have_count(0)
    page.goto(f"{town.public}/import")
    settle(page, charts=False)
    main = page.locator("[data-testid=stMain]")
    expect(main.get_by_text(text("needs_login"))).to_be_visible()
    expect(main.get_by_label("用户名")).to_be_visible()
    expect(page.locator("input[type=file]")).to_have_count(0)
    expect(main.get_by_text(text("first_admin"))).to_have_count(0)  # an 应急办 account exists


@pytest.mark.parametrize("spec", PAGES, ids=[s.name for s in PAGES])
def test_without_public_viewing_an_anonymous_visitor_sees_only_the_login(
    town: Town, page: Page, spec
) -> None:
    page.goto(url(town.private, spec, village=OTHER))
    settle(page, charts=False)
    main = page.locator("[data-testid=stMain]")
    expect(main.get_by_label("用户名")).to_be_visible()
    expect(main.locator("h2")).to_have_text(PAGE_TITLES[spec.name])
    for part in (
        "stMetric",
        "stDataFrame",
        "stDownloadButton",
        "stPlotlyChart",
        "stMultiSelect",
        "stDateInput",
    ):
        expect(page.locator(f"[data-testid={part}]")).to_have_count(0)
    expect(page.locator("[data-testid=stSidebarNav]")).to_have_count(0)  # no menu either
    assert "大同镇" not in visible_text(page) and OTHER not in visible_text(page)
    if spec.name == "overview":
        shoot(page, "private_login", folder=SHOTS)


# A village head.


def test_a_village_head_finds_no_other_village_on_any_page_or_download(
    town: Town, page: Page, config: TownConfig, tmp_path: Path
) -> None:
    others = set(config.villages) - {VILLAGE}
    page.goto(url(town.public))
    settle(page, charts=True)
    log_in(page, HEAD)
    menu = page.locator("[data-testid=stSidebarNav]")
    expect(menu.get_by_text(PAGE_TITLES["import"])).to_have_count(0)
    for spec in DASHBOARD:
        menu.get_by_text(PAGE_TITLES[spec.name], exact=True).click()
        settle(page, charts=spec.name not in PAGES_WITHOUT_CHARTS)
        expect(page.locator("[data-testid=stMain] h2").first).to_have_text(PAGE_TITLES[spec.name])
        expect(page.locator(".st-key-auth_logout")).to_have_count(1)  # still logged in, in one session
        assert not named(visible_text(page), others), spec.name
        if spec.name in ("villages", "quality"):
            shoot(page, f"head_{spec.name}", full=True, folder=SHOTS)
        (tmp_path / spec.name).mkdir()
        assert downloads_naming(page, others, tmp_path / spec.name) == {}, spec.name
        if spec.name == "villages":  # the town ranking stays: every village's bar, with its rate
            bars = page.locator(".st-key-village_bars").text_content()
            assert all(village in bars for village in config.villages)
        if spec.name == "quality":  # the village's own ledgers, and none of 杨家庄村's cells
            assert "西岭村隐患排查台账" in page.locator("[data-testid=stMain]").text_content()
            expect(page.get_by_text(text("no_data_issues"))).to_be_visible()


def test_an_edited_link_does_not_widen_a_village_heads_view(
    town: Town, page: Page, config: TownConfig
) -> None:
    others = set(config.villages) - {VILLAGE}
    villages = next(spec for spec in PAGES if spec.name == "villages")
    page.goto(url(town.public, villages, village=[OTHER, "北山村"], office="平安办"))
    settle(page, charts=True)
    log_in(page, HEAD)
    settle(page, charts=True)
    assert urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["village"] == [VILLAGE]
    expect(page.get_by_role("heading", name=VILLAGE, exact=True)).to_be_visible()
    assert not named(visible_text(page), others)


def test_presentation_slides_show_a_village_head_only_their_village(
    town: Town, page: Page, config: TownConfig
) -> None:
    others = set(config.villages) - {VILLAGE}
    page.goto(url(town.private, present="1", village=OTHER))
    settle(page, charts=False)
    log_in(page, HEAD)  # public viewing off: the slides wait for the login
    for slide in range(1, 7):
        expect(page.locator(".fd-slide-head span")).to_contain_text(f"{slide}/6", timeout=60_000)
        done(page)
        page.wait_for_timeout(800)
        assert not named(visible_text(page), others), slide
        if slide == 2:  # the ranking slide: the town's, every village
            # The ranking in one chart (4:3) or two halves side by side (16:9).
            page.wait_for_selector("[class*=st-key-present_ranking] .main-svg", timeout=60_000)
            bars = "".join(page.locator("[class*=st-key-present_ranking]").all_text_contents())
            assert all(village in bars for village in config.villages)
            shoot(page, "head_present_ranking", folder=SHOTS)
        page.keyboard.press("PageDown")


# Logging in.


def test_five_wrong_passwords_lock_the_account(town: Town, page: Page) -> None:
    page.goto(url(town.private))
    settle(page, charts=False)
    for attempt in range(1, 6):
        messages = submit_login(page, LOCKED, f"wrong-password-{attempt}")
        ACTIONS.append((LOCKED, "login_failed" if attempt < 5 else "lockout"))
        if attempt < 5:
            assert users.WRONG_LOGIN in messages, messages
    assert text("account_locks", failures=5, name=LOCKED, minutes=15) in messages, messages
    messages = submit_login(page, LOCKED, PASSWORD)  # the right password, too late
    ACTIONS.append((LOCKED, "login_failed"))
    assert text("account_locked", name=LOCKED, failures=5, minutes=15) in messages, messages
    expect(page.locator(".st-key-auth_logout")).to_have_count(0)
    expect(page.locator("[data-testid=stMetric]")).to_have_count(0)
    shoot(page, "locked_login", folder=SHOTS)
    assert users.locked_until(LOCKED, path=town.users) is not None


def test_the_audit_trail_holds_every_action_of_these_tests_in_order(
    town: Town, page: Page, tmp_path: Path
) -> None:
    audit_page = next(spec for spec in PAGES if spec.name == "audit")
    page.goto(url(town.public, audit_page))
    settle(page, charts=False)
    log_in(page, CLERK)
    settle(page, charts=False)
    expect(page.get_by_text(text("audit_intact", lines=len(ACTIONS)))).to_be_visible()
    trail = audit.read(town.audit)
    assert list(zip(trail["who"], trail["action"], strict=True)) == ACTIONS
    assert set(trail["address"]) == {"localhost"}  # Streamlit gives no IP for a local browser
    assert audit.verify_chain(town.audit).ok
    # The page's export holds the same lines, in the same order.
    book = openpyxl.load_workbook(save_download(page, "audit_download", tmp_path), read_only=True)
    rows = list(book.worksheets[0].iter_rows(min_row=4, values_only=True))
    header = list(rows[0])
    who, action = header.index(AUDIT_COLUMN_LABELS["who"]), header.index(AUDIT_COLUMN_LABELS["action"])
    assert [(row[who], row[action]) for row in rows[1:]] == [(w, AUDIT_ACTIONS[a]) for w, a in ACTIONS]
    shoot(page, "audit_trail", full=True, folder=SHOTS)
