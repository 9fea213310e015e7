"""Entry point of the dashboard: page setup, navigation, the shared sidebar controls and the header line."""

from __future__ import annotations

import streamlit as st

import metrics
from firedash.config import ConfigError
from firedash.glossary import PAGE_TITLES, text
from ui import data
from ui.controls import sidebar
from ui.format import import_stamp
from ui.layout import header, no_data, page_title
from ui.navigation import PAGES


def main() -> None:
    st.set_page_config(
        page_title=text("app_title"), page_icon="🔥", layout="wide", initial_sidebar_state="expanded"
    )
    pages = {
        spec.name: st.Page(
            spec.script,
            title=PAGE_TITLES[spec.name],
            icon=spec.icon,
            url_path=spec.url_path,
            default=(i == 0),
        )
        for i, spec in enumerate(PAGES)
    }
    current = st.navigation(list(pages.values()))
    try:
        config = data.config()
    except ConfigError as exc:
        st.error(str(exc))
        return
    view = sidebar(config)
    if not data.store_exists():
        header(config, view, None)
        page_title(next(name for name, page in pages.items() if page.title == current.title))
        no_data(text("no_store_hint"))
        return
    try:
        with data.one_connection():
            header(config, view, import_stamp(data.cached(metrics.latest_import)))
            current.run()
    except data.StoreUnavailable as exc:
        no_data(str(exc))


main()
