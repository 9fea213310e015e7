"""Presentation mode (?present=1) in AppTest: every slide in agenda order with its figures, paging, the link."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import metrics
from firedash.glossary import PAGE_TITLES, text
from firedash.store import connect
from tests.test_pages import AS_OF, ROOT, open_app, sample_store_path, summary_at
from ui import data
from ui.present import NEXT_KEY, PREV_KEY, SLIDE_KEY, SLIDES, keys_script


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_store_path(tmp_path_factory)


@pytest.fixture
def on_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Point the app at a store (public viewing, the default town), with cold caches."""
    monkeypatch.setenv("FIREDASH_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("FIREDASH_AUDIT", str(tmp_path / "audit.jsonl"))
    monkeypatch.setenv("FIREDASH_CONFIG", str(ROOT / "data" / "town.toml"))
    data.clear()

    def point(db: Path) -> Path:
        monkeypatch.setenv("FIREDASH_DB", str(db))
        return db

    yield point
    data.clear()


AGENDA = (
    text("slide_overall", scope="全镇"),
    text("slide_ranking"),
    text("slide_overdue"),
    PAGE_TITLES["sectors"],
    PAGE_TITLES["timeline"],
    text("slide_week"),
)
# Charts each slide draws (the overall and overdue slides name things in words instead).
CHARTS = (0, 2, 0, 2, 2, 1)  # the long rankings in two halves side by side (a 16:9 screen, the default)


def html_text(app: AppTest) -> str:
    return "\n".join(str(element.proto.body) for element in app.get("html"))


def present(db, **params) -> AppTest:
    return open_app(db, present="1", as_of=AS_OF.isoformat(), **params)


def test_agenda_order() -> None:
    assert tuple(title for title, _ in SLIDES) == AGENDA


def test_every_slide_renders_its_figures_and_pages_on(sample_store, on_store) -> None:
    app = present(on_store(sample_store))
    for index, title in enumerate(AGENDA):
        assert not app.exception
        assert app.session_state[SLIDE_KEY] == index
        body = html_text(app)
        assert title in body and text("present_page", n=index + 1, total=len(AGENDA)) in body
        assert len(app.get("plotly_chart")) == CHARTS[index], title
        app.button(key=NEXT_KEY).click().run()
    assert app.session_state[SLIDE_KEY] == 0  # past the last slide: the first again (rotation)
    app.button(key=PREV_KEY).click().run()
    assert app.session_state[SLIDE_KEY] == len(AGENDA) - 1
    assert app.query_params["slide"] == str(len(AGENDA))


def test_no_sidebar_widgets_and_the_link_is_kept(sample_store, on_store) -> None:
    app = present(on_store(sample_store), auto="30")
    assert not app.sidebar.date_input and not app.sidebar.multiselect  # no filters drawn
    assert app.query_params["present"] == "1" and app.query_params["auto"] == "30"


def test_first_slide_names_lagging_villages_and_open_major_items(sample_store, on_store, config) -> None:
    db = on_store(sample_store)
    app = present(db)
    body = html_text(app)
    con = connect(db, read_only=True)
    try:
        ranked, _ = metrics.village_ranking(
            con, as_of=AS_OF, villages=config.villages, min_tickets=config.dashboard.min_tickets_to_rank
        )
        major = metrics.open_major_tickets(con, as_of=AS_OF)
    finally:
        con.close()
    last_three = ranked.sort_values("rank").tail(3)["village"].tolist()
    assert len(last_three) == 3 and all(v in body for v in last_three)
    first = ranked.sort_values("rank").iloc[0]["village"]
    assert f"{first}：" not in body  # the best village is not among the lagging
    figures = summary_at(db, AS_OF)
    # Every open 重大 or 挂牌督办 ticket is named: as many as the tiles count, each by its unit.
    assert len(major) >= max(figures["major_open"], figures["supervised_open"]) > 0
    assert all(unit in body for unit in major["unit"])
    assert text("attention_major", n=len(major)) in body


def test_open_major_tickets_match_the_summary(sample_store, config) -> None:
    con = connect(sample_store, read_only=True)
    try:
        for day in (dt.date(2023, 12, 20), AS_OF, config.campaign.end):
            major = metrics.open_major_tickets(con, as_of=day)
            figures = metrics.summary(con, as_of=day).iloc[0]
            assert (major["severity"] == "major").sum() == figures["major_open"]
            assert major["county_supervised"].fillna(False).astype(bool).sum() == figures["supervised_open"]
            assert major["ticket_id"].is_unique
    finally:
        con.close()


def test_a_slide_in_the_link_and_the_filters_hold(sample_store, on_store) -> None:
    app = present(on_store(sample_store), slide="4", village="东河村")
    assert app.session_state[SLIDE_KEY] == 3
    assert PAGE_TITLES["sectors"] in html_text(app)
    assert app.query_params["village"] == "东河村"


@pytest.mark.parametrize("seconds", [0, 30])
def test_the_key_script_is_inline_and_pages_by_the_hidden_buttons(seconds: int) -> None:
    script = keys_script(seconds)
    assert "http" not in script and "fetch(" not in script  # no network
    assert NEXT_KEY in script and PREV_KEY in script
    for key in ("ArrowRight", "PageDown", "' '", "ArrowLeft", "PageUp"):
        assert key in script
    assert f"const seconds = {seconds};" in script
