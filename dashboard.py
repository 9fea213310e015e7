"""Entry point of the dashboard: page setup, who is logged in, navigation, the sidebar and the header line."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

import metrics
from firedash import access
from firedash.config import ConfigError, TownConfig
from firedash.glossary import PAGE_TITLES, text
from firedash.users import User
from ui import auth, data
from ui.controls import chosen_week, sidebar, url_view
from ui.format import import_stamp
from ui.layout import chrome_words, header, no_data, page_title
from ui.navigation import PageSpec, menu_visibility
from ui.present import is_presenting, present
from ui.style import projector_style


def navigation(user: User | None, config: TownConfig) -> tuple[PageSpec, StreamlitPage]:
    """Every page is registered (so a direct URL resolves, and is refused there); the menu lists only
    those this user may open, and none at all when the dashboard needs a login first."""
    pages = {
        spec: st.Page(
            spec.script,
            title=PAGE_TITLES[spec.name],
            icon=spec.icon,
            url_path=spec.url_path,
            default=(i == 0),
            visibility=visibility,
        )
        for i, (spec, visibility) in enumerate(menu_visibility(user, config))
    }
    menu = "sidebar" if access.can_view_dashboard(user, config) else "hidden"
    current = st.navigation(list(pages.values()), position=menu)
    return next(spec for spec, page in pages.items() if page.url_path == current.url_path), current


def main() -> None:
    presenting = is_presenting()
    st.set_page_config(
        page_title=text("app_title"),
        page_icon="🔥",
        layout="wide",
        initial_sidebar_state="collapsed" if presenting else "expanded",
    )
    projector_style()
    chrome_words()
    try:
        config = data.config()
    except ConfigError as exc:
        st.error(str(exc))
        return
    user = auth.current_user(config)
    spec, current = navigation(user, config)
    allowed = access.can_open_page(user, spec.name, config)
    auth.sidebar_block(user, show_form=allowed)  # else the page's place holds the login form
    if not allowed:
        page_title(spec.name)
        auth.closed_page(spec.name, user)
        return
    if spec.admin:  # the office's pages read no ticket and need no store
        current.run()
        return
    if presenting:
        run_presentation(config, user)
        return
    view = sidebar(config, user)
    if not data.store_exists():
        header(config, view, None)
        page_title(spec.name)
        no_data(text("no_store_hint"))
        return
    # The 周报 of a past week stands at that week's Sunday: the header says so (ui.controls.chosen_week).
    figures_as_of = (
        metrics.week_cut(config.campaign, chosen_week(config, view), view.as_of)
        if spec.name == "weekly"
        else None
    )
    try:
        with data.one_connection():
            header(
                config, view, import_stamp(data.cached(metrics.latest_import)), figures_as_of=figures_as_of
            )
            current.run()
    except data.StoreUnavailable as exc:
        no_data(str(exc))


def run_presentation(config: TownConfig, user: User | None) -> None:
    """?present=1: the meeting's slides in place of the page (ui.present), on the link's date and filters."""
    view = url_view(config, user)
    if not data.store_exists():
        no_data(text("no_store_hint"))
        return
    try:
        with data.one_connection():
            present(config, view)
    except data.StoreUnavailable as exc:
        no_data(str(exc))


main()
